import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPopulationGrid,
  encodePopulationGrid,
  POPULATION_GRID_SIZE,
  populationCellIndex,
} from '../geo/population-grid';
import { startTestServer, type TestServer } from '../test-server';

const city = (lat: number, lon: number, population: number) => ({
  population,
  loc: { coordinates: [lon, lat] },
});

describe('population grid', () => {
  it('places lat/lon in the Mercator grid the catchment uses (north row first)', () => {
    expect(populationCellIndex(85.05, -180, 1024)).toBe(0);
    expect(populationCellIndex(0.01, 0.01, 1024)).toBe(511 * 1024 + 512);
    expect(populationCellIndex(-85.05, 179.99, 1024)).toBe(1023 * 1024 + 1023);
    expect(populationCellIndex(89, 0, 1024)).toBe(-1);
  });

  it('sums cities per cell, cells ascending, and skips empty ones', () => {
    const grid = buildPopulationGrid(
      [city(51.5, -0.12, 8_000_000), city(51.51, -0.11, 1000), city(-33.87, 151.2, 5_000_000)],
      1024,
    );
    expect(grid.total).toBe(13_001_000);
    expect([...grid.population]).toEqual([8_001_000, 5_000_000]);
    expect(grid.cells[0]).toBe(populationCellIndex(51.5, -0.12, 1024));
    const bytes = encodePopulationGrid(grid);
    expect(bytes.length).toBe(16);
    expect(bytes.readUInt32LE(4)).toBe(8_001_000);
  });
});

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('GET /api/geo/population-grid', () => {
  it("returns the world as uint32 pairs, London's cell among the most populous", async () => {
    const res = await fetch(`${s.base}/api/geo/population-grid`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-grid-size')).toBe(String(POPULATION_GRID_SIZE));
    const total = Number(res.headers.get('x-population-total'));
    expect(total).toBeGreaterThan(2e9);
    const words = new Uint32Array(await res.arrayBuffer());
    expect(words.length % 2).toBe(0);
    let sum = 0;
    let london = 0;
    const londonCell = populationCellIndex(51.5074, -0.1278, POPULATION_GRID_SIZE);
    for (let k = 0; k < words.length; k += 2) {
      if (k > 0) expect(words[k] as number).toBeGreaterThan(words[k - 2] as number);
      sum += words[k + 1] as number;
      if (words[k] === londonCell) london = words[k + 1] as number;
    }
    expect(sum).toBe(total);
    expect(london).toBeGreaterThan(5_000_000);
  });
});
