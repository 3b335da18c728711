// pretest: the tests use real programs from Debian: Chromium (end-to-end tests), dig and kdig
// (DNS tests), PostgreSQL's server binaries (initdb, pg_ctl: the throwaway servers of the
// PostgreSQL tests), and for `npm run bench` dnsperf and gdnsd (the DNS peer). Install whichever is
// missing, so `npm test` works on a fresh machine (Playwright's own browser download is not
// reachable here and is disabled with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Debian package → a file it installs (any of several). */
const PACKAGES = {
  chromium,
  'bind9-dnsutils': '/usr/bin/dig',
  'knot-dnsutils': '/usr/bin/kdig',
  dnsperf: '/usr/bin/dnsperf',
  gdnsd: '/usr/sbin/gdnsd',
  // Where src/server/storage/postgres/pg-test-server.ts looks for initdb.
  postgresql: [
    '/usr/local/bin/initdb',
    '/usr/lib/postgresql/15/bin/initdb',
    '/usr/lib/postgresql/16/bin/initdb',
    '/usr/bin/initdb',
  ],
};
const present = (files) => [files].flat().some((f) => existsSync(f));

const missing = Object.entries(PACKAGES)
  .filter(([, files]) => !present(files))
  .map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

console.log(`[pretest] installing Debian packages: ${missing.join(' ')} (about a minute)`);
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const run = (args) => {
  const [cmd, ...rest] = asRoot ? args : ['sudo', '-n', ...args];
  execFileSync(cmd, rest, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
};
try {
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
} catch (error) {
  console.error(
    `[pretest] could not install ${missing.join(' ')} (${error.message}).\n` +
      `Install them yourself: sudo apt-get install -y ${missing.join(' ')}` +
      (missing.includes('chromium') ? ', or set CHROMIUM_PATH' : ''),
  );
  process.exit(1);
}
// gdnsd's and postgresql's packages start system services; the bench and the tests run their
// own instances on loopback (free ports, temp folders).
for (const service of ['gdnsd', 'postgresql']) {
  try {
    if (missing.includes(service) && existsSync('/usr/bin/systemctl')) {
      execFileSync('systemctl', ['disable', '--now', service], { stdio: 'ignore' });
    }
  } catch {
    // no systemd here: nothing was started
  }
}
const stillMissing = missing.filter((pkg) => !present(PACKAGES[pkg]));
if (stillMissing.length > 0) {
  console.error(
    `[pretest] installed, but still missing: ${stillMissing.map((p) => [PACKAGES[p]].flat()[0]).join(' ')}`,
  );
  process.exit(1);
}
