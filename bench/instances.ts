/**
 * Several instances on one PostgreSQL (issue 12): how long a change batch takes to apply, how
 * long until every DNS responder reports it (INSYNC) with 1, 10 and 100 responders, and how
 * many batches a second concurrent writers get through — beside the same on SQLite in the same
 * run. A throwaway PostgreSQL 15 with fsync on (SQLite runs with synchronous = FULL).
 *
 * A simulated responder is what an instance's DNS server does on a change, minus compiling the
 * wire tables (measured on its own in `bench -- scale`): a real LISTEN connection; on each
 * notification it reads every zone's version, reloads the changed zones' record sets, and
 * reports the versions it serves (its heartbeat row), each on its own connection. INSYNC is
 * read as GET /api/changes reads it: every live responder's reported version, polled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change, ResourceRecordSet } from '../src/engine/types';
import { openPostgresRepository } from '../src/server/storage/postgres/pg-repository';
import {
  type PgTestServer,
  startPgTestServer,
} from '../src/server/storage/postgres/pg-test-server';
import type { AppliedChangeBatch, ApplyResult, Repository } from '../src/server/storage/repository';
import { openSqliteDatabase } from '../src/server/storage/sqlite/open-sqlite-database';
import { SqliteRepository } from '../src/server/storage/sqlite/sqlite-repository';

type Figure = { label: string; value: string };

const ZONE_SETS = 1_000;
const CHANGES_PER_RUN = 20;
const WRITE_MS = 3_000;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** A zone's worth of record sets: per 10 sets, 6 simple A, 1 CNAME, 3 latency A of one name. */
export function zoneSets(apex: string, n: number): ResourceRecordSet[] {
  const out: ResourceRecordSet[] = [];
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
  for (let i = 0; out.length < n; i++) {
    const k = i % 10;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    if (k < 6) {
      out.push({
        Name: `h${i}.${apex}`,
        Type: 'A',
        TTL: 300,
        ResourceRecords: [{ Value: ip }],
      });
    } else if (k === 6) {
      out.push({
        Name: `c${i}.${apex}`,
        Type: 'CNAME',
        TTL: 300,
        ResourceRecords: [{ Value: `h${i - 1}.${apex}` }],
      });
    } else {
      const name = `app${i - k + 7}.${apex}`;
      out.push({
        Name: name,
        Type: 'A',
        TTL: 60,
        SetIdentifier: regions[k - 7] as string,
        Region: regions[k - 7] as string,
        ResourceRecords: [{ Value: ip }],
      });
    }
  }
  return out.slice(0, n);
}

/** Creates the zone and fills it, 1,000 changes a batch. */
export async function filledZone(repo: Repository, apex: string, sets: number): Promise<string> {
  const zone = await repo.createZone(apex);
  const all = zoneSets(apex, sets);
  for (let i = 0; i < all.length; i += 1_000) {
    const Changes: Change[] = all
      .slice(i, i + 1_000)
      .map((r) => ({ Action: 'CREATE', ResourceRecordSet: r }));
    applied(await repo.applyChangeBatch(zone.id, { Changes }));
  }
  return zone.id;
}

/** The applied batch, or a throw naming the first problem. */
export function applied(r: ApplyResult): AppliedChangeBatch {
  if (!r.ok) throw new Error(`batch refused: ${JSON.stringify(r.errors.slice(0, 3))}`);
  return r.change;
}

const upsert = (apex: string, n: number): { Changes: Change[] } => ({
  Changes: [
    {
      Action: 'UPSERT',
      ResourceRecordSet: {
        Name: `h0.${apex}`,
        Type: 'A',
        TTL: 300,
        ResourceRecords: [{ Value: `192.0.2.${(n % 250) + 1}` }],
      },
    },
  ],
});

/** One simulated responder: LISTEN, reload what changed, report. */
class SimResponder {
  readonly served = new Map<string, number>();
  private unwatch: (() => Promise<void>) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  constructor(
    readonly id: string,
    private readonly repo: Repository,
  ) {}
  async start(): Promise<void> {
    await this.reload();
    this.unwatch = (await this.repo.watchZones?.(() => this.poke())) ?? null;
  }
  private poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.reload()
      .catch(() => {})
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }
  private async reload(): Promise<void> {
    for (const { id, version } of await this.repo.listZoneVersions()) {
      if (this.served.get(id) === version) continue;
      await this.repo.listRecordSets(id);
      this.served.set(id, version);
    }
    await this.repo.heartbeatResponder({
      id: this.id,
      address: '127.0.0.1:0',
      versions: Object.fromEntries(this.served),
    });
  }
  async stop(): Promise<void> {
    await this.unwatch?.();
    await this.running;
    await this.repo.close();
  }
}

