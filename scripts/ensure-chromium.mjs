// pretest: the e2e tests drive Debian's Chromium. Install it when it is missing,
// so `npm test` works on a fresh machine (Playwright's own browser download is
// not reachable here and is disabled with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (existsSync(chromium)) process.exit(0);

console.log(`[pretest] ${chromium} is missing: installing Debian's chromium (about 30 s)`);
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
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium']);
} catch (error) {
  console.error(
    `[pretest] could not install chromium (${error.message}).\n` +
      'Install it yourself: sudo apt-get install -y chromium, or set CHROMIUM_PATH.',
  );
  process.exit(1);
}
if (!existsSync(chromium)) {
  console.error(`[pretest] chromium installed but ${chromium} is still missing`);
  process.exit(1);
}
