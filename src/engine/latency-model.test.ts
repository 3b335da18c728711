import { describe, expect, it } from 'vitest';
import { greatCircleKm } from './geo';
import {
  ACCESS_RTT_MS,
  distanceLatencyModel,
  estimateRttFromDistance,
  FIBRE_RTT_MS_PER_KM,
  ROUTE_STRETCH,
} from './latency-model';
import { findRegion } from './regions';
import type { Region } from './types';

const region = (code: string): Region => {
  const r = findRegion(code);
  if (r === undefined) throw new Error(code);
  return r;
};

describe('distanceLatencyModel', () => {
  // Measured inter-region RTTs from NOTES.md "Latency facts".
  it.each([
    ['us-east-1', 'eu-west-1', 81],
    ['us-west-1', 'us-west-2', 19.5],
    ['ap-northeast-1', 'ap-northeast-2', 31],
  ])('the measured %s ↔ %s RTT (%f ms) falls inside [rttLowMs, rttHighMs]', (a, b, measured) => {
    const e = distanceLatencyModel.estimate(region(a), region(b));
    expect(e.rttLowMs).toBeLessThanOrEqual(measured);
    expect(e.rttHighMs).toBeGreaterThanOrEqual(measured);
  });

  it('puts us-east-1 ↔ eu-west-1 at about 5,460 km', () => {
    const e = distanceLatencyModel.estimate(region('us-east-1'), region('eu-west-1'));
    expect(e.distanceKm).toBeGreaterThan(5400);
    expect(e.distanceKm).toBeLessThan(5500);
  });

  it('is floor × stretch + access, rounded to 0.1 ms', () => {
    expect(FIBRE_RTT_MS_PER_KM).toBe(0.01);
    expect(estimateRttFromDistance(1000)).toEqual({
      rttMs: 1000 * 0.01 * ROUTE_STRETCH.typical + ACCESS_RTT_MS.typical, // 25
      rttLowMs: 16,
      rttHighMs: 40,
      distanceKm: 1000,
    });
    expect(estimateRttFromDistance(1234.567)).toEqual({
      rttMs: 29.7,
      rttLowMs: 19.3,
      rttHighMs: 47,
      distanceKm: 1234.6,
    });
  });

  it('has only the access term at zero distance, and low ≤ typical ≤ high everywhere', () => {
    expect(estimateRttFromDistance(0)).toMatchObject({ rttMs: 5, rttLowMs: 2, rttHighMs: 10 });
    for (const km of [0, 10, 500, 5000, 20000]) {
      const e = estimateRttFromDistance(km);
      expect(e.rttLowMs).toBeLessThanOrEqual(e.rttMs);
      expect(e.rttMs).toBeLessThanOrEqual(e.rttHighMs);
    }
  });

  it('declares itself distance-monotonic and never decreases with distance', () => {
    expect(distanceLatencyModel.id).toBe('distance-v1');
    expect(distanceLatencyModel.distanceMonotonic).toBe(true);
    let last = -1;
    for (let km = 0; km <= 20000; km += 37) {
      const { rttMs } = estimateRttFromDistance(km);
      expect(rttMs).toBeGreaterThanOrEqual(last);
      last = rttMs;
    }
  });

  it('agrees with greatCircleKm', () => {
    const a = region('eu-central-1');
    const b = region('ap-southeast-1');
    expect(distanceLatencyModel.estimate(a, b).distanceKm).toBeCloseTo(greatCircleKm(a, b), 0);
  });
});
