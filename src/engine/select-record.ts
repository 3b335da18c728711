import { writeUnitVector } from './geo';
import { distanceLatencyModel } from './latency-model';
import type { RegionRanking } from './measured-latency';
import { findRegion } from './regions';
import type {
  GeoPoint,
  LatencyModel,
  Region,
  ResourceRecordSet,
  RoutingCandidate,
  RoutingDecision,
} from './types';

export interface ExplainRoutingOptions {
  /** Defaults to distanceLatencyModel. */
  model?: LatencyModel;
  /**
   * Health of a record that has a health check (HealthCheckId, or an alias with
   * EvaluateTargetHealth). Records without one are always healthy, as in Route 53.
   */
  isHealthy?: (r: ResourceRecordSet) => boolean;
}

/** True when Route 53 would consult health for this record at all. */
export function hasHealthCheck(r: ResourceRecordSet): boolean {
  return r.HealthCheckId !== undefined || r.AliasTarget?.EvaluateTargetHealth === true;
}

interface Entry {
  index: number;
  record: ResourceRecordSet;
  region: Region;
}

/** Latency records (Region set and known) in tie-break order: region code, then set id. */
function latencyEntries(records: readonly ResourceRecordSet[]): Entry[] {
  const out: Entry[] = [];
  records.forEach((record, index) => {
    const region = record.Region === undefined ? undefined : findRegion(record.Region);
    if (region !== undefined) out.push({ index, record, region });
  });
  return out.sort((a, b) => compareTieBreak(a.record, b.record) || a.index - b.index);
}

