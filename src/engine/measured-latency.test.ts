import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { distanceLatencyModel } from './latency-model';
import {
  type CellAggregate,
  combineAggregates,
  createMeasuredModel,
  createPointCellCache,
  type LatencySample,
  type LatencySnapshot,
  MEASURED_CELL_RESOLUTION,
  summarizeSamples,
} from './measured-latency';
import { findRegion, REGIONS } from './regions';
import { compileRouting, explainRouting } from './select-record';
import type {
  GeoPoint,
  LatencyModel,
  Region,
  ResourceRecordSet,
  RoutingCandidate,
  RoutingDecision,
} from './types';

/** A candidate without the measured model's extra fields, to compare with the distance model. */
function withoutSource(c: RoutingCandidate): RoutingCandidate {
  const {
    source: _s,
    samples: _n,
    ...rest
  } = c as RoutingCandidate & {
    source?: string;
    samples?: number;
  };
  return rest;
}

const region = (code: string): Region => {
  const r = findRegion(code);
  if (r === undefined) throw new Error(code);
  return r;
};

const latency = (code: string): ResourceRecordSet => ({
  Name: 'api.example.com.',
  Type: 'A',
  SetIdentifier: code,
  Region: code,
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.1' }],
});

// Close competitors (NOTES.md "Measured latency"): distance alone picks wrong most often here.
const EAST = ['us-east-1', 'us-east-2', 'ca-central-1'].map(latency);

const PLACE: Record<string, GeoPoint> = {
  // 222 km from Ashburn, 262 km from Columbus: distance says us-east-1 (9.4 vs 10.2 ms).
  Morgantown: { lat: 39.63, lon: -79.96 },
  // 20 km south of Morgantown, in another cell.
  Fairmont: { lat: 39.49, lon: -80.14 },
  // us-east-1 13.9, us-east-2 14.5, ca-central-1 15.3 ms by distance: a three-way near tie.
  Buffalo: { lat: 42.89, lon: -78.88 },
  Tokyo: { lat: 35.68, lon: 139.69 },
  Lisbon: { lat: 38.72, lon: -9.14 },
};

const HOUR = 3_600_000;
const FROM = Date.UTC(2026, 10, 24);
const TO = FROM + 7 * 24 * HOUR;

/** `rtts` as samples from one place, an hour apart inside the window. */
function samplesAt(place: GeoPoint, code: string, rtts: number[], network?: string) {
  return rtts.map(
    (rttMs, i): LatencySample => ({
      ...place,
      region: code,
      rttMs,
      at: FROM + i * HOUR,
      ...(network === undefined ? {} : { network }),
    }),
  );
}

const snapshotOf = (samples: LatencySample[]): LatencySnapshot =>
  summarizeSamples(samples, { resolution: MEASURED_CELL_RESOLUTION, from: FROM, to: TO });

// Morgantown's traffic to Ashburn detours through a distant exchange (~3.3 ms per 100 km of
// 222 km plus access, with jitter); Columbus is reached directly (~2.7 ms per 100 km).
const MORGANTOWN = [
  ...samplesAt(PLACE.Morgantown as GeoPoint, 'us-east-1', [14.8, 15.5, 16.1, 16.4, 17.2, 15.9]),
  ...samplesAt(PLACE.Morgantown as GeoPoint, 'us-east-2', [8.6, 9.1, 9.4, 9.8, 10.3, 9.2]),
  ...samplesAt(PLACE.Morgantown as GeoPoint, 'ca-central-1', [24.1, 25.0, 25.8, 26.3, 24.7]),
];

