import {
  cellToBoundary,
  cellToLatLng,
  cellToParent,
  getHexagonEdgeLengthAvg,
  gridDisk,
  latLngToCell,
} from 'h3-js';
import { EARTH_RADIUS_KM, greatCircleKm, writeUnitVector } from './geo';
import {
  ACCESS_RTT_MS,
  estimateRttFromDistance,
  FIBRE_RTT_MS_PER_KM,
  ROUTE_STRETCH,
} from './latency-model';
import { REGIONS } from './regions';
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
  /**
   * A fast chooser over a fixed list of regions (compileRouting's per-cell path): same answer
   * as ranking `estimate(point, regions[k]).rttMs`, ties to the lower k.
   */
  compileRanking(regions: readonly Region[]): RegionRanking;
}

export interface MeasuredModelOptions {
  /** Samples a cell needs for a region before its median is trusted (and lent to neighbours). */
  minSamples?: number;
  /** Measured cells further than this (km, great circle between cell centres) teach nothing. */
  learnRadiusKm?: number;
  /** Client cells remembered; the cache is cleared when it reaches this size. */
  maxCachedCells?: number;
  /**
   * Point → cell memo to share across models over the same points (createPointCellCache at the
   * snapshot's resolution); each model keeps a small one of its own otherwise.
   */
  cellCache?: PointCellCache;
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

/** Rows ordered by cell, network, region: keys built once, not per comparison. */
function sortByKey(keyed: [string, CellAggregate][]): CellAggregate[] {
  keyed.sort((a, b) => (a[0] === b[0] ? 0 : a[0] < b[0] ? -1 : 1));
  return keyed.map((k) => k[1]);
}

/** Count, median, p25 and p75 (ms, rounded to 0.1) of RTTs already sorted ascending. */
export function summarizeSortedRtts(sorted: readonly number[]): {
  samples: number;
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
} {
  return {
    samples: sorted.length,
    medianMs: round1(quantile(sorted, 0.5)),
    p25Ms: round1(quantile(sorted, 0.25)),
    p75Ms: round1(quantile(sorted, 0.75)),
  };
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
  const aggregates: [string, CellAggregate][] = [];
  for (const [key, g] of groups) {
    const rtts = g.rtts.sort((a, b) => a - b);
    const row: CellAggregate = { cell: g.cell, region: g.region, ...summarizeSortedRtts(rtts) };
    if (g.network !== undefined) row.network = g.network;
    aggregates.push([key, row]);
  }
  return { resolution, from: opts.from, to: opts.to, aggregates: sortByKey(aggregates) };
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
  const out: [string, CellAggregate][] = [];
  for (const [key, g] of groups) {
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
    out.push([key, row]);
  }
  return sortByKey(out);
}

/**
 * A bounded, exact memo of point → H3 cell, shared by every model over the same points (a time
 * slider builds a model per frame over one grid; the server routes the same city list under each
 * new snapshot). A hit is for the very same lat/lon (degrees), so it never changes an answer.
 */
export interface PointCellCache {
  readonly resolution: number;
  /** H3 index of lat/lon (degrees) at `resolution`. */
  cellOf(lat: number, lon: number): string;
}

const hashBits = new Float64Array(2);
const hashWords = new Uint32Array(hashBits.buffer);

/** A 32-bit hash of the exact bits of lat and lon. */
function hashPoint(lat: number, lon: number): number {
  hashBits[0] = lat;
  hashBits[1] = lon;
  let h = Math.imul(
    (hashWords[0] as number) ^ Math.imul(hashWords[1] as number, 0x9e3779b1),
    0x85ebca6b,
  );
  h ^= Math.imul(
    (hashWords[2] as number) ^ Math.imul(hashWords[3] as number, 0xc2b2ae35),
    0x27d4eb2f,
  );
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

/**
 * A 4-way set-associative table of `capacity` points (rounded up to a power of two), keyed by the
 * bits of lat and lon: ~24 bytes a slot, never grows, evicts within a set.
 */
export function createPointCellCache(
  resolution: number = MEASURED_CELL_RESOLUTION,
  capacity = 1 << 18,
): PointCellCache {
  const size = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
  const mask = (size - 1) & ~3;
  const lats = new Float64Array(size).fill(Number.NaN);
  const lons = new Float64Array(size);
  const cells = new Array<string>(size).fill('');
  let victim = 0;
  return {
    resolution,
    cellOf(lat, lon) {
      const base = hashPoint(lat, lon) & mask;
      for (let s = base; s < base + 4; s++) {
        if (lats[s] === lat && lons[s] === lon) return cells[s] as string;
      }
      const cell = latLngToCell(lat, lon, resolution);
      let slot = base + (victim++ & 3);
      for (let s = base; s < base + 4; s++) {
        if (Number.isNaN(lats[s])) {
          slot = s;
          break;
        }
      }
      lats[slot] = lat;
      lons[slot] = lon;
      cells[slot] = cell;
      return cell;
    },
  };
}

/** Index of every region in REGIONS: per-cell tables are arrays by this index. */
const REGION_INDEX: ReadonlyMap<string, number> = new Map(REGIONS.map((r, i) => [r.code, i]));

const KIND_DISTANCE = 0;
const KIND_MEASURED = 1;
const KIND_LEARNED = 2;

/**
 * What a client cell knows, by region index: `slot[g]` is -1 (distance) or s, and `vals[5s..5s+4]`
 * is [kind, a, b, c, samples]: measured [median, p25, p75]; learned [offset, pad, 0].
 */
interface CellKnowledge {
  slot: Int8Array;
  vals: readonly number[];
}

const NOTHING: CellKnowledge = {
  slot: new Int8Array(REGIONS.length).fill(-1),
  vals: [],
};

/** The distance model's rttMs for `km`, bit for bit (estimateRttFromDistance without the range). */
function distanceRttMs(km: number): number {
  return round1(km * FIBRE_RTT_MS_PER_KM * ROUTE_STRETCH.typical + ACCESS_RTT_MS.typical);
}

/** A learned rttMs: the distance estimate plus the neighbours' offset, never faster than fibre. */
function learnedRttMs(km: number, offsetMs: number): number {
  return round1(Math.max(km * FIBRE_RTT_MS_PER_KM, distanceRttMs(km) + offsetMs));
}

/** rttMs of one (kind, a) at `km`; non-decreasing in km, which is what lets a router prune. */
function rttOf(kind: number, a: number, km: number): number {
  return kind === KIND_MEASURED
    ? a
    : kind === KIND_LEARNED
      ? learnedRttMs(km, a)
      : distanceRttMs(km);
}

/**
 * Picks, for a point (degrees), the k minimising (rttMs of regions[k], k) among those `eligible`
 * says yes to, or among all when none is; -1 for no regions. Exactly what ranking
 * `estimate(point, regions[k]).rttMs` with ties to the lower k gives.
 */
export type RegionRanking = (lat: number, lon: number, eligible?: (k: number) => boolean) => number;

/** Safety factor on a cell's centre-to-vertex radius (H3 edges are not quite great circles). */
const CELL_RADIUS_MARGIN = 1.1;

/** Largest distance from the cell's centre to a vertex, km, with a margin: bounds any point in it. */
function cellRadiusKm(cell: string, centre: GeoPoint): number {
  let r = 0;
  for (const [lat, lon] of cellToBoundary(cell))
    r = Math.max(r, greatCircleKm(centre, { lat, lon }));
  return r * CELL_RADIUS_MARGIN + 0.1;
}

/**
 * Measured model (id `measured`): for a client's H3 cell and a region, (1) the cell's measured
 * median when it has ≥ minSamples, range p25–p75; else (2) the distance estimate plus the
 * inverse-distance-weighted residual of measured cells within learnRadiusKm, range widened by
 * their spread, their disagreement and how far away they are; else (3) the distance estimate.
 * Build precomputes, per coarse (res 3) cell, the teachers that can reach any cell under it, so
 * learning a new cell is a parent lookup and one loop (µs); answers are memoised per cell.
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
  const points = opts.cellCache ?? createPointCellCache(resolution, 1 << 16);
  if (points.resolution !== resolution) {
    throw new RangeError(
      `cellCache is at resolution ${points.resolution}, the snapshot at ${resolution}`,
    );
  }

  // Own-cell rows with enough samples; teachers are the cells that have any.
  const own = new Map<string, CellAggregate[]>();
  for (const a of combineAggregates(snapshot.aggregates, { dropNetwork: true })) {
    if (a.samples < minSamples || !REGION_INDEX.has(a.region)) continue;
    const rows = own.get(a.cell);
    if (rows === undefined) own.set(a.cell, [a]);
    else rows.push(a);
  }

  const networks = networkTable(snapshot.aggregates, minSamples);

  if (own.size === 0) {
    const byDistance: MeasuredLatencyModel = {
      id: 'measured',
      distanceMonotonic: true,
      estimate: (client, region) => distanceEstimate(greatCircleKm(client, region)),
      compileRanking: (regions) => distanceRanking(regions),
    };
    if (networks.size > 0) attachNetworks(byDistance, networks);
    return byDistance;
  }

  // Teachers in flat arrays: teacher t has rows rowStart[t]..rowStart[t+1] (region, residual,
  // half spread, samples), residual = measured median − distance estimate at the cell centre.
  const nT = own.size;
  const tCell: string[] = [];
  const tPoint: GeoPoint[] = [];
  const tVec = new Float64Array(3 * nT);
  const rowStart = new Int32Array(nT + 1);
  const taught: { g: number; residual: number; spread: number; samples: number }[] = [];
  for (const [cell, rows] of own) {
    const [lat, lon] = cellToLatLng(cell);
    const centre = { lat, lon };
    writeUnitVector(lat, lon, tVec, 3 * tCell.length);
    tCell.push(cell);
    tPoint.push(centre);
    for (const a of rows) {
      const g = REGION_INDEX.get(a.region) as number;
      taught.push({
        g,
        residual: a.medianMs - distanceRttMs(greatCircleKm(centre, REGIONS[g] as Region)),
        spread: Math.max(0, a.p75Ms - a.p25Ms) / 2,
        samples: a.samples,
      });
    }
    rowStart[tCell.length] = taught.length;
  }
  const rowRegion = Int32Array.from(taught, (r) => r.g);
  const rowResidual = Float64Array.from(taught, (r) => r.residual);
  const rowSpread = Float64Array.from(taught, (r) => r.spread);
  const rowSamples = Float64Array.from(taught, (r) => r.samples);

  // Per coarse cell, the teachers that can be within radiusKm of a client cell under it: expand
  // each teacher's coarse parent once, keep the coarse cells whose reach includes the teacher.
  const coarseRes = Math.min(resolution, 3);
  const childSlackKm =
    resolution > coarseRes ? 2 * getHexagonEdgeLengthAvg(coarseRes + 1, 'km') : 0;
  // Neighbouring coarse centres are ~1.5 edges apart or more; both cells' radii (~1.2 edges each)
  // and the children's slack bound how far a teacher's parent can be from a reached cell.
  const coarseEdgeKm = getHexagonEdgeLengthAvg(coarseRes, 'km');
  const coarseRings =
    Math.ceil((radiusKm + 2.4 * coarseEdgeKm + childSlackKm) / (1.5 * coarseEdgeKm)) + 1;
  const byParent = new Map<string, number[]>();
  for (let t = 0; t < nT; t++) {
    const parent = cellToParent(tCell[t] as string, coarseRes);
    const b = byParent.get(parent);
    if (b === undefined) byParent.set(parent, [t]);
    else b.push(t);
  }
  const coarseReach = new Map<string, { centre: GeoPoint; reachKm: number }>();
  const reachOf = (q: string) => {
    let r = coarseReach.get(q);
    if (r === undefined) {
      const [lat, lon] = cellToLatLng(q);
      const centre = { lat, lon };
      r = { centre, reachKm: radiusKm + cellRadiusKm(q, centre) + childSlackKm };
      coarseReach.set(q, r);
    }
    return r;
  };
  const lists = new Map<string, number[]>();
  for (const [parent, ts] of byParent) {
    for (const q of gridDisk(parent, coarseRings)) {
      const { centre, reachKm } = reachOf(q);
      for (const t of ts) {
        if (greatCircleKm(centre, tPoint[t] as GeoPoint) >= reachKm) continue;
        const l = lists.get(q);
        if (l === undefined) lists.set(q, [t]);
        else l.push(t);
      }
    }
  }
  // Teacher order within a list decides the order of float sums: make it the snapshot's order.
  for (const l of lists.values()) l.sort((a, b) => a - b);

  const R = REGIONS.length;
  const accW = new Float64Array(R);
  const accWR = new Float64Array(R);
  const accWS = new Float64Array(R);
  const accWD = new Float64Array(R);
  const accN = new Float64Array(R);
  const accDis = new Float64Array(R);
  const accMean = new Float64Array(R);
  const ownKind = new Uint8Array(R);
  const nearT: number[] = [];
  const nearW: number[] = [];
  const edgeWeight = 1 / (radiusKm + IDW_OFFSET_KM);
  // A dot product of unit vectors rejects far teachers before any trigonometry.
  const minDot = Math.cos(Math.min(Math.PI, radiusKm / EARTH_RADIUS_KM)) - 1e-9;
  const cVec = new Float64Array(3);

  const learnFor = (cell: string): CellKnowledge => {
    const ownRows = own.get(cell);
    const list = lists.get(cellToParent(cell, coarseRes));
    if (ownRows === undefined && list === undefined) return NOTHING;
    ownKind.fill(0);
    for (const a of ownRows ?? []) ownKind[REGION_INDEX.get(a.region) as number] = 1;
    const [lat, lon] = cellToLatLng(cell);
    const centre = { lat, lon };
    writeUnitVector(lat, lon, cVec, 0);
    const cx = cVec[0] as number;
    const cy = cVec[1] as number;
    const cz = cVec[2] as number;
    nearT.length = 0;
    nearW.length = 0;
    for (const t of list ?? []) {
      const dot =
        cx * (tVec[3 * t] as number) +
        cy * (tVec[3 * t + 1] as number) +
        cz * (tVec[3 * t + 2] as number);
      if (dot < minDot || tCell[t] === cell) continue;
      const km = greatCircleKm(centre, tPoint[t] as GeoPoint);
      if (km >= radiusKm) continue;
      // Tapered inverse distance: falls to 0 at the radius, so the answer is continuous there.
      const w = 1 / (km + IDW_OFFSET_KM) - edgeWeight;
      nearT.push(t);
      nearW.push(w);
      for (let i = rowStart[t] as number; i < (rowStart[t + 1] as number); i++) {
        const g = rowRegion[i] as number;
        if (ownKind[g] === 1) continue;
        accW[g] = (accW[g] as number) + w;
        accWR[g] = (accWR[g] as number) + w * (rowResidual[i] as number);
        accWS[g] = (accWS[g] as number) + w * (rowSpread[i] as number);
        accWD[g] = (accWD[g] as number) + w * km;
        accN[g] = (accN[g] as number) + (rowSamples[i] as number);
      }
    }
    // Disagreement: the weighted mean absolute deviation of the residuals from their mean.
    for (let g = 0; g < R; g++) {
      const W = accW[g] as number;
      accMean[g] = W > 0 ? (accWR[g] as number) / W : 0;
    }
    for (let j = 0; j < nearT.length; j++) {
      const t = nearT[j] as number;
      const w = nearW[j] as number;
      for (let i = rowStart[t] as number; i < (rowStart[t + 1] as number); i++) {
        const g = rowRegion[i] as number;
        if (ownKind[g] === 1) continue;
        accDis[g] =
          (accDis[g] as number) + w * Math.abs((rowResidual[i] as number) - (accMean[g] as number));
      }
    }
    const slot = new Int8Array(R).fill(-1);
    const vals: number[] = [];
    for (const a of ownRows ?? []) {
      slot[REGION_INDEX.get(a.region) as number] = vals.length / 5;
      vals.push(KIND_MEASURED, a.medianMs, a.p25Ms, a.p75Ms, a.samples);
    }
    for (let g = 0; g < R; g++) {
      const W = accW[g] as number;
      if (W > 0) {
        // The distance model counts as one more neighbour at the radius: far teachers are shrunk.
        const offsetMs = (accWR[g] as number) / (W + edgeWeight);
        const padMs =
          (accWS[g] as number) / W +
          (accDis[g] as number) / W +
          ((accWD[g] as number) / W) * LEARNED_WIDEN_MS_PER_KM;
        slot[g] = vals.length / 5;
        vals.push(KIND_LEARNED, offsetMs, padMs, 0, accN[g] as number);
      }
      accW[g] = 0;
      accWR[g] = 0;
      accWS[g] = 0;
      accWD[g] = 0;
      accN[g] = 0;
      accDis[g] = 0;
    }
    return vals.length === 0 ? NOTHING : { slot, vals };
  };

  const known = new Map<string, CellKnowledge>();
  const knowledgeOf = (cell: string): CellKnowledge => {
    let k = known.get(cell);
    if (k === undefined) {
      if (known.size >= maxCached) known.clear();
      k = learnFor(cell);
      known.set(cell, k);
    }
    return k;
  };
  // explainRouting asks for every region at one point in a row: remember the last point.
  let lastLat = Number.NaN;
  let lastLon = Number.NaN;
  let last = NOTHING;
  const forPoint = (lat: number, lon: number): CellKnowledge => {
    if (lat !== lastLat || lon !== lastLon) {
      last = knowledgeOf(points.cellOf(lat, lon));
      lastLat = lat;
      lastLon = lon;
    }
    return last;
  };

  const model: MeasuredLatencyModel = {
    id: 'measured',
    distanceMonotonic: false,
    estimate(client, region) {
      const km = greatCircleKm(client, region);
      const g = REGION_INDEX.get(region.code);
      const k = forPoint(client.lat, client.lon);
      const s = g === undefined ? -1 : (k.slot[g] as number);
      if (s < 0) return distanceEstimate(km);
      const v = k.vals;
      const a = v[5 * s + 1] as number;
      const b = v[5 * s + 2] as number;
      const samples = v[5 * s + 4] as number;
      if (v[5 * s] === KIND_MEASURED) {
        const c = v[5 * s + 3] as number;
        return {
          rttMs: a,
          rttLowMs: Math.min(b, a),
          rttHighMs: Math.max(c, a),
          distanceKm: round1(km),
          source: 'measured',
          samples,
        };
      }
      const rtt = learnedRttMs(km, a);
      // Never faster than light in fibre, however fast the neighbours were.
      const floor = km * FIBRE_RTT_MS_PER_KM;
      return {
        rttMs: rtt,
        rttLowMs: round1(Math.max(floor, rtt - b)),
        rttHighMs: round1(rtt + b),
        distanceKm: round1(km),
        source: 'learned',
        samples,
      };
    },
    compileRanking(regions) {
      return measuredRanking(regions, points, learnFor, maxCached);
    },
  };
  if (networks.size > 0) attachNetworks(model, networks);
  return model;
}

/** One measured network: where its samples are, and its own medians by region. */
interface NetworkKnowledge {
  point: GeoPoint;
  byRegion: Map<string, CellAggregate>;
}

/**
 * The networks of a snapshot that have a region with at least `minSamples` samples: their rows
 * pooled over cells, and the centre of the cell holding most of their samples.
 */
function networkTable(
  aggregates: readonly CellAggregate[],
  minSamples: number,
): Map<string, NetworkKnowledge> {
  const withNetwork = aggregates.filter((a) => a.network !== undefined);
  const out = new Map<string, NetworkKnowledge>();
  if (withNetwork.length === 0) return out;
  // Where each network's samples are: the cell with the most.
  const cellSamples = new Map<string, Map<string, number>>();
  for (const a of withNetwork) {
    const net = a.network as string;
    let cells = cellSamples.get(net);
    if (cells === undefined) {
      cells = new Map();
      cellSamples.set(net, cells);
    }
    cells.set(a.cell, (cells.get(a.cell) ?? 0) + a.samples);
  }
  const pooled = combineAggregates(
    withNetwork.map((a) => ({ ...a, cell: '' })),
    {},
  );
  for (const a of pooled) {
    if (a.samples < minSamples || !REGION_INDEX.has(a.region)) continue;
    const net = a.network as string;
    let k = out.get(net);
    if (k === undefined) {
      let best = '';
      let most = -1;
      for (const [cell, n] of cellSamples.get(net) ?? []) {
        if (n > most || (n === most && cell < best)) {
          best = cell;
          most = n;
        }
      }
      const [lat, lon] = cellToLatLng(best);
      k = { point: { lat, lon }, byRegion: new Map() };
      out.set(net, k);
    }
    k.byRegion.set(a.region, a);
  }
  return out;
}

/**
 * `forNetwork` on a measured model: a measured network routes by its own medians where it has
 * them, and by the model's estimate at its own place (where its samples are) elsewhere, so
 * every client of the network gets one answer, whatever its address says of its location.
 */
function attachNetworks(model: MeasuredLatencyModel, networks: Map<string, NetworkKnowledge>) {
  const built = new Map<string, MeasuredLatencyModel>();
  model.forNetwork = (network) => {
    const k = networks.get(network);
    if (k === undefined) return null;
    let m = built.get(network);
    if (m === undefined) {
      const estimate = (client: GeoPoint, region: Region): MeasuredEstimate => {
        const km = round1(greatCircleKm(client, region));
        const own = k.byRegion.get(region.code);
        if (own !== undefined) {
          return {
            rttMs: own.medianMs,
            rttLowMs: Math.min(own.p25Ms, own.medianMs),
            rttHighMs: Math.max(own.p75Ms, own.medianMs),
            distanceKm: km,
            source: 'measured',
            samples: own.samples,
          };
        }
        return { ...model.estimate(k.point, region), distanceKm: km };
      };
      m = {
        id: `measured@${network}`,
        distanceMonotonic: false,
        estimate,
        // Ranks by RTT, which for a network does not depend on the client's point.
        compileRanking: (regions) => (_lat, _lon, eligible) => {
          let best = -1;
          let bestRtt = Number.POSITIVE_INFINITY;
          let any = -1;
          let anyRtt = Number.POSITIVE_INFINITY;
          regions.forEach((r, i) => {
            const rtt = estimate(k.point, r).rttMs;
            if (rtt < anyRtt) {
              anyRtt = rtt;
              any = i;
            }
            if (rtt < bestRtt && (eligible === undefined || eligible(i))) {
              bestRtt = rtt;
              best = i;
            }
          });
          return best >= 0 ? best : any;
        },
      };
      if (built.size >= 100_000) built.clear();
      built.set(network, m);
    }
    return m;
  };
}

function distanceEstimate(km: number): MeasuredEstimate {
  return { ...estimateRttFromDistance(km), source: 'distance', samples: 0 };
}

/** The ranking of a model with no measurements: the distance estimate of every region. */
function distanceRanking(regions: readonly Region[]): RegionRanking {
  const point = { lat: 0, lon: 0 };
  const pick = (eligible: ((k: number) => boolean) | undefined): number => {
    let best = -1;
    let bestRtt = Number.POSITIVE_INFINITY;
    for (let k = 0; k < regions.length; k++) {
      const rtt = distanceRttMs(greatCircleKm(point, regions[k] as Region));
      if (rtt < bestRtt && (eligible === undefined || eligible(k))) {
        bestRtt = rtt;
        best = k;
      }
    }
    return best;
  };
  return (lat, lon, eligible) => {
    point.lat = lat;
    point.lon = lon;
    const best = pick(eligible);
    return best >= 0 || eligible === undefined ? best : pick(undefined);
  };
}

/**
 * Per cell, each region's rttMs as a function of km (a constant when measured) and a lower bound
 * over the whole cell (km from the centre minus the cell's radius; rttOf never falls as km
 * grows). Regions are tried in order of that bound, exactly at the point, and the walk stops once
 * the bound passes the best so far: usually one to three haversines a decision, and the answer is
 * the exact ranking at the point, never the cell centre's.
 */
function measuredRanking(
  regions: readonly Region[],
  points: PointCellCache,
  // Learned afresh, not through the model's memo: the ranking keeps its own per-cell table.
  learnFor: (cell: string) => CellKnowledge,
  maxCells: number,
): RegionRanking {
  const n = regions.length;
  const gOf = regions.map((r) => REGION_INDEX.get(r.code) ?? -1);
  const slots = new Map<string, number>();
  let capacity = 0;
  let order = new Uint16Array(0);
  let bound = new Float64Array(0);
  let kind = new Uint8Array(0);
  let value = new Float64Array(0);
  const byBound = Array.from({ length: n }, (_, k) => k);
  const lo = new Float64Array(n);

  // Cells with no measurement in reach rank by distance alone: no table, slot -1.
  const byDistance = distanceRanking(regions);
  let used = 0;
  const prepare = (cell: string): number => {
    if (slots.size >= maxCells) {
      slots.clear();
      used = 0;
    }
    const know = learnFor(cell);
    if (know === NOTHING) {
      slots.set(cell, -1);
      return -1;
    }
    if (used >= capacity) {
      capacity = Math.min(maxCells, Math.max(256, capacity * 2));
      const grow = <T extends Uint16Array | Float64Array | Uint8Array>(a: T, b: T): T => {
        b.set(a.subarray(0, Math.min(a.length, b.length)));
        return b;
      };
      order = grow(order, new Uint16Array(capacity * n));
      bound = grow(bound, new Float64Array(capacity * n));
      kind = grow(kind, new Uint8Array(capacity * n));
      value = grow(value, new Float64Array(capacity * n));
    }
    const s = used++;
    const base = s * n;
    const [lat, lon] = cellToLatLng(cell);
    const centre = { lat, lon };
    const r = cellRadiusKm(cell, centre);
    for (let k = 0; k < n; k++) {
      const g = gOf[k] as number;
      const slot = g < 0 ? -1 : (know.slot[g] as number);
      const kd = slot < 0 ? KIND_DISTANCE : (know.vals[5 * slot] as number);
      const a = slot < 0 ? 0 : (know.vals[5 * slot + 1] as number);
      kind[base + k] = kd;
      value[base + k] = a;
      lo[k] = rttOf(kd, a, Math.max(0, greatCircleKm(centre, regions[k] as Region) - r));
    }
    byBound.sort((x, y) => (lo[x] as number) - (lo[y] as number) || x - y);
    for (let j = 0; j < n; j++) {
      const k = byBound[j] as number;
      order[base + j] = k;
      bound[base + j] = lo[k] as number;
    }
    slots.set(cell, s);
    return base;
  };

  const point = { lat: 0, lon: 0 };
  const pick = (base: number, eligible: ((k: number) => boolean) | undefined): number => {
    let best = -1;
    let bestRtt = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if ((bound[base + j] as number) > bestRtt) break;
      const k = order[base + j] as number;
      const kd = kind[base + k] as number;
      const rtt =
        kd === KIND_MEASURED
          ? (value[base + k] as number)
          : rttOf(kd, value[base + k] as number, greatCircleKm(point, regions[k] as Region));
      if (
        (rtt < bestRtt || (rtt === bestRtt && k < best)) &&
        (eligible === undefined || eligible(k))
      ) {
        bestRtt = rtt;
        best = k;
      }
    }
    return best;
  };

  // Exact memo of a point's overall winner (every record eligible): a repeated point then costs a
  // hash, and with health one question; only when that winner is unhealthy does it walk the cell.
  let memoSize = 0;
  let memoLat = new Float64Array(0);
  let memoLon = new Float64Array(0);
  let memoK = new Int32Array(0);
  let memoMisses = 0;
  const resetMemo = (size: number) => {
    memoSize = size;
    memoLat = new Float64Array(size).fill(Number.NaN);
    memoLon = new Float64Array(size);
    memoK = new Int32Array(size);
    memoMisses = 0;
  };
  resetMemo(1 << 10);

  const walk = (lat: number, lon: number, eligible: ((k: number) => boolean) | undefined) => {
    const cell = points.cellOf(lat, lon);
    const slot = slots.get(cell);
    const b = slot === undefined ? prepare(cell) : slot * n;
    if (b < 0) return byDistance(lat, lon, eligible);
    point.lat = lat;
    point.lon = lon;
    const best = pick(b, eligible);
    return best >= 0 || eligible === undefined ? best : pick(b, undefined);
  };

  return (lat, lon, eligible) => {
    if (n === 0) return -1;
    // 4-way sets, as in createPointCellCache.
    const base = hashPoint(lat, lon) & (memoSize - 4);
    let k = -2;
    for (let s = base; s < base + 4; s++) {
      if (memoLat[s] === lat && memoLon[s] === lon) {
        k = memoK[s] as number;
        break;
      }
    }
    if (k === -2) {
      k = walk(lat, lon, undefined);
      // Grow (up to MEMO_MAX points) while misses outnumber the slots: a big, repeated set.
      if (++memoMisses > 2 * memoSize && memoSize < MEMO_MAX) resetMemo(memoSize * 4);
      let s = base + (memoMisses & 3);
      for (let e = base; e < base + 4; e++) {
        if (Number.isNaN(memoLat[e])) {
          s = e;
          break;
        }
      }
      memoLat[s] = lat;
      memoLon[s] = lon;
      memoK[s] = k;
    }
    return eligible === undefined || eligible(k) ? k : walk(lat, lon, eligible);
  };
}

/** Most points a compiled ranking memoises (~20 bytes each). */
const MEMO_MAX = 1 << 18;
