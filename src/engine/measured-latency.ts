import { cellToLatLng, cellToParent, getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from 'h3-js';
import { greatCircleKm } from './geo';
import { estimateRttFromDistance, FIBRE_RTT_MS_PER_KM } from './latency-model';
import { findRegion } from './regions';
import type { GeoPoint, LatencyModel, Region, RttEstimate } from './types';

/** H3 resolution of a client place: ~250 km² cells, ~10 km edges (a town or a city district). */
export const MEASURED_CELL_RESOLUTION = 5;

/** One raw measurement: a client at lat/lon (degrees) saw `rttMs` to `region` at `at` (ms epoch). */
export interface LatencySample extends GeoPoint {
  region: string;
  rttMs: number;
  at: number;
  /** The client's network when known, e.g. `81.2.69.0/24` or `2001:db8:1::/48`. */
  network?: string;
}

/**
 * Measured RTT for one client place (H3 cell) × network × region: what the server stores per
 * hour and combines over a window. Quantiles are of the samples, ms; no mean (one bad path would
 * drag it).
 */
export interface CellAggregate {
  /** H3 index at the snapshot's resolution. */
  cell: string;
  network?: string;
  region: string;
  samples: number;
  medianMs: number;
  /** Spread: the 25th and 75th percentiles, ms. */
  p25Ms: number;
  p75Ms: number;
}

/** Aggregates over the window [from, to), ms epoch. */
export interface LatencySnapshot {
  resolution: number;
  from: number;
  to: number;
  aggregates: CellAggregate[];
}

/** Where an estimate came from: the place's own measurements, its measured neighbours, or distance. */
export type LatencySource = 'measured' | 'learned' | 'distance';

/** An RttEstimate that says where it came from and how many samples stand behind it. */
export interface MeasuredEstimate extends RttEstimate {
  source: LatencySource;
  samples: number;
}

export interface MeasuredLatencyModel extends LatencyModel {
  estimate(client: GeoPoint, region: Region): MeasuredEstimate;
}

export interface MeasuredModelOptions {
  /** Samples a cell needs for a region before its median is trusted (and lent to neighbours). */
  minSamples?: number;
  /** Measured cells further than this (km, great circle between cell centres) teach nothing. */
  learnRadiusKm?: number;
  /** Client cells remembered; the cache is cleared when it reaches this size. */
  maxCachedCells?: number;
}

export const MEASURED_DEFAULTS = {
  minSamples: 5,
  learnRadiusKm: 300,
  maxCachedCells: 200_000,
} as const;

/**
 * Distance under which neighbours weigh alike, km: keeps inverse-distance weights finite and
 * stops one adjacent cell from drowning out the rest.
 */
const IDW_OFFSET_KM = 10;

/** A learned range widens by this much per km between the client and the places it learned from. */
const LEARNED_WIDEN_MS_PER_KM = 0.02;

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Quantile q (0..1) of ascending `sorted`, linear between ranks (type 7, as R and NumPy). */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (b - a) * (pos - lo);
}

const aggregateKey = (cell: string, network: string | undefined, region: string): string =>
  `${cell}|${network ?? ''}|${region}`;

function compareAggregates(a: CellAggregate, b: CellAggregate): number {
  const ka = aggregateKey(a.cell, a.network, a.region);
  const kb = aggregateKey(b.cell, b.network, b.region);
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

/**
 * Aggregate raw samples taken in [from, to) (ms epoch) by H3 cell × network × region: count,
 * median, p25, p75 (ms, rounded to 0.1). Samples outside the window or with a non-finite or
 * negative RTT or position are skipped. Output is sorted by cell, network, region.
 */
export function summarizeSamples(
  samples: readonly LatencySample[],
  opts: { resolution?: number; from: number; to: number },
): LatencySnapshot {
  const resolution = opts.resolution ?? MEASURED_CELL_RESOLUTION;
  const groups = new Map<
    string,
    { cell: string; network?: string; region: string; rtts: number[] }
  >();
  for (const s of samples) {
    if (!(s.at >= opts.from && s.at < opts.to)) continue;
    if (!Number.isFinite(s.rttMs) || s.rttMs < 0) continue;
    if (!Number.isFinite(s.lat) || !Number.isFinite(s.lon) || Math.abs(s.lat) > 90) continue;
    const cell = latLngToCell(s.lat, s.lon, resolution);
    const key = aggregateKey(cell, s.network, s.region);
    let g = groups.get(key);
    if (g === undefined) {
      g = { cell, region: s.region, rtts: [] };
      if (s.network !== undefined) g.network = s.network;
      groups.set(key, g);
    }
    g.rtts.push(s.rttMs);
  }
  const aggregates: CellAggregate[] = [];
  for (const g of groups.values()) {
    const rtts = g.rtts.sort((a, b) => a - b);
    const row: CellAggregate = {
      cell: g.cell,
      region: g.region,
      samples: rtts.length,
      medianMs: round1(quantile(rtts, 0.5)),
      p25Ms: round1(quantile(rtts, 0.25)),
      p75Ms: round1(quantile(rtts, 0.75)),
    };
    if (g.network !== undefined) row.network = g.network;
    aggregates.push(row);
  }
  aggregates.sort(compareAggregates);
  return { resolution, from: opts.from, to: opts.to, aggregates };
}

/** Sample-weighted median of `values` (weights > 0); the midpoint when the half falls on a boundary. */
function weightedMedian(values: readonly { v: number; w: number }[]): number {
  const sorted = [...values].sort((a, b) => a.v - b.v);
  const half = sorted.reduce((t, x) => t + x.w, 0) / 2;
  let acc = 0;
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i] as { v: number; w: number };
    acc += x.w;
    if (acc > half) return x.v;
    if (acc === half) return (x.v + (sorted[i + 1] ?? x).v) / 2;
  }
  return sorted[sorted.length - 1]?.v ?? 0;
}