describe('summarizeSamples', () => {
  it('groups by H3 cell × network × region with count, median and p25/p75', () => {
    const snap = snapshotOf([
      ...samplesAt(PLACE.Lisbon as GeoPoint, 'eu-west-1', [20, 21, 22, 23, 24]),
      ...samplesAt(PLACE.Lisbon as GeoPoint, 'eu-west-1', [30, 31, 32], '81.2.69.0/24'),
    ]);
    const cell = latLngToCell(38.72, -9.14, 5);
    expect(snap).toEqual({
      resolution: 5,
      from: FROM,
      to: TO,
      aggregates: [
        {
          cell,
          network: '81.2.69.0/24',
          region: 'eu-west-1',
          samples: 3,
          medianMs: 31,
          p25Ms: 30.5,
          p75Ms: 31.5,
        },
        { cell, region: 'eu-west-1', samples: 5, medianMs: 22, p25Ms: 21, p75Ms: 23 },
      ],
    });
  });

  it('takes the median, so one 900 ms outlier moves nothing', () => {
    const [row] = snapshotOf(
      samplesAt(PLACE.Lisbon as GeoPoint, 'eu-west-1', [21, 22, 900, 23, 22.5]),
    ).aggregates;
    expect(row).toMatchObject({ samples: 5, medianMs: 22.5, p25Ms: 22, p75Ms: 23 });
  });

  it.each([
    ['before the window', { at: FROM - 1 }],
    ['at its end (the window is half-open)', { at: TO }],
    ['with a NaN RTT', { rttMs: Number.NaN }],
    ['with a negative RTT', { rttMs: -3 }],
    ['with a latitude beyond the pole', { lat: 91 }],
  ])('skips a sample %s', (_, patch) => {
    const ok = samplesAt(PLACE.Lisbon as GeoPoint, 'eu-west-1', [20]);
    const bad = { ...(ok[0] as LatencySample), ...patch };
    expect(snapshotOf([...ok, bad]).aggregates).toEqual(snapshotOf(ok).aggregates);
  });

  it('is deterministic: sample order does not change the snapshot', () => {
    const a = snapshotOf(MORGANTOWN);
    const b = snapshotOf([...MORGANTOWN].reverse());
    expect(b).toEqual(a);
    expect(a.aggregates.map((r) => r.region)).toEqual(['ca-central-1', 'us-east-1', 'us-east-2']);
  });
});

describe('combineAggregates', () => {
  const row = (samples: number, medianMs: number, network?: string): CellAggregate => ({
    cell: '852a8017fffffff',
    region: 'us-east-2',
    samples,
    medianMs,
    p25Ms: medianMs - 1,
    p75Ms: medianMs + 1,
    ...(network === undefined ? {} : { network }),
  });

  it('sums counts and takes sample-weighted medians over hours', () => {
    expect(combineAggregates([row(10, 9), row(1, 80), row(4, 10)])).toEqual([
      {
        cell: '852a8017fffffff',
        region: 'us-east-2',
        samples: 15,
        medianMs: 9,
        p25Ms: 8,
        p75Ms: 10,
      },
    ]);
  });

  it('keeps networks apart unless asked to pool them', () => {
    const rows = [row(5, 9, '198.51.100.0/24'), row(5, 11, '203.0.113.0/24')];
    expect(combineAggregates(rows)).toHaveLength(2);
    expect(combineAggregates(rows, { dropNetwork: true })).toEqual([
      {
        cell: '852a8017fffffff',
        region: 'us-east-2',
        samples: 10,
        medianMs: 10,
        p25Ms: 9,
        p75Ms: 11,
      },
    ]);
  });
});

