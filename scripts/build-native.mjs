// postinstall: build the optional native UDP batching addon (native/udp-batch). Any failure
// (no compiler, no headers, not Linux) leaves DNS on node:dgram and the install succeeds.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native', 'udp-batch');

/** node-gyp as bundled with npm (no download), else whatever npx finds offline. */
function nodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath) {
    candidates.push(
      join(
        dirname(process.env.npm_execpath),
        '..',
        'node_modules',
        'node-gyp',
        'bin',
        'node-gyp.js',
      ),
    );
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((c) => existsSync(c));
}

try {
  if (process.platform !== 'linux') throw new Error(`not Linux (${process.platform})`);
  if (!existsSync(join(dir, 'binding.gyp'))) throw new Error('native/udp-batch is missing');
  const gyp = nodeGyp();
  if (gyp === undefined) throw new Error('node-gyp not found');
  const args = [gyp, 'rebuild', '-C', dir];
  // Headers shipped with the system's Node (Debian: /usr/include/node) avoid a download.
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  execFileSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  const built = join(dir, 'build', 'Release', 'udp_batch.node');
  if (!existsSync(built)) throw new Error('build produced no udp_batch.node');
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(built)})`], { stdio: 'pipe' });
} catch (err) {
  const lines = err?.stderr ? String(err.stderr).trim().split('\n') : [];
  const stderr =
    lines.find((l) => /error/i.test(l) && !l.startsWith('gyp ERR!')) ?? lines.at(-1) ?? '';
  const why = (stderr || (err instanceof Error ? err.message : String(err))).split('\n')[0];
  console.log(`native UDP batching unavailable: ${why}; DNS uses node:dgram`);
}
process.exit(0);
