import type { PlannedChange } from './change-batch';
import { distanceLatencyModel } from './latency-model';
import { normalizeName, normalizeRecordSet, recordSetKey } from './names';
import { findRegion } from './regions';
import { compileRouting } from './select-record';
import type { GeoPoint, LatencyModel, Region, ResourceRecordSet } from './types';

/** A place whose users the impact counts (GeoNames city: population as listed). */
export interface ImpactCity extends GeoPoint {
  name: string;
  country: string;
  population: number;
}

/** Users that move from one region to another; `null` = no latency answer on that side. */
export interface ImpactFlow {
  from: string | null;
  to: string | null;
  cities: number;
  population: number;
}

/** A city whose estimated RTT grows because its answer moves to a farther region. */
export interface RttIncrease {
  city: string;
  country: string;
  from: string;
  to: string;
  rttBeforeMs: number;
  rttAfterMs: number;
  deltaMs: number;
}

/** What one name+type's change does to users (every count over the whole city list). */
export interface NameImpact {
  /** Normalised (trailing dot, `\052` for `*`). */
  name: string;
  type: string;
  totalCities: number;
  totalPopulation: number;
  /** Cities whose chosen region changes (including to or from no latency answer). */
  movedCities: number;
  movedPopulation: number;
  /** movedCities / totalCities, 0–1 (0 when there are no cities). */
  movedCitiesShare: number;
  /** movedPopulation / totalPopulation, 0–1. */
  movedPopulationShare: number;
  /** Cities whose answer values change, moved or not (e.g. a new IP in the same region). */
  answerChangedCities: number;
  answerChangedPopulation: number;
  /** Moves only (from ≠ to), largest population first. */
  flows: ImpactFlow[];
  /** The 10 largest RTT increases among moved cities, largest first. */
  largestIncreases: RttIncrease[];
}

export interface Impact {
  /** LatencyModel id the RTTs come from, e.g. `distance-v1`. */
  model: string;
  cityCount: number;
  /** Every name+type whose latency record sets differ, by name then type. */
  names: NameImpact[];
  /** Name+types that differ but were left out because of `maxNames`. */
  omittedNames: number;
}

export interface ComputeImpactArgs {
  /** Record sets before the change: the zone's, or those at the touched names. */
  before: readonly ResourceRecordSet[];
  after: readonly ResourceRecordSet[];
  cities: readonly ImpactCity[];
  model?: LatencyModel;
  /** Health of records with a health check (as explainRouting); default: all healthy. */
  isHealthy?: (r: ResourceRecordSet) => boolean;
  /** Most name+types to evaluate (each costs two routing passes over every city). */
  maxNames?: number;
}

const LARGEST_INCREASES = 10;

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Latency record sets (those with a Region) grouped by `name|type`. */
function latencyGroups(records: readonly ResourceRecordSet[]): Map<string, ResourceRecordSet[]> {
  const groups = new Map<string, ResourceRecordSet[]>();
  for (const r of records) {
    if (r.Region === undefined) continue;
    const key = `${normalizeName(r.Name)}|${r.Type}`;
    let list = groups.get(key);
    if (!list) {
      list = [];
      groups.set(key, list);
    }
    list.push(r);
  }
  return groups;
}

/** Order-independent fingerprint of a group: equal fingerprints route and answer alike. */
function fingerprint(records: readonly ResourceRecordSet[] | undefined): string {
  if (!records) return '';
  return records
    .map((r) => {
      const n = normalizeRecordSet(r);
      if (n.ResourceRecords) n.ResourceRecords = [...n.ResourceRecords].sort(byValue);
      return JSON.stringify(n);
    })
    .sort()
    .join('\n');
}

function byValue(a: { Value: string }, b: { Value: string }): number {
  return a.Value < b.Value ? -1 : a.Value > b.Value ? 1 : 0;
}

/** What a resolver hands back for a record: its values as a set, or its alias target. */
function answerKey(r: ResourceRecordSet): string {
  if (r.AliasTarget) return `alias:${normalizeName(r.AliasTarget.DNSName)}`;
  return (r.ResourceRecords ?? [])
    .map((v) => v.Value)
    .sort()
    .join('\n');
}

/**
 * What a change does to users: for every name+type whose latency record sets differ between
 * `before` and `after`, route every city both ways (compileRouting) and count the cities and
 * population whose chosen region moves, where they move, and the largest RTT increases (ms,
 * from the latency model). Pure; ~135k cities × a few names takes tens of milliseconds.
 */