describe('createPointCellCache', () => {
  it('gives exactly latLngToCell, through evictions and hash collisions', () => {
    const cache = createPointCellCache(5, 16); // 16 slots for 2,000 points: evicts constantly
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2000; i++) {
        const lat = -80 + ((i * 7919) % 16000) / 100;
        const lon = -179 + ((i * 104729) % 35800) / 100;
        expect(cache.cellOf(lat, lon)).toBe(latLngToCell(lat, lon, 5));
      }
    }
  });

  it('tells two points a metre apart across a cell edge apart (no rounding of the key)', () => {
    const cache = createPointCellCache();
    // Walk north 1 m at a time from Lisbon until the cell changes, then ask both sides again.
    let lat = 38.72;
    const start = latLngToCell(lat, -9.14, 5);
    while (latLngToCell(lat, -9.14, 5) === start) lat += 1e-5;
    expect(cache.cellOf(lat - 1e-5, -9.14)).toBe(start);
    expect(cache.cellOf(lat, -9.14)).not.toBe(start);
    expect(cache.cellOf(lat - 1e-5, -9.14)).toBe(start);
  });

  it('is refused by a model of another resolution', () => {
    const snap = { ...snapshotOf(MORGANTOWN), resolution: 6 };
    expect(() => createMeasuredModel(snap, { cellCache: createPointCellCache(5) })).toThrow(
      /resolution/,
    );
  });
});

