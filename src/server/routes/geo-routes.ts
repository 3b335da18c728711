import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { describeNonPublicAddress, parseIpAddress } from '../../engine/client-subnet';
import { REGIONS } from '../../engine/regions';
import {
  type City,
  CitySearchQuerySchema,
  GeoIpQuerySchema,
  type GeoIpResponse,
  type Region,
} from '../../shared/geo';
import type { ServerGeo } from '../geo/load-geo';
import { ApiHttpError, invalidField, invalidInput } from './api-error';

export const CityParamsSchema = z.strictObject({
  id: z.string().meta({ description: 'GeoNames city id, e.g. 1850147 (Tokyo).' }),
});

/** /api/regions, /api/cities, /api/geoip: the reference data the UI picks from. */
export function registerGeoRoutes(app: FastifyInstance, geo: ServerGeo): void {
  const regions: Region[] = REGIONS.map((r) => ({ ...r }));
  app.get('/api/regions', async (): Promise<Region[]> => regions);

  app.get('/api/cities', async (req): Promise<City[]> => {
    const query = CitySearchQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    return geo.cities.search(query.data.q, query.data.limit);
  });

  app.get('/api/cities/:id', async (req): Promise<City> => {
    const { id } = req.params as { id: string };
    const city = geo.cities.byId(id);
    if (!city) throw new ApiHttpError(404, 'NoSuchCity', `no city with id ${id}`);
    return city;
  });

  app.get('/api/geoip', async (req): Promise<GeoIpResponse> => {
    const query = GeoIpQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    const parsed = parseIpAddress(query.data.ip.trim());
    if (!parsed) throw invalidField('ip', `"${query.data.ip}" is not an IPv4 or IPv6 address`);
    const found = geo.ip(parsed.address);
    if (!found) {
      const why = describeNonPublicAddress(parsed.address);
      const message = why
        ? `${parsed.address} is in ${why} and has no location`
        : `${parsed.address} is not in the IP location data`;
      throw new ApiHttpError(404, 'NoLocation', message, [{ field: 'ip', message }]);
    }
    return { ip: parsed.address, family: parsed.family, ...found };
  });
}
