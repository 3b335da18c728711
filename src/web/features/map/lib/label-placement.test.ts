import { describe, expect, it } from 'vitest';
import { labelBox, placeLabels } from './label-placement';

const size = { width: 100, height: 30 };

describe('placeLabels', () => {
  it('puts a lone label to the right', () => {
    expect(placeLabels([{ id: 'a', x: 100, y: 100, ...size }])).toEqual({ a: 'right' });
  });

  it('moves a neighbour to another side instead of overlapping', () => {
    const sides = placeLabels([
      { id: 'a', x: 100, y: 100, ...size },
      { id: 'b', x: 140, y: 105, ...size },
    ]);
    const a = labelBox({ id: 'a', x: 100, y: 100, ...size }, sides.a ?? 'right');
    const b = labelBox({ id: 'b', x: 140, y: 105, ...size }, sides.b ?? 'right');
    const overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
    expect(overlap).toBe(false);
    expect(sides.a).not.toBeNull();
    expect(sides.b).not.toBeNull();
  });

  it('keeps labels on screen when it can (flips left at the right edge)', () => {
    expect(
      placeLabels([{ id: 'a', x: 390, y: 100, ...size }], { width: 400, height: 300 }),
    ).toEqual({
      a: 'left',
    });
  });

  it('collapses a label that fits nowhere, placing the higher priority first', () => {
    const reqs = [0, 1, 2, 3, 4].map((i) => ({
      id: `m${i}`,
      x: 100,
      y: 100,
      ...size,
      priority: i / 10,
    }));
    const sides = placeLabels(reqs);
    expect(sides.m4).toBe('right');
    expect(sides.m0).toBeNull();
    const placed = reqs.filter((r) => sides[r.id]).map((r) => labelBox(r, sides[r.id] ?? 'right'));
    for (const a of placed) {
      for (const b of placed) {
        if (a !== b) expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1).toBe(false);
      }
    }
  });

  it('avoids obstacles such as the client label or the legend', () => {
    const sides = placeLabels([{ id: 'a', x: 100, y: 100, ...size }], undefined, 7, [
      { x0: 105, y0: 80, x1: 300, y1: 120 },
    ]);
    expect(sides.a).toBe('left');
  });

  it('never collapses a must-show label (the client, the chosen region)', () => {
    const reqs = [0, 1, 2, 3, 4].map((i) => ({
      id: `m${i}`,
      x: 100,
      y: 100,
      ...size,
      priority: 1,
    }));
    reqs.push({ id: 'chosen', x: 100, y: 100, ...size, priority: 0 });
    const withoutPriority = placeLabels(reqs);
    expect(withoutPriority.chosen).toBeNull();
    const last = reqs[reqs.length - 1];
    if (last) last.priority = 2;
    expect(placeLabels(reqs).chosen).not.toBeNull();
  });
});
