import { describe, expect, it } from 'vitest';
import {
  createMeasuredModel,
  createPointCellCache,
  type LatencySample,
  summarizeSamples,
} from './measured-latency';
import { REGIONS } from './regions';
import { compileRouting, explainRouting } from './select-record';
import type { GeoPoint, LatencyModel, ResourceRecordSet } from './types';

/** A latency A record whose set id is the region code unless given. */
function latency(region: string, setId = region, extra: Partial<ResourceRecordSet> = {}) {
  return {
    Name: 'app.example.com.',
    Type: 'A',
    SetIdentifier: setId,
    Region: region,
    TTL: 60,
    ResourceRecords: [{ Value: '192.0.2.1' }],
    ...extra,
  } satisfies ResourceRecordSet;
}

const CITY: Record<string, GeoPoint> = {
  London: { lat: 51.507, lon: -0.128 },
  Tokyo: { lat: 35.68, lon: 139.69 },
  Sydney: { lat: -33.87, lon: 151.21 },
  'New York': { lat: 40.71, lon: -74.01 },
  Singapore: { lat: 1.29, lon: 103.85 },
  Berlin: { lat: 52.52, lon: 13.4 },
  Dublin: { lat: 53.35, lon: -6.26 },
  Boston: { lat: 42.36, lon: -71.06 },
  Osaka: { lat: 34.69, lon: 135.5 },
  Auckland: { lat: -36.85, lon: 174.76 },
  'Buenos Aires': { lat: -34.6, lon: -58.38 },
  Mumbai: { lat: 19.08, lon: 72.88 },
  Bangkok: { lat: 13.76, lon: 100.5 },
  Calgary: { lat: 51.05, lon: -114.07 },
  'Mexico City': { lat: 19.43, lon: -99.13 },
  'Tel Aviv': { lat: 32.09, lon: 34.78 },
  'Cape Town': { lat: -33.92, lon: 18.42 },
  'Hong Kong': { lat: 22.32, lon: 114.17 },
  Seoul: { lat: 37.57, lon: 126.98 },
  Jakarta: { lat: -6.21, lon: 106.85 },
  Melbourne: { lat: -37.81, lon: 144.96 },
  'Kuala Lumpur': { lat: 3.14, lon: 101.69 },
  Hyderabad: { lat: 17.39, lon: 78.49 },
  Zurich: { lat: 47.38, lon: 8.54 },
  Madrid: { lat: 40.42, lon: -3.7 },
  Rome: { lat: 41.9, lon: 12.5 },
  Helsinki: { lat: 60.17, lon: 24.94 },
  Chicago: { lat: 41.88, lon: -87.63 },
  'Los Angeles': { lat: 34.05, lon: -118.24 },
  Seattle: { lat: 47.61, lon: -122.33 },
  Riyadh: { lat: 24.71, lon: 46.68 },
  Dubai: { lat: 25.2, lon: 55.27 },
  Beijing: { lat: 39.9, lon: 116.41 },
  Lanzhou: { lat: 36.06, lon: 103.83 },
  Lima: { lat: -12.05, lon: -77.04 },
  Honolulu: { lat: 21.31, lon: -157.86 },
  Cairo: { lat: 30.04, lon: 31.24 },
};

const LAYOUTS = {
  'app.example.com (demo: us-west-2 + ap-southeast-1)': ['us-west-2', 'ap-southeast-1'],
  'api.example.com (demo: six regions)': [
    'us-east-1',
    'eu-west-1',
    'eu-central-1',
    'ap-northeast-1',
    'ap-southeast-2',
    'sa-east-1',
  ],
  'all 34 regions': REGIONS.map((r) => r.code),
} as const;

