import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../shared/auth';
import { buildApp } from './app';
import { createAwsKeyPair } from './auth/aws-keys';
import { ensureAdminTokens } from './auth/bootstrap-tokens';
import { generateTokenSecret, hashTokenSecret } from './auth/token-secret';
import { type DnsServer, startDnsServer } from './dns/dns-server';
import type { BeaconLimits } from './domain/beacon';
import { type AddressLookup, HealthChecker } from './domain/health-checker';
import { HealthService } from './domain/health-checks';
import type { ProbeTimeouts } from './domain/health-probe';
import { createMeasurementService, type MeasurementService } from './domain/measurements';
import { ResponderRegistry } from './domain/responders';
import { UpstreamService } from './domain/upstream';
import { ZoneIndex } from './domain/zone-index';
import { loadGeo } from './geo/load-geo';
import { openSecretBox, type SecretBox } from './secrets/secret-box';
import { openRepository } from './storage/open-repository';
import type { Repository } from './storage/repository';
import { seedDemo } from './storage/seed-demo';
import { createUpstreamClient } from './upstream/route53-client';

/**
 * The admin secret every test server starts with, as main.ts does with
 * LATENCY_ATLAS_ADMIN_TOKEN (token name `admin-env`). Tests only.
 */
export const TEST_ADMIN_TOKEN = 'la_test-admin-token-for-tests-only-000000000';

/** A real server for tests and benchmarks: temp SQLite file, loopback, port 0. */
export interface TestServer {
  base: string;
  app: FastifyInstance;
  repository: Repository;
  dir: string;
  dbFile: string;
  /** TEST_ADMIN_TOKEN as an Authorization header: what writes in tests send. */
  adminHeaders: Record<string, string>;
  /** The DNS server on a free loopback port, when started with `dns: true`. */
  dns: DnsServer | null;
  /** Its heartbeat among every instance's responders (stopped on close), with `dns: true`. */
  responders: ResponderRegistry | null;
  /** The health-check service the routes write through. */
  health: HealthService;
  /** The checker, when started with `healthChecker: true`. */
  checker: HealthChecker | null;
  /** Measured latency, shared by the routes and the DNS server. */
  measurements: MeasurementService;
  /** Makes a token (as `npm run token -- create` does) and returns its secret. */
  createToken(name: string, role: Role): Promise<string>;
  /** Makes a token with an AWS access key pair bound to it (`--aws`). */
  createAwsKey(name: string, role: Role): Promise<{ accessKeyId: string; secretAccessKey: string }>;
  /** The server key sealing stored secrets (in `dir`). */
  secretBox: SecretBox;
  /** Upstream mirroring; its poller runs every `upstreamPollMs` (default 100 ms). */
  upstream: UpstreamService;
  /** Close app and repository (keeps the files). */
  stop(): Promise<void>;
  /** stop() and delete the temp directory. */
  close(): Promise<void>;
}

