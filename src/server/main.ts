/**
 * `npm start`: read the environment, open storage, seed the demo zone on an empty database,
 * make sure an admin token exists, listen. PORT (8080), HOST (127.0.0.1), DATABASE_URL
 * (sqlite:./data/latency-atlas.db); `--no-demo` or LATENCY_ATLAS_NO_DEMO=1 skips the demo data;
 * LATENCY_ATLAS_PRIVATE=1 makes reads need a viewer token too; LATENCY_ATLAS_ADMIN_TOKEN=<secret>
 * makes that secret an admin token (`admin-env`), for automation and tests. On a database
 * without any token, a first admin token is made and printed once. The health checker runs
 * here: LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE=1 lets it probe private addresses,
 * LATENCY_ATLAS_HEALTH_INTERVAL_MS overrides every check's interval. Measured latency:
 * LATENCY_ATLAS_MEASUREMENT_RETENTION_DAYS (raw samples, 30) and
 * LATENCY_ATLAS_AGGREGATE_RETENTION_DAYS (hour aggregates, 400); hours are aggregated and old
 * samples pruned every minute here. LATENCY_ATLAS_SECRET_KEY (32 bytes, base64 or hex) seals
 * stored secrets (AWS access keys for Route 53's API); without it a key is made once in
 * `<data folder>/secret.key`. LATENCY_ATLAS_DRIFT_MINUTES (5): how often zones mirrored to an
 * upstream Route 53 hosted zone are compared with it.
 */
import { resolve } from 'node:path';
import { parseNameServers } from '../engine/apex-records';
import { parseIpAddress } from '../engine/client-subnet';
import { buildApp, type DnsEndpoint } from './app';
import {
  AdminTokenConfigError,
  ensureAdminTokens,
  firstAdminBanner,
} from './auth/bootstrap-tokens';
import { type DnsServer, startDnsServer } from './dns/dns-server';
import { type DnsWorkers, startDnsWorkers } from './dns/dns-workers';
import { HealthChecker } from './domain/health-checker';
import { HealthService } from './domain/health-checks';
import { createMeasurementService } from './domain/measurements';
import { ResponderRegistry } from './domain/responders';
import { UpstreamService } from './domain/upstream';
import { ZoneIndex } from './domain/zone-index';
import { loadImpactCities } from './geo/impact-cities';
import { loadGeo } from './geo/load-geo';
import { dataDirFromDatabaseUrl, openSecretBox, SecretBoxError } from './secrets/secret-box';
import { DatabaseUrlError, DEFAULT_DATABASE_URL, openRepository } from './storage/open-repository';
import { seedDemo } from './storage/seed-demo';
import { createUpstreamClient } from './upstream/route53-client';

function readPort(text: string | undefined): number {
  if (text === undefined || text === '') return 8080;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${text}"`);
  }
  return port;
}

/** DNS_PORT: a port (default 8053) or `off`. */
function readDnsPort(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return 8053;
  if (/^(off|false|no|0?)$/i.test(text.trim()) && text.trim() !== '0') return null;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`DNS_PORT must be a whole number from 0 to 65535 or "off", got "${text}"`);
  }
  return port;
}

/** DNS_WORKERS: responder processes (default 1: DNS answered in this process). */
function readDnsWorkers(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new Error(`DNS_WORKERS must be a whole number from 1 to 64, got "${text}"`);
  }
  return n;
}

/** The dig line the banner prints: loopback for a wildcard listen address. */
function digLine(host: string, port: number, name: string): string {
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `dig @${target} -p ${port} +norec ${name} A${name.startsWith('app.') ? ' +subnet=81.2.69.0/24' : ''}`;
}

/** LATENCY_ATLAS_HEALTH_INTERVAL_MS: every check's interval, ms, instead of its RequestInterval. */
function readHealthInterval(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 50 || ms > 3_600_000) {
    throw new Error(
      `LATENCY_ATLAS_HEALTH_INTERVAL_MS must be a whole number of ms from 50 to 3600000, got "${text}"`,
    );
  }
  return ms;
}

/** A whole number from the environment (1–3650 `unit`s), or the fallback when unset. */
function readDays(name: string, fallback: number, unit = 'days'): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 3650) {
    throw new StartError(`${name} must be a whole number of ${unit} from 1 to 3650, got "${text}"`);
  }
  return n;
}

/**
 * LATENCY_ATLAS_BEACON_LOOPBACK_IP: beacon posts from this machine count as from that public
 * address (local demos and tests); TRUST_PROXY: `true`, or the proxies' addresses/CIDRs, to take
 * the client address of beacon posts from X-Forwarded-For behind a reverse proxy.
 */
