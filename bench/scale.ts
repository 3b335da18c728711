/**
 * What a DNS responder and the database pay per record set and per zone (docs/scale.md): heap
 * per record set held to answer (the zone index plus the compiled wire tables), the rebuild
 * after a one-record change in zones of 1k, 10k and 100k sets, bytes per set on disk (SQLite
 * and PostgreSQL), and what the change poll costs with 10,000 zones. Memory is read after a
 * full GC (`v8.setFlagsFromString('--expose-gc')`), so it is the live heap, not the peak.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { DnsCatalog } from '../src/server/dns/catalog';
import { ZoneIndex } from '../src/server/domain/zone-index';
import { openPostgresRepository } from '../src/server/storage/postgres/pg-repository';
import {
  type PgTestServer,
  startPgTestServer,
} from '../src/server/storage/postgres/pg-test-server';
import type { Repository } from '../src/server/storage/repository';
import { openSqliteDatabase } from '../src/server/storage/sqlite/open-sqlite-database';
import { SqliteRepository } from '../src/server/storage/sqlite/sqlite-repository';
import { applied, filledZone } from './instances';

type Figure = { label: string; value: string };

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
const ms = (x: number) =>
  x < 0.1 ? `${(x * 1000).toFixed(1)} µs` : `${x.toFixed(x < 10 ? 2 : 1)} ms`;

/** The heap a responder holds for what `repo` stores: index + compiled tables, bytes. */
async function responderHeap(repo: Repository): Promise<{ bytes: number; catalog: DnsCatalog }> {
  const before = heapUsed();
  const index = new ZoneIndex(repo);
  const catalog = new DnsCatalog(repo, index);
  await catalog.refresh();
  const bytes = heapUsed() - before;
  return { bytes, catalog };
}

/**
 * One-record changes to a zone: how long the apply takes (it validates against the whole zone),
 * and the rebuild after it: the catalog's refresh (read the zone, index it, compile it).
 */
async function rebuildMs(
  repo: Repository,
  zoneId: string,
  apex: string,
): Promise<{ apply: number; rebuild: number }> {
  const index = new ZoneIndex(repo);
  const catalog = new DnsCatalog(repo, index);
  await catalog.refresh();
  const times: number[] = [];
  const applies: number[] = [];
  for (let n = 0; n < 5; n++) {
    const a0 = performance.now();
    applied(
      await repo.applyChangeBatch(zoneId, {
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: `h0.${apex}`,
              Type: 'A',
              TTL: 300,
              ResourceRecords: [{ Value: `192.0.2.${n + 1}` }],
            },
          },
        ],
      }),
    );
    applies.push(performance.now() - a0);
    const t0 = performance.now();
    await catalog.refresh();
    times.push(performance.now() - t0);
  }
  return { apply: median(applies), rebuild: median(times) };
}

/** The refresh a responder runs every 100 ms when nothing changed, over `zones` zones. */
async function idlePollMs(repo: Repository, listen: boolean): Promise<number> {
  // A responder on PostgreSQL listens for zone notifications, as the DNS server does.
  const unwatch = listen ? await repo.watchZones?.(() => {}) : undefined;
  try {
    const catalog = new DnsCatalog(repo, new ZoneIndex(repo));
    await catalog.refresh();
    const times: number[] = [];
    for (let n = 0; n < 20; n++) {
      await new Promise((r) => setImmediate(r));
      const t0 = performance.now();
      await catalog.refresh();
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    await unwatch?.();
  }
}

async function pgBytes(url: string): Promise<number> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
    const res = await client.query(
      "SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'",
    );
    return Number(res.rows[0]?.bytes ?? 0);
  } finally {
    await client.end();
  }
}

export async function benchScale(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'latency-atlas-bench-scale-'));
  let pg: PgTestServer | null = null;
  const opened: Repository[] = [];
  const sqliteAt = (name: string) => {
    const file = join(dir, name);
    const repo = new SqliteRepository(openSqliteDatabase(file), { storeKey: file });
    opened.push(repo);
    return { repo, file };
  };
  try {
    // Memory: 100 zones of 1,000 sets, and one zone of 100,000 sets.
    for (const [zones, sets] of [
      [100, 1_000],
      [1, 100_000],
    ] as const) {
      const { repo, file } = sqliteAt(`mem-${zones}x${sets}.db`);
      for (let z = 0; z < zones; z++) await filledZone(repo, `z${z}.mem.bench`, sets);
      const { bytes, catalog } = await responderHeap(repo);
      const total = zones * (sets + 2); // + apex NS and SOA
      figures.push({
        label: `responder heap, ${zones} × ${sets.toLocaleString('en')} sets`,
        value: `${(bytes / 2 ** 20).toFixed(1)} MiB, ${(bytes / total).toFixed(0)} B per set (${catalog.zoneCount} zones compiled)`,
      });
      const { size } = statSync(file);
      figures.push({
        label: `SQLite file, ${zones} × ${sets.toLocaleString('en')} sets (+ history)`,
        value: `${(size / 2 ** 20).toFixed(1)} MiB, ${(size / total).toFixed(0)} B per set`,
      });
    }

    // Rebuild after a one-record change, by zone size (SQLite).
    for (const sets of [1_000, 10_000, 100_000]) {
      const { repo } = sqliteAt(`rebuild-${sets}.db`);
      const apex = `r${sets}.bench`;
      const zone = await filledZone(repo, apex, sets);
      const t = await rebuildMs(repo, zone, apex);
      figures.push({
        label: `1 change to a ${sets.toLocaleString('en')}-set zone (SQLite)`,
        value: `apply ${ms(t.apply)}, rebuild ${ms(t.rebuild)} (${((1_000 * t.rebuild) / sets).toFixed(2)} µs per set)`,
      });
    }

    // PostgreSQL: bytes per set, rebuild, and the idle poll with 10,000 zones.
    pg = await startPgTestServer();
    const url = await pg.createDatabase('scale');
    const pgRepo = await openPostgresRepository(url);
    opened.push(pgRepo);
    const empty = await pgBytes(url);
    const big = await filledZone(pgRepo, 'r100000.bench', 100_000);
    const bytes = (await pgBytes(url)) - empty;
    figures.push({
      label: 'PostgreSQL tables, 1 × 100,000 sets (+ history)',
      value: `${(bytes / 2 ** 20).toFixed(1)} MiB, ${(bytes / 100_002).toFixed(0)} B per set`,
    });
    const t = await rebuildMs(pgRepo, big, 'r100000.bench');
    figures.push({
      label: '1 change to a 100,000-set zone (PostgreSQL)',
      value: `apply ${ms(t.apply)}, rebuild ${ms(t.rebuild)}`,
    });

    const { repo: manySqlite } = sqliteAt('many.db');
    const manyPg = await openPostgresRepository(await pg.createDatabase('many'));
    opened.push(manyPg);
    for (let z = 0; z < 10_000; z++) {
      await manySqlite.createZone(`z${z}.many.bench`);
      await manyPg.createZone(`z${z}.many.bench`);
    }
    const litePoll = await idlePollMs(manySqlite, false);
    const pgPoll = await idlePollMs(manyPg, true);
    const pgUnwatched = await idlePollMs(manyPg, false);
    figures.push({
      label: 'idle change poll, 10,000 zones (every 100 ms)',
      value: `SQLite ${ms(litePoll)}, PostgreSQL listening ${ms(pgPoll)}; PostgreSQL without LISTEN (reads every version) ${ms(pgUnwatched)} = ${pgUnwatched.toFixed(1)} % of a core`,
    });
  } finally {
    for (const r of opened) await r.close().catch(() => {});
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
