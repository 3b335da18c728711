import type {
  Feature,
  FeatureCollection,
  MultiLineString,
  MultiPolygon,
  Polygon,
  Position,
} from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/**
 * The offline basemap: world-atlas TopoJSON (Natural Earth) turned into planar GeoJSON that a
 * Web Mercator renderer draws correctly.
 *
 * world-atlas rings follow spherical conventions: rings of Russia and Fiji jump from +180° to
 * −180° (drawn as stripes across the whole map), and Antarctica is a ring around the South Pole
 * plus a degenerate ring on the pole itself. Here every ring is unwrapped so neighbouring points
 * are never more than 180° apart, polar rings are closed through the pole, and a polygon that
 * sticks out past ±180° gets a copy shifted by 360° so both edges of the map show it.
 */

export interface CountryProperties {
  name: string;
}

export interface LineProperties {
  /** `border` between two countries (each drawn once), or `coast` (arcs of one country only). */
  kind: 'border' | 'coast';
}

export interface Basemap {
  countries: FeatureCollection<MultiPolygon, CountryProperties>;
  /** Borders and coastlines in one source (one tiling pass in the worker), split at ±180°. */
  lines: FeatureCollection<MultiLineString, LineProperties>;
}

const POLE_EPSILON_DEG = 0.1;

/**
 * Unwrap a ring's longitudes so consecutive points differ by at most 180°; `turns` counts how
 * many times the ring winds around the globe (non-zero only for rings around a pole).
 */
export function unwrapRing(ring: readonly Position[]): { ring: Position[]; turns: number } {
  const out: Position[] = [];
  let offset = 0;
  let prevLon: number | null = null;
  for (const p of ring) {
    const lon = p[0] ?? 0;
    const lat = p[1] ?? 0;
    if (prevLon !== null) {
      const d = lon - prevLon;
      if (d > 180) offset -= 360;
      else if (d < -180) offset += 360;
    }
    prevLon = lon;
    out.push([lon + offset, lat]);
  }
  return { ring: out, turns: Math.round(offset / 360) };
}

