import { describe, expect, it } from 'vitest';
import type { CatchmentGrid } from './catchment';
import {
  changedCells,
  changedShare,
  distanceToUnchanged,
  paintComparison,
} from './compare-catchment';

const grid = (width: number, height: number, cells: number[]): CatchmentGrid => ({
  width,
  height,
  cells: Int16Array.from(cells),
});

describe('catchment comparison', () => {
  // 4×1: before west→us-west-2 east→ap-southeast-1; after everything us-west-2.
  const before = grid(4, 1, [0, 0, 1, 1]);
  const after = grid(4, 1, [0, 0, 0, 0]);

  it('marks the places whose region changes, by region code', () => {
    expect(
      Array.from(changedCells(after, ['us-west-2'], before, ['us-west-2', 'ap-southeast-1'])),
    ).toEqual([0, 0, 1, 1]);
    // Same regions under other record indices: nothing moves.
    expect(
      Array.from(changedCells(grid(2, 1, [1, 0]), ['a', 'b'], grid(2, 1, [0, 1]), ['b', 'a'])),
    ).toEqual([0, 0]);
    // No latency records before: every place with an answer now has changed.
    expect(Array.from(changedCells(after, ['us-west-2'], null, []))).toEqual([1, 1, 1, 1]);
  });

  it('measures the changed share and the distance to unchanged places', () => {
    const changed = Uint8Array.from([0, 0, 1, 1]);
    expect(changedShare(changed, 4, 1)).toBeCloseTo(0.5, 9);
    expect(Array.from(distanceToUnchanged(changed, 4, 1))).toEqual([0, 0, 1, 2]);
  });

  it('fades unchanged places and hatches changed ones in the new and old colours', () => {
    const wide = grid(8, 1, [0, 0, 1, 1, 1, 1, 1, 1]);
    const now = grid(8, 1, [0, 0, 0, 0, 0, 0, 0, 0]);
    const changed = changedCells(now, ['us-west-2'], wide, ['us-west-2', 'ap-southeast-1']);
    const out = new Uint8ClampedArray(8 * 4);
    const green = [0, 158, 115] as const;
    const amber = [240, 168, 48] as const;
    paintComparison(now, [green], wide, [green, amber], changed, out, {
      fadedAlpha: 70,
      stripe: 2,
      outline: 0,
      outlineColor: [0, 0, 0],
      noAnswer: [128, 128, 128],
    });
    const px = (i: number) => Array.from(out.slice(i * 4, i * 4 + 4));
    expect(px(0)).toEqual([...green, 70]);
    expect(px(2)).toEqual([...green, 255]); // (0+2) % 2 < 1: the new region's colour
    expect(px(3)).toEqual([...amber, 255]); // the old one's
  });
});