describe('createMeasuredModel', () => {
  const model = createMeasuredModel(snapshotOf(MORGANTOWN));
  const pick = (place: keyof typeof PLACE, m: LatencyModel = model) =>
    explainRouting(EAST, PLACE[place] as GeoPoint, { model: m }).chosen?.region;

  it('declares itself measured and not distance-monotonic', () => {
    expect(model.id).toBe('measured');
    expect(model.distanceMonotonic).toBe(false);
  });

  it.each([
    // place, distance pick, measured pick, source of the measured pick
    ['Morgantown', 'us-east-1', 'us-east-2', 'measured'],
    ['Fairmont', 'us-east-1', 'us-east-2', 'learned'],
    ['Tokyo', 'ca-central-1', 'ca-central-1', 'distance'],
  ] as const)(
    '%s: distance picks %s, the measured model %s (%s)',
    (place, byDistance, measured, source) => {
      expect(pick(place, distanceLatencyModel)).toBe(byDistance);
      expect(pick(place)).toBe(measured);
      expect(model.estimate(PLACE[place] as GeoPoint, region(measured)).source).toBe(source);
    },
  );

  it('uses the cell median, its p25–p75 as the range, and the sample count', () => {
    expect(model.estimate(PLACE.Morgantown as GeoPoint, region('us-east-1'))).toEqual({
      rttMs: 16,
      rttLowMs: 15.6,
      rttHighMs: 16.3,
      distanceKm: 222.3,
      source: 'measured',
      samples: 6,
    });
  });

  it('with too few samples in the cell, learns from measured neighbours instead', () => {
    const sparse = createMeasuredModel(
      snapshotOf([
        ...MORGANTOWN,
        ...samplesAt(PLACE.Fairmont as GeoPoint, 'us-east-1', [9, 9.5]), // 2 < minSamples 5
      ]),
    );
    const e1 = sparse.estimate(PLACE.Fairmont as GeoPoint, region('us-east-1'));
    const e2 = sparse.estimate(PLACE.Fairmont as GeoPoint, region('us-east-2'));
    expect(e1).toMatchObject({ source: 'learned', samples: 6 });
    expect(e2).toMatchObject({ source: 'learned', samples: 6 });
    // Morgantown's +6.6 ms detour to Ashburn carries over, shrunk a little for the 20 km.
    const d1 = distanceLatencyModel.estimate(PLACE.Fairmont as GeoPoint, region('us-east-1'));
    expect(e1.rttMs - d1.rttMs).toBeGreaterThan(4);
    expect(e1.rttMs - d1.rttMs).toBeLessThan(6.6);
    expect(e2.rttMs).toBeLessThan(e1.rttMs);
    expect(e1.rttLowMs).toBeLessThan(e1.rttMs);
    expect(e1.rttHighMs).toBeGreaterThan(e1.rttMs);
  });

  it('widens a learned range with distance from the measurements and with their spread', () => {
    const at = (km: number) => ({ lat: 39.63 - km / 111.2, lon: -79.96 });
    const width = (m: typeof model, p: GeoPoint) => {
      const e = m.estimate(p, region('us-east-2'));
      expect(e.source).toBe('learned');
      return e.rttHighMs - e.rttLowMs;
    };
    expect(width(model, at(150))).toBeGreaterThan(width(model, at(30)));
    const noisy = createMeasuredModel(
      snapshotOf(samplesAt(PLACE.Morgantown as GeoPoint, 'us-east-2', [6, 8, 9.4, 12, 16, 9.2])),
    );
    expect(width(noisy, at(30))).toBeGreaterThan(width(model, at(30)));
  });

  it('beyond learnRadiusKm (300 km) it is the distance model', () => {
    const far = { lat: 39.63 - 320 / 111.2, lon: -79.96 };
    for (const code of ['us-east-1', 'us-east-2', 'ca-central-1']) {
      expect(model.estimate(far, region(code))).toEqual({
        ...distanceLatencyModel.estimate(far, region(code)),
        source: 'distance',
        samples: 0,
      });
    }
  });

  it('routes a three-way near tie (Buffalo) to the region its measurements say is fastest', () => {
    const buffalo = createMeasuredModel(
      snapshotOf([
        ...samplesAt(PLACE.Buffalo as GeoPoint, 'us-east-1', [17.9, 18.4, 19.0, 18.2, 18.8]),
        ...samplesAt(PLACE.Buffalo as GeoPoint, 'us-east-2', [15.2, 15.9, 16.4, 15.5, 16.0]),
        ...samplesAt(PLACE.Buffalo as GeoPoint, 'ca-central-1', [11.1, 11.8, 12.2, 11.6, 12.9]),
      ]),
    );
    expect(pick('Buffalo', distanceLatencyModel)).toBe('us-east-1');
    expect(pick('Buffalo', buffalo)).toBe('ca-central-1');
  });

  it('an empty snapshot behaves exactly like distanceLatencyModel (fast path included)', () => {
    const empty = createMeasuredModel(snapshotOf([]));
    expect(empty.distanceMonotonic).toBe(true);
    const all = REGIONS.map((r) => latency(r.code));
    for (const p of Object.values(PLACE)) {
      for (const r of REGIONS) {
        const { source, samples, ...rest } = empty.estimate(p, r);
        expect([source, samples]).toEqual(['distance', 0]);
        expect(rest).toEqual(distanceLatencyModel.estimate(p, r));
      }
      const strip = (d: RoutingDecision) => ({
        ...d,
        chosen: d.chosen === null ? null : withoutSource(d.chosen),
        candidates: d.candidates.map(withoutSource),
      });
      expect(strip(explainRouting(all, p, { model: empty }))).toEqual(explainRouting(all, p));
    }
  });

  it('is deterministic and agrees with compileRouting on a grid over the US East', () => {
    const again = createMeasuredModel(snapshotOf([...MORGANTOWN].reverse()));
    const compiled = compileRouting(EAST, { model });
    for (let lat = 38; lat <= 44; lat += 0.25) {
      for (let lon = -83; lon <= -73; lon += 0.25) {
        const p = { lat, lon };
        const d = explainRouting(EAST, p, { model });
        expect(explainRouting(EAST, p, { model: again })).toEqual(d);
        expect(compiled.records[compiled.selectIndex(lat, lon)]).toBe(d.chosen?.record);
      }
    }
  });

  // 100,000 estimates (10,000 points × 10 regions, as explainRouting asks them) against a
  // snapshot of 2,000 measured cells: ~23 ms warm (~0.2 µs each); ~250 ms the first time, when
  // each of the 10,000 client cells is learned (~20 µs a cell with ~80 teachers × 10 regions in
  // reach; it was ~80 µs before the per-coarse-cell teacher lists). Node 20, this machine; MEASURED_TIMING=1
  // prints it. Not asserted: bench/measured.ts has the figures.
  it('answers 100,000 estimates from per-cell lookups', () => {
    const samples: LatencySample[] = [];
    const regions = REGIONS.slice(0, 10);
    for (let i = 0; i < 2000; i++) {
      const p = { lat: 25 + ((i * 7919) % 2500) / 100, lon: -125 + ((i * 104729) % 5500) / 100 };
      for (const r of regions) samples.push(...samplesAt(p, r.code, [40, 42, 44, 46, 48]));
    }
    const big = createMeasuredModel(snapshotOf(samples));
    const points = Array.from({ length: 10_000 }, (_, i) => ({
      lat: 25 + ((i * 31) % 2500) / 100,
      lon: -125 + ((i * 17) % 5500) / 100,
    }));
    const run = () => {
      let sum = 0;
      for (const p of points) for (const r of regions) sum += big.estimate(p, r).rttMs;
      return sum;
    };
    const t0 = performance.now();
    const cold = run();
    const t1 = performance.now();
    const warm = run();
    const t2 = performance.now();
    expect(warm).toBe(cold);
    if (process.env.MEASURED_TIMING === '1') {
      console.log(
        `100k estimates: cold ${(t1 - t0).toFixed(0)} ms, warm ${(t2 - t1).toFixed(0)} ms`,
      );
    }
  });
});

