import type { Position } from 'geojson';
import type { Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
// ?raw keeps the 0.8 MB JSON out of the type checker.
import countries50m from 'world-atlas/countries-50m.json?raw';
import countries110m from 'world-atlas/countries-110m.json?raw';
import { basemapFromTopology, planarPolygons, splitLinesAtJumps, unwrapRing } from './basemap';

const FILES: Record<string, string> = {
  'countries-110m.json': countries110m,
  'countries-50m.json': countries50m,
};

function load(file: string): Topology {
  return JSON.parse(FILES[file] ?? '{}') as Topology;
}

function maxJump(ring: readonly Position[]): number {
  let max = 0;
  for (let i = 1; i < ring.length; i++) {
    max = Math.max(max, Math.abs((ring[i]?.[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)));
  }
  return max;
}

describe('unwrapRing', () => {
  it('keeps neighbouring points within 180° across the antimeridian', () => {
    const { ring, turns } = unwrapRing([
      [179, 0],
      [-179, 0],
      [-179, 1],
      [179, 1],
      [179, 0],
    ]);
    expect(turns).toBe(0);
    expect(ring.map((p) => p[0])).toEqual([179, 181, 181, 179, 179]);
  });

  it('counts a ring around a pole as one turn', () => {
    const ring: Position[] = [];
    for (let lon = -180; lon <= 180; lon += 30) ring.push([lon === 180 ? -180 : lon, -70]);
    expect(Math.abs(unwrapRing(ring).turns)).toBe(1);
  });
});

describe('planarPolygons', () => {
  it('adds a copy shifted by −360° for a polygon crossing +180°', () => {
    const polys = planarPolygons([
      [
        [179, 60],
        [-179, 60],
        [-179, 61],
        [179, 61],
        [179, 60],
      ],
    ]);
    expect(polys).toHaveLength(2);
    expect(polys[0]?.[0]?.map((p) => p[0])).toEqual([179, 181, 181, 179, 179]);
    expect(polys[1]?.[0]?.map((p) => p[0])).toEqual([-181, -179, -179, -181, -181]);
  });

  it('closes a ring around the South Pole through the pole and drops a ring on the pole', () => {
    const coast: Position[] = [];
    for (let lon = -180; lon < 180; lon += 20) coast.push([lon, -70]);
    coast.push([179.9, -70], [-180, -70]);
    const onPole: Position[] = [
      [-180, -89.999],
      [0, -89.999],
      [180, -89.999],
      [-180, -89.999],
    ];
    const polys = planarPolygons([onPole, coast]);
    const outer = polys[0]?.[0] ?? [];
    expect(outer.some((p) => p[1] === -90)).toBe(true);
    expect(maxJump(outer)).toBeLessThanOrEqual(180);
    expect(polys[0]).toHaveLength(1);
  });
});

describe('splitLinesAtJumps', () => {
  it('splits a line at a 360° jump', () => {
    const out = splitLinesAtJumps([
      [
        [170, 0],
        [179, 0],
        [-179, 0],
        [-170, 0],
      ],
    ]);
    expect(out).toHaveLength(2);
  });
});

describe('basemapFromTopology (world-atlas)', () => {
  for (const file of ['countries-110m.json', 'countries-50m.json']) {
    it(`${file}: no ring spans more than 180° between points, Russia and Fiji are drawn at both edges`, () => {
      const b = basemapFromTopology(load(file));
      expect(b.countries.features.length).toBeGreaterThan(170);
      for (const f of b.countries.features) {
        for (const poly of f.geometry.coordinates) {
          for (const ring of poly) expect(maxJump(ring)).toBeLessThanOrEqual(180);
        }
      }
      for (const name of ['Russia', 'Fiji']) {
        const f = b.countries.features.find((c) => c.properties.name === name);
        const lons = f?.geometry.coordinates.flatMap((p) => p[0] ?? []).map((q) => q[0] ?? 0) ?? [];
        expect(Math.max(...lons), name).toBeGreaterThan(179);
        expect(Math.min(...lons), name).toBeLessThan(-179);
      }
      const antarctica = b.countries.features.find((c) => c.properties.name === 'Antarctica');
      const outer = antarctica?.geometry.coordinates.flatMap((p) => p[0] ?? []) ?? [];
      expect(outer.some((p) => p[1] === -90)).toBe(true);
      const [borders, coast] = b.lines.features;
      expect(borders?.properties.kind).toBe('border');
      expect(coast?.properties.kind).toBe('coast');
      for (const line of coast?.geometry.coordinates ?? []) {
        expect(maxJump(line)).toBeLessThanOrEqual(180);
        // No coastline runs along the cut at ±180°.
        for (let i = 1; i < line.length; i++) {
          const a = Math.abs(line[i - 1]?.[0] ?? 0);
          const c = Math.abs(line[i]?.[0] ?? 0);
          expect(a >= 179.999 && c >= 179.999).toBe(false);
        }
      }
      expect(borders?.geometry.coordinates.length).toBeGreaterThan(100);
    });
  }
});
