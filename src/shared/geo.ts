import { z } from 'zod';

/** Regions, cities and IP locations as /api/regions, /api/cities and /api/geoip return them. */

export const RegionSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    city: z.string(),
    /** Degrees (WGS84). */
    lat: z.number(),
    lon: z.number(),
    /** cn-north-1 / cn-northwest-1. */
    china: z.boolean().optional(),
  })
  .meta({
    id: 'Region',
    examples: [
      { code: 'us-west-2', name: 'US West (Oregon)', city: 'Boardman', lat: 45.84, lon: -119.7 },
    ],
  });

export const RegionListResponseSchema = z.array(RegionSchema).meta({ id: 'RegionListResponse' });

export const CitySchema = z
  .object({
    /** GeoNames id, usable as `city=` in testdnsanswer. */
    id: z.string(),
    name: z.string(),
    /** ISO 3166-1 alpha-2. */
    country: z.string(),
    lat: z.number(),
    lon: z.number(),
    population: z.number().int().min(0),
  })
  .meta({
    id: 'City',
    examples: [
      {
        id: '2643743',
        name: 'London',
        country: 'GB',
        lat: 51.50853,
        lon: -0.12574,
        population: 8961989,
      },
    ],
  });

export const CityListResponseSchema = z.array(CitySchema).meta({ id: 'CityListResponse' });

/** Most cities one search returns. */
export const MAX_CITY_RESULTS = 100;

export const CitySearchQuerySchema = z.strictObject({
  /** Prefix of the name (case and accents ignored). */
  q: z
    .string({ error: 'q is required: the start of a city name' })
    .trim()
    .min(1, { error: 'q is required: the start of a city name' })
    .max(200)
    .describe('Start of a city name; case and accents are ignored.'),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(MAX_CITY_RESULTS, { error: `limit must be at most ${MAX_CITY_RESULTS}` })
    .default(10)
    .describe(`How many cities to return (1–${MAX_CITY_RESULTS}).`),
});

export const GeoIpQuerySchema = z.strictObject({
  ip: z
    .string({ error: 'ip is required: an IPv4 or IPv6 address' })
    .min(1, {
      error: 'ip is required: an IPv4 or IPv6 address',
    })
    .describe('An IPv4 or IPv6 address.'),
});

/** Where an IP address is, per the DB-IP city data. */
export const GeoIpResponseSchema = z
  .object({
    /** The address in canonical form. */
    ip: z.string(),
    family: z.union([z.literal(4), z.literal(6)]),
    lat: z.number(),
    lon: z.number(),
    /** e.g. `London, GB`. */
    label: z.string(),
  })
  .meta({
    id: 'GeoIpResponse',
    examples: [{ ip: '81.2.69.160', family: 4, lat: 51.5, lon: -0.12, label: 'London, GB' }],
  });

export type Region = z.infer<typeof RegionSchema>;
export type City = z.infer<typeof CitySchema>;
export type CitySearchQuery = z.infer<typeof CitySearchQuerySchema>;
export type GeoIpResponse = z.infer<typeof GeoIpResponseSchema>;