describe('per-network measured routing (forNetwork)', () => {
  // Morgantown as a whole reaches us-east-2 fastest; one network there is fastest to us-east-1.
  const NET = '198.51.100.0/24';
  const snapshot = snapshotOf([
    ...MORGANTOWN,
    ...MORGANTOWN,
    ...MORGANTOWN,
    ...samplesAt(PLACE.Morgantown as GeoPoint, 'us-east-1', [6.1, 6.4, 6.0, 6.3, 6.2], NET),
    ...samplesAt(PLACE.Morgantown as GeoPoint, 'us-east-2', [19, 20, 21, 19.5, 20.5], NET),
  ]);
  const model = createMeasuredModel(snapshot);

  it('routes a measured network by its own medians, and others by place', () => {
    const place = explainRouting(EAST, PLACE.Morgantown as GeoPoint, { model });
    expect(place.chosen?.region).toBe('us-east-2');
    const own = model.forNetwork?.(NET);
    expect(own).toBeTruthy();
    const byNet = explainRouting(EAST, PLACE.Morgantown as GeoPoint, {
      model: own as LatencyModel,
    });
    expect(byNet.chosen).toMatchObject({ region: 'us-east-1', source: 'measured', rttMs: 6.2 });
    // A region the network has not measured is estimated at the network's place.
    const ca = byNet.candidates.find((c) => c.region === 'ca-central-1');
    expect(ca?.rttMs).toBe(
      model.estimate(PLACE.Morgantown as GeoPoint, region('ca-central-1')).rttMs,
    );
    // The same answer wherever a client of the network says it is; compiled routing agrees.
    const far = explainRouting(EAST, PLACE.Tokyo as GeoPoint, { model: own as LatencyModel });
    expect(far.chosen?.region).toBe('us-east-1');
    // Health is asked of records with a check: the network's next best takes over.
    const checked = EAST.map((r) => ({ ...r, HealthCheckId: `hc-${r.Region}` }));
    const compiled = compileRouting(checked, { model: own as LatencyModel });
    expect(checked[compiled.selectIndex(0, 0)]?.Region).toBe('us-east-1');
    const others = (i: number) => checked[i]?.Region !== 'us-east-1';
    expect(checked[compiled.selectIndex(0, 0, others)]?.Region).toBe('us-east-2');
    // Networks without measurements, or with too few: none.
    expect(model.forNetwork?.('203.0.113.0/24')).toBeNull();
    const thin = createMeasuredModel(
      snapshotOf(samplesAt(PLACE.Lisbon as GeoPoint, 'eu-west-1', [30, 31], '192.0.2.0/24')),
    );
    expect(thin.forNetwork?.('192.0.2.0/24') ?? null).toBeNull();
  });
});
