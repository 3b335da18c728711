import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, TEST_ADMIN_TOKEN } from '../test-server';
import { buildQuery, exchangeTcp, exchangeUdp, parse } from './dns-test-kit';

/**
 * `npm start` with DNS_WORKERS=2, as an operator runs it: two responder processes on one port,
 * a change INSYNC once both serve it, kill -9 of a responder replaced without losing service.
 */

let dir: string;
let child: ChildProcess;
let base = '';
let dnsPort = 0;
let output = '';
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dnsStatus = async () =>
  (await call(base, 'GET', '/api/dns')).body as {
    responders: number;
    port: number;
    zones: { id: string; name: string; inSync: boolean; version: number }[];
  };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latency-atlas-workers-'));
  child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DNS_PORT: '0',
      DNS_WORKERS: '2',
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      LATENCY_ATLAS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  base = await until(
    'the HTTP banner',
    async () => /listening on (http:\/\/\S+)/.exec(output)?.[1],
  );
  dnsPort = Number(
    await until('the DNS banner', async () => /DNS on 127\.0\.0\.1:(\d+)/.exec(output)?.[1]),
  );
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('DNS_WORKERS=2', () => {
  it('serves from two responders; a change is INSYNC once both serve it; kill -9 of one is survived', async () => {
    expect(output).toMatch(/2 responder processes/);
    const status = await dnsStatus();
    expect(status.responders).toBe(2);
    expect(status.port).toBe(dnsPort);
    const zone = status.zones.find((z) => z.name === 'example.com');
    expect(zone?.inSync).toBe(true);
    expect(parse(await exchangeUdp(dnsPort, buildQuery('app.example.com'))).answers[0]?.data).toBe(
      '192.0.2.10',
    );

    const res = await call(
      base,
      'POST',
      `/api/zones/${zone?.id}/rrsets`,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'two.example.com',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '203.0.113.2' }],
            },
          },
        ],
      },
      auth,
    );
    expect(res.status).toBe(200);
    const id = (res.body as { ChangeInfo: { Id: string } }).ChangeInfo.Id.replace('/change/', '');
    const started = Date.now();
    await until('INSYNC', async () => {
      const c = (await call(base, 'GET', `/api/changes/${id}`)).body as {
        ChangeInfo: { Status: string };
      };
      return c.ChangeInfo.Status === 'INSYNC' ? true : undefined;
    });
    expect(Date.now() - started).toBeLessThan(1000);
    // Both responders answer it: several queries over fresh sockets and connections.
    for (let i = 0; i < 10; i++) {
      expect(
        parse(await exchangeUdp(dnsPort, buildQuery('two.example.com', { id: i }))).answers[0]
          ?.data,
      ).toBe('203.0.113.2');
    }
    const tcp = await exchangeTcp(dnsPort, [buildQuery('two.example.com')]);
    expect(parse(tcp[0]).answers[0]?.data).toBe('203.0.113.2');

    // kill -9 one responder: DNS keeps answering, and a replacement comes up.
    const { execFileSync } = await import('node:child_process');
    const pids = execFileSync('pgrep', ['-P', String(child.pid)])
      .toString()
      .trim()
      .split(/\s+/)
      .map(Number);
    const victim = pids.find((p) => {
      try {
        return execFileSync('ps', ['-o', 'args=', '-p', String(p)])
          .toString()
          .includes('dns-worker-main');
      } catch {
        return false;
      }
    });
    expect(victim).toBeDefined();
    process.kill(victim as number, 'SIGKILL');
    let answered = 0;
    for (let i = 0; i < 20; i++) {
      const r = await exchangeUdp(dnsPort, buildQuery('two.example.com', { id: 500 + i }), 500);
      if (r && parse(r).answers[0]?.data === '203.0.113.2') answered++;
    }
    expect(answered).toBeGreaterThanOrEqual(18);
    await until('two responders again', async () =>
      (await dnsStatus()).responders === 2 ? true : undefined,
    );
  }, 60_000);
});
