import type { Database } from 'better-sqlite3';
import {
  type CellAggregate,
  combineAggregates,
  summarizeSortedRtts,
} from '../../../engine/measured-latency';
import { HOUR_MS } from '../../../shared/measurements';
import type { HourAggregate, MeasurementStats, StoredMeasurement } from '../repository';

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

const HOUR_COLUMNS =
  'hour * 3600000 AS hour, cell, network, region, samples, median_ms AS medianMs, p25_ms AS p25Ms, p75_ms AS p75Ms';

function prepareMeasurementStatements(db: Database) {
  return {
    insert: db.prepare<[number, string, number, number, number, string, string, string | null]>(
      `INSERT INTO measurements (at, region, rtt_ms, lat, lon, cell, network, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    markDirty: db.prepare<[number]>(
      'INSERT OR IGNORE INTO measurement_dirty_hours (hour) VALUES (?)',
    ),
    bump: db.prepare('UPDATE measurement_state SET version = version + 1 WHERE id = 1'),
    version: db.prepare<[], number>('SELECT version FROM measurement_state WHERE id = 1').pluck(),
    dirtyHours: db
      .prepare<[], number>('SELECT hour FROM measurement_dirty_hours ORDER BY hour')
      .pluck(),
    dirtyIn: db
      .prepare<[number, number], number>(
        'SELECT hour FROM measurement_dirty_hours WHERE hour >= ? AND hour < ? ORDER BY hour',
      )
      .pluck(),
    clearDirty: db.prepare<[number]>('DELETE FROM measurement_dirty_hours WHERE hour = ?'),
    // Grouped and sorted by SQLite, so an hour is summarised in one pass.
    raw: db.prepare<[number, number], RawRow>(
      `SELECT cell, network, region, rtt_ms AS rttMs FROM measurements
        WHERE at >= ? AND at < ? ORDER BY cell, network, region, rtt_ms`,
    ),
    hoursIn: db.prepare<[number, number], HourRow>(
      `SELECT ${HOUR_COLUMNS} FROM measurement_hours WHERE hour >= ? AND hour < ?`,
    ),
    hoursInFor: db.prepare<[number, number, string, string], HourRow>(
      `SELECT ${HOUR_COLUMNS} FROM measurement_hours
        WHERE hour >= ? AND hour < ? AND cell = ? AND region = ?`,
    ),
    deleteHour: db.prepare<[number]>('DELETE FROM measurement_hours WHERE hour = ?'),
    insertHour: db.prepare<[number, string, string, string, number, number, number, number]>(
      `INSERT INTO measurement_hours (hour, cell, network, region, samples, median_ms, p25_ms, p75_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Never a sample of an hour still waiting to be aggregated.
    pruneRaw: db.prepare<[number]>(
      `DELETE FROM measurements WHERE at < ?
         AND (at / 3600000) NOT IN (SELECT hour FROM measurement_dirty_hours)`,
    ),
    countDirty: db.prepare<[], number>('SELECT count(*) FROM measurement_dirty_hours').pluck(),
    pruneHours: db.prepare<[number]>('DELETE FROM measurement_hours WHERE hour < ?'),
    countRaw: db.prepare<[], number>('SELECT count(*) FROM measurements').pluck(),
    hourStats: db.prepare<
      [],
      { aggregates: number; oldest: number | null; newest: number | null; cells: number }
    >(
      `SELECT count(*) AS aggregates, min(hour) AS oldest, max(hour) AS newest,
              count(DISTINCT cell) AS cells FROM measurement_hours`,
    ),
    rawRange: db.prepare<[], { oldest: number | null; newest: number | null }>(
      'SELECT min(at) AS oldest, max(at) AS newest FROM measurements',
    ),
    regions: db
      .prepare<[], string>(
        `SELECT region FROM measurement_hours UNION SELECT DISTINCT region FROM measurements
          ORDER BY region`,
      )
      .pluck(),
  };
}

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
 * The measurement half of the SQLite repository. Raw samples go in as they come (one INSERT each
 * in the caller's transaction, their hours marked dirty); an hour is aggregated (count, median,
 * p25, p75 by H3 cell × network × region, the engine's summarizeSamples) when it is compacted,
 * and until then readers compute it from the raw samples, so a read is always current.
 */
export class SqliteMeasurementStore {
  private readonly sql: ReturnType<typeof prepareMeasurementStatements>;

  constructor(
    private readonly db: Database,
    private readonly tx: { write: <T>(fn: () => T) => T },
  ) {
    this.sql = prepareMeasurementStatements(db);
  }

  insert(rows: readonly StoredMeasurement[]): number {
    if (rows.length === 0) return 0;
    return this.tx.write(() => {
      const insert = this.sql.insert;
      const hours = new Set<number>();
      for (const r of rows) {
        insert.run(r.at, r.region, r.rttMs, r.lat, r.lon, r.cell, r.network ?? '', r.source);
        hours.add(hourOf(r.at));
      }
      for (const h of hours) this.sql.markDirty.run(h);
      this.sql.bump.run();
      return rows.length;
    });
  }

  /** One hour's aggregates from its raw samples (rows arrive grouped and sorted by RTT). */
  private summarizeHour(hour: number): HourAggregate[] {
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
    for (const r of this.sql.raw.iterate(from, from + HOUR_MS)) {
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

  aggregates(opts: {
    from: number;
    to: number;
    dropNetwork?: boolean;
    cell?: string;
    region?: string;
  }): HourAggregate[] {
    const h0 = Math.ceil(opts.from / HOUR_MS);
    const h1 = Math.ceil(opts.to / HOUR_MS);
    if (!(h1 > h0)) return [];
    // One read transaction: the aggregates and the dirty marks agree with each other.
    const read = () => {
      const dirty = new Set(this.sql.dirtyIn.all(h0, h1));
      const stored =
        opts.cell !== undefined && opts.region !== undefined
          ? this.sql.hoursInFor.all(h0, h1, opts.cell, opts.region)
          : this.sql.hoursIn.all(h0, h1);
      const rows: HourAggregate[] = [];
      for (const r of stored) {
        if (dirty.has(r.hour / HOUR_MS)) continue;
        if (opts.cell !== undefined && r.cell !== opts.cell) continue;
        if (opts.region !== undefined && r.region !== opts.region) continue;
        rows.push(toAggregate(r));
      }
      for (const h of dirty) {
        for (const a of this.summarizeHour(h)) {
          if (opts.cell !== undefined && a.cell !== opts.cell) continue;
          if (opts.region !== undefined && a.region !== opts.region) continue;
          rows.push(a);
        }
      }
      return rows;
    };
    const rows = this.db.transaction(read).deferred();
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
    return this.tx.write(() => {
      const dirty = this.sql.dirtyHours.all().slice(0, opts.maxHours ?? Number.POSITIVE_INFINITY);
      for (const h of dirty) {
        this.sql.deleteHour.run(h);
        for (const a of this.summarizeHour(h)) {
          this.sql.insertHour.run(
            h,
            a.cell,
            a.network ?? '',
            a.region,
            a.samples,
            a.medianMs,
            a.p25Ms,
            a.p75Ms,
          );
        }
        this.sql.clearDirty.run(h);
      }
      const samplesDeleted = this.sql.pruneRaw.run(opts.rawBefore).changes;
      const aggregatesDeleted = this.sql.pruneHours.run(
        Math.ceil(opts.aggregatesBefore / HOUR_MS),
      ).changes;
      if (samplesDeleted > 0 || aggregatesDeleted > 0) this.sql.bump.run();
      return {
        hoursAggregated: dirty.length,
        hoursPending: this.sql.countDirty.get() ?? 0,
        samplesDeleted,
        aggregatesDeleted,
      };
    });
  }

  version(): number {
    return this.sql.version.get() ?? 0;
  }

  stats(): MeasurementStats {
    const h = this.sql.hourStats.get() ?? { aggregates: 0, oldest: null, newest: null, cells: 0 };
    const raw = this.sql.rawRange.get() ?? { oldest: null, newest: null };
    const hourStart = (at: number | null) => (at === null ? null : hourOf(at) * HOUR_MS);
    const oldest = [h.oldest === null ? null : h.oldest * HOUR_MS, hourStart(raw.oldest)].filter(
      (x): x is number => x !== null,
    );
    const newest = [h.newest === null ? null : h.newest * HOUR_MS, hourStart(raw.newest)].filter(
      (x): x is number => x !== null,
    );
    return {
      samples: this.sql.countRaw.get() ?? 0,
      aggregates: h.aggregates,
      oldestHour: oldest.length ? Math.min(...oldest) : null,
      newestHour: newest.length ? Math.max(...newest) : null,
      cells: h.cells,
      regions: this.sql.regions.all(),
    };
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
