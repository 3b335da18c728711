import type { Feature, FeatureCollection, MultiLineString, Point, Position } from 'geojson';
import type { GeoPoint, Region, ResourceRecordSet } from '../../../../engine/types';
import { regionColor } from '../../../lib/region-colors';

/**
 * Pure shaping of the map's data: records → markers, regions → faint dots, client → point and
 * great-circle arc. No map library here, so every function is unit-tested.
 */

export interface RegionDotProperties {
  code: string;
  name: string;
  city: string;
  color: string;
  /** The selected name has a record in this region (drawn as a marker instead). */
  active: boolean;
}

/** Every region as a point; `active` marks those holding a record of the selected name. */
export function regionDots(
  regions: readonly Region[],
  activeCodes: Iterable<string>,
): FeatureCollection<Point, RegionDotProperties> {
  const active = new Set(activeCodes);
  return {
    type: 'FeatureCollection',
    features: regions.map((r) => ({
      type: 'Feature',
      id: r.code,
      properties: {
        code: r.code,
        name: r.name,
        city: r.city,
        color: regionColor(r.code),
        active: active.has(r.code),
      },
      geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    })),
  };
}

export interface RecordMarker {
  /** Stable key: `name|type|setIdentifier`. */
  key: string;
  region: string;
  regionName: string;
  setIdentifier: string;
  /** Answer values: ResourceRecords values, or the alias target's DNS name. */
  values: string[];
  healthy: boolean;
  /** Down only in a what-if (the operator picked it to fail), not in reality. */
  simulated?: boolean;
  lat: number;
  lon: number;
  color: string;
  /** What a screen reader announces, e.g. `us-west-2 oregon 192.0.2.10`. */
  ariaLabel: string;
  record: ResourceRecordSet;
}

/** The answer values a record gives: its ResourceRecords, or `alias → DNSName`. */
export function recordValues(r: ResourceRecordSet): string[] {
  if (r.AliasTarget) return [`alias ${r.AliasTarget.DNSName}`];
  return (r.ResourceRecords ?? []).map((v) => v.Value);
}

/**
 * Latency records placed at their region, ordered west to east (then by set id) so DOM order
 * and keyboard order follow the map. Records in an unknown region are left out.
 * `health` is keyed by SetIdentifier; a missing entry means healthy (no health check).
 */
export function recordMarkers(
  records: readonly ResourceRecordSet[],
  regions: readonly Region[],
  health?: Readonly<Record<string, boolean>>,
): RecordMarker[] {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const out: RecordMarker[] = [];
  for (const rec of records) {
    if (!rec.Region || rec.SetIdentifier === undefined) continue;
    const region = byCode.get(rec.Region);
    if (!region) continue;
    const values = recordValues(rec);
    const healthy = health?.[rec.SetIdentifier] !== false;
    const label = [region.code, rec.SetIdentifier, ...values].join(' ');
    out.push({
      key: `${rec.Name}|${rec.Type}|${rec.SetIdentifier}`,
      region: region.code,
      regionName: region.name,
      setIdentifier: rec.SetIdentifier,
      values,
      healthy,
      lat: region.lat,
      lon: region.lon,
      color: regionColor(region.code),
      ariaLabel: healthy ? label : `${label} unhealthy`,
      record: rec,
    });
  }
  return out.sort((a, b) => a.lon - b.lon || a.setIdentifier.localeCompare(b.setIdentifier));
}

export interface ClientProperties {
  label: string;
}

/** The previewed client as a point feature (empty collection when there is none). */
export function clientPoint(
  client: (GeoPoint & { label: string }) | null | undefined,
): FeatureCollection<Point, ClientProperties> {
  return {
    type: 'FeatureCollection',
    features: client
      ? [
          {
            type: 'Feature',
            properties: { label: client.label },
            geometry: { type: 'Point', coordinates: [normalizeLon(client.lon), client.lat] },
          },
        ]
      : [],
  };
}

/** Longitude into [−180, 180). */
export function normalizeLon(lon: number): number {
  if (lon >= -180 && lon < 180) return lon;
  const l = (((lon + 180) % 360) + 360) % 360;
  return l - 180;
}

const RAD = Math.PI / 180;

/**
 * Points along the great circle from `a` to `b` (spherical linear interpolation of unit vectors),
 * `segments + 1` points as [lon, lat] with longitudes in [−180, 180].
 */
export function greatCirclePoints(a: GeoPoint, b: GeoPoint, segments = 64): Position[] {
  const toVec = (p: GeoPoint): [number, number, number] => {
    const la = p.lat * RAD;
    const lo = p.lon * RAD;
    return [Math.cos(la) * Math.cos(lo), Math.cos(la) * Math.sin(lo), Math.sin(la)];
  };
  const va = toVec(a);
  const vb = toVec(b);
  const dot = Math.min(1, Math.max(-1, va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2]));
  const omega = Math.acos(dot);
  const n = Math.max(1, Math.floor(segments));
  const pts: Position[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    let v: [number, number, number];
    if (omega < 1e-9) v = va;
    else {
      const s = Math.sin(omega);
      const ka = Math.sin((1 - t) * omega) / s;
      const kb = Math.sin(t * omega) / s;
      v = [ka * va[0] + kb * vb[0], ka * va[1] + kb * vb[1], ka * va[2] + kb * vb[2]];
    }
    const lat = Math.atan2(v[2], Math.hypot(v[0], v[1])) / RAD;
    const lon = Math.atan2(v[1], v[0]) / RAD;
    pts.push([lon, lat]);
  }
  // Exact end points, so the arc meets the markers.
  pts[0] = [normalizeLon(a.lon), a.lat];
  pts[n] = [normalizeLon(b.lon), b.lat];
  return pts;
}

/**
 * Split a line wherever it crosses the antimeridian, ending one piece at ±180° and starting the
 * next at ∓180° at the interpolated crossing latitude (RFC 7946 §3.1.9), so no segment is drawn
 * the long way round the map.
 */
export function splitAtAntimeridian(points: readonly Position[]): Position[][] {
  const lines: Position[][] = [];
  let current: Position[] = [];
  let prev: Position | undefined;
  for (const p of points) {
    if (prev) {
      const [x0 = 0, y0 = 0] = prev;
      const [x1 = 0, y1 = 0] = p;
      if (Math.abs(x1 - x0) > 180) {
        // Unwrap x1 next to x0, find where the segment meets ±180.
        const x1u = x1 + (x1 < x0 ? 360 : -360);
        const edge = x0 > 0 ? 180 : -180;
        const t = (edge - x0) / (x1u - x0);
        const yCross = y0 + t * (y1 - y0);
        current.push([edge, yCross]);
        lines.push(current);
        current = [[-edge, yCross]];
      }
    }
    current.push(p);
    prev = p;
  }
  if (current.length > 1) lines.push(current);
  return lines;
}

export interface ArcProperties {
  region: string;
  color: string;
}

/** The great-circle arc from the client to the chosen region, split at the antimeridian. */
export function clientArc(
  client: GeoPoint | null | undefined,
  region: Region | null | undefined,
  segments = 96,
): FeatureCollection<MultiLineString, ArcProperties> {
  if (!client || !region) return { type: 'FeatureCollection', features: [] };
  const lines = splitAtAntimeridian(greatCirclePoints(client, region, segments));
  const arc: Feature<MultiLineString, ArcProperties> = {
    type: 'Feature',
    properties: { region: region.code, color: regionColor(region.code) },
    geometry: { type: 'MultiLineString', coordinates: lines },
  };
  return { type: 'FeatureCollection', features: [arc] };
}
