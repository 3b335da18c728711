/**
 * The DNS benchmark's scenario: zone bench.test with latency names (one A record per region,
 * 8–34 regions each) and static names (A, AAAA, TXT, MX); client subnets (IPv4 /24s, IPv6 /56s)
 * that the IP location data places, spread over the world by bucketing candidates on the region
 * nearest to them; and the query mix. The region each latency name answers with for each subnet
 * comes from the engine itself (explainRouting over that name's records at the client's location,
 * the subnet's network address looked up in the server's geo data), so that a peer configured
 * from it answers exactly what latency-atlas should.
 */
import { isPublicAddress } from '../../src/engine/client-subnet';
import { REGIONS } from '../../src/engine/regions';
import { explainRouting } from '../../src/engine/select-record';
import type { GeoPoint, ResourceRecordSet } from '../../src/engine/types';
import type { QuerySpec, QueryType } from './wire';

export const ZONE = 'bench.test';

export interface LatencyName {
  name: string;
  /** Region codes that have a record, in REGIONS order. */
  regions: string[];
  /** region code → the record's address */
  addressOf: Map<string, string>;
  records: ResourceRecordSet[];
}

export interface StaticSet {
  name: string;
  type: QueryType;
  ttl: number;
  /** Route 53 values (TXT with its quotes, MX as `priority host`). */
  values: string[];
}

export interface Subnet {
  family: 4 | 6;
  address: string;
  prefix: number;
  label: string;
  location: GeoPoint;
}

export interface BenchQuery extends QuerySpec {
  /** What the answer section must hold, as wire.decodeReply's `data`. */
  expected: string[];
  /** Index into Scenario.subnets when the query has ECS. */
  subnet?: number;
  /** Latency name index when the name is a latency name. */
  latency?: number;
}

export interface Scenario {
  zone: string;
  latencyNames: LatencyName[];
  staticSets: StaticSet[];
  subnets: Subnet[];
  /** chosen[nameIndex][subnetIndex] = region code the engine picks. */
  chosen: string[][];
  queries: BenchQuery[];
}

export interface ScenarioOptions {
  latencyNames?: number;
  v4Subnets?: number;
  v6Subnets?: number;
  queries?: number;
  /** Share of latency-name queries (the rest ask static names). */
  latencyShare?: number;
  seed?: number;
}

/** Locates an address (the server's loadGeo().ip). */
export type Locate = (address: string) => (GeoPoint & { label: string }) | null;

export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], next: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/** Documentation addresses: index 0–253 → 192.0.2.1–254, 254–507 → 198.51.100.1–254. */
function docAddress(i: number): string {
  const k = i % 508;
  return k < 254 ? `192.0.2.${k + 1}` : `198.51.100.${k - 254 + 1}`;
}

function buildLatencyNames(count: number, next: () => number): LatencyName[] {
  const codes = REGIONS.map((r) => r.code);
  const out: LatencyName[] = [];
  for (let n = 0; n < count; n++) {
    // Name 0 has every region, name 1 the minimum of 8, the rest spread in between.
    const size =
      n === 0 ? codes.length : n === 1 ? 8 : 8 + Math.floor(next() * (codes.length - 8 + 1));
    const picked = new Set(shuffle(codes, next).slice(0, size));
    const regions = codes.filter((c) => picked.has(c));
    const name = `lat${String(n).padStart(2, '0')}.${ZONE}`;
    const addressOf = new Map<string, string>();
    const records: ResourceRecordSet[] = regions.map((region) => {
      const value = docAddress(n * 17 + codes.indexOf(region));
      addressOf.set(region, value);
      return {
        Name: name,
        Type: 'A',
        SetIdentifier: region,
        Region: region,
        TTL: 60,
        ResourceRecords: [{ Value: value }],
      };
    });
    out.push({ name, regions, addressOf, records });
  }
  return out;
}

const STATIC_SETS: StaticSet[] = [
  { name: `www.${ZONE}`, type: 'A', ttl: 300, values: ['192.0.2.200'] },
  { name: `api.${ZONE}`, type: 'A', ttl: 300, values: ['192.0.2.201', '192.0.2.202'] },
  { name: `mail.${ZONE}`, type: 'A', ttl: 3600, values: ['198.51.100.25'] },
  { name: `v6.${ZONE}`, type: 'AAAA', ttl: 300, values: ['2001:db8::1'] },
  { name: `dual.${ZONE}`, type: 'AAAA', ttl: 300, values: ['2001:db8::10', '2001:db8::11'] },
  { name: `dual.${ZONE}`, type: 'A', ttl: 300, values: ['192.0.2.210'] },
  { name: `txt.${ZONE}`, type: 'TXT', ttl: 300, values: ['"v=spf1 -all"'] },
  { name: `multi.${ZONE}`, type: 'TXT', ttl: 300, values: ['"hello" "world"', '"second record"'] },
  { name: `mx.${ZONE}`, type: 'MX', ttl: 300, values: [`10 mail.${ZONE}`] },
  { name: `mx2.${ZONE}`, type: 'MX', ttl: 300, values: [`10 mail.${ZONE}`, `20 www.${ZONE}`] },
];

/** Answer-section strings for a static set, in wire.decodeReply's form. */
function staticExpected(s: StaticSet): string[] {
  return s.values
    .map((v) => {
      if (s.type === 'MX') return `MX ${v.replace(/\.$/, '')}.`;
      if (s.type === 'TXT') {
        const strings = [...v.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.stringify(m[1]));
        return `TXT ${strings.join(' ')}`;
      }
      return `${s.type} ${v}`;
    })
    .sort();
}

