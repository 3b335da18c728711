import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponderListSchema } from '../../../shared/dns';
import { TestDnsAnswerResponseSchema } from '../../../shared/routing';
import { buildQuery, exchangeUdp, parse } from '../../dns/dns-test-kit';
import { call } from '../../test-server';
import { sleep, until } from './instance-kit';
import { type PgTestServer, startPgTestServer } from './pg-test-server';

/**
 * Issue 12: kill -9 of one instance loses no acknowledged change; the others keep serving; it
 * catches up when restarted. Real server processes (`node --import tsx src/server/main.ts`),
 * killed with SIGKILL while a stream of change batches is in flight.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const ADMIN_SECRET = `la_kill-restart-${randomBytes(16).toString('hex')}`;
const ADMIN = { authorization: `Bearer ${ADMIN_SECRET}` };
const SECRET_KEY = randomBytes(32).toString('hex');
const ZONE = 'kill.example';
/** Records per batch: a batch is all there or not at all. */
const PER_BATCH = 3;
const WRITERS = 8;

interface Instance {
  name: string;
  proc: ChildProcess;
  pid: number;
  base: string;
  dnsPort: number;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawned: Instance[] = [];

/** A real server process; resolves once it prints its HTTP and DNS addresses. */
async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && !k.startsWith('LATENCY_ATLAS_')) {
      env[k] = v;
    }
  }
  Object.assign(env, {
    PORT: '0',
    DNS_PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    LATENCY_ATLAS_ADMIN_TOKEN: ADMIN_SECRET,
    LATENCY_ATLAS_SECRET_KEY: SECRET_KEY,
    LOG_LEVEL: 'warn',
  });
  // node with tsx's loader directly (not the tsx CLI, which runs the server in a child
  // process): the pid is the server's own. Its own process group too, killed whole.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--no-demo'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    proc.once('exit', (code, signal) => res({ code, signal }));
  });
  const instance: Instance = {
    name,
    proc,
    pid: proc.pid ?? -1,
    base: '',
    dnsPort: 0,
    stdout,
    stderr,
    exited,
  };
  spawned.push(instance);
  createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on('line', (l) => {
    stderr.push(l);
  });
  const ready = new Promise<void>((res, rej) => {
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      stdout.push(line);
      const http = /^latency-atlas listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (http) instance.base = http[1] as string;
      const dns = /^latency-atlas DNS on 127\.0\.0\.1:(\d+)/.exec(line);
      if (dns) instance.dnsPort = Number(dns[1]);
      if (instance.base !== '' && instance.dnsPort !== 0) res();
    });
    void exited.then(({ code, signal }) =>
      rej(
        new Error(
          `${name} exited (${code ?? signal}) before listening:\n${[...stdout, ...stderr].join('\n')}`,
        ),
      ),
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(
      () =>
        rej(new Error(`${name} did not start within 60 s:\n${[...stdout, ...stderr].join('\n')}`)),
      60_000,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
  if (proc.pid === undefined) throw new Error(`${name}: no pid`);
  return instance;
}

function alive(i: Instance): boolean {
  return i.proc.exitCode === null && i.proc.signalCode === null;
}

/** SIGKILL the process group; resolves with how it ended. */
async function kill9(i: Instance) {
  if (alive(i)) {
    try {
      process.kill(-i.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return i.exited;
}

async function killAll(): Promise<void> {
  await Promise.all(spawned.splice(0).map((i) => kill9(i)));
}

/** Stored names are absolute (`www.kill.example.`). */
const bare = (name: string) => name.replace(/\.$/, '');
const recordName = (w: number, n: number, k: number) => `w${w}-${n}-${k}.${ZONE}`;
const recordValue = (w: number, n: number, k: number) => `10.${w}.${n % 256}.${k + 1}`;

interface Batch {
  key: string;
  w: number;
  n: number;
  changeId?: string;
}

interface StreamResult {
  acked: Batch[];
  failed: Batch[];
  /** Answers other than 200 (none expected: a killed process sends nothing). */
  unexpected: string[];
  killedAfterMs: number;
}

/**
 * WRITERS concurrent writers, each sending batches of PER_BATCH new records one after another
 * until its first failed request; once `minAcked` batches are acknowledged and at least
 * `minMs` have passed, the instance is killed with SIGKILL mid-stream.
 */
async function streamAndKill(
  target: Instance,
  zoneId: string,
  opts: { minAcked: number; minMs: number },
): Promise<StreamResult> {
  const acked: Batch[] = [];
  const failed: Batch[] = [];
  const unexpected: string[] = [];
  const writer = async (w: number) => {
    for (let n = 0; ; n++) {
      const batch: Batch = { key: `w${w}-${n}`, w, n };
      const Changes = Array.from({ length: PER_BATCH }, (_, k) => ({
        Action: 'CREATE',
        ResourceRecordSet: {
          Name: recordName(w, n, k),
          Type: 'A',
          TTL: 60,
          ResourceRecords: [{ Value: recordValue(w, n, k) }],
        },
      }));
      try {
        const res = await fetch(`${target.base}/api/zones/${zoneId}/rrsets`, {
          method: 'POST',
          headers: { ...ADMIN, 'content-type': 'application/json' },
          body: JSON.stringify({ Changes }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.status !== 200) {
          unexpected.push(`${batch.key}: ${res.status} ${text}`);
          return;
        }
        batch.changeId = (JSON.parse(text) as { ChangeInfo: { Id: string } }).ChangeInfo.Id;
        acked.push(batch);
      } catch {
        failed.push(batch);
        return;
      }
    }
  };
  const started = Date.now();
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  while (
    (acked.length < opts.minAcked || Date.now() - started < opts.minMs) &&
    Date.now() - started < 20_000 &&
    unexpected.length === 0
  ) {
    await sleep(5);
  }
  const killedAfterMs = Date.now() - started;
  const ended = await kill9(target);
  expect(ended.signal).toBe('SIGKILL');
  await Promise.all(writers);
  return { acked, failed, unexpected, killedAfterMs };
}

interface HistoryEntry {
  Id: string;
  Version: number;
  Changes: { Action: string; ResourceRecordSet: { Name: string; Type: string } }[];
}

/**
 * What a server on the database says after the kill: versions 1..N with no gap or duplicate,
 * each batch whole (in the history and in the record sets), every acknowledged batch there
 * with its change id, and nothing that was never sent.
 */
async function verifyAfterKill(base: string, zoneId: string, stream: StreamResult) {
  const history = await call(base, 'GET', `/api/zones/${zoneId}/changes?limit=1000`);
  expect(history.status, history.text).toBe(200);
  const entries = (history.body as { Changes: HistoryEntry[] }).Changes;
  const versions = entries.map((e) => e.Version).sort((x, y) => x - y);
  const n = versions.length;
  expect(versions).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  const zone = await call(base, 'GET', `/api/zones/${zoneId}`);
  expect((zone.body as { version: number }).version).toBe(n);

  const attempted = new Map(
    [...stream.acked, ...stream.failed].map((b) => [b.key, b] as [string, Batch]),
  );
  const idOfKey = new Map<string, string>();
  for (const e of entries) {
    expect(e.Changes).toHaveLength(PER_BATCH);
    const key = /^(w\d+-\d+)-\d+\./.exec(e.Changes[0]?.ResourceRecordSet.Name ?? '')?.[1] ?? '';
    const b = attempted.get(key);
    expect(b, `history has ${key}, which was never sent`).toBeDefined();
    expect(
      e.Changes.map((c) => bare(c.ResourceRecordSet.Name)).sort(),
      `batch ${key} whole in the history`,
    ).toEqual(
      Array.from({ length: PER_BATCH }, (_, k) => recordName(b?.w ?? -1, b?.n ?? -1, k)).sort(),
    );
    expect(idOfKey.has(key), `batch ${key} twice in the history`).toBe(false);
    idOfKey.set(key, e.Id);
  }
  for (const b of stream.acked) {
    expect(idOfKey.get(b.key), `acknowledged batch ${b.key} in the history`).toBe(b.changeId);
  }

  const sets = await call(base, 'GET', `/api/zones/${zoneId}/rrsets`);
  expect(sets.status, sets.text).toBe(200);
  const rrsets = (
    sets.body as {
      ResourceRecordSets: { Name: string; Type: string; ResourceRecords?: { Value: string }[] }[];
    }
  ).ResourceRecordSets;
  const perKey = new Map<string, number>();
  for (const s of rrsets) {
    const m = /^(w(\d+)-(\d+))-(\d+)\./.exec(s.Name);
    if (!m) continue;
    const [, key, w, bn, k] = m;
    expect(s.ResourceRecords?.map((r) => r.Value)).toEqual([
      recordValue(Number(w), Number(bn), Number(k)),
    ]);
    perKey.set(key as string, (perKey.get(key as string) ?? 0) + 1);
  }
  for (const [key, count] of perKey) {
    expect(count, `batch ${key}: all ${PER_BATCH} records or none`).toBe(PER_BATCH);
  }
  expect([...perKey.keys()].sort()).toEqual([...idOfKey.keys()].sort());
  // SOA and NS besides the batches' records.
  expect(rrsets).toHaveLength(2 + n * PER_BATCH);
  return { versions: n, failedPresent: n - stream.acked.length };
}

async function dnsA(port: number, name: string): Promise<string | undefined> {
  const reply = await exchangeUdp(port, buildQuery(name), 1_000);
  return reply === null ? undefined : parse(reply).answers[0]?.data;
}

async function createZone(base: string): Promise<string> {
  const res = await call(base, 'POST', '/api/zones', { name: ZONE }, ADMIN);
  expect(res.status, res.text).toBe(201);
  return (res.body as { id: string }).id;
}

async function change(base: string, zoneId: string, name: string, value: string) {
  const res = await call(
    base,
    'POST',
    `/api/zones/${zoneId}/rrsets`,
    {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: name,
            Type: 'A',
            TTL: 60,
            ResourceRecords: [{ Value: value }],
          },
        },
      ],
    },
    ADMIN,
  );
  expect(res.status, res.text).toBe(200);
  return (res.body as { ChangeInfo: { Id: string } }).ChangeInfo.Id;
}

async function status(base: string, id: string): Promise<string> {
  const res = await call(base, 'GET', `/api/changes/${id.replace('/change/', '')}`);
  expect(res.status, res.text).toBe(200);
  return (res.body as { ChangeInfo: { Status: string } }).ChangeInfo.Status;
}

async function responders(base: string) {
  const res = await call(base, 'GET', '/api/responders');
  expect(res.status, res.text).toBe(200);
  return ResponderListSchema.parse(res.body).responders;
}

async function testAnswer(base: string, zoneId: string, name: string): Promise<string[]> {
  const res = await call(
    base,
    'GET',
    `/api/zones/${zoneId}/testdnsanswer?recordname=${name}&recordtype=A`,
  );
  expect(res.status, res.text).toBe(200);
  return TestDnsAnswerResponseSchema.parse(res.body).RecordData;
}

const logs = (i: Instance) => `${i.name} stderr:\n${i.stderr.join('\n')}`;

describe('kill -9 of one of two instances on one PostgreSQL', () => {
  let pg: PgTestServer;
  let url: string;
  let a: Instance;
  let b: Instance;
  let zoneId: string;
  let stream: StreamResult;
  let afterKillId: string;

  beforeAll(async () => {
    pg = await startPgTestServer();
    url = await pg.createDatabase();
    // One at a time: both migrating an empty database at once is not what this tests.
    a = await startInstance('A', url);
    b = await startInstance('B', url);
  }, 120_000);
  afterAll(async () => {
    await killAll();
    await pg?.stop();
  }, 60_000);

  it('loses no acknowledged batch; history contiguous, every batch whole', async () => {
    zoneId = await createZone(a.base);
    stream = await streamAndKill(a, zoneId, { minAcked: 24, minMs: 400 });
    expect(stream.unexpected).toEqual([]);
    expect(stream.acked.length).toBeGreaterThanOrEqual(24);
    // Killed mid-stream: every writer had a request in flight, which failed.
    expect(stream.failed.length).toBe(WRITERS);
    expect(alive(b), logs(b)).toBe(true);

    // B answers at once from what it already serves: the first acknowledged batch.
    const first = stream.acked[0] as Batch;
    expect(await dnsA(b.dnsPort, recordName(first.w, first.n, 0))).toBe(
      recordValue(first.w, first.n, 0),
    );
    const result = await verifyAfterKill(b.base, zoneId, stream);
    expect(result.versions).toBe(stream.acked.length + result.failedPresent);
    expect(result.failedPresent).toBeLessThanOrEqual(WRITERS);
    // B's DNS serves every acknowledged batch (the last ones within a short while).
    for (const batch of stream.acked) {
      const name = recordName(batch.w, batch.n, PER_BATCH - 1);
      const want = recordValue(batch.w, batch.n, PER_BATCH - 1);
      expect(
        await until(
          () => dnsA(b.dnsPort, name),
          (v) => v === want,
          3_000,
        ),
        name,
      ).toBe(want);
    }
  }, 120_000);

  it('B keeps serving: a change through B is served by its DNS and INSYNC once A drops out', async () => {
    afterKillId = await change(b.base, zoneId, `after-kill.${ZONE}`, '192.0.2.99');
    const first = await status(b.base, afterKillId);
    const firstAt = Date.now();
    const aOld = (await responders(b.base)).find((r) => r.address === `127.0.0.1:${a.dnsPort}`);
    expect(aOld, 'the killed A is still registered').toBeDefined();
    expect(Number.isFinite(Date.parse(aOld?.lastSeen ?? ''))).toBe(true);
    // While A's last heartbeat is inside the 5 s live window (with a second to spare for B's
    // view of the live set), B waits for A, which will never report this version.
    if (firstAt - Date.parse(aOld?.lastSeen ?? '') < 4_000) expect(first).toBe('PENDING');

    expect(
      await until(
        () => dnsA(b.dnsPort, `after-kill.${ZONE}`),
        (v) => v === '192.0.2.99',
        3_000,
      ),
    ).toBe('192.0.2.99');
    expect(await testAnswer(b.base, zoneId, `after-kill.${ZONE}`)).toEqual(['192.0.2.99']);
    expect(
      await until(
        () => status(b.base, afterKillId),
        (s) => s === 'INSYNC',
        10_000,
      ),
    ).toBe('INSYNC');
    const list = await responders(b.base);
    expect(list.find((r) => r.address === `127.0.0.1:${a.dnsPort}`)?.live).toBe(false);
    expect(list.find((r) => r.self)).toMatchObject({
      address: `127.0.0.1:${b.dnsPort}`,
      live: true,
    });
    expect(alive(b), logs(b)).toBe(true);
  }, 120_000);

  it('A restarted catches up: serves what B changed, is live, and a change through it is INSYNC', async () => {
    const oldDnsPort = a.dnsPort;
    a = await startInstance('A (restarted)', url);
    expect(await testAnswer(a.base, zoneId, `after-kill.${ZONE}`)).toEqual(['192.0.2.99']);
    expect(await dnsA(a.dnsPort, `after-kill.${ZONE}`)).toBe('192.0.2.99');
    // And every acknowledged batch, through its API and its DNS.
    const sets = (await call(a.base, 'GET', `/api/zones/${zoneId}/rrsets`)).body as {
      ResourceRecordSets: { Name: string }[];
    };
    const names = new Set(sets.ResourceRecordSets.map((s) => bare(s.Name)));
    for (const batch of stream.acked) {
      for (let k = 0; k < PER_BATCH; k++)
        expect(names.has(recordName(batch.w, batch.n, k))).toBe(true);
      expect(await dnsA(a.dnsPort, recordName(batch.w, batch.n, 0))).toBe(
        recordValue(batch.w, batch.n, 0),
      );
    }
    expect(await status(a.base, afterKillId)).toBe('INSYNC');

    const live = (list: Awaited<ReturnType<typeof responders>>) =>
      list
        .filter((r) => r.live)
        .map((r) => r.address)
        .sort();
    const both = [`127.0.0.1:${a.dnsPort}`, `127.0.0.1:${b.dnsPort}`].sort();
    expect(
      await until(
        () => responders(a.base),
        (l) => live(l).join() === both.join(),
        5_000,
      ).then(live),
    ).toEqual(both);
    const listed = await responders(a.base);
    expect(listed.find((r) => r.self)?.address).toBe(`127.0.0.1:${a.dnsPort}`);
    expect(listed.find((r) => r.address === `127.0.0.1:${oldDnsPort}`)?.live).toBe(false);
    expect(live(await responders(b.base))).toEqual(both);

    const restartedId = await change(a.base, zoneId, `after-restart.${ZONE}`, '192.0.2.100');
    for (const i of [a, b]) {
      expect(
        await until(
          () => status(i.base, restartedId),
          (s) => s === 'INSYNC',
          10_000,
        ),
        i.name,
      ).toBe('INSYNC');
      expect(await dnsA(i.dnsPort, `after-restart.${ZONE}`), i.name).toBe('192.0.2.100');
    }
    const history = (await call(b.base, 'GET', `/api/zones/${zoneId}/changes?limit=1000`)).body as {
      Changes: HistoryEntry[];
    };
    const versions = history.Changes.map((c) => c.Version).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    expect(alive(a), logs(a)).toBe(true);
    expect(alive(b), logs(b)).toBe(true);
  }, 120_000);
});

describe('kill -9 of a server on a SQLite file', () => {
  let dir: string;
  let url: string;
  let s: Instance;
  let zoneId: string;
  let stream: StreamResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latency-atlas-kill-'));
    url = `sqlite:${join(dir, 'db.sqlite')}`;
    s = await startInstance('S', url);
  }, 120_000);
  afterAll(async () => {
    await killAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('loses no acknowledged batch; the restarted server serves them all over DNS', async () => {
    zoneId = await createZone(s.base);
    stream = await streamAndKill(s, zoneId, { minAcked: 24, minMs: 400 });
    expect(stream.unexpected).toEqual([]);
    expect(stream.acked.length).toBeGreaterThanOrEqual(24);
    expect(stream.failed.length).toBe(WRITERS);

    const oldDnsPort = s.dnsPort;
    s = await startInstance('S (restarted)', url);
    const result = await verifyAfterKill(s.base, zoneId, stream);
    expect(result.versions).toBe(stream.acked.length + result.failedPresent);
    expect(result.failedPresent).toBeLessThanOrEqual(WRITERS);
    for (const batch of stream.acked) {
      for (let k = 0; k < PER_BATCH; k++) {
        expect(await dnsA(s.dnsPort, recordName(batch.w, batch.n, k))).toBe(
          recordValue(batch.w, batch.n, k),
        );
      }
    }

    // It takes changes again; INSYNC once the killed process's stale registration is out.
    const id = await change(s.base, zoneId, `after-restart.${ZONE}`, '192.0.2.101');
    expect(
      await until(
        () => dnsA(s.dnsPort, `after-restart.${ZONE}`),
        (v) => v === '192.0.2.101',
        3_000,
      ),
    ).toBe('192.0.2.101');
    expect(
      await until(
        () => status(s.base, id),
        (st) => st === 'INSYNC',
        10_000,
      ),
    ).toBe('INSYNC');
    const list = await responders(s.base);
    expect(list.find((r) => r.address === `127.0.0.1:${oldDnsPort}`)?.live ?? false).toBe(false);
    expect(list.find((r) => r.self)).toMatchObject({ live: true });
    expect(alive(s), logs(s)).toBe(true);
  }, 120_000);
});