const CASES: [keyof typeof LAYOUTS, string, string][] = [
  ['app.example.com (demo: us-west-2 + ap-southeast-1)', 'London', 'us-west-2'],
  ['app.example.com (demo: us-west-2 + ap-southeast-1)', 'Tokyo', 'ap-southeast-1'],
  ['app.example.com (demo: us-west-2 + ap-southeast-1)', 'Sydney', 'ap-southeast-1'],
  ['app.example.com (demo: us-west-2 + ap-southeast-1)', 'New York', 'us-west-2'],
  ['app.example.com (demo: us-west-2 + ap-southeast-1)', 'Singapore', 'ap-southeast-1'],
  ['api.example.com (demo: six regions)', 'Berlin', 'eu-central-1'],
  ['api.example.com (demo: six regions)', 'Dublin', 'eu-west-1'],
  ['api.example.com (demo: six regions)', 'Boston', 'us-east-1'],
  ['api.example.com (demo: six regions)', 'Osaka', 'ap-northeast-1'],
  ['api.example.com (demo: six regions)', 'Auckland', 'ap-southeast-2'],
  ['api.example.com (demo: six regions)', 'Buenos Aires', 'sa-east-1'],
  ['all 34 regions', 'Mumbai', 'ap-south-1'],
  ['all 34 regions', 'Bangkok', 'ap-southeast-7'],
  ['all 34 regions', 'Calgary', 'ca-west-1'],
  ['all 34 regions', 'Mexico City', 'mx-central-1'],
  ['all 34 regions', 'Tel Aviv', 'il-central-1'],
  ['all 34 regions', 'Cape Town', 'af-south-1'],
  ['all 34 regions', 'Hong Kong', 'ap-east-1'],
  ['all 34 regions', 'Seoul', 'ap-northeast-2'],
  ['all 34 regions', 'Osaka', 'ap-northeast-3'],
  ['all 34 regions', 'Jakarta', 'ap-southeast-3'],
  ['all 34 regions', 'Melbourne', 'ap-southeast-4'],
  ['all 34 regions', 'Kuala Lumpur', 'ap-southeast-5'],
  ['all 34 regions', 'Hyderabad', 'ap-south-2'],
  ['all 34 regions', 'Zurich', 'eu-central-2'],
  ['all 34 regions', 'Berlin', 'eu-central-1'],
  ['all 34 regions', 'London', 'eu-west-2'],
  ['all 34 regions', 'Madrid', 'eu-south-2'],
  ['all 34 regions', 'Rome', 'eu-south-1'],
  ['all 34 regions', 'Helsinki', 'eu-north-1'],
  ['all 34 regions', 'Chicago', 'us-east-2'],
  ['all 34 regions', 'New York', 'us-east-1'],
  ['all 34 regions', 'Los Angeles', 'us-west-1'],
  ['all 34 regions', 'Seattle', 'us-west-2'],
  ['all 34 regions', 'Riyadh', 'me-south-1'],
  ['all 34 regions', 'Dubai', 'me-central-1'],
  ['all 34 regions', 'Beijing', 'cn-north-1'],
  ['all 34 regions', 'Lanzhou', 'cn-northwest-1'],
  ['all 34 regions', 'Lima', 'sa-east-1'],
  ['all 34 regions', 'Honolulu', 'us-west-1'],
  ['all 34 regions', 'Cairo', 'il-central-1'],
];

describe('city → region', () => {
  it.each(CASES)('%s: %s → %s', (layout, city, expected) => {
    const records = LAYOUTS[layout].map((code) => latency(code));
    const client = CITY[city] as GeoPoint;
    const decision = explainRouting(records, client);
    expect(decision.chosen?.region).toBe(expected);
    const compiled = compileRouting(records);
    expect(records[compiled.selectIndex(client.lat, client.lon)]?.Region).toBe(expected);
  });
});

