import type { GeoPoint } from './types';

/** Mean Earth radius, km (IUGG). */
export const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle (haversine) distance between two points, km. */
export function greatCircleKm(_a: GeoPoint, _b: GeoPoint): number {
  throw new Error('todo');
}
