import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Tests only: a throwaway PostgreSQL server (initdb + pg_ctl) in a temp folder on a free
 * loopback port, stopped and removed by stop(). PostgreSQL refuses to run as root, so as root
 * it runs as the `postgres` user (as NOTES.md describes); otherwise as the current user.
 */

const run = promisify(execFile);

export interface PgTestServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** A fresh database on this server (for one test's isolation), as a URL. */
  createDatabase(name?: string): Promise<string>;
  /** Shuts the server down (fast: clients are disconnected), keeping its data. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The PostgreSQL binaries, or null when this machine has none. */
export async function findPgBin(): Promise<string | null> {
  for (const dir of [
    '/usr/local/bin',
    '/usr/lib/postgresql/15/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/bin',
  ]) {
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return null;
}

let counter = 0;

/**
 * `maxConnections`: the server's max_connections (default 200). `fsync`: flush commits to disk
 * (default off: tests need no durability across a machine crash; benchmarks turn it on).
 */
export async function startPgTestServer(
  opts: { maxConnections?: number; fsync?: boolean } = {},
): Promise<PgTestServer> {
  const bin = await findPgBin();
  if (bin === null) throw new Error('PostgreSQL (initdb, pg_ctl) is not installed');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'latency-atlas-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const as = async (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    return root ? run('runuser', ['-u', 'postgres', '--', full, ...args]) : run(full, args);
  };
  if (root) {
    const info = await run('id', ['-u', 'postgres']);
    const gid = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(info.stdout.trim()), Number(gid.stdout.trim()));
  }
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const start = () =>
    as('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${opts.fsync === true ? 'on' : 'off'} -c max_connections=${opts.maxConnections ?? 200}`,
      '-w',
      '-l',
      join(dir, 'log'),
      'start',
    ]);
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async createDatabase(name) {
      counter += 1;
      const db = name ?? `t${process.pid}_${counter}_${Date.now().toString(36)}`;
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${db}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${db}`;
    },
    async pause() {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async resume() {
      await start();
    },
    async stop() {
      try {
        await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