describe('explainRouting', () => {
  const records = [latency('us-west-2', 'oregon'), latency('ap-southeast-1', 'singapore')];

  it('explains every candidate, best first, with RTT, range, distance and health', () => {
    const d = explainRouting(records, CITY.London as GeoPoint);
    expect(d.allUnhealthy).toBe(false);
    expect(d.candidates.map((c) => c.setIdentifier)).toEqual(['oregon', 'singapore']);
    const [best, next] = d.candidates;
    expect(best).toMatchObject({ region: 'us-west-2', healthy: true, record: records[0] });
    expect(best?.rttLowMs).toBeLessThan(best?.rttMs ?? 0);
    expect(best?.rttHighMs).toBeGreaterThan(best?.rttMs ?? 0);
    expect(best?.distanceKm).toBeGreaterThan(7500);
    expect(best?.distanceKm).toBeLessThan(8500);
    expect(next?.rttMs).toBeGreaterThan(best?.rttMs ?? 0);
    expect(d.chosen).toBe(best);
  });

  it('ignores records without a Region (simple records) and unknown regions', () => {
    const simple: ResourceRecordSet = { Name: 'app.example.com.', Type: 'A', TTL: 60 };
    const d = explainRouting([simple, latency('xx-nowhere-1'), ...records], CITY.Tokyo as GeoPoint);
    expect(d.candidates.map((c) => c.region)).toEqual(['ap-southeast-1', 'us-west-2']);
  });

  it('chooses nothing from no latency records', () => {
    expect(explainRouting([], CITY.Tokyo as GeoPoint)).toEqual({
      chosen: null,
      candidates: [],
      allUnhealthy: false,
    });
    expect(compileRouting([]).selectIndex(0, 0)).toBe(-1);
  });
});

describe('health fallback', () => {
  const hc = (id: string) => ({ HealthCheckId: id });
  const records = [
    latency('eu-west-2', 'london', hc('hc-london')),
    latency('eu-central-1', 'frankfurt', hc('hc-frankfurt')),
    latency('us-east-1', 'virginia', hc('hc-virginia')),
    latency('ap-southeast-1', 'singapore'), // no health check: always healthy
  ];
  const paris: GeoPoint = { lat: 48.86, lon: 2.35 };
  const down =
    (...ids: string[]) =>
    (r: ResourceRecordSet) =>
      !ids.includes(r.HealthCheckId ?? '');

  it.each([
    ['everything healthy', [], 'london', false],
    ['the chosen record is unhealthy → the next best', ['hc-london'], 'frankfurt', false],
    ['two down → the third best', ['hc-london', 'hc-frankfurt'], 'virginia', false],
    [
      'every checked record down → the unchecked one (no HealthCheckId = healthy)',
      ['hc-london', 'hc-frankfurt', 'hc-virginia'],
      'singapore',
      false,
    ],
  ])('%s', (_label, unhealthy, expected, allUnhealthy) => {
    const isHealthy = down(...unhealthy);
    const d = explainRouting(records, paris, { isHealthy });
    expect(d.chosen?.setIdentifier).toBe(expected);
    expect(d.allUnhealthy).toBe(allUnhealthy);
    for (const c of d.candidates) {
      expect(c.healthy).toBe(!unhealthy.includes(c.record.HealthCheckId ?? ''));
    }
    const i = compileRouting(records).selectIndex(paris.lat, paris.lon, (k) =>
      isHealthy(records[k] as ResourceRecordSet),
    );
    expect(records[i]?.SetIdentifier).toBe(expected);
  });

  it('treats all as healthy when none is, and says so', () => {
    const checked = records.slice(0, 3);
    const d = explainRouting(checked, paris, { isHealthy: () => false });
    expect(d.chosen?.setIdentifier).toBe('london');
    expect(d.allUnhealthy).toBe(true);
    expect(d.candidates.every((c) => !c.healthy)).toBe(true);
    expect(compileRouting(checked).selectIndex(paris.lat, paris.lon, () => false)).toBe(0);
  });

  it('never asks about records without a health check', () => {
    const asked: string[] = [];
    explainRouting(records, paris, {
      isHealthy: (r) => {
        asked.push(r.SetIdentifier ?? '');
        return true;
      },
    });
    expect(asked.sort()).toEqual(['frankfurt', 'london', 'virginia']);
  });

  it('consults an alias with EvaluateTargetHealth', () => {
    const alias = latency('eu-west-2', 'alb', {
      TTL: undefined,
      ResourceRecords: undefined,
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'lb.example.net.', EvaluateTargetHealth: true },
    });
    const d = explainRouting([alias, latency('eu-west-3', 'paris')], CITY.London as GeoPoint, {
      isHealthy: (r) => r.SetIdentifier !== 'alb',
    });
    expect(d.chosen?.setIdentifier).toBe('paris');
  });
});

