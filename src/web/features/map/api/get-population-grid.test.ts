import { describe, expect, it } from 'vitest';
import { decodePopulationGrid } from './get-population-grid';

describe('decodePopulationGrid', () => {
  it('spreads the [cell, people] uint32 pairs into a dense raster', () => {
    const words = Uint32Array.from([1, 500, 3, 4_000_000_000]);
    const raster = decodePopulationGrid(words.buffer, 2);
    expect(Array.from(raster.people)).toEqual([0, 500, 0, 4_000_000_000]);
    expect(raster.total).toBe(4_000_000_500);
  });
  it('ignores cells outside the grid', () => {
    expect(decodePopulationGrid(Uint32Array.from([9, 1]).buffer, 2).total).toBe(0);
  });
});