function compareTieBreak(a: ResourceRecordSet, b: ResourceRecordSet): number {
  const ra = a.Region ?? '';
  const rb = b.Region ?? '';
  if (ra !== rb) return ra < rb ? -1 : 1;
  const sa = a.SetIdentifier ?? '';
  const sb = b.SetIdentifier ?? '';
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

/**
 * Rank a name's latency records (those with a Region) for a client and pick one, the Route 53
 * way: lowest estimated RTT wins; an unhealthy record yields to the next best; if none is
 * healthy all are treated as healthy (allUnhealthy). Ties: region code, then SetIdentifier.
 * With a distance-monotonic model the order is by exact distance, so displayed RTTs that round
 * to the same 0.1 ms still rank the nearer region first, exactly as compileRouting does.
 */
export function explainRouting(
  records: ResourceRecordSet[],
  client: GeoPoint,
  opts: ExplainRoutingOptions = {},
): RoutingDecision {
  const model = opts.model ?? distanceLatencyModel;
  const isHealthy = opts.isHealthy;
  const entries = latencyEntries(records);
  const clientVec = new Float64Array(3);
  writeUnitVector(client.lat, client.lon, clientVec, 0);
  const regionVec = new Float64Array(3);

  const ranked = entries.map((e, order) => {
    writeUnitVector(e.region.lat, e.region.lon, regionVec, 0);
    const dot = dot3(clientVec, 0, regionVec, 0);
    const estimate = model.estimate(client, e.region);
    const healthy = !hasHealthCheck(e.record) || isHealthy === undefined || isHealthy(e.record);
    const candidate: RoutingCandidate = {
      setIdentifier: e.record.SetIdentifier ?? '',
      region: e.region.code,
      healthy,
      record: e.record,
      ...estimate,
    };
    return { candidate, dot, order };
  });
  ranked.sort(
    model.distanceMonotonic === true
      ? (a, b) => b.dot - a.dot || a.order - b.order
      : (a, b) => a.candidate.rttMs - b.candidate.rttMs || a.order - b.order,
  );
  const candidates = ranked.map((r) => r.candidate);
  const firstHealthy = candidates.find((c) => c.healthy);
  const chosen = firstHealthy ?? candidates[0] ?? null;
  return { chosen, candidates, allUnhealthy: chosen !== null && firstHealthy === undefined };
}

/** A model with its own fast ranking over a fixed region list (see MeasuredLatencyModel). */
function hasCompileRanking(
  model: LatencyModel,
): model is LatencyModel & { compileRanking(regions: readonly Region[]): RegionRanking } {
  return typeof (model as { compileRanking?: unknown }).compileRanking === 'function';
}

/** Dot product of two 3-vectors stored in Float64Arrays; shared so both paths round alike. */
function dot3(a: Float64Array, ai: number, b: Float64Array, bi: number): number {
  return (
    (a[ai] as number) * (b[bi] as number) +
    (a[ai + 1] as number) * (b[bi + 1] as number) +
    (a[ai + 2] as number) * (b[bi + 2] as number)
  );
}

export interface CompiledRouting {
  records: ResourceRecordSet[];
  /**
   * Index into `records` of the record Route 53 would answer with for a client at lat/lon
   * (degrees), -1 when there is no latency record. `healthy(i)` is asked only for records with a
   * health check; when none is healthy the best overall wins. Allocation-free.
   */
  selectIndex(lat: number, lon: number, healthy?: (i: number) => boolean): number;
}

/**
 * Precompile a record layout for the hot path (catchment maps, impact over every city): region
 * unit vectors are computed once, and a decision is one client vector plus a dot product per
 * record. A model with `compileRanking` (the measured model) ranks per H3 cell instead, health
 * asked on the walk. Always agrees with explainRouting.
 */
export function compileRouting(
  records: ResourceRecordSet[],
  opts: { model?: LatencyModel } = {},
): CompiledRouting {
  const model = opts.model ?? distanceLatencyModel;
  const entries = latencyEntries(records);
  const n = entries.length;
  const indices = new Int32Array(n);
  const checked = new Uint8Array(n);
  const vectors = new Float64Array(n * 3);
  entries.forEach((e, k) => {
    indices[k] = e.index;
    checked[k] = hasHealthCheck(e.record) ? 1 : 0;
    writeUnitVector(e.region.lat, e.region.lon, vectors, k * 3);
  });
  const client = new Float64Array(3);

  if (model.distanceMonotonic === true) {
    return {
      records,
      selectIndex(lat, lon, healthy) {
        writeUnitVector(lat, lon, client, 0);
        let best = -1;
        let bestDot = Number.NEGATIVE_INFINITY;
        let any = -1;
        let anyDot = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < n; k++) {
          const d = dot3(client, 0, vectors, k * 3);
          // Strict ">" keeps the earlier entry on ties: region code, then set id.
          if (d > anyDot) {
            anyDot = d;
            any = k;
          }
          if (d > bestDot) {
            const idx = indices[k] as number;
            if (healthy === undefined || checked[k] === 0 || healthy(idx)) {
              bestDot = d;
              best = k;
            }
          }
        }
        const k = best >= 0 ? best : any;
        return k < 0 ? -1 : (indices[k] as number);
      },
    };
  }

  // A model that can rank a fixed region list itself (the measured model, per H3 cell).
  if (hasCompileRanking(model)) {
    const rank = model.compileRanking(entries.map((e) => e.region));
    let current: ((i: number) => boolean) | undefined;
    const eligible = (k: number): boolean =>
      checked[k] === 0 || (current as (i: number) => boolean)(indices[k] as number);
    return {
      records,
      selectIndex(lat, lon, healthy) {
        current = healthy;
        const k = rank(lat, lon, healthy === undefined ? undefined : eligible);
        return k < 0 ? -1 : (indices[k] as number);
      },
    };
  }

  // Any other model that is not monotonic in distance: estimate every record.
  const point = { lat: 0, lon: 0 };
  return {
    records,
    selectIndex(lat, lon, healthy) {
      point.lat = lat;
      point.lon = lon;
      let best = -1;
      let bestRtt = Number.POSITIVE_INFINITY;
      let any = -1;
      let anyRtt = Number.POSITIVE_INFINITY;
      for (let k = 0; k < n; k++) {
        const e = entries[k] as Entry;
        const rtt = model.estimate(point, e.region).rttMs;
        if (rtt < anyRtt) {
          anyRtt = rtt;
          any = k;
        }
        if (rtt < bestRtt && (healthy === undefined || checked[k] === 0 || healthy(e.index))) {
          bestRtt = rtt;
          best = k;
        }
      }
      const k = best >= 0 ? best : any;
      return k < 0 ? -1 : (indices[k] as number);
    },
  };
}