function readBeaconAndProxy(): { beaconLoopbackAddress?: string; trustProxy?: boolean | string } {
  const out: { beaconLoopbackAddress?: string; trustProxy?: boolean | string } = {};
  const loop = process.env.LATENCY_ATLAS_BEACON_LOOPBACK_IP?.trim();
  if (loop) {
    if (parseIpAddress(loop) === null) {
      throw new StartError(`LATENCY_ATLAS_BEACON_LOOPBACK_IP "${loop}" is not an IP address`);
    }
    out.beaconLoopbackAddress = loop;
  }
  const proxy = process.env.TRUST_PROXY?.trim();
  if (proxy) out.trustProxy = /^(1|true|yes|on)$/i.test(proxy) ? true : proxy;
  return out;
}

/** How often hours are aggregated and old samples pruned, ms. */
const COMPACT_EVERY_MS = 60_000;

/**
 * An error reporter that says the same thing at most once a minute: a database that is down
 * makes the heartbeat fail every second, and the log should say so, not fill up with it.
 */
function quietly(what: string): (err: unknown) => void {
  let last = { message: '', at: 0 };
  return (err) => {
    const message = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    if (message === last.message && now - last.at < 60_000) return;
    last = { message, at: now };
    console.error(what, err);
  };
}

function isTruthy(text: string | undefined): boolean {
  return text !== undefined && /^(1|true|yes|on)$/i.test(text.trim());
}

