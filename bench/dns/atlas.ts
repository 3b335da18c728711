/**
 * latency-atlas under test: `src/server/main.ts` in its own process group on free loopback
 * ports (PORT for HTTP, DNS_HOST/DNS_PORT for DNS), a fresh SQLite file, no demo data and an
 * admin token from LATENCY_ATLAS_ADMIN_TOKEN; the scenario loaded through the JSON API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, track, waitForExit } from './procs';
import { type BenchQuery, changeBatch, type Scenario } from './scenario';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Atlas {
  child: ChildProcess;
  base: string;
  dnsPort: number;
  token: string;
  log: () => string;
}

/** Environment passed on to the server when set here (the DNS side's tuning knobs). */
const PASSTHROUGH = [
  'DNS_WORKERS',
  'DNS_NAMESERVERS',
  'DNS_UDP',
  'UV_THREADPOOL_SIZE',
  'NODE_OPTIONS',
];

export function startAtlas(dir: string, httpPort: number, dnsPort: number): Atlas {
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(httpPort),
    HOST: '127.0.0.1',
    DNS_HOST: '127.0.0.1',
    DNS_PORT: String(dnsPort),
    DATABASE_URL: `sqlite:${join(dir, 'atlas.db')}`,
    LATENCY_ATLAS_NO_DEMO: '1',
    LATENCY_ATLAS_ADMIN_TOKEN: token,
    LOG_LEVEL: 'warn',
  };
  if (process.env.TMPDIR !== undefined) env.TMPDIR = process.env.TMPDIR;
  for (const k of PASSTHROUGH) if (process.env[k] !== undefined) env[k] = process.env[k];
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: REPO,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    true,
  );
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, base: `http://127.0.0.1:${httpPort}`, dnsPort, token, log: () => log };
}

export async function waitForHealth(atlas: Atlas, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (atlas.child.exitCode !== null) {
      throw new Error(
        `latency-atlas exited (${atlas.child.exitCode}):\n${atlas.log().slice(-1500)}`,
      );
    }
    try {
      const res = await fetch(`${atlas.base}/api/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await Promise.race([sleep(250), waitForExit(atlas.child, 250)]);
  }
  throw new Error(
    `latency-atlas did not answer /api/health within ${timeoutMs / 1000} s:\n${atlas.log().slice(-1500)}`,
  );
}

async function api<T>(
  atlas: Atlas,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${atlas.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${atlas.base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json: json as T };
}

/** Create the zone and apply the whole scenario as one change batch; returns the zone id. */
export async function loadScenario(atlas: Atlas, sc: Scenario): Promise<string> {
  const zone = await api<{ id: string }>(atlas, 'POST', '/api/zones', { name: sc.zone });
  if (zone.status !== 201)
    throw new Error(
      `POST /api/zones answered ${zone.status}: ${JSON.stringify(zone.json).slice(0, 500)}`,
    );
  const id = zone.json.id;
  const batch = await api(
    atlas,
    'POST',
    `/api/zones/${encodeURIComponent(id)}/rrsets`,
    changeBatch(sc),
  );
  if (batch.status !== 200) {
    throw new Error(
      `POST /api/zones/${id}/rrsets answered ${batch.status}: ${JSON.stringify(batch.json).slice(0, 1500)}`,
    );
  }
  return id;
}

/**
 * Ask testdnsanswer what it answers for each query (same name, type and client subnet) and
 * count the answers that differ from the scenario's expectation (computed with the engine in
 * this process). Shows that the gdnsd peer is configured with what latency-atlas decides.
 */
export async function checkTestDnsAnswer(
  atlas: Atlas,
  zoneId: string,
  sc: Scenario,
  queries: BenchQuery[],
): Promise<{ checked: number; differ: number; examples: string[] }> {
  let differ = 0;
  const examples: string[] = [];
  for (const q of queries) {
    const params = new URLSearchParams({ recordname: q.name, recordtype: q.type });
    if (q.ecs) {
      params.set('edns0clientsubnetip', q.ecs.address);
      params.set('edns0clientsubnetmask', String(q.ecs.prefix));
    }
    const res = await api<{ RecordData?: string[] }>(
      atlas,
      'GET',
      `/api/zones/${encodeURIComponent(zoneId)}/testdnsanswer?${params}`,
    );
    const got = (res.json?.RecordData ?? []).map((d) => `${q.type} ${normalise(q.type, d)}`).sort();
    if (res.status !== 200 || got.join('|') !== q.expected.join('|')) {
      differ++;
      if (examples.length < 3) {
        const client =
          q.subnet !== undefined
            ? ` from ${sc.subnets[q.subnet]?.address}/${sc.subnets[q.subnet]?.prefix}`
            : '';
        examples.push(
          `${q.name} ${q.type}${client}: testdnsanswer ${res.status} [${got.join(', ')}], expected [${q.expected.join(', ')}]`,
        );
      }
    }
  }
  return { checked: queries.length, differ, examples };
}

/** testdnsanswer's RecordData in decodeReply's presentation (MX targets absolute, TXT re-quoted). */
function normalise(type: string, data: string): string {
  if (type === 'MX') return `${data.replace(/\.$/, '')}.`;
  if (type === 'TXT') {
    return [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.stringify(m[1])).join(' ');
  }
  return data;
}

/** GET /api/dns when the server has it: the DNS side's own view (responders, zones in sync). */
export async function dnsStatus(atlas: Atlas): Promise<{
  responders?: number;
  zones?: { name: string; inSync: boolean }[];
} | null> {
  try {
    const res = await api<{ responders?: number; zones?: { name: string; inSync: boolean }[] }>(
      atlas,
      'GET',
      '/api/dns',
    );
    return res.status === 200 ? res.json : null;
  } catch {
    return null;
  }
}
