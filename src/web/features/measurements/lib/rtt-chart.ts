import type { MeasurementSeries } from '../../../../shared/measurements';

/**
 * Geometry of the measured-RTT chart (hand-written SVG): the median as a line, the p25–p75 band
 * as a closed area, the distance model's estimate as a horizontal reference, and axis ticks.
 * Pure: the component only draws the strings and numbers this returns.
 */

export interface ChartBox {
  width: number;
  height: number;
  /** Room for the axes, px. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface RttChartGeometry {
  /** SVG path `d` of the median line (empty with no points). */
  median: string;
  /** SVG path `d` of the p25–p75 band. */
  band: string;
  /** y of the distance estimate, px. */
  distanceY: number;
  /** Points as drawn, for dots and their titles. */
  dots: { x: number; y: number; at: string; medianMs: number; samples: number }[];
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  /** Plot area. */
  plot: { x0: number; x1: number; y0: number; y1: number };
}

/** A "nice" step (1, 2 or 5 × 10^k) that splits `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

export function rttChartGeometry(
  series: Pick<MeasurementSeries, 'points' | 'distanceMs'>,
  range: { from: number; to: number },
  box: ChartBox,
): RttChartGeometry {
  const x0 = box.left;
  const x1 = box.width - box.right;
  const y0 = box.top;
  const y1 = box.height - box.bottom;
  const points = series.points
    .map((p) => ({ ...p, t: Date.parse(p.at) }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  let hi = series.distanceMs;
  let lo = series.distanceMs;
  for (const p of points) {
    hi = Math.max(hi, p.p75Ms, p.medianMs);
    lo = Math.min(lo, p.p25Ms, p.medianMs);
  }
  const step = niceStep(Math.max(1, hi - lo), 4);
  const yMin = Math.max(0, Math.floor(lo / step) * step);
  const yMax = Math.max(yMin + step, Math.ceil(hi / step) * step);
  const tSpan = Math.max(1, range.to - range.from);
  const xOf = (t: number) => x0 + ((t - range.from) / tSpan) * (x1 - x0);
  const yOf = (ms: number) => y1 - ((ms - yMin) / Math.max(1e-9, yMax - yMin)) * (y1 - y0);
  const r1 = (n: number) => Math.round(n * 10) / 10;
  const median = points
    .map((p, i) => `${i ? 'L' : 'M'}${r1(xOf(p.t))},${r1(yOf(p.medianMs))}`)
    .join('');
  const upper = points.map((p, i) => `${i ? 'L' : 'M'}${r1(xOf(p.t))},${r1(yOf(p.p75Ms))}`);
  const lower = [...points].reverse().map((p) => `L${r1(xOf(p.t))},${r1(yOf(p.p25Ms))}`);
  const band = points.length ? `${upper.join('')}${lower.join('')}Z` : '';
  const yTicks: RttChartGeometry['yTicks'] = [];
  for (let v = yMin; v <= yMax + 1e-9; v += step) yTicks.push({ y: r1(yOf(v)), label: fmt(v) });
  const days = tSpan / 86_400_000;
  const dayStep = days <= 8 ? 1 : days <= 20 ? 3 : days <= 40 ? 7 : 14;
  const xTicks: RttChartGeometry['xTicks'] = [];
  const firstDay = Math.ceil(range.from / 86_400_000) * 86_400_000;
  for (let t = firstDay; t <= range.to; t += dayStep * 86_400_000) {
    const d = new Date(t);
    xTicks.push({
      x: r1(xOf(t)),
      label: `${d.toLocaleString('en', { month: 'short', timeZone: 'UTC' })} ${d.getUTCDate()}`,
    });
  }
  return {
    median,
    band,
    distanceY: r1(yOf(series.distanceMs)),
    dots: points.map((p) => ({
      x: r1(xOf(p.t)),
      y: r1(yOf(p.medianMs)),
      at: p.at,
      medianMs: p.medianMs,
      samples: p.samples,
    })),
    yTicks,
    xTicks,
    plot: { x0, x1, y0, y1 },
  };
}
