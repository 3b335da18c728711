import {
  type CellAggregate,
  combineAggregates,
  summarizeSortedRtts,
} from '../../../engine/measured-latency';
import { HOUR_MS } from '../../../shared/measurements';
import type { HourAggregate, MeasurementStats, StoredMeasurement } from '../repository';
import type { PgQueries } from './pg-db';

interface HourRow {
  hour: number;
  cell: string;
  network: string;
  region: string;
  samples: number;
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
}

interface RawRow {
  cell: string;
  network: string;
  region: string;
  rttMs: number;
}

const HOUR_COLUMNS = `hour * 3600000 AS hour, cell, network, region, samples,
  median_ms AS "medianMs", p25_ms AS "p25Ms", p75_ms AS "p75Ms"`;

/** Rows per multi-row INSERT (8 parameters each, well under PostgreSQL's 65535). */
const INSERT_CHUNK = 1000;

const hourOf = (at: number): number => Math.floor(at / HOUR_MS);

function toAggregate(row: HourRow): HourAggregate {
  const out: HourAggregate = {
    hour: row.hour,
    cell: row.cell,
    region: row.region,
    samples: row.samples,
    medianMs: row.medianMs,
    p25Ms: row.p25Ms,
    p75Ms: row.p75Ms,
  };
  if (row.network !== '') out.network = row.network;
  return out;
}

/**
 * The measurement half of the PostgreSQL repository, SqliteMeasurementStore's logic over pg:
 * raw samples go in as they come (their hours marked dirty); an hour is aggregated when it is
 * compacted, and until then readers compute it from the raw samples in one snapshot.
 */
export class PgMeasurementStore {
  constructor(
    private readonly q: PgQueries,
    private readonly tx: {
      write: <T>(fn: (q: PgQueries) => Promise<T>) => Promise<T>;
      read: <T>(fn: (q: PgQueries) => Promise<T>) => Promise<T>;
    },
  ) {}

