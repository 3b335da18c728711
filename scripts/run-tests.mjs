// `npm test`: every check in order — types, lint (incl. import direction), unit
// and API tests (vitest; the API tests once more on PostgreSQL), the production build, end-to-end tests in Chromium
// (Playwright). Runs every stage even after a failure so one run shows all that is
// wrong, then prints one closing line: `tests: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const reports = 'reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', FORCE_COLOR: '0' };
const only = process.argv.slice(2); // e.g. `npm test -- unit e2e`

const stages = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', cmd: ['npx', 'biome', 'check', '.'] },
  {
    name: 'unit',
    cmd: [
      'npx',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reports}/vitest.json`,
    ],
    count: () => countVitest(`${reports}/vitest.json`),
  },
  {
    // The API tests again, each test server on its own throwaway PostgreSQL (issue 12): the
    // JSON API, Route 53's API with its real clients (SDK, AWS CLI, boto3, Terraform, moto
    // comparison, fuzz) and upstream. The storage contract runs on both engines in the unit
    // stage already.
    name: 'api-pg',
    cmd: [
      'npx',
      'vitest',
      'run',
      'src/server/routes',
      'src/server/route53',
      'src/server/upstream',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reports}/vitest-pg.json`,
    ],
    env: { LATENCY_ATLAS_TEST_DATABASE: 'postgres' },
    count: () => countVitest(`${reports}/vitest-pg.json`),
  },
  { name: 'build', cmd: ['npx', 'vite', 'build', '--logLevel', 'warn'] },
  {
    name: 'e2e',
    needs: 'build',
    cmd: ['npx', 'playwright', 'test', '--reporter=list,json'],
    env: {
      PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/playwright.json`,
      PLAYWRIGHT_JSON_OUTPUT_FILE: `${reports}/playwright.json`,
    },
    count: () => countPlaywright(`${reports}/playwright.json`),
  },
];

function readJson(path) {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function countVitest(path) {
  const r = readJson(path);
  if (!r) return null;
  return {
    passed: r.numPassedTests ?? 0,
    failed: r.numFailedTests ?? 0,
    skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
  };
}

function countPlaywright(path) {
  const r = readJson(path);
  if (!r?.stats) return null;
  const s = r.stats;
  return {
    passed: (s.expected ?? 0) + (s.flaky ?? 0),
    failed: s.unexpected ?? 0,
    skipped: s.skipped ?? 0,
  };
}

const results = [];
for (const stage of stages) {
  if (only.length && !only.includes(stage.name)) continue;
  if (stage.needs && results.find((r) => r.name === stage.needs && !r.ok)) {
    results.push({ name: stage.name, ok: false, note: `skipped: ${stage.needs} failed` });
    continue;
  }
  console.log(`\n=== ${stage.name}: ${stage.cmd.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(stage.cmd[0], stage.cmd.slice(1), {
    stdio: 'inherit',
    env: { ...env, ...stage.env },
  });
  const ok = run.status === 0;
  const counts = stage.count?.() ?? null;
  results.push({ name: stage.name, ok, counts, seconds: (Date.now() - started) / 1000 });
}

let passed = 0;
let failed = 0;
let skipped = 0;
console.log('\n=== summary');
for (const r of results) {
  const c = r.counts;
  if (c) {
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
  }
  if (!r.ok && (!c || c.failed === 0)) failed += 1; // a failed stage counts even without test counts
  const detail = c
    ? `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`
    : r.ok
      ? 'ok'
      : 'FAILED';
  console.log(
    `${r.name.padEnd(10)} ${r.ok ? 'ok  ' : 'FAIL'} ${detail}${r.note ? ` (${r.note})` : ''}${r.seconds ? ` in ${r.seconds.toFixed(1)} s` : ''}`,
  );
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