describe('deterministic tie-break', () => {
  it('orders equal distances by region code, then set id, whatever the input order', () => {
    // Same region under two set ids (another record type's layout could do this): identical RTT.
    const a = latency('eu-west-1', 'b-second');
    const b = latency('eu-west-1', 'a-first');
    for (const input of [
      [a, b],
      [b, a],
    ]) {
      const d = explainRouting(input, CITY.Dublin as GeoPoint);
      expect(d.candidates.map((c) => c.setIdentifier)).toEqual(['a-first', 'b-second']);
      const i = compileRouting(input).selectIndex(53.35, -6.26);
      expect(input[i]?.SetIdentifier).toBe('a-first');
    }
  });

  it('breaks an exact distance tie between regions by region code', () => {
    // A point on the equator midway (in longitude) between two regions mirrored across it.
    const model: LatencyModel = {
      id: 'flat',
      estimate: () => ({ rttMs: 10, rttLowMs: 5, rttHighMs: 20, distanceKm: 0 }),
    };
    const input = [latency('us-west-2'), latency('eu-west-1'), latency('ap-south-1')];
    const d = explainRouting(input, { lat: 0, lon: 0 }, { model });
    expect(d.candidates.map((c) => c.region)).toEqual(['ap-south-1', 'eu-west-1', 'us-west-2']);
    expect(input[compileRouting(input, { model }).selectIndex(0, 0)]?.Region).toBe('ap-south-1');
  });
});

