import { describe, expect, it } from 'vitest';
import { niceStep, rttChartGeometry } from './rtt-chart';

const BOX = { width: 300, height: 120, left: 40, right: 10, top: 10, bottom: 20 };
const FROM = Date.parse('2026-11-01T00:00:00Z');
const TO = Date.parse('2026-11-11T00:00:00Z');
const point = (day: number, medianMs: number) => ({
  at: new Date(FROM + day * 86_400_000).toISOString(),
  samples: 10,
  medianMs,
  p25Ms: medianMs - 5,
  p75Ms: medianMs + 5,
});

describe('rttChartGeometry', () => {
  it('draws the median left to right, the band around it and the distance line inside the plot', () => {
    const g = rttChartGeometry(
      { points: [point(5, 40), point(0, 30), point(10, 50)], distanceMs: 80 },
      { from: FROM, to: TO },
      BOX,
    );
    expect(g.dots.map((d) => d.x)).toEqual([40, 165, 290]);
    expect(g.median.startsWith('M40,')).toBe(true);
    expect(g.median.match(/L/g)).toHaveLength(2);
    expect(g.band.endsWith('Z')).toBe(true);
    // Faster is lower on screen... no: higher ms is higher up, so the 80 ms line is above the dots.
    for (const d of g.dots) expect(g.distanceY).toBeLessThan(d.y);
    expect(g.distanceY).toBeGreaterThanOrEqual(g.plot.y0);
    expect(g.yTicks[0]?.y).toBe(g.plot.y1);
    expect(g.xTicks.length).toBeGreaterThan(2);
  });

  it('draws only the distance reference without measurements', () => {
    const g = rttChartGeometry({ points: [], distanceMs: 120 }, { from: FROM, to: TO }, BOX);
    expect(g.median).toBe('');
    expect(g.band).toBe('');
    expect(g.distanceY).toBeGreaterThan(g.plot.y0 - 1);
    expect(g.distanceY).toBeLessThan(g.plot.y1 + 1);
  });
});

describe('niceStep', () => {
  it.each([
    [100, 4, 50],
    [37, 4, 10],
    [7, 4, 2],
    [0, 4, 1],
  ])('span %d in ~%d parts → %d', (span, count, step) => {
    expect(niceStep(span, count)).toBe(step);
  });
});
