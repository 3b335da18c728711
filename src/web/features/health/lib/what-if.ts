import { computeImpact, type ImpactCity, type NameImpact } from '../../../../engine/impact';
import type { ResourceRecordSet } from '../../../../engine/types';

/**
 * "What if this region goes down": the engine's own impact computation (the one reviews use),
 * run in the browser between the live health and the live health plus the regions picked to
 * fail. Pure: the records, the real status and the cities come in as arguments.
 */

/** Marks a record failed for the what-if (the same convention as the map's previewed failures). */
const WHAT_IF_PREFIX = 'what-if:';

/** Health by SetIdentifier (false = unhealthy); missing = healthy. */
export type { HealthBySet } from './with-failures';

import { type HealthBySet, withFailures } from './with-failures';

/** The cities file: `name \t country \t lat \t lon \t population` per line (see scripts/largest-cities.mjs). */
export function parseCityTable(text: string): ImpactCity[] {
  const out: ImpactCity[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [name = '', country = '', lat, lon, population] = line.split('\t');
    const c = {
      name,
      country,
      lat: Number(lat),
      lon: Number(lon),
      population: Number(population),
    };
    if (Number.isFinite(c.lat) && Number.isFinite(c.lon) && Number.isFinite(c.population))
      out.push(c);
  }
  return out;
}

let citiesPromise: Promise<ImpactCity[]> | null = null;

/** The 4,400 cities of 100,000 people or more (~70 KB gzip), loaded once when first needed. */
export function loadLargestCities(): Promise<ImpactCity[]> {
  citiesPromise ??= import('../data/largest-cities.tsv?raw').then((m) => parseCityTable(m.default));
  citiesPromise.catch(() => {
    citiesPromise = null;
  });
  return citiesPromise;
}

export interface WhatIfResult {
  /** Null when the picked failures move nobody (e.g. nothing picked). */
  impact: NameImpact | null;
  /** Every latency record would be unhealthy: Route 53 then answers as if all were healthy. */
  allDown: boolean;
  cityCount: number;
  totalPopulation: number;
}

/**
 * Who moves, and where to, if the records `failed` (set ids) went down on top of the real
 * status `real`: every city routed with the live health, then again with the failures added.
 */
export function whatIf(
  records: readonly ResourceRecordSet[],
  real: HealthBySet,
  failed: readonly string[],
  cities: readonly ImpactCity[],
): WhatIfResult {
  const latency = records.filter((r) => r.Region !== undefined);
  const after = withFailures(real, failed);
  // Each side gets its own copies, so one isHealthy can tell them apart by identity. A record the
  // what-if fails gets a what-if health check on the after side: the engine consults it, and the
  // two sides differ (computeImpact only evaluates names whose records differ).
  const health = new WeakMap<ResourceRecordSet, boolean>();
  const copy = (r: ResourceRecordSet, healthy: boolean, extra?: Partial<ResourceRecordSet>) => {
    const c: ResourceRecordSet = { ...r, ...extra };
    if (!healthy && c.HealthCheckId === undefined) c.HealthCheckId = `${WHAT_IF_PREFIX}down`;
    health.set(c, healthy);
    return c;
  };
  const before = latency.map((r) => copy(r, real[r.SetIdentifier ?? ''] !== false));
  const afterRecords = latency.map((r) => {
    const id = r.SetIdentifier ?? '';
    const newlyDown = after[id] === false && real[id] !== false;
    return copy(
      r,
      after[id] !== false,
      newlyDown ? { HealthCheckId: `${WHAT_IF_PREFIX}${r.HealthCheckId ?? id}` } : undefined,
    );
  });
  const result = computeImpact({
    before,
    after: afterRecords,
    cities,
    isHealthy: (r) => health.get(r) ?? true,
  });
  const name = result.names[0] ?? null;
  const totalPopulation = cities.reduce((s, c) => s + Math.max(c.population, 0), 0);
  const allDown =
    latency.length > 0 && latency.every((r) => after[r.SetIdentifier ?? ''] === false);
  return {
    impact: name && name.movedCities > 0 ? name : null,
    allDown,
    cityCount: cities.length,
    totalPopulation,
  };
}