async function main(): Promise<void> {
  const port = readPort(process.env.PORT);
  const host = process.env.HOST || '127.0.0.1';
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const noDemo = process.argv.includes('--no-demo') || isTruthy(process.env.LATENCY_ATLAS_NO_DEMO);
  const privateReads = isTruthy(process.env.LATENCY_ATLAS_PRIVATE);
  const allowPrivateHealthTargets = isTruthy(process.env.LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE);
  const healthIntervalMs = readHealthInterval(process.env.LATENCY_ATLAS_HEALTH_INTERVAL_MS);
  const dnsPort = readDnsPort(process.env.DNS_PORT);
  const dnsHost = process.env.DNS_HOST || host;
  const nameServers = process.env.DNS_NAMESERVERS?.trim()
    ? parseNameServers(process.env.DNS_NAMESERVERS)
    : undefined;

  const repository = await openRepository(databaseUrl);
  const geo = loadGeo();
  loadImpactCities(); // now rather than on the first write (impact is counted over every city)
  if (!noDemo && (await seedDemo(repository, nameServers ? { nameServers } : {}))) {
    console.log('latency-atlas: empty database, added the demo zone example.com');
  }
  const tokens = await ensureAdminTokens(repository, {
    configuredSecret: process.env.LATENCY_ATLAS_ADMIN_TOKEN,
  });
  if (tokens.configured) {
    console.log(
      `latency-atlas: LATENCY_ATLAS_ADMIN_TOKEN is the admin token "${tokens.configured.name}"`,
    );
  }

  const zoneIndex = new ZoneIndex(repository);
  const measurements = createMeasurementService(repository, geo, {
    settings: {
      retentionDays: readDays('LATENCY_ATLAS_MEASUREMENT_RETENTION_DAYS', 30),
      aggregateRetentionDays: readDays('LATENCY_ATLAS_AGGREGATE_RETENTION_DAYS', 400),
    },
  });
  const dnsWorkers = readDnsWorkers(process.env.DNS_WORKERS);
  let dns: DnsServer | DnsWorkers | null = null;
  // What DNS serves changed: the heartbeat reports it at once (set once the registry exists).
  let onServed = () => {};
  if (dnsPort !== null) {
    try {
      if (dnsWorkers > 1) {
        if (/^sqlite::memory:$/i.test(databaseUrl.trim())) {
          throw new StartError('DNS_WORKERS > 1 needs a database file, not sqlite::memory:');
        }
        dns = await startDnsWorkers({
          count: dnsWorkers,
          databaseUrl,
          host: dnsHost,
          port: dnsPort,
          onServed: () => onServed(),
        });
      } else {
        dns = await startDnsServer({
          repository,
          geo,
          host: dnsHost,
          port: dnsPort,
          index: zoneIndex,
          measurements,
          onServed: () => onServed(),
        });
      }
    } catch (err) {
      if (err instanceof StartError) throw err;
      const code = (err as { code?: unknown } | null)?.code;
      throw new StartError(
        `cannot serve DNS on ${dnsHost}:${dnsPort} (${String(code ?? err)}); set DNS_PORT (or DNS_PORT=off)` +
          (code === 'EACCES' && dnsPort < 1024
            ? '. Ports below 1024 need root or CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=+ep $(which node))'
            : ''),
      );
    }
  }

  const served = dns;
  const dnsEndpoint: DnsEndpoint | null =
    served === null
      ? null
      : {
          host: served.host,
          port: served.port,
          responders: () => served.responders(),
          servedVersion: (zoneId) => served.servedVersion(zoneId),
          nameservers: nameServers ?? ['ns1.<zone>', 'ns2.<zone>'],
        };
  // This instance's DNS among every instance's on the database: heartbeat, live set, INSYNC.
  const responders =
    served === null
      ? null
      : new ResponderRegistry(repository, served, {
          onError: quietly('latency-atlas: responder heartbeat'),
        });
  await responders?.start();
  if (responders) onServed = () => responders.served();
  const health = new HealthService(repository, { allowPrivate: allowPrivateHealthTargets });
  const secretBox = openSecretBox({
    envKey: process.env.LATENCY_ATLAS_SECRET_KEY,
    dataDir: dataDirFromDatabaseUrl(databaseUrl),
  });
  const upstream = new UpstreamService(repository, secretBox, (c) => createUpstreamClient(c), {
    driftEveryMs: readDays('LATENCY_ATLAS_DRIFT_MINUTES', 5, 'minutes') * 60_000,
  });
  const checker = new HealthChecker({
    health,
    // One checker among every instance's: its verdicts are combined with theirs.
    ...(responders ? { checkerId: responders.id } : {}),
    ...(healthIntervalMs !== undefined ? { intervalMs: healthIntervalMs } : {}),
    onError: quietly('latency-atlas: health checker'),
  });
  const app = buildApp({
    repository,
    geo,
    zoneIndex,
    dns: dnsEndpoint,
    responders,
    health,
    measurements,
    secretBox,
    upstream,
    ...(nameServers ? { nameServers } : {}),
    logger: { level: process.env.LOG_LEVEL || 'warn' },
    ...readBeaconAndProxy(),
    webRoot: resolve(process.cwd(), 'dist'),
    privateReads,
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`latency-atlas: ${signal}, shutting down`);
    try {
      await checker.stop();
      upstream.stop();
      clearInterval(compaction);
      await responders?.stop();
      await app.close();
      await dns?.close();
      await repository.close();
      process.exit(0);
    } catch (err) {
      console.error('latency-atlas: shutdown failed', err);
      process.exit(1);
    }
  };
  const compact = () =>
    measurements.compact().catch((err: unknown) => {
      console.error('latency-atlas: aggregating measurements failed', err);
    });
  const compaction = setInterval(compact, COMPACT_EVERY_MS);
  compaction.unref();
  void compact();
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await app.listen({ port, host });
  await checker.start();
  upstream.start();
  console.log(`latency-atlas: ${geo.attribution}`);
  console.log(`latency-atlas listening on ${address} (API reference: ${address}/api/docs)`);
  console.log(
    `latency-atlas: Route 53's API on the same port: aws route53 --endpoint-url ${address} list-hosted-zones (keys: npm run token -- create --name ci --role editor --aws)`,
  );
  if (dns) {
    const zones = await repository.listZones();
    const example = zones.find((z) => z.name === 'example.com')
      ? 'app.example.com'
      : (zones[0]?.name ?? 'example.com');
    console.log(
      `latency-atlas DNS on ${dns.host}:${dns.port} (UDP and TCP${dnsWorkers > 1 ? `, ${dnsWorkers} responder processes` : ''}), authoritative for ${zones.length} zone${zones.length === 1 ? '' : 's'}; try: ${digLine(dns.host, dns.port, example)}`,
    );
  } else {
    console.log('latency-atlas: DNS_PORT=off: not serving DNS');
  }
  if (privateReads) console.log('latency-atlas: LATENCY_ATLAS_PRIVATE=1: reads need a token too');
  if (allowPrivateHealthTargets) {
    console.log(
      'latency-atlas: LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE=1: health checks may probe loopback and private addresses',
    );
  }
  // Last, so it is what the operator sees.
  if (tokens.firstAdmin) console.log(firstAdminBanner(tokens.firstAdmin));
}

/** A start-up failure whose message says what to do. */
class StartError extends Error {}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
    console.error(
      `latency-atlas: cannot listen on ${process.env.HOST || '127.0.0.1'}:${process.env.PORT || 8080} (${String(code)}); set PORT or HOST`,
    );
  } else if (
    err instanceof DatabaseUrlError ||
    err instanceof StartError ||
    (err instanceof Error && err.message.startsWith('DNS_')) ||
    (err instanceof Error && err.message.startsWith('LATENCY_ATLAS_HEALTH')) ||
    err instanceof AdminTokenConfigError ||
    err instanceof SecretBoxError ||
    (err instanceof Error && err.message.startsWith('PORT'))
  ) {
    console.error(`latency-atlas: ${err.message}`);
  } else {
    console.error('latency-atlas: failed to start', err);
  }
  process.exit(1);
});