async function insyncRun(
  url: string,
  writer: Repository,
  count: number,
): Promise<{ apply: number[]; insync: number[] }> {
  const apex = `r${count}.bench`;
  const zone = await filledZone(writer, apex, ZONE_SETS);
  const sims: SimResponder[] = [];
  for (let i = 0; i < count; i++) {
    const sim = new SimResponder(
      `sim-${count}-${i}`,
      await openPostgresRepository(url, { poolSize: 1 }),
    );
    await sim.start();
    sims.push(sim);
  }
  const ids = new Set(sims.map((s) => s.id));
  const apply: number[] = [];
  const insync: number[] = [];
  try {
    for (let n = 0; n < CHANGES_PER_RUN; n++) {
      const t0 = performance.now();
      const change = applied(await writer.applyChangeBatch(zone, upsert(apex, n)));
      const t1 = performance.now();
      apply.push(t1 - t0);
      // Polled the way GET /api/changes reads it: every responder's reported version.
      for (;;) {
        const rows = await writer.listResponders();
        const reported = rows.filter(
          (r) => ids.has(r.id) && (r.versions[zone] ?? -1) >= change.version,
        ).length;
        if (reported === count) break;
        if (performance.now() - t1 > 30_000) throw new Error(`${count} responders: no INSYNC`);
        await sleep(1);
      }
      insync.push(performance.now() - t1);
      await sleep(20);
    }
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
    for (const id of ids) await writer.removeResponder(id);
  }
  return { apply, insync };
}

/** Batches a second with `writers` concurrent writers over `repos`, each on its own zone or all on one. */
async function throughput(
  repos: Repository[],
  writers: number,
  shared: boolean,
  tag: string,
): Promise<number> {
  const zones: { id: string; apex: string }[] = [];
  for (let w = 0; w < (shared ? 1 : writers); w++) {
    const apex = `${tag}-w${writers}-${shared ? 's' : 'd'}${w}.bench`;
    zones.push({ id: await filledZone(repos[0] as Repository, apex, 100), apex });
  }
  let done = 0;
  const end = performance.now() + WRITE_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const repo = repos[w % repos.length] as Repository;
      const z = zones[shared ? 0 : w] as { id: string; apex: string };
      for (let n = 0; performance.now() < end; n++) {
        const r = await repo.applyChangeBatch(z.id, {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: `w${w}.${z.apex}`,
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: `192.0.2.${(n % 250) + 1}` }],
              },
            },
          ],
        });
        applied(r);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

export async function benchInstances(): Promise<Figure[]> {
  const figures: Figure[] = [];
  let pg: PgTestServer | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'latency-atlas-bench-instances-'));
  const file = join(dir, 'bench.db');
  const sqlite = new SqliteRepository(openSqliteDatabase(file), { storeKey: file });
  const closing: Repository[] = [sqlite];
  try {
    pg = await startPgTestServer({ maxConnections: 400, fsync: true });
    const url = await pg.createDatabase('bench');
    const writer = await openPostgresRepository(url);
    closing.push(writer);

    // Apply time on SQLite, the same zone size, same batch: the peer.
    const sqliteZone = await filledZone(sqlite, 'peer.bench', ZONE_SETS);
    const sqliteApply: number[] = [];
    for (let n = 0; n < 50; n++) {
      const t0 = performance.now();
      applied(await sqlite.applyChangeBatch(sqliteZone, upsert('peer.bench', n)));
      sqliteApply.push(performance.now() - t0);
    }
    const sqliteMedian = quantile(sqliteApply, 0.5);

    for (const count of [1, 10, 100]) {
      const { apply, insync } = await insyncRun(url, writer, count);
      const applyMedian = quantile(apply, 0.5);
      figures.push({
        label: `${count} responder${count === 1 ? '' : 's'}: apply 1 change (${ZONE_SETS}-set zone)`,
        value: `median ${ms(applyMedian)} (SQLite ${ms(sqliteMedian)}, ×${(applyMedian / sqliteMedian).toFixed(2)})`,
      });
      figures.push({
        label: `${count} responder${count === 1 ? '' : 's'}: apply → INSYNC`,
        value: `median ${ms(quantile(insync, 0.5))}, p95 ${ms(quantile(insync, 0.95))} (${CHANGES_PER_RUN} changes; target < 1 s)`,
      });
    }

    // Concurrent writers: four instances' repositories on one database.
    const instances = [writer];
    for (let i = 0; i < 3; i++) instances.push(await openPostgresRepository(url));
    closing.push(...instances.slice(1));
    for (const writers of [1, 8, 50]) {
      const pgDistinct = await throughput(instances, writers, false, 'pg');
      const pgShared = await throughput(instances, writers, true, 'pg');
      const liteDistinct = await throughput([sqlite], writers, false, 'lite');
      figures.push({
        label: `${writers} writer${writers === 1 ? '' : 's'} (4 instances): batches/s`,
        value: `own zones ${pgDistinct.toFixed(0)}/s, one zone ${pgShared.toFixed(0)}/s (SQLite, one process: ${liteDistinct.toFixed(0)}/s, PostgreSQL ×${(pgDistinct / liteDistinct).toFixed(2)})`,
      });
    }
  } finally {
    for (const r of closing) await r.close().catch(() => {});
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
