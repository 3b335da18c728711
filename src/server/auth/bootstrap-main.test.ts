import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../test-server';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

interface Started {
  child: ChildProcessWithoutNullStreams;
  base: string;
  output: () => string;
}

/** `npm start`'s server process (tsx src/server/main.ts) on port 0; resolves once it listens. */
function startMain(env: Record<string, string>): Promise<Started> {
  const child = spawn(TSX, ['src/server/main.ts', '--no-demo'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LATENCY_ATLAS_ADMIN_TOKEN: '', ...env },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      // The first-admin banner is printed right after this line: give it a moment to arrive.
      const base = m?.[1];
      if (base) setTimeout(() => resolve({ child, base, output: () => out }), 300);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`main.ts exited with ${code}: ${out}`)));
  });
}

async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latency-atlas-main-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm start bootstrap', () => {
  it('prints a first admin token once on a new database; it works; a restart prints none', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'fresh.db')}` };
    const first = await startMain(env);
    let secret = '';
    try {
      const m = /first admin token: (la_[A-Za-z0-9_-]+)/.exec(first.output());
      expect(m, first.output()).not.toBeNull();
      secret = m?.[1] ?? '';
      expect(first.output()).toMatch(/keep it, it is not shown again/);
      const me = await call(first.base, 'GET', '/api/me', undefined, {
        authorization: `Bearer ${secret}`,
      });
      expect(me.body).toEqual({ name: 'admin', role: 'admin' });
    } finally {
      await stop(first);
    }
    const second = await startMain(env);
    try {
      expect(second.output()).not.toMatch(/first admin token/);
      const me = await call(second.base, 'GET', '/api/me', undefined, {
        authorization: `Bearer ${secret}`,
      });
      expect(me.status).toBe(200);
    } finally {
      await stop(second);
    }
  }, 60_000);

  it('LATENCY_ATLAS_ADMIN_TOKEN makes that exact secret an admin token (and no banner)', async () => {
    const secret = 'la_bootstrap-test-secret-0123456789';
    const started = await startMain({
      DATABASE_URL: `sqlite:${join(dir, 'configured.db')}`,
      LATENCY_ATLAS_ADMIN_TOKEN: secret,
    });
    try {
      expect(started.output()).not.toMatch(/first admin token/);
      const me = await call(started.base, 'GET', '/api/me', undefined, {
        authorization: `Bearer ${secret}`,
      });
      expect(me.body).toEqual({ name: 'admin-env', role: 'admin' });
    } finally {
      await stop(started);
    }
  }, 60_000);

  it('refuses to start with a weak LATENCY_ATLAS_ADMIN_TOKEN, saying why', async () => {
    await expect(
      startMain({
        DATABASE_URL: `sqlite:${join(dir, 'weak.db')}`,
        LATENCY_ATLAS_ADMIN_TOKEN: 'short',
      }),
    ).rejects.toThrow(/LATENCY_ATLAS_ADMIN_TOKEN must be 24–512 characters/);
  }, 60_000);
});