/**
 * Combine rows of the same cell × network × region (e.g. the hours of a window) into one: counts
 * add, and median, p25 and p75 are the sample-weighted medians of the rows' values, which
 * approximate the quantiles of the pooled samples. `dropNetwork` pools every network of a cell.
 */
export function combineAggregates(
  rows: readonly CellAggregate[],
  opts: { dropNetwork?: boolean } = {},
): CellAggregate[] {
  const groups = new Map<string, CellAggregate[]>();
  for (const r of rows) {
    if (!(r.samples > 0)) continue;
    const network = opts.dropNetwork === true ? undefined : r.network;
    const key = aggregateKey(r.cell, network, r.region);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  const out: CellAggregate[] = [];
  for (const g of groups.values()) {
    const first = g[0] as CellAggregate;
    const pick = (f: (r: CellAggregate) => number) =>
      round1(weightedMedian(g.map((r) => ({ v: f(r), w: r.samples }))));
    const row: CellAggregate = {
      cell: first.cell,
      region: first.region,
      samples: g.reduce((t, r) => t + r.samples, 0),
      medianMs: pick((r) => r.medianMs),
      p25Ms: pick((r) => r.p25Ms),
      p75Ms: pick((r) => r.p75Ms),
    };
    if (opts.dropNetwork !== true && first.network !== undefined) row.network = first.network;
    out.push(row);
  }
  return out.sort(compareAggregates);
}

/** What a client cell knows about one region, precomputed once per cell. */
type CellRegionEstimate =
  | { kind: 'measured'; samples: number; medianMs: number; p25Ms: number; p75Ms: number }
  | { kind: 'learned'; samples: number; offsetMs: number; padMs: number };

/** A measured cell that can teach its neighbours. */
interface Teacher extends GeoPoint {
  cell: string;
  /** By region code: residual (measured median − distance estimate at the cell centre), ms. */
  regions: Map<string, { residualMs: number; halfSpreadMs: number; samples: number }>;
}

const NOTHING: ReadonlyMap<string, CellRegionEstimate> = new Map();

/**
 * Measured model (id `measured`): for a client's H3 cell and a region, (1) the cell's measured
 * median when it has ≥ minSamples, range p25–p75; else (2) the distance estimate plus the
 * inverse-distance-weighted residual of measured cells within learnRadiusKm, range widened by
 * their spread, their disagreement and how far away they are; else (3) the distance estimate.
 * Per-cell answers are precomputed on first use, so the per-call cost is a haversine and a lookup.
 * With no usable measurement it is exactly the distance model, monotonic flag included.
 */
export function createMeasuredModel(
  snapshot: LatencySnapshot,
  opts: MeasuredModelOptions = {},
): MeasuredLatencyModel {
  const minSamples = opts.minSamples ?? MEASURED_DEFAULTS.minSamples;
  const radiusKm = opts.learnRadiusKm ?? MEASURED_DEFAULTS.learnRadiusKm;
  const maxCached = opts.maxCachedCells ?? MEASURED_DEFAULTS.maxCachedCells;
  const resolution = snapshot.resolution;

  // Own-cell lookups (any sample count) and teachers (cells with ≥ minSamples for a region).
  const own = new Map<string, Map<string, CellAggregate>>();
  const teachers = new Map<string, Teacher>();
  for (const a of combineAggregates(snapshot.aggregates, { dropNetwork: true })) {
    const region = findRegion(a.region);
    if (region === undefined) continue;
    let perRegion = own.get(a.cell);
    if (perRegion === undefined) {
      perRegion = new Map();
      own.set(a.cell, perRegion);
    }
    perRegion.set(a.region, a);
    if (a.samples < minSamples) continue;
    let t = teachers.get(a.cell);
    if (t === undefined) {
      const [lat, lon] = cellToLatLng(a.cell);
      t = { cell: a.cell, lat, lon, regions: new Map() };
      teachers.set(a.cell, t);
    }
    t.regions.set(a.region, {
      residualMs: a.medianMs - estimateRttFromDistance(greatCircleKm(t, region)).rttMs,
      halfSpreadMs: Math.max(0, a.p75Ms - a.p25Ms) / 2,
      samples: a.samples,
    });
  }

  if (teachers.size === 0) {
    return {
      id: 'measured',
      distanceMonotonic: true,
      estimate: (client, region) => distanceEstimate(greatCircleKm(client, region)),
    };
  }

  // Teachers bucketed by a coarse parent cell, so a neighbour search is a small gridDisk.
  const coarseRes = Math.min(resolution, 3);
  const coarseRings = Math.ceil(radiusKm / getHexagonEdgeLengthAvg(coarseRes, 'km')) + 1;
  const buckets = new Map<string, Teacher[]>();
  for (const t of teachers.values()) {
    const parent = cellToParent(t.cell, coarseRes);
    const b = buckets.get(parent);
    if (b === undefined) buckets.set(parent, [t]);
    else b.push(t);
  }

  const learnFor = (cell: string): Map<string, CellRegionEstimate> => {
    const out = new Map<string, CellRegionEstimate>();
    const ownRows = own.get(cell);
    if (ownRows !== undefined) {
      for (const a of ownRows.values()) {
        if (a.samples >= minSamples) {
          out.set(a.region, { kind: 'measured', ...a });
        }
      }
    }
    const [lat, lon] = cellToLatLng(cell);
    const centre = { lat, lon };
    const edgeWeight = 1 / (radiusKm + IDW_OFFSET_KM);
    // Per region: Σw, Σw·residual, Σw·spread, Σw·km, samples, and residuals for disagreement.
    const acc = new Map<
      string,
      { w: number; wr: number; ws: number; wd: number; n: number; rs: { r: number; w: number }[] }
    >();
    for (const parent of gridDisk(cellToParent(cell, coarseRes), coarseRings).sort()) {
      for (const t of buckets.get(parent) ?? []) {
        if (t.cell === cell) continue;
        const km = greatCircleKm(centre, t);
        if (km >= radiusKm) continue;
        // Tapered inverse distance: falls to 0 at the radius, so the answer is continuous there.
        const w = 1 / (km + IDW_OFFSET_KM) - edgeWeight;
        for (const [code, r] of t.regions) {
          if (out.has(code)) continue;
          let a = acc.get(code);
          if (a === undefined) {
            a = { w: 0, wr: 0, ws: 0, wd: 0, n: 0, rs: [] };
            acc.set(code, a);
          }
          a.w += w;
          a.wr += w * r.residualMs;
          a.ws += w * r.halfSpreadMs;
          a.wd += w * km;
          a.n += r.samples;
          a.rs.push({ r: r.residualMs, w });
        }
      }
    }
    for (const [code, a] of acc) {
      if (!(a.w > 0)) continue;
      const mean = a.wr / a.w;
      const disagreeMs = a.rs.reduce((t, x) => t + x.w * Math.abs(x.r - mean), 0) / a.w;
      // The distance model counts as one more neighbour at the radius: far teachers are shrunk.
      const offsetMs = a.wr / (a.w + edgeWeight);
      const padMs = a.ws / a.w + disagreeMs + (a.wd / a.w) * LEARNED_WIDEN_MS_PER_KM;
      out.set(code, { kind: 'learned', samples: a.n, offsetMs, padMs });
    }
    return out.size === 0 ? (NOTHING as Map<string, CellRegionEstimate>) : out;
  };

  const cache = new Map<string, ReadonlyMap<string, CellRegionEstimate>>();
  // compileRouting asks for every region at one point in a row: remember the last point's cell.
  let lastLat = Number.NaN;
  let lastLon = Number.NaN;
  let last: ReadonlyMap<string, CellRegionEstimate> = NOTHING;
  const forPoint = (lat: number, lon: number): ReadonlyMap<string, CellRegionEstimate> => {
    if (lat === lastLat && lon === lastLon) return last;
    const cell = latLngToCell(lat, lon, resolution);
    let entry = cache.get(cell);
    if (entry === undefined) {
      if (cache.size >= maxCached) cache.clear();
      entry = learnFor(cell);
      cache.set(cell, entry);
    }
    lastLat = lat;
    lastLon = lon;
    last = entry;
    return entry;
  };

  return {
    id: 'measured',
    distanceMonotonic: false,
    estimate(client, region) {
      const km = greatCircleKm(client, region);
      const e = forPoint(client.lat, client.lon).get(region.code);
      if (e === undefined) return distanceEstimate(km);
      if (e.kind === 'measured') {
        return {
          rttMs: e.medianMs,
          rttLowMs: Math.min(e.p25Ms, e.medianMs),
          rttHighMs: Math.max(e.p75Ms, e.medianMs),
          distanceKm: round1(km),
          source: 'measured',
          samples: e.samples,
        };
      }
      const base = estimateRttFromDistance(km);
      // Never faster than light in fibre, however fast the neighbours were.
      const floor = km * FIBRE_RTT_MS_PER_KM;
      const rtt = Math.max(floor, base.rttMs + e.offsetMs);
      return {
        rttMs: round1(rtt),
        rttLowMs: round1(Math.max(floor, rtt - e.padMs)),
        rttHighMs: round1(rtt + e.padMs),
        distanceKm: base.distanceKm,
        source: 'learned',
        samples: e.samples,
      };
    },
  };
}

function distanceEstimate(km: number): MeasuredEstimate {
  return { ...estimateRttFromDistance(km), source: 'distance', samples: 0 };
}