export function computeImpact(args: ComputeImpactArgs): Impact {
  const model = args.model ?? distanceLatencyModel;
  const beforeGroups = latencyGroups(args.before);
  const afterGroups = latencyGroups(args.after);
  const keys = [...new Set([...beforeGroups.keys(), ...afterGroups.keys()])]
    .filter((k) => fingerprint(beforeGroups.get(k)) !== fingerprint(afterGroups.get(k)))
    .sort(compareKeys);
  const maxNames = args.maxNames ?? Number.POSITIVE_INFINITY;
  const evaluated = keys.slice(0, Math.max(0, maxNames));
  return {
    model: model.id,
    cityCount: args.cities.length,
    names: evaluated.map((key) =>
      nameImpact(
        key,
        beforeGroups.get(key) ?? [],
        afterGroups.get(key) ?? [],
        args.cities,
        model,
        args.isHealthy,
      ),
    ),
    omittedNames: keys.length - evaluated.length,
  };
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Side {
  records: ResourceRecordSet[];
  select: (lat: number, lon: number) => number;
  regions: (Region | null)[];
  answers: Int32Array;
}

function side(
  records: ResourceRecordSet[],
  model: LatencyModel,
  answerIds: Map<string, number>,
  isHealthy: ((r: ResourceRecordSet) => boolean) | undefined,
): Side {
  const compiled = compileRouting(records, { model });
  const healthy = isHealthy && ((i: number) => isHealthy(records[i] as ResourceRecordSet));
  const answers = new Int32Array(records.length);
  records.forEach((r, i) => {
    const key = answerKey(r);
    let id = answerIds.get(key);
    if (id === undefined) {
      id = answerIds.size;
      answerIds.set(key, id);
    }
    answers[i] = id;
  });
  return {
    records,
    select: (lat, lon) => compiled.selectIndex(lat, lon, healthy),
    regions: records.map((r) => (r.Region === undefined ? null : (findRegion(r.Region) ?? null))),
    answers,
  };
}

function nameImpact(
  key: string,
  beforeRecords: ResourceRecordSet[],
  afterRecords: ResourceRecordSet[],
  cities: readonly ImpactCity[],
  model: LatencyModel,
  isHealthy: ((r: ResourceRecordSet) => boolean) | undefined,
): NameImpact {
  const split = key.lastIndexOf('|');
  const answerIds = new Map<string, number>();
  const before = side(beforeRecords, model, answerIds, isHealthy);
  const after = side(afterRecords, model, answerIds, isHealthy);
  // Flow matrix indexed by (chosen before + 1, chosen after + 1); slot 0 = no answer.
  const width = after.records.length + 1;
  const flowCities = new Float64Array((before.records.length + 1) * width);
  const flowPopulation = new Float64Array(flowCities.length);
  const largest: RttIncrease[] = [];
  let totalPopulation = 0;
  let movedCities = 0;
  let movedPopulation = 0;
  let answerChangedCities = 0;
  let answerChangedPopulation = 0;

  for (const city of cities) {
    const population = Math.max(city.population || 0, 0);
    totalPopulation += population;
    const b = before.select(city.lat, city.lon);
    const a = after.select(city.lat, city.lon);
    const regionBefore = b < 0 ? null : (before.regions[b] ?? null);
    const regionAfter = a < 0 ? null : (after.regions[a] ?? null);
    const answerBefore = b < 0 ? -1 : (before.answers[b] as number);
    const answerAfter = a < 0 ? -1 : (after.answers[a] as number);
    if (answerBefore !== answerAfter) {
      answerChangedCities++;
      answerChangedPopulation += population;
    }
    if (regionBefore?.code === regionAfter?.code) continue;
    movedCities++;
    movedPopulation += population;
    const slot = (b + 1) * width + (a + 1);
    flowCities[slot] = (flowCities[slot] as number) + 1;
    flowPopulation[slot] = (flowPopulation[slot] as number) + population;
    if (regionBefore && regionAfter) {
      const rttBeforeMs = model.estimate(city, regionBefore).rttMs;
      const rttAfterMs = model.estimate(city, regionAfter).rttMs;
      const deltaMs = round1(rttAfterMs - rttBeforeMs);
      if (deltaMs > 0) {
        keepLargest(largest, {
          city: city.name,
          country: city.country,
          from: regionBefore.code,
          to: regionAfter.code,
          rttBeforeMs,
          rttAfterMs,
          deltaMs,
        });
      }
    }
  }

  const flows: ImpactFlow[] = [];
  for (let bi = 0; bi <= before.records.length; bi++) {
    for (let ai = 0; ai <= after.records.length; ai++) {
      const count = flowCities[bi * width + ai] as number;
      if (count === 0) continue;
      flows.push({
        from: bi === 0 ? null : (before.regions[bi - 1]?.code ?? null),
        to: ai === 0 ? null : (after.regions[ai - 1]?.code ?? null),
        cities: count,
        population: flowPopulation[bi * width + ai] as number,
      });
    }
  }
  flows.sort(
    (x, y) =>
      y.population - x.population ||
      y.cities - x.cities ||
      compareKeys(`${x.from}>${x.to}`, `${y.from}>${y.to}`),
  );

  const totalCities = cities.length;
  return {
    name: key.slice(0, split),
    type: key.slice(split + 1),
    totalCities,
    totalPopulation,
    movedCities,
    movedPopulation,
    movedCitiesShare: totalCities === 0 ? 0 : movedCities / totalCities,
    movedPopulationShare: totalPopulation === 0 ? 0 : movedPopulation / totalPopulation,
    answerChangedCities,
    answerChangedPopulation,
    flows,
    largestIncreases: largest,
  };
}

/** Insert into a list kept sorted by deltaMs (then name) and capped at LARGEST_INCREASES. */
function keepLargest(list: RttIncrease[], item: RttIncrease): void {
  const worse = (x: RttIncrease, y: RttIncrease) =>
    x.deltaMs < y.deltaMs || (x.deltaMs === y.deltaMs && x.city > y.city);
  if (list.length === LARGEST_INCREASES && !worse(list[list.length - 1] as RttIncrease, item)) {
    return;
  }
  let i = list.length;
  while (i > 0 && worse(list[i - 1] as RttIncrease, item)) i--;
  list.splice(i, 0, item);
  if (list.length > LARGEST_INCREASES) list.pop();
}

/**
 * The record sets after a planned batch: `records` (the zone, or the sets at the touched names)
 * with each step's `before` removed and `after` added, in plan order. Identity is
 * name|type|set id, so a set is replaced, never duplicated.
 */
export function applyPlanToRecordSets(
  records: readonly ResourceRecordSet[],
  plan: readonly PlannedChange[],
): ResourceRecordSet[] {
  const byKey = new Map<string, ResourceRecordSet>();
  for (const r of records) byKey.set(recordSetKey(r), r);
  for (const step of plan) {
    if (step.before) byKey.delete(recordSetKey(step.before));
    if (step.after) byKey.set(recordSetKey(step.after), step.after);
  }
  return [...byKey.values()];
}