export async function startTestServer(
  opts: {
    demo?: boolean;
    dir?: string;
    webRoot?: string;
    privateReads?: boolean;
    /** Also serve DNS (UDP+TCP) on 127.0.0.1, a free port, from the same zone index. */
    dns?: boolean;
    /** How often the DNS server looks for changes, ms (default 100). */
    dnsRefreshMs?: number;
    /** Run the health checker (default off: checks exist but are not probed). */
    healthChecker?: boolean;
    /** The checker's name → addresses lookup (default node:dns). */
    healthLookup?: AddressLookup;
    /** Health checks may target loopback and private addresses (default: refused). */
    allowPrivateHealthTargets?: boolean;
    /** Every check's interval, ms (LATENCY_ATLAS_HEALTH_INTERVAL_MS), for the checker. */
    healthIntervalMs?: number;
    /** The checker's probe timeouts, ms (default Route 53's 4 s / 2 s / 10 s). */
    healthTimeouts?: Partial<ProbeTimeouts>;
    /** How long an event ticket may open a stream, ms (default 60 s). */
    eventTicketTtlMs?: number;
    /** How often the DNS server looks at routing models, ms (default 1000). */
    dnsModelCheckMs?: number;
    /** Raw measurement retention, days (default 30). */
    measurementRetentionDays?: number;
    /** The clock measurements are judged by (ms epoch), for tests of windows and retention. */
    measurementNow?: () => number;
    /** Storage (default: a temp SQLite file); e.g. a PostgreSQL database shared by instances. */
    databaseUrl?: string;
    /** How often pushed upstream changes are polled, ms (default 100). */
    upstreamPollMs?: number;
    /** Beacon posts from loopback count as from this address. */
    beaconLoopbackAddress?: string;
    beaconLimits?: Partial<BeaconLimits>;
    /** With `dns`: how often the responder heartbeat runs, ms (default 1000). */
    heartbeatMs?: number;
    /** With `dns`: how long a responder stays live without a heartbeat, ms (default 5000). */
    responderLiveMs?: number;
    /** With `dns`: report what DNS serves as soon as it changes (default true; else only at heartbeats). */
    reportOnServe?: boolean;
  } = {},
): Promise<TestServer> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'latency-atlas-'));
  const dbFile = join(dir, 'test.db');
  // LATENCY_ATLAS_TEST_DATABASE=postgres runs a test server on its own throwaway PostgreSQL.
  const pgServer =
    opts.databaseUrl === undefined && process.env.LATENCY_ATLAS_TEST_DATABASE === 'postgres'
      ? await (await import('./storage/postgres/pg-test-server')).startPgTestServer()
      : null;
  const databaseUrl =
    opts.databaseUrl ?? (pgServer ? await pgServer.createDatabase() : `sqlite:${dbFile}`);
  const repository = await openRepository(databaseUrl);
  if (opts.demo) await seedDemo(repository);
  await ensureAdminTokens(repository, { configuredSecret: TEST_ADMIN_TOKEN });
  const zoneIndex = new ZoneIndex(repository);
  const secretBox = openSecretBox({ dataDir: dir });
  const upstream = new UpstreamService(repository, secretBox, (c) =>
    createUpstreamClient(c, { retryDelaysMs: [50, 100, 200], timeoutMs: 5_000 }),
  );
  const measurements = createMeasurementService(repository, loadGeo(), {
    ...(opts.measurementRetentionDays !== undefined
      ? { settings: { retentionDays: opts.measurementRetentionDays } }
      : {}),
    ...(opts.measurementNow !== undefined ? { now: opts.measurementNow } : {}),
  });
  let onServed = () => {};
  const dns = opts.dns
    ? await startDnsServer({
        onServed: () => onServed(),
        repository,
        geo: loadGeo(),
        host: '127.0.0.1',
        port: 0,
        index: zoneIndex,
        measurements,
        ...(opts.dnsRefreshMs !== undefined ? { refreshMs: opts.dnsRefreshMs } : {}),
        ...(opts.dnsModelCheckMs !== undefined ? { modelCheckMs: opts.dnsModelCheckMs } : {}),
      })
    : null;
  const responders = dns
    ? new ResponderRegistry(repository, dns, {
        ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
        ...(opts.responderLiveMs !== undefined ? { liveMs: opts.responderLiveMs } : {}),
      })
    : null;
  await responders?.start();
  if (responders && opts.reportOnServe !== false) onServed = () => responders.served();
  const health = new HealthService(repository, {
    allowPrivate: opts.allowPrivateHealthTargets === true,
  });
  const app = buildApp({
    repository,
    geo: loadGeo(),
    zoneIndex,
    dns,
    responders,
    health,
    measurements,
    secretBox,
    upstream,
    ...(opts.beaconLoopbackAddress !== undefined
      ? { beaconLoopbackAddress: opts.beaconLoopbackAddress }
      : {}),
    ...(opts.beaconLimits !== undefined ? { beaconLimits: opts.beaconLimits } : {}),
    ...(opts.webRoot !== undefined ? { webRoot: opts.webRoot } : {}),
    ...(opts.privateReads ? { privateReads: true } : {}),
    ...(opts.eventTicketTtlMs !== undefined ? { eventTicketTtlMs: opts.eventTicketTtlMs } : {}),
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const checker = opts.healthChecker
    ? new HealthChecker({
        health,
        // Several test servers share a process: each is a checker of its own.
        checkerId: responders?.id ?? `test:${process.pid}:${Math.random().toString(36).slice(2)}`,
        ...(opts.healthIntervalMs !== undefined ? { intervalMs: opts.healthIntervalMs } : {}),
        ...(opts.healthTimeouts !== undefined ? { timeouts: opts.healthTimeouts } : {}),
        ...(opts.healthLookup !== undefined ? { lookup: opts.healthLookup } : {}),
      })
    : null;
  await checker?.start();
  upstream.start({ pollMs: opts.upstreamPollMs ?? 100 });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await checker?.stop();
    upstream.stop();
    await responders?.stop();
    await app.close();
    await dns?.close();
    await repository.close();
    await pgServer?.stop();
  };
  return {
    base,
    app,
    repository,
    dir,
    dbFile,
    dns,
    responders,
    health,
    checker,
    measurements,
    adminHeaders: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    async createToken(name, role) {
      const secret = generateTokenSecret();
      await repository.createApiToken({ name, role, hash: hashTokenSecret(secret) });
      return secret;
    },
    async createAwsKey(name, role) {
      const token = await repository.createApiToken({
        name,
        role,
        hash: hashTokenSecret(generateTokenSecret()),
      });
      return createAwsKeyPair(repository, secretBox, token.id);
    },
    secretBox,
    upstream,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** fetch + JSON: status, parsed body (or text), headers. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in headers)) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json') && text) {
    parsed = JSON.parse(text);
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}