function lonExtent(ring: readonly Position[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of ring) {
    const x = p[0] ?? 0;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return [min, max];
}

function shiftRing(ring: readonly Position[], dLon: number): Position[] {
  return dLon === 0 ? [...ring] : ring.map((p) => [(p[0] ?? 0) + dLon, p[1] ?? 0]);
}

/** True for a ring lying on a pole (all points within 0.1° of ±90°): nothing to draw. */
function isPolarDegenerate(ring: readonly Position[]): boolean {
  return ring.every((p) => Math.abs(p[1] ?? 0) >= 90 - POLE_EPSILON_DEG);
}

/**
 * Close a ring that winds around a pole by running along the pole (the map's top or bottom
 * edge in Mercator), in steps of 90° so no edge spans more than 180°.
 */
function closeThroughPole(ring: Position[]): Position[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (!first || !last) return ring;
  const meanLat = ring.reduce((s, p) => s + (p[1] ?? 0), 0) / ring.length;
  const pole = meanLat < 0 ? -90 : 90;
  const x0 = last[0] ?? 0;
  const x1 = first[0] ?? 0;
  const steps = Math.max(1, Math.ceil(Math.abs(x1 - x0) / 90));
  const along: Position[] = [];
  for (let i = 0; i <= steps; i++) along.push([x0 + ((x1 - x0) * i) / steps, pole]);
  return [...ring, ...along, [x1, first[1] ?? 0]];
}

/**
 * One spherical polygon (outer ring + holes) as planar polygons: unwrapped, closed through the
 * pole when it winds around one, moved so its west edge lies in [−180°, 180°), plus a copy
 * shifted by −360° when it extends past +180°.
 */
export function planarPolygons(rings: readonly (readonly Position[])[]): Position[][][] {
  const kept = rings.filter((r) => r.length >= 4 && !isPolarDegenerate(r));
  const [outerRaw, ...holesRaw] = kept;
  if (!outerRaw) return [];
  const u = unwrapRing(outerRaw);
  let outer = u.turns !== 0 ? closeThroughPole(u.ring) : u.ring;
  const [minLon] = lonExtent(outer);
  const shift = -360 * Math.floor((minLon + 180) / 360);
  outer = shiftRing(outer, shift);
  const [oMin, oMax] = lonExtent(outer);
  const holes = holesRaw.map((h) => {
    const hu = unwrapRing(h).ring;
    const first = hu[0]?.[0] ?? 0;
    // Bring the hole next to its outer ring (it may have been unwrapped from another start).
    const centre = (oMin + oMax) / 2;
    return shiftRing(hu, 360 * Math.round((centre - first) / 360));
  });
  const polygon = [outer, ...holes];
  const result = [polygon];
  if (oMax > 180) result.push(polygon.map((r) => shiftRing(r, -360)));
  return result;
}

/** Break lines wherever consecutive points are more than 180° of longitude apart. */
export function splitLinesAtJumps(lines: readonly (readonly Position[])[]): Position[][] {
  return splitLines(lines, (a, b) => Math.abs((b[0] ?? 0) - (a[0] ?? 0)) > 180);
}

/** True for a segment on the cut that opens the globe: along ±180° or along a pole. */
function isCutEdge(a: Position, b: Position): boolean {
  const onMeridian = Math.abs(a[0] ?? 0) >= 179.999 && Math.abs(b[0] ?? 0) >= 179.999;
  const onPole = Math.abs(a[1] ?? 0) >= 89.9 && Math.abs(b[1] ?? 0) >= 89.9;
  return onMeridian || onPole || Math.abs((b[0] ?? 0) - (a[0] ?? 0)) > 180;
}

function splitLines(
  lines: readonly (readonly Position[])[],
  breaksBetween: (a: Position, b: Position) => boolean,
): Position[][] {
  const out: Position[][] = [];
  for (const line of lines) {
    let current: Position[] = [];
    let prev: Position | undefined;
    for (const p of line) {
      if (prev && breaksBetween(prev, p)) {
        if (current.length > 1) out.push(current);
        current = [];
      }
      current.push(p);
      prev = p;
    }
    if (current.length > 1) out.push(current);
  }
  return out;
}

/** The planar basemap from a world-atlas `countries-*.json` topology. */
export function basemapFromTopology(topology: Topology): Basemap {
  const object = topology.objects.countries as GeometryCollection<CountryProperties> | undefined;
  if (!object) throw new Error('world-atlas topology has no "countries" object');
  const fc = feature(topology, object);
  const countries: Feature<MultiPolygon, CountryProperties>[] = [];
  for (const f of fc.features) {
    const g = f.geometry as Polygon | MultiPolygon | null;
    if (!g) continue;
    const polys =
      g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    const planar = polys.flatMap((p) => planarPolygons(p));
    if (planar.length === 0) continue;
    countries.push({
      type: 'Feature',
      properties: { name: String(f.properties?.name ?? '') },
      geometry: { type: 'MultiPolygon', coordinates: planar },
    });
  }
  const borders = mesh(topology, object, (a, b) => a !== b);
  const coast = mesh(topology, object, (a, b) => a === b);
  const line = (kind: LineProperties['kind'], coordinates: Position[][]) => ({
    type: 'Feature' as const,
    properties: { kind },
    geometry: { type: 'MultiLineString' as const, coordinates },
  });
  return {
    countries: { type: 'FeatureCollection', features: countries },
    lines: {
      type: 'FeatureCollection',
      features: [
        line('border', splitLinesAtJumps(borders.coordinates)),
        // Without the artificial edges along ±180° and the pole that cut the globe open.
        line('coast', splitLines(coast.coordinates, isCutEdge)),
      ],
    },
  };
}
