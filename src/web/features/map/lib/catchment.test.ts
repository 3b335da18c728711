import { describe, expect, it } from 'vitest';
import {
  catchmentEdges,
  catchmentShares,
  computeCatchment,
  latAtMercatorY,
  MERCATOR_MAX_LAT,
  mercatorY,
  paintCatchment,
  peopleShares,
} from './catchment';

describe('Mercator rows', () => {
  it('maps y 0 / 0.5 / 1 to the north edge, the equator and the south edge', () => {
    expect(latAtMercatorY(0)).toBeCloseTo(MERCATOR_MAX_LAT, 9);
    expect(latAtMercatorY(0.5)).toBeCloseTo(0, 9);
    expect(latAtMercatorY(1)).toBeCloseTo(-MERCATOR_MAX_LAT, 9);
    for (const lat of [-60, -10, 0, 33.3, 51.5, 80]) {
      expect(latAtMercatorY(mercatorY(lat))).toBeCloseTo(lat, 9);
    }
  });
});

describe('computeCatchment', () => {
  const eastWest = (_lat: number, lon: number) => (lon < 0 ? 0 : 1);

  it('samples cell centres row by row, north first', () => {
    const g = computeCatchment((lat) => (lat > 0 ? 0 : 1), 4, 4);
    expect(Array.from(g.cells)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('gives the same grid with run skipping (step) as with every cell sampled', () => {
    const f = (lat: number, lon: number) => (lat > 20 ? 2 : lon < -30 ? 0 : lon < 47 ? 1 : 3);
    const full = computeCatchment(f, 97, 61, 1);
    const fast = computeCatchment(f, 97, 61, 8);
    expect(Array.from(fast.cells)).toEqual(Array.from(full.cells));
    let calls = 0;
    computeCatchment(
      (a, b) => {
        calls++;
        return eastWest(a, b);
      },
      400,
      10,
      8,
    );
    expect(calls).toBeLessThan(400 * 10 * 0.2);
  });

  it('shares weigh cells by area (cos² lat in Mercator) and follow a land mask', () => {
    const g = computeCatchment(eastWest, 8, 8);
    const even = catchmentShares(g, 2);
    expect(even[0]).toBeCloseTo(0.5, 9);
    const polar = computeCatchment((lat) => (Math.abs(lat) > 60 ? 0 : 1), 16, 64);
    const s = catchmentShares(polar, 2);
    // Above 60° is 13% of the sphere, though it fills most of the Mercator square's rows.
    expect(s[0]).toBeGreaterThan(0.08);
    expect(s[0]).toBeLessThan(0.16);
    const mask = new Uint8Array(64);
    for (let i = 0; i < 64; i++) mask[i] = i % 8 < 4 ? 1 : 0; // only the western half is land
    expect(catchmentShares(g, 2, mask)).toEqual([1, 0]);
  });

  it('paints cells in their record colour and leaves "no choice" transparent', () => {
    const g = { width: 2, height: 1, cells: Int16Array.from([1, -1]) };
    const out = new Uint8ClampedArray(8);
    paintCatchment(
      g,
      [
        [1, 2, 3],
        [10, 20, 30],
      ],
      200,
      out,
    );
    expect(Array.from(out)).toEqual([10, 20, 30, 200, 0, 0, 0, 0]);
  });

  it('finds edges where neighbouring cells differ', () => {
    const g = computeCatchment(eastWest, 4, 2);
    expect(Array.from(catchmentEdges(g))).toEqual([0, 1, 0, 0, 0, 1, 0, 0]);
  });
});

describe('peopleShares', () => {
  it('weighs each record by the people in its cells, not the area', () => {
    const grid = { width: 2, height: 2, cells: Int16Array.from([0, 0, 0, 1]) };
    const people = Float32Array.from([0, 10, 0, 30]);
    expect(peopleShares(grid, 2, people)).toEqual([0.25, 0.75]);
    expect(peopleShares(grid, 2, new Float32Array(4))).toEqual([0, 0]);
    expect(() => peopleShares(grid, 2, new Float32Array(3))).toThrow(/differ in size/);
  });
});