function v4Candidate(next: () => number): string {
  const a = Math.floor(next() * 4294967296);
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.0`;
}

/** First 16 bits of IPv6 space allocated to the five RIRs (and more than one country each). */
const V6_FIRST = [
  0x2001, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407, 0x2408, 0x2409, 0x240e,
  0x2600, 0x2601, 0x2602, 0x2603, 0x2604, 0x2605, 0x2606, 0x2607, 0x2610, 0x2620, 0x2800, 0x2801,
  0x2803, 0x2804, 0x2806, 0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2a04, 0x2a05, 0x2a06, 0x2a07, 0x2a09,
  0x2a0a, 0x2a0b, 0x2a0c, 0x2a0d, 0x2a0e, 0x2a10, 0x2c0f,
];

function v6Candidate(next: () => number): string {
  const first = V6_FIRST[Math.floor(next() * V6_FIRST.length)] as number;
  const h = (bits: number) => Math.floor(next() * 2 ** bits).toString(16);
  // A /56: groups 2 and 3 random, the top byte of group 4 random, the rest zero.
  const g4 = (Math.floor(next() * 256) << 8).toString(16);
  return `${first.toString(16)}:${h(16)}:${h(16)}:${g4}::`;
}

/**
 * `count` distinct subnets the data can place, spread over the world: candidates are bucketed by
 * their nearest region and taken round-robin, so Europe and North America do not dominate.
 */
function pickSubnets(
  family: 4 | 6,
  count: number,
  locate: Locate,
  next: () => number,
  all: ResourceRecordSet[],
): Subnet[] {
  const prefix = family === 4 ? 24 : 56;
  const buckets = new Map<string, Subnet[]>();
  const seen = new Set<string>();
  const candidates = count * 20;
  for (let i = 0; i < candidates; i++) {
    const address = family === 4 ? v4Candidate(next) : v6Candidate(next);
    if (seen.has(address) || !isPublicAddress(address)) continue;
    seen.add(address);
    const located = locate(address);
    if (located === null) continue;
    const region = explainRouting(all, located).chosen?.region ?? '';
    const bucket = buckets.get(region) ?? [];
    bucket.push({
      family,
      address,
      prefix,
      label: located.label,
      location: { lat: located.lat, lon: located.lon },
    });
    buckets.set(region, bucket);
  }
  const out: Subnet[] = [];
  const lists = [...buckets.values()];
  for (let round = 0; out.length < count; round++) {
    let took = false;
    for (const list of lists) {
      const s = list[round];
      if (s !== undefined && out.length < count) {
        out.push(s);
        took = true;
      }
    }
    if (!took) break;
  }
  return out;
}

export function buildScenario(locate: Locate, opts: ScenarioOptions = {}): Scenario {
  const next = rng(opts.seed ?? 20260401);
  const latencyNames = buildLatencyNames(opts.latencyNames ?? 20, next);
  const all = latencyNames[0]?.records ?? [];
  const subnets = [
    ...pickSubnets(4, opts.v4Subnets ?? 2000, locate, next, all),
    ...pickSubnets(6, opts.v6Subnets ?? 500, locate, next, all),
  ];
  const chosen = latencyNames.map((ln) =>
    subnets.map((s) => {
      const region = explainRouting(ln.records, s.location).chosen?.region;
      if (region === undefined) throw new Error(`no region chosen for ${ln.name}`);
      return region;
    }),
  );
  const staticSets = STATIC_SETS;
  const latencyShare = opts.latencyShare ?? 0.8;
  const queries: BenchQuery[] = [];
  const total = opts.queries ?? 50_000;
  for (let i = 0; i < total; i++) {
    const subnet = Math.floor(next() * subnets.length);
    const s = subnets[subnet] as Subnet;
    const ecs = { address: s.address, prefix: s.prefix };
    if (next() < latencyShare) {
      const latency = Math.floor(next() * latencyNames.length);
      const ln = latencyNames[latency] as LatencyName;
      const region = chosen[latency]?.[subnet] as string;
      queries.push({
        name: ln.name,
        type: 'A',
        ecs,
        subnet,
        latency,
        expected: [`A ${ln.addressOf.get(region)}`],
      });
    } else {
      const set = staticSets[Math.floor(next() * staticSets.length)] as StaticSet;
      // Half the static queries carry ECS too (the answer must not depend on it: SCOPE 0).
      const q: BenchQuery = { name: set.name, type: set.type, expected: staticExpected(set) };
      if (next() < 0.5) {
        q.ecs = ecs;
        q.subnet = subnet;
      }
      queries.push(q);
    }
  }
  return { zone: ZONE, latencyNames, staticSets, subnets, chosen, queries };
}

/** The whole scenario as Route 53 changes (latency records and static sets). */
export function changeBatch(sc: Scenario): {
  Changes: { Action: 'CREATE'; ResourceRecordSet: ResourceRecordSet }[];
} {
  const sets: ResourceRecordSet[] = [
    ...sc.latencyNames.flatMap((ln) => ln.records),
    ...sc.staticSets.map((s) => ({
      Name: s.name,
      Type: s.type,
      TTL: s.ttl,
      ResourceRecords: s.values.map((Value) => ({ Value })),
    })),
  ];
  return { Changes: sets.map((ResourceRecordSet) => ({ Action: 'CREATE', ResourceRecordSet })) };
}

/** Evenly spread indices into Scenario.queries (deterministic), for correctness spot checks. */
export function sampleIndices(sc: Scenario, count: number): number[] {
  const step = Math.max(1, Math.floor(sc.queries.length / count));
  const out: number[] = [];
  for (let i = 0; i < sc.queries.length && out.length < count; i += step) out.push(i);
  return out;
}