/** mulberry32: a tiny seeded PRNG so the "random" points are the same on every run. */
function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compileRouting agrees with explainRouting', () => {
  const all = REGIONS.map((r, i) =>
    latency(r.code, `set-${r.code}`, i % 3 === 0 ? { HealthCheckId: `hc-${i}` } : {}),
  );
  const random = mulberry32(20260601);
  const points = Array.from({ length: 5000 }, () => ({
    lat: (Math.asin(2 * random() - 1) * 180) / Math.PI,
    lon: random() * 360 - 180,
  }));

  it.each<[string, ResourceRecordSet[], (i: number) => boolean]>([
    ['34 regions, all healthy', all, () => true],
    ['34 regions, half of the health checks failing', all, (i) => i % 2 === 0],
    ['34 regions, every health check failing', all, () => false],
    ['the demo pair', [latency('us-west-2'), latency('ap-southeast-1')], () => true],
    [
      'a sub-set with a simple record mixed in',
      [{ Name: 'x.', Type: 'A', TTL: 1 }, ...all.filter((_, i) => i % 4 === 1)],
      (i) => i % 5 !== 0,
    ],
  ])('on 5,000 seeded points: %s', (_label, records, healthy) => {
    const compiled = compileRouting(records);
    const isHealthy = (r: ResourceRecordSet) => healthy(records.indexOf(r));
    let disagreements = 0;
    for (const p of points) {
      const expected = explainRouting(records, p, { isHealthy }).chosen?.record;
      const got = records[compiled.selectIndex(p.lat, p.lon, healthy)];
      if (got !== expected) disagreements++;
    }
    expect(disagreements).toBe(0);
  });

  it('agrees for a model that is not distance-monotonic (the per-record fallback)', () => {
    // Pretends eu-west-1 is 50 ms faster than its distance says.
    const model: LatencyModel = {
      id: 'skewed',
      estimate: (client, region) => {
        const base = explainRouting([latency(region.code)], client).candidates[0];
        const rttMs = (base?.rttMs ?? 0) - (region.code === 'eu-west-1' ? 50 : 0);
        return { rttMs, rttLowMs: rttMs, rttHighMs: rttMs, distanceKm: base?.distanceKm ?? 0 };
      },
    };
    const records = all.filter((r) => /^(eu|us|ap)-/.test(r.Region));
    const compiled = compileRouting(records, { model });
    for (const p of points.slice(0, 300)) {
      const expected = explainRouting(records, p, { model }).chosen?.record;
      expect(records[compiled.selectIndex(p.lat, p.lon)]).toBe(expected);
    }
    expect(records[compiled.selectIndex(51.5, -0.13)]?.Region).toBe('eu-west-1');
  });

  describe('with the measured model (per-cell ranking)', () => {
    // 400 measured places over Europe and the US East, each region seen 6 times a week with a
    // skew no distance model would guess: measured, learned and distance estimates all occur.
    const r = mulberry32(9);
    const samples: LatencySample[] = [];
    const eastOrEurope = all.filter((x) => /^(eu|us-east|ca-central)/.test(x.Region));
    for (let i = 0; i < 400; i++) {
      const europe = i % 2 === 0;
      const lat = europe ? 38 + r() * 20 : 30 + r() * 15;
      const lon = europe ? -8 + r() * 30 : -95 + r() * 25;
      for (const rec of eastOrEurope) {
        const skew = 5 + 60 * r();
        for (let h = 0; h < 6; h++) {
          samples.push({ lat, lon, region: rec.Region, rttMs: skew + r(), at: h * 3_600_000 });
        }
      }
    }
    const snapshot = summarizeSamples(samples, { from: 0, to: 7 * 24 * 3_600_000 });
    const model = createMeasuredModel(snapshot, { learnRadiusKm: 400 });
    // Random points near the measurements, each asked twice (the second answer is memoised), and
    // pairs 1 m apart that may straddle a cell edge.
    const near = Array.from({ length: 3000 }, () => ({
      lat: 28 + r() * 32,
      lon: r() < 0.5 ? -100 + r() * 35 : -10 + r() * 35,
    }));
    const probes = [...near, ...near, ...near.map((p) => ({ lat: p.lat + 1e-5, lon: p.lon }))];

    it.each<[string, ResourceRecordSet[], (i: number) => boolean]>([
      ['all healthy', all, () => true],
      ['half of the health checks failing', all, (i) => i % 2 === 0],
      ['every health check failing', all, () => false],
      ['the measured regions only, one in five failing', eastOrEurope, (i) => i % 5 !== 0],
    ])('agrees on 9,000 probes: %s', (_label, records, healthy) => {
      const compiled = compileRouting(records, { model });
      const isHealthy = (x: ResourceRecordSet) => healthy(records.indexOf(x));
      const sources = new Set<string>();
      let disagreements = 0;
      for (const p of probes) {
        const d = explainRouting(records, p, { model, isHealthy });
        const plain = explainRouting(records, p, { model });
        sources.add((d.chosen as { source?: string } | null)?.source ?? 'none');
        if (records[compiled.selectIndex(p.lat, p.lon, healthy)] !== d.chosen?.record) {
          disagreements++;
        }
        if (records[compiled.selectIndex(p.lat, p.lon)] !== plain.chosen?.record) disagreements++;
      }
      expect(disagreements).toBe(0);
      if (records === eastOrEurope)
        expect([...sources]).toEqual(expect.arrayContaining(['learned', 'measured']));
    });

    it('follows health as it changes between calls (the ranking is cached, health is not)', () => {
      const compiled = compileRouting(all, { model });
      const down = new Set<number>();
      const healthy = (i: number) => !down.has(i);
      for (const p of near.slice(0, 500)) {
        const first = compiled.selectIndex(p.lat, p.lon, healthy);
        down.add(first);
        const next = compiled.selectIndex(p.lat, p.lon, healthy);
        const expected = explainRouting(all, p, {
          model,
          isHealthy: (x) => healthy(all.indexOf(x as (typeof all)[number])),
        }).chosen?.record;
        expect(all[next]).toBe(expected);
        if (all[first]?.HealthCheckId !== undefined) expect(next).not.toBe(first);
        down.clear();
      }
    });

    it('answers the same with a point cache shared by several models', () => {
      const shared = createPointCellCache(5, 64); // tiny: evictions and collisions on purpose
      const a = compileRouting(all, {
        model: createMeasuredModel(snapshot, { learnRadiusKm: 400, cellCache: shared }),
      });
      const b = compileRouting(all, { model });
      for (const p of probes.slice(0, 3000)) {
        expect(a.selectIndex(p.lat, p.lon)).toBe(b.selectIndex(p.lat, p.lon));
      }
    });
  });
});
