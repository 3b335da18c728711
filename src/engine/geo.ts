import type { GeoPoint } from './types';

/** Mean Earth radius, km (IUGG mean radius R1). */
export const EARTH_RADIUS_KM = 6371.0088;

/** Degrees → radians. */
export const DEG_TO_RAD = Math.PI / 180;

/** Great-circle (haversine) distance between two points, km. Stable for tiny and antipodal spans. */
export function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.lat - a.lat) * DEG_TO_RAD;
  const dLon = (b.lon - a.lon) * DEG_TO_RAD;
  const s1 = Math.sin(dLat / 2);
  const s2 = Math.sin(dLon / 2);
  const h = s1 * s1 + Math.cos(a.lat * DEG_TO_RAD) * Math.cos(b.lat * DEG_TO_RAD) * s2 * s2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)));
}

/**
 * Writes the unit vector (x, y, z) of a point into `out` at `offset`. The dot product of two unit
 * vectors is the cosine of their central angle, so a larger dot means a shorter great circle:
 * ranking by dot needs no trigonometry per region. Allocation-free for the routing hot path.
 */
export function writeUnitVector(lat: number, lon: number, out: Float64Array, offset: number): void {
  const phi = lat * DEG_TO_RAD;
  const lambda = lon * DEG_TO_RAD;
  const c = Math.cos(phi);
  out[offset] = c * Math.cos(lambda);
  out[offset + 1] = c * Math.sin(lambda);
  out[offset + 2] = Math.sin(phi);
}
