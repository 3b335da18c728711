/**
 * `npm run bench`: prints the figures the issues ask for. Speed lives here, never in
 * timed tests: the machines are shared and noisy, so each figure is a median or a
 * rate over a fixed amount of work, and the targets are printed beside them.
 */
import { benchEngine } from './engine';
import { benchHttp } from './http';
import { benchIngest } from './ingest';
import { benchInstances } from './instances';
import { benchIpLookups } from './ip';
import { benchMeasured } from './measured';
import { benchScale } from './scale';
import { benchWeb } from './web';

type Figure = { label: string; value: string };
const suites: [string, () => Promise<Figure[]>][] = [
  ['routing engine', benchEngine],
  ['IP lookups', benchIpLookups],
  ['measured latency (accuracy, speed)', benchMeasured],
  ['measurement ingest (SQLite)', benchIngest],
  ['control API (autocannon, loopback)', benchHttp],
  ['several instances (PostgreSQL: apply, INSYNC, writers)', benchInstances],
  ['scale (memory, rebuild, disk per record set)', benchScale],
  ['dashboard (built bundle, Chromium)', benchWeb],
  ['DNS serving (dnsperf vs gdnsd)', async () => (await import('./dns')).dnsSuite()],
];

const only = process.argv.slice(2);
let failed = false;
for (const [name, run] of suites) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  console.log(`\n## ${name}`);
  try {
    const figures = await run();
    const width = Math.max(...figures.map((f) => f.label.length));
    for (const f of figures) console.log(`  ${f.label.padEnd(width)}  ${f.value}`);
  } catch (error) {
    failed = true;
    console.log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exit(failed ? 1 : 0);
