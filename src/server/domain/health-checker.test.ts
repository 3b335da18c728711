import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CreateHealthCheckRequest, CreateHealthCheckRequestSchema } from '../../shared/health';
import { openRepository } from '../storage/open-repository';
import type { Repository } from '../storage/repository';
import { type CheckerClock, HealthChecker } from './health-checker';
import { HealthService } from './health-checks';
import { healthTargetRefusal } from './health-targets';

/**
 * The checker against real servers on loopback that the tests start and stop. Intervals of
 * 40 ms and short timeouts keep it quick; nothing but 127.0.0.1 is ever probed.
 */

type Mode = 'ok' | 'fail' | 'hang' | 'redirect';
let mode: Mode = 'ok';
let body = 'hello';
let httpPort = 0;
const hanging = new Set<http.ServerResponse>();
const httpServer = http.createServer((req, res) => {
  if (mode === 'hang') {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return;
  }
  if (req.url === '/big') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${'x'.repeat(5120)}needle`);
    return;
  }
  if (mode === 'redirect') {
    res.writeHead(302, { location: '/elsewhere' });
    res.end();
    return;
  }
  res.writeHead(mode === 'ok' ? 200 : 503, { 'content-type': 'text/plain' });
  res.end(body);
});

let tcpPort = 0;
let tcpServer: net.Server | null = null;
function openTcp(port = 0): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => socket.end());
    tcpServer = server;
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}
function closeTcp(): Promise<void> {
  return new Promise((resolve) => {
    if (!tcpServer) return resolve();
    tcpServer.close(() => resolve());
    tcpServer = null;
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  httpPort = (httpServer.address() as net.AddressInfo).port;
  tcpPort = await openTcp();
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await closeTcp();
  await new Promise<void>((resolve) => httpServer.close(() => resolve()));
});

let repo: Repository;
let health: HealthService;
let checker: HealthChecker;
beforeEach(async () => {
  mode = 'ok';
  body = 'hello';
  repo = await openRepository('sqlite::memory:');
  health = new HealthService(repo, { allowPrivate: true });
  checker = new HealthChecker({
    health,
    intervalMs: 40,
    timeouts: { connectMs: 300, responseMs: 150, tcpConnectMs: 300 },
    random: () => 0,
  });
});
afterEach(async () => {
  await checker.stop();
  for (const res of hanging) res.destroy();
  hanging.clear();
  await repo.close();
});

async function create(config: CreateHealthCheckRequest['HealthCheckConfig'], name = 'check') {
  return health.create(
    CreateHealthCheckRequestSchema.parse({ Name: name, HealthCheckConfig: config }),
    'test',
  );
}

/** Polls until fn() is true (checks every 10 ms, gives up after `ms`). */
async function until(fn: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const healthy = async (id: string) => (await repo.getHealth([id])).get(id);
const lastReason = async (id: string) => (await repo.listHealthObservations(id, 1))[0]?.reason;

describe('HealthChecker', () => {
  it('HTTP: 200 healthy, 503 unhealthy after FailureThreshold, a hang times out, back on 200', async () => {
    const check = await create({
      Type: 'HTTP',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      FailureThreshold: 3,
    });
    const transitions: boolean[] = [];
    health.onTransition((t) => {
      if (t.healthCheckId === check.id) transitions.push(t.to);
    });
    await checker.start();
    await until(async () => (await lastReason(check.id)) === 'OK 200');
    expect((await repo.getHealthStates([check.id])).get(check.id)).toMatchObject({
      healthy: true,
      source: 'checker',
    });

    mode = 'fail';
    await until(async () => (await lastReason(check.id)) === 'HTTP 503');
    // Fewer than three failures: still healthy.
    const failures = (await repo.listHealthObservations(check.id, 3)).filter((o) => !o.healthy);
    if (failures.length < 3) expect(await healthy(check.id)).toBe(true);
    await until(async () => (await healthy(check.id)) === false);
    const obs = await repo.listHealthObservations(check.id, 3);
    expect(obs.map((o) => o.reason)).toEqual(['HTTP 503', 'HTTP 503', 'HTTP 503']);

    mode = 'hang';
    await until(async () => (await lastReason(check.id)) === 'response timeout');
    expect(await healthy(check.id)).toBe(false);

    mode = 'ok';
    await until(async () => (await healthy(check.id)) === true);
    expect(transitions).toEqual([false, true]);
    const status = await health.status(check.id);
    expect(status).toMatchObject({
      Status: 'Healthy',
      Source: 'checker',
      CheckerStatus: 'Healthy',
    });
    expect(status.LastObservations[0]).toMatchObject({ Healthy: true, Reason: 'OK 200' });
    expect(status.LastObservations[0]?.LatencyMs).toBeGreaterThanOrEqual(0);
  });

  it('never has more than one probe in flight per check', async () => {
    mode = 'hang';
    const check = await create({ Type: 'HTTP', IPAddress: '127.0.0.1', Port: httpPort });
    await checker.start();
    await new Promise((r) => setTimeout(r, 100));
    // 40 ms interval, 150 ms response timeout: one request at a time is open.
    expect(hanging.size).toBe(1);
    await until(async () => (await lastReason(check.id)) === 'response timeout');
  });

  it('keeps at most `concurrency` probes in flight across checks', async () => {
    mode = 'hang';
    const one = new HealthChecker({
      health,
      intervalMs: 40,
      concurrency: 1,
      timeouts: { connectMs: 300, responseMs: 150, tcpConnectMs: 300 },
      random: () => 0,
    });
    const a = await create({ Type: 'HTTP', IPAddress: '127.0.0.1', Port: httpPort });
    const b = await create({ Type: 'HTTP', IPAddress: '127.0.0.1', Port: httpPort });
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, hanging.size);
    }, 5);
    await one.start();
    try {
      await until(async () => (await lastReason(a.id)) !== undefined);
      await until(async () => (await lastReason(b.id)) !== undefined);
    } finally {
      clearInterval(watch);
      await one.stop();
    }
    expect(most).toBe(1);
  });

  it('3xx is healthy, as in Route 53', async () => {
    mode = 'redirect';
    const check = await create({
      Type: 'HTTP',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      FailureThreshold: 1,
    });
    await checker.start();
    await until(async () => (await lastReason(check.id)) === 'OK 302');
  });

  it('TCP: healthy while the listener is up, connection refused once it is closed', async () => {
    const check = await create({
      Type: 'TCP',
      IPAddress: '127.0.0.1',
      Port: tcpPort,
      FailureThreshold: 1,
    });
    await checker.start();
    await until(async () => (await lastReason(check.id)) === 'connected');
    expect(await healthy(check.id)).toBe(true);
    await closeTcp();
    try {
      await until(async () => (await healthy(check.id)) === false);
      expect(await lastReason(check.id)).toBe('connection refused');
    } finally {
      await openTcp(tcpPort);
    }
    await until(async () => (await healthy(check.id)) === true);
  });

  it('string match: found, not found, and only in the first 5,120 bytes', async () => {
    body = 'status: all good';
    const found = await create({
      Type: 'HTTP_STR_MATCH',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      SearchString: 'all good',
      FailureThreshold: 1,
    });
    const missing = await create({
      Type: 'HTTP_STR_MATCH',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      SearchString: 'on fire',
      FailureThreshold: 1,
    });
    const tooLate = await create({
      Type: 'HTTP_STR_MATCH',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      ResourcePath: '/big',
      SearchString: 'needle',
      FailureThreshold: 1,
    });
    await checker.start();
    await until(async () => (await lastReason(tooLate.id)) !== undefined);
    await until(async () => (await lastReason(missing.id)) !== undefined);
    await until(async () => (await lastReason(found.id)) !== undefined);
    expect(await lastReason(found.id)).toBe('OK 200');
    expect(await healthy(found.id)).toBe(true);
    expect(await lastReason(missing.id)).toBe('string not found');
    expect(await healthy(missing.id)).toBe(false);
    expect(await lastReason(tooLate.id)).toBe('string not found');
  });

  it('CALCULATED follows its children; Inverted flips; Disabled is healthy and not probed', async () => {
    const up = await create({
      Type: 'TCP',
      IPAddress: '127.0.0.1',
      Port: tcpPort,
      FailureThreshold: 1,
    });
    const down = await create({
      Type: 'HTTP',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      ResourcePath: '/',
      FailureThreshold: 1,
    });
    const all = await create({
      Type: 'CALCULATED',
      ChildHealthChecks: [up.id, down.id],
      HealthThreshold: 2,
    });
    const any = await create({
      Type: 'CALCULATED',
      ChildHealthChecks: [up.id, down.id],
      HealthThreshold: 1,
    });
    const inverted = await create({
      Type: 'TCP',
      IPAddress: '127.0.0.1',
      Port: tcpPort,
      Inverted: true,
      FailureThreshold: 1,
    });
    const disabled = await create({
      Type: 'HTTP',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      Disabled: true,
    });
    mode = 'fail';
    await checker.start();
    expect(checker.probing.sort()).toEqual([up.id, down.id, inverted.id].sort());
    await until(async () => (await healthy(down.id)) === false);
    await until(async () => (await healthy(inverted.id)) === false);
    expect(await healthy(all.id)).toBe(false);
    expect(await healthy(any.id)).toBe(true);
    expect((await health.status(all.id)).Source).toBe('calculated');
    expect(await healthy(disabled.id)).toBe(true);
    expect(await repo.listHealthObservations(disabled.id)).toEqual([]);
    expect((await health.status(disabled.id)).Source).toBe('disabled');

    mode = 'ok';
    await until(async () => (await healthy(all.id)) === true);
    const transitions = await health.transitions({});
    expect(transitions.find((t) => t.HealthCheckId === all.id && t.To === 'Healthy')?.Reason).toBe(
      '2 of 2 child health checks healthy (threshold 2)',
    );
  });

  it('an override wins over the checker until cleared', async () => {
    mode = 'fail';
    const check = await create({
      Type: 'HTTP',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      FailureThreshold: 1,
    });
    await checker.start();
    await until(async () => (await healthy(check.id)) === false);
    await health.setOverride(check.id, true, 'maintenance window', 'ops');
    expect(await healthy(check.id)).toBe(true);
    const status = await health.status(check.id);
    expect(status).toMatchObject({
      Status: 'Healthy',
      Source: 'override',
      CheckerStatus: 'Unhealthy',
      Override: { Status: 'Healthy', By: 'ops', Reason: 'maintenance window' },
    });
    await health.clearOverride(check.id, 'ops');
    expect(await healthy(check.id)).toBe(false);
  });

  it('picks up new, changed and deleted checks while running', async () => {
    await checker.start();
    expect(checker.probing).toEqual([]);
    const check = await create({ Type: 'HTTP', IPAddress: '127.0.0.1', Port: httpPort });
    await until(async () => checker.probing.includes(check.id));
    await until(async () => (await lastReason(check.id)) === 'OK 200');
    await health.update(check.id, { HealthCheckVersion: 1, Disabled: true }, 'test');
    await until(async () => !checker.probing.includes(check.id));
    await health.update(check.id, { HealthCheckVersion: 2, Disabled: false }, 'test');
    await until(async () => checker.probing.includes(check.id));
    await health.delete(check.id, 'test');
    await until(async () => checker.probing.length === 0);
  });

  it('refuses private targets at probe time without the allowance, names resolved at check time', async () => {
    const strict = new HealthService(repo, { allowPrivate: false });
    const lookups: string[] = [];
    const guarded = new HealthChecker({
      health: strict,
      intervalMs: 40,
      random: () => 0,
      lookup: async (host) => {
        lookups.push(host);
        return [{ address: '10.1.2.3', family: 4 }];
      },
    });
    // Created while allowed (another process's setting, say), probed by a strict checker.
    const ip = await create({
      Type: 'HTTP',
      IPAddress: '127.0.0.1',
      Port: httpPort,
      FailureThreshold: 1,
    });
    const name = await create({
      Type: 'HTTP',
      FullyQualifiedDomainName: 'internal.example',
      Port: httpPort,
      FailureThreshold: 1,
    });
    await guarded.start();
    try {
      await until(async () => (await lastReason(ip.id)) !== undefined);
      await until(async () => (await lastReason(name.id)) !== undefined);
      expect(await lastReason(ip.id)).toBe('refused: 127.0.0.1 is in the loopback range');
      expect(await lastReason(name.id)).toBe(
        'refused: resolves to a private address (10.1.2.3 is in a private range (RFC 1918))',
      );
      expect(lookups[0]).toBe('internal.example');
      expect(await healthy(ip.id)).toBe(false);
    } finally {
      await guarded.stop();
    }
  });

  it('runs on the clock and timers it is given', async () => {
    const timers: { at: number; fn: () => void }[] = [];
    let now = Date.UTC(2026, 0, 1);
    const clock: CheckerClock = {
      now: () => new Date(now),
      setTimeout: (fn, ms) => {
        const t = { at: now + ms, fn };
        timers.push(t);
        return t;
      },
      clearTimeout: (h) => {
        const i = timers.indexOf(h as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
    };
    const manual = new HealthChecker({ health, clock, random: () => 0.5, resyncMs: 60_000 });
    const check = await create({ Type: 'HTTP', IPAddress: '127.0.0.1', Port: httpPort });
    await manual.start();
    try {
      // First probe jittered within the first second; then every RequestInterval (30 s).
      const first = timers.find((t) => t.at === now + 500);
      expect(first).toBeDefined();
      timers.splice(timers.indexOf(first as (typeof timers)[number]), 1);
      now += 500;
      first?.fn();
      await until(async () => (await lastReason(check.id)) === 'OK 200');
      expect((await repo.listHealthObservations(check.id))[0]?.at).toBe('2026-01-01T00:00:00.500Z');
      await until(async () => timers.some((t) => t.at === Date.UTC(2026, 0, 1) + 30_500));
    } finally {
      await manual.stop();
    }
    expect(timers).toEqual([]);
  });
});

/** A self-signed certificate for `origin.test` (openssl from Debian), or null without openssl. */
function selfSigned(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'latency-atlas-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=origin.test',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('HTTPS checks', () => {
  const tls = selfSigned();
  it.skipIf(tls === null)(
    'do not validate the certificate; SNI and Host are the FQDN; string match over TLS',
    async () => {
      const seen: { host?: string; servername?: string | false | null }[] = [];
      const server = https.createServer(tls ?? {}, (req, res) => {
        seen.push({ host: req.headers.host, servername: (req.socket as TLSSocket).servername });
        res.writeHead(200);
        res.end('tls ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      try {
        const check = await create({
          Type: 'HTTPS_STR_MATCH',
          IPAddress: '127.0.0.1',
          FullyQualifiedDomainName: 'origin.test',
          Port: port,
          SearchString: 'tls ok',
          FailureThreshold: 1,
        });
        await checker.start();
        await until(async () => (await lastReason(check.id)) === 'OK 200');
        expect(await healthy(check.id)).toBe(true);
        expect(seen[0]).toEqual({ host: `origin.test:${port}`, servername: 'origin.test' });
      } finally {
        await checker.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );
});

describe('healthTargetRefusal', () => {
  it.each([
    ['127.0.0.1', 'the loopback range'],
    ['10.0.0.1', 'a private range (RFC 1918)'],
    ['192.168.1.1', 'a private range (RFC 1918)'],
    ['172.16.0.1', 'a private range (RFC 1918)'],
    ['169.254.169.254', 'the cloud metadata service'],
    ['169.254.1.1', 'a link-local range'],
    ['100.64.0.1', 'the carrier-grade NAT range (100.64.0.0/10)'],
    ['224.0.0.1', 'a multicast range'],
    ['0.0.0.0', 'the unspecified address'],
    ['::1', 'the loopback range'],
    ['fe80::1', 'a link-local range'],
    ['fd00:ec2::254', 'the cloud metadata service'],
    ['fc00::1', 'a unique-local range (fc00::/7)'],
    ['::ffff:10.0.0.1', 'a private range (RFC 1918)'],
    ['::', 'the unspecified address'],
  ])('refuses %s (%s)', (address, why) => {
    expect(healthTargetRefusal(address, false)).toBe(why);
    expect(healthTargetRefusal(address, true)).toBeNull();
  });

  it.each(['8.8.8.8', '2606:4700::1111', '81.2.69.160'])('allows public %s', (address) => {
    expect(healthTargetRefusal(address, false)).toBeNull();
  });
});
