import { type CatchmentGrid, catchmentShares, peopleShares } from './catchment';

/**
 * Catchment comparison for reviews: which places a change moves to another region, painted so
 * they stand out (hatched in the new and old region's colours, outlined) while everything that
 * stays put is faded. Pure, over the same Mercator grids as the catchment.
 */

type Rgb = readonly [number, number, number];

/**
 * 1 where the region a place is routed to differs between `before` and `after` (a place with an
 * answer on one side only counts as changed). Regions are compared by code, so a record that
 * only changes values does not count. `before` null: the name had no latency records.
 */
export function changedCells(
  after: CatchmentGrid,
  afterRegions: readonly string[],
  before: CatchmentGrid | null,
  beforeRegions: readonly string[],
): Uint8Array {
  const n = after.width * after.height;
  const out = new Uint8Array(n);
  if (before && (before.width !== after.width || before.height !== after.height))
    throw new Error('changedCells: the two grids differ in size');
  for (let i = 0; i < n; i++) {
    const a = after.cells[i] ?? -1;
    const b = before ? (before.cells[i] ?? -1) : -1;
    const ra = a >= 0 ? (afterRegions[a] ?? '') : '';
    const rb = b >= 0 ? (beforeRegions[b] ?? '') : '';
    out[i] = ra !== rb ? 1 : 0;
  }
  return out;
}

/** Share (0–1) of the area, or of land with a mask of the grid's size, whose region changes. */
export function changedShare(
  changed: Uint8Array,
  width: number,
  height: number,
  landMask?: Uint8Array | null,
): number {
  const cells = new Int16Array(changed.length);
  for (let i = 0; i < changed.length; i++) cells[i] = changed[i] ? 1 : 0;
  return catchmentShares({ width, height, cells }, 2, landMask)[1] ?? 0;
}

/** Share (0–1) of the people (a raster of the grid's size) whose region changes. */
export function changedPeopleShare(
  changed: Uint8Array,
  width: number,
  height: number,
  people: Float32Array,
): number {
  const cells = new Int16Array(changed.length);
  for (let i = 0; i < changed.length; i++) cells[i] = changed[i] ? 1 : 0;
  return peopleShares({ width, height, cells }, 2, people)[1] ?? 0;
}

/**
 * City-block distance (cells) from each changed cell to the nearest unchanged one (0 for an
 * unchanged cell), two passes; used to draw an outline of a given width inside changed areas.
 */
export function distanceToUnchanged(
  changed: Uint8Array,
  width: number,
  height: number,
): Uint16Array {
  const far = 0xffff;
  const d = new Uint16Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = changed[i] ? far : 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      let v = d[i] ?? 0;
      if (v === 0) continue;
      if (r > 0) v = Math.min(v, (d[i - width] ?? far) + 1);
      if (c > 0) v = Math.min(v, (d[i - 1] ?? far) + 1);
      d[i] = v;
    }
  }
  for (let r = height - 1; r >= 0; r--) {
    for (let c = width - 1; c >= 0; c--) {
      const i = r * width + c;
      let v = d[i] ?? 0;
      if (v === 0) continue;
      if (r < height - 1) v = Math.min(v, (d[i + width] ?? far) + 1);
      if (c < width - 1) v = Math.min(v, (d[i + 1] ?? far) + 1);
      d[i] = v;
    }
  }
  return d;
}

export interface ComparisonStyle {
  /** Alpha (0–255) of places that keep their region. */
  fadedAlpha: number;
  /** Diagonal stripe period, cells: half in the new region's colour, half in the old one's. */
  stripe: number;
  /** Outline width inside changed areas, cells (0: none). */
  outline: number;
  outlineColor: Rgb;
  /** Colour for "no answer" (a side without latency records). */
  noAnswer: Rgb;
}

export const DEFAULT_COMPARISON_STYLE: ComparisonStyle = {
  fadedAlpha: 70,
  stripe: 14,
  outline: 3,
  outlineColor: [24, 28, 34],
  noAnswer: [150, 150, 150],
};

/**
 * RGBA pixels (grid size) of the comparison: unchanged places in their region's colour, faded;
 * changed places hatched with the new and the old region's colours at full strength, with an
 * outline along the edge of each changed area. Cells without an answer on both sides stay clear.
 */
export function paintComparison(
  after: CatchmentGrid,
  afterColors: readonly Rgb[],
  before: CatchmentGrid | null,
  beforeColors: readonly Rgb[],
  changed: Uint8Array,
  out: Uint8ClampedArray,
  style: ComparisonStyle = DEFAULT_COMPARISON_STYLE,
): void {
  const { width, height } = after;
  const dist = style.outline > 0 ? distanceToUnchanged(changed, width, height) : null;
  const half = Math.max(1, Math.floor(style.stripe / 2));
  const period = Math.max(2, style.stripe);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const o = i * 4;
      const a = after.cells[i] ?? -1;
      const b = before ? (before.cells[i] ?? -1) : -1;
      const newRgb = a >= 0 ? (afterColors[a] ?? style.noAnswer) : style.noAnswer;
      if (!changed[i]) {
        if (a < 0) {
          out[o + 3] = 0;
          continue;
        }
        out[o] = newRgb[0];
        out[o + 1] = newRgb[1];
        out[o + 2] = newRgb[2];
        out[o + 3] = style.fadedAlpha;
        continue;
      }
      const oldRgb = b >= 0 ? (beforeColors[b] ?? style.noAnswer) : style.noAnswer;
      let rgb: Rgb = (r + c) % period < half ? newRgb : oldRgb;
      if (dist && (dist[i] ?? 0) <= style.outline) rgb = style.outlineColor;
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
      out[o + 3] = 255;
    }
  }
}
