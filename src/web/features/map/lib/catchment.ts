/**
 * The catchment picture: which region each place on Earth would be routed to.
 *
 * The world is sampled on a grid laid out in Web Mercator (columns equal in longitude, rows
 * equal in Mercator y) so that the grid can be painted straight onto an image that the map
 * stretches between its corners. Each cell holds the index of the record the engine's compiled
 * routing picks at the cell's centre. Pure: the caller passes `selectIndex` (the engine) and,
 * for shares, a land mask.
 */

/** Web Mercator's latitude limit, degrees: the map's top and bottom edge. */
export const MERCATOR_MAX_LAT = 85.0511287798066;

const RAD = Math.PI / 180;

/** Latitude, degrees, at Mercator y ∈ [0, 1] (0 = north edge). */
export function latAtMercatorY(y: number): number {
  return Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) / RAD;
}

/** Mercator y ∈ [0, 1] of a latitude (clamped to the map's edges). */
export function mercatorY(lat: number): number {
  const l = Math.max(-MERCATOR_MAX_LAT, Math.min(MERCATOR_MAX_LAT, lat)) * RAD;
  return (1 - Math.log(Math.tan(Math.PI / 4 + l / 2)) / Math.PI) / 2;
}

export interface CatchmentGrid {
  width: number;
  height: number;
  /** Row-major, north row first: record index per cell, −1 where nothing is chosen. */
  cells: Int16Array;
}

/**
 * Sample `selectIndex` at the cell centres of a width × height Mercator grid. Along each row it
 * probes every `step`-th cell and fills the run between two probes that agree, sampling each
 * cell only where the answer changes: ~`step`× fewer decisions, the same picture except for a
 * catchment narrower than `step` cells squeezed between two cells of one other region.
 */
export function computeCatchment(
  selectIndex: (lat: number, lon: number) => number,
  width: number,
  height: number,
  step = 1,
): CatchmentGrid {
  const cells = new Int16Array(width * height);
  const lons = new Float64Array(width);
  for (let c = 0; c < width; c++) lons[c] = -180 + ((c + 0.5) * 360) / width;
  const s = Math.max(1, Math.floor(step));
  for (let r = 0; r < height; r++) {
    const lat = latAtMercatorY((r + 0.5) / height);
    const base = r * width;
    let prevC = 0;
    let prevK = selectIndex(lat, lons[0] ?? 0);
    cells[base] = prevK;
    while (prevC < width - 1) {
      const nextC = Math.min(prevC + s, width - 1);
      const nextK = selectIndex(lat, lons[nextC] ?? 0);
      if (nextK === prevK) {
        for (let c = prevC + 1; c < nextC; c++) cells[base + c] = prevK;
      } else {
        for (let c = prevC + 1; c < nextC; c++) cells[base + c] = selectIndex(lat, lons[c] ?? 0);
      }
      cells[base + nextC] = nextK;
      prevC = nextC;
      prevK = nextK;
    }
  }
  return { width, height, cells };
}

/**
 * Share of the sampled area (or land area, with a mask of the same size: non-zero = land) won by
 * each record index, 0–1. A Mercator cell covers an area ∝ cos²(lat) on the sphere.
 */
export function catchmentShares(
  grid: CatchmentGrid,
  recordCount: number,
  landMask?: Uint8Array | Uint8ClampedArray | null,
): number[] {
  const weight = new Float64Array(recordCount);
  let total = 0;
  for (let r = 0; r < grid.height; r++) {
    const cos = Math.cos(latAtMercatorY((r + 0.5) / grid.height) * RAD);
    const w = cos * cos;
    const base = r * grid.width;
    for (let c = 0; c < grid.width; c++) {
      const i = base + c;
      if (landMask && !landMask[i]) continue;
      const k = grid.cells[i] ?? -1;
      if (k < 0 || k >= recordCount) continue;
      weight[k] = (weight[k] ?? 0) + w;
      total += w;
    }
  }
  return Array.from(weight, (w) => (total > 0 ? w / total : 0));
}

/**
 * Share of the people (a raster of the grid's size: people per cell) routed to each record
 * index, 0–1; all zero when the raster holds nobody.
 */
export function peopleShares(
  grid: CatchmentGrid,
  recordCount: number,
  people: Float32Array,
): number[] {
  if (people.length !== grid.width * grid.height)
    throw new Error('peopleShares: the raster and the grid differ in size');
  const weight = new Float64Array(recordCount);
  let total = 0;
  for (let i = 0; i < people.length; i++) {
    const n = people[i] ?? 0;
    if (n === 0) continue;
    const k = grid.cells[i] ?? -1;
    if (k < 0 || k >= recordCount) continue;
    weight[k] = (weight[k] ?? 0) + n;
    total += n;
  }
  return Array.from(weight, (w) => (total > 0 ? w / total : 0));
}

/**
 * Paint the grid into RGBA pixels (same size as the grid): each cell gets its record's colour at
 * `alpha` (0–255); cells with no choice stay transparent.
 */
export function paintCatchment(
  grid: CatchmentGrid,
  colors: readonly (readonly [number, number, number])[],
  alpha: number,
  out: Uint8ClampedArray,
): void {
  const n = grid.width * grid.height;
  for (let i = 0; i < n; i++) {
    const k = grid.cells[i] ?? -1;
    const rgb = k >= 0 ? colors[k] : undefined;
    const o = i * 4;
    if (!rgb) {
      out[o + 3] = 0;
      continue;
    }
    out[o] = rgb[0];
    out[o + 1] = rgb[1];
    out[o + 2] = rgb[2];
    out[o + 3] = alpha;
  }
}

/**
 * Mark the cells where the chosen record differs from the neighbour to the east or south, so
 * catchment borders can be drawn as a thin line. Returns a 0/1 mask the size of the grid.
 */
export function catchmentEdges(grid: CatchmentGrid): Uint8Array {
  const { width, height, cells } = grid;
  const edges = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const k = cells[i];
      const east = c + 1 < width ? cells[i + 1] : k;
      const south = r + 1 < height ? cells[i + width] : k;
      if (k !== east || k !== south) edges[i] = 1;
    }
  }
  return edges;
}