  async insert(rows: readonly StoredMeasurement[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.tx.write(async (q) => {
      const hours = new Set<number>();
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const chunk = rows.slice(start, start + INSERT_CHUNK);
        const params: unknown[] = [];
        const values = chunk.map((r) => {
          const n = params.length;
          params.push(r.at, r.region, r.rttMs, r.lat, r.lon, r.cell, r.network ?? '', r.source);
          hours.add(hourOf(r.at));
          return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8})`;
        });
        await q.run(
          `INSERT INTO measurements (at, region, rtt_ms, lat, lon, cell, network, source)
           VALUES ${values.join(', ')}`,
          params,
        );
      }
      await q.run(
        `INSERT INTO measurement_dirty_hours (hour) SELECT unnest($1::bigint[])
         ON CONFLICT DO NOTHING`,
        [[...hours].sort((a, b) => a - b)],
      );
      await q.run('UPDATE measurement_state SET version = version + 1 WHERE id = 1');
      return rows.length;
    });
  }

  /** One hour's aggregates from its raw samples (rows arrive grouped and sorted by RTT). */
  private async summarizeHour(q: PgQueries, hour: number): Promise<HourAggregate[]> {
    const from = hour * HOUR_MS;
    const out: HourAggregate[] = [];
    let rtts: number[] = [];
    let current: RawRow | null = null;
    const flush = () => {
      if (current === null || rtts.length === 0) return;
      const row: HourAggregate = {
        hour: from,
        cell: current.cell,
        region: current.region,
        ...summarizeSortedRtts(rtts),
      };
      if (current.network !== '') row.network = current.network;
      out.push(row);
    };
    const raw = await q.all<RawRow>(
      `SELECT cell, network, region, rtt_ms AS "rttMs" FROM measurements
        WHERE at >= $1 AND at < $2 ORDER BY cell, network, region, rtt_ms`,
      [from, from + HOUR_MS],
    );
    for (const r of raw) {
      if (
        current === null ||
        r.cell !== current.cell ||
        r.network !== current.network ||
        r.region !== current.region
      ) {
        flush();
        current = r;
        rtts = [];
      }
      rtts.push(r.rttMs);
    }
    flush();
    return out;
  }

  async aggregates(opts: {
    from: number;
    to: number;
    dropNetwork?: boolean;
    cell?: string;
    region?: string;
  }): Promise<HourAggregate[]> {
    const h0 = Math.ceil(opts.from / HOUR_MS);
    const h1 = Math.ceil(opts.to / HOUR_MS);
    if (!(h1 > h0)) return [];
    // One snapshot: the aggregates and the dirty marks agree with each other.
    const rows = await this.tx.read(async (q) => {
      const dirtyRows = await q.all<{ hour: number }>(
        'SELECT hour FROM measurement_dirty_hours WHERE hour >= $1 AND hour < $2 ORDER BY hour',
        [h0, h1],
      );
      const dirty = new Set(dirtyRows.map((r) => r.hour));
      const stored =
        opts.cell !== undefined && opts.region !== undefined
          ? await q.all<HourRow>(
              `SELECT ${HOUR_COLUMNS} FROM measurement_hours
                WHERE hour >= $1 AND hour < $2 AND cell = $3 AND region = $4`,
              [h0, h1, opts.cell, opts.region],
            )
          : await q.all<HourRow>(
              `SELECT ${HOUR_COLUMNS} FROM measurement_hours WHERE hour >= $1 AND hour < $2`,
              [h0, h1],
            );
      const out: HourAggregate[] = [];
      for (const r of stored) {
        if (dirty.has(r.hour / HOUR_MS)) continue;
        if (opts.cell !== undefined && r.cell !== opts.cell) continue;
        if (opts.region !== undefined && r.region !== opts.region) continue;
        out.push(toAggregate(r));
      }
      for (const h of dirty) {
        for (const a of await this.summarizeHour(q, h)) {
          if (opts.cell !== undefined && a.cell !== opts.cell) continue;
          if (opts.region !== undefined && a.region !== opts.region) continue;
          out.push(a);
        }
      }
      return out;
    });
    if (opts.dropNetwork !== true) return rows.sort(compareHourAggregates);
    // Pool networks within each hour (combineAggregates groups by cell × network × region).
    const byHour = new Map<number, CellAggregate[]>();
    for (const r of rows) {
      const list = byHour.get(r.hour);
      if (list === undefined) byHour.set(r.hour, [r]);
      else list.push(r);
    }
    const out: HourAggregate[] = [];
    for (const [hour, list] of byHour) {
      for (const a of combineAggregates(list, { dropNetwork: true })) out.push({ ...a, hour });
    }
    return out.sort(compareHourAggregates);
  }

  compact(opts: { rawBefore: number; aggregatesBefore: number; maxHours?: number }) {
    return this.tx.write(async (q) => {
      const all = await q.all<{ hour: number }>(
        'SELECT hour FROM measurement_dirty_hours ORDER BY hour',
      );
      const dirty = all.map((r) => r.hour).slice(0, opts.maxHours ?? Number.POSITIVE_INFINITY);
      for (const h of dirty) {
        await q.run('DELETE FROM measurement_hours WHERE hour = $1', [h]);
        for (const a of await this.summarizeHour(q, h)) {
          await q.run(
            `INSERT INTO measurement_hours
               (hour, cell, network, region, samples, median_ms, p25_ms, p75_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [h, a.cell, a.network ?? '', a.region, a.samples, a.medianMs, a.p25Ms, a.p75Ms],
          );
        }
        await q.run('DELETE FROM measurement_dirty_hours WHERE hour = $1', [h]);
      }
      // Never a sample of an hour still waiting to be aggregated.
      const samplesDeleted = await q.run(
        `DELETE FROM measurements WHERE at < $1
           AND (at / 3600000) NOT IN (SELECT hour FROM measurement_dirty_hours)`,
        [opts.rawBefore],
      );
      const aggregatesDeleted = await q.run('DELETE FROM measurement_hours WHERE hour < $1', [
        Math.ceil(opts.aggregatesBefore / HOUR_MS),
      ]);
      if (samplesDeleted > 0 || aggregatesDeleted > 0) {
        await q.run('UPDATE measurement_state SET version = version + 1 WHERE id = 1');
      }
      const pending = await q.one<{ n: number }>(
        'SELECT count(*) AS n FROM measurement_dirty_hours',
      );
      return {
        hoursAggregated: dirty.length,
        hoursPending: pending?.n ?? 0,
        samplesDeleted,
        aggregatesDeleted,
      };
    });
  }

  async version(): Promise<number> {
    const row = await this.q.one<{ version: number }>(
      'SELECT version FROM measurement_state WHERE id = 1',
    );
    return row?.version ?? 0;
  }

  async stats(): Promise<MeasurementStats> {
    return this.tx.read(async (q) => {
      const h = (await q.one<{
        aggregates: number;
        oldest: number | null;
        newest: number | null;
        cells: number;
      }>(
        `SELECT count(*) AS aggregates, min(hour) AS oldest, max(hour) AS newest,
                count(DISTINCT cell) AS cells FROM measurement_hours`,
      )) ?? { aggregates: 0, oldest: null, newest: null, cells: 0 };
      const raw = (await q.one<{ oldest: number | null; newest: number | null; n: number }>(
        'SELECT min(at) AS oldest, max(at) AS newest, count(*) AS n FROM measurements',
      )) ?? { oldest: null, newest: null, n: 0 };
      const regions = await q.all<{ region: string }>(
        `SELECT region FROM measurement_hours UNION SELECT DISTINCT region FROM measurements
          ORDER BY region`,
      );
      const hourStart = (at: number | null) => (at === null ? null : hourOf(at) * HOUR_MS);
      const oldest = [h.oldest === null ? null : h.oldest * HOUR_MS, hourStart(raw.oldest)].filter(
        (x): x is number => x !== null,
      );
      const newest = [h.newest === null ? null : h.newest * HOUR_MS, hourStart(raw.newest)].filter(
        (x): x is number => x !== null,
      );
      return {
        samples: raw.n,
        aggregates: h.aggregates,
        oldestHour: oldest.length ? Math.min(...oldest) : null,
        newestHour: newest.length ? Math.max(...newest) : null,
        cells: h.cells,
        regions: regions.map((r) => r.region),
      };
    });
  }
}

function compareHourAggregates(a: HourAggregate, b: HourAggregate): number {
  if (a.hour !== b.hour) return a.hour - b.hour;
  if (a.cell !== b.cell) return a.cell < b.cell ? -1 : 1;
  const na = a.network ?? '';
  const nb = b.network ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.region === b.region ? 0 : a.region < b.region ? -1 : 1;
}
