import { greatCircleKm } from './geo';
import type { GeoPoint, LatencyModel, Region, RttEstimate } from './types';

/**
 * Round-trip floor in fibre, ms per km of great-circle distance: light in glass travels about
 * 200,000 km/s, so 100 km out and back costs ~1 ms.
 */
export const FIBRE_RTT_MS_PER_KM = 0.01;

/**
 * Route stretch: real paths are longer than the great circle and cross routers. Measured
 * inter-region RTTs run about 1.5–3× the fibre floor (us-east-1 ↔ eu-west-1 ≈ 81 ms over
 * 5,460 km = ×1.48; us-west-1 ↔ us-west-2 ×2.0; ap-northeast-1 ↔ ap-northeast-2 ×2.7).
 * `low` is 1.4, not 1.5, so that the best measured transatlantic path stays inside the range.
 */
export const ROUTE_STRETCH = { low: 1.4, typical: 2.0, high: 3.0 } as const;

/**
 * Access term, ms: last-mile and in-region hops that exist even at zero distance
 * (fibre-to-the-home ~2 ms, typical broadband ~5 ms, busy mobile or Wi-Fi ~10 ms).
 */
export const ACCESS_RTT_MS = { low: 2, typical: 5, high: 10 } as const;

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Estimated RTT and range for a great-circle distance in km; values rounded to 0.1 ms. */
export function estimateRttFromDistance(distanceKm: number): RttEstimate {
  const floor = distanceKm * FIBRE_RTT_MS_PER_KM;
  return {
    rttMs: round1(floor * ROUTE_STRETCH.typical + ACCESS_RTT_MS.typical),
    rttLowMs: round1(floor * ROUTE_STRETCH.low + ACCESS_RTT_MS.low),
    rttHighMs: round1(floor * ROUTE_STRETCH.high + ACCESS_RTT_MS.high),
    distanceKm: round1(distanceKm),
  };
}

/**
 * Distance model (id `distance-v1`): rtt = great-circle km × 0.01 ms/km × stretch + access.
 * Monotonic in distance, so routing can rank by distance alone.
 */
export const distanceLatencyModel: LatencyModel = {
  id: 'distance-v1',
  distanceMonotonic: true,
  estimate(client: GeoPoint, region: Region): RttEstimate {
    return estimateRttFromDistance(greatCircleKm(client, region));
  },
};
