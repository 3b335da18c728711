import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, fieldErrors } from '../../shared/errors';
import {
  CityListResponseSchema,
  CitySchema,
  GeoIpResponseSchema,
  RegionListResponseSchema,
} from '../../shared/geo';
import { call, startTestServer, type TestServer } from '../test-server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('GET /api/regions', () => {
  it('lists the 34 latency regions with coordinates, China flagged', async () => {
    const res = await call(s.base, 'GET', '/api/regions');
    expect(res.status).toBe(200);
    const regions = RegionListResponseSchema.parse(res.body);
    expect(regions).toHaveLength(34);
    expect(regions).toContainEqual(
      expect.objectContaining({
        code: 'us-west-2',
        name: 'US West (Oregon)',
        lat: expect.any(Number),
        lon: expect.any(Number),
      }),
    );
    expect(
      regions
        .filter((r) => r.china)
        .map((r) => r.code)
        .sort(),
    ).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect(new Set(regions.map((r) => r.code)).size).toBe(34);
  });
});

describe('GET /api/cities', () => {
  it.each([
    ['tokyo', 'Tokyo', 'JP', '1850147'],
    ['Lond', 'London', 'GB', '2643743'],
    ['s%C3%A3o%20p', 'São Paulo', 'BR', '3448439'],
    ['SAO%20PAULO', 'São Paulo', 'BR', '3448439'],
  ])('q=%s → %s first', async (q, name, country, id) => {
    const res = await call(s.base, 'GET', `/api/cities?q=${q}`);
    expect(res.status).toBe(200);
    const cities = CityListResponseSchema.parse(res.body);
    expect(cities[0]).toMatchObject({ id, name, country });
    expect(Object.keys(cities[0] ?? {}).sort()).toEqual([
      'country',
      'id',
      'lat',
      'lon',
      'name',
      'population',
    ]);
  });

  it('limits results (default 10, at most 100), best population first', async () => {
    const def = CityListResponseSchema.parse((await call(s.base, 'GET', '/api/cities?q=san')).body);
    expect(def).toHaveLength(10);
    const pops = def.map((c) => c.population);
    expect(pops).toEqual([...pops].sort((a, b) => b - a));
    expect(
      CityListResponseSchema.parse((await call(s.base, 'GET', '/api/cities?q=san&limit=3')).body),
    ).toHaveLength(3);
    expect(
      CityListResponseSchema.parse((await call(s.base, 'GET', '/api/cities?q=a&limit=100')).body),
    ).toHaveLength(100);
  });

  it.each([
    ['', 'q'],
    ['?q=', 'q'],
    ['?q=%20%20', 'q'],
    ['?q=a&limit=0', 'limit'],
    ['?q=a&limit=101', 'limit'],
    ['?q=a&limit=ten', 'limit'],
    ['?q=a&limit=1.5', 'limit'],
    ['?q=a&sort=name', 'sort'],
  ])('%s → 400 naming %s', async (query, field) => {
    const res = await call(s.base, 'GET', `/api/cities${query}`);
    expect(res.status).toBe(400);
    const error = ApiErrorSchema.parse(res.body).error;
    expect(error.code).toBe('InvalidInput');
    expect(fieldErrors(error).map((d) => d.field)).toContain(field);
  });

  it('GET /api/cities/:id → the city, unknown → 404 NoSuchCity', async () => {
    const res = await call(s.base, 'GET', '/api/cities/1850147');
    expect(CitySchema.parse(res.body)).toMatchObject({
      name: 'Tokyo',
      country: 'JP',
      lat: 35.6895,
      lon: 139.69171,
    });
    const missing = await call(s.base, 'GET', '/api/cities/424242424242');
    expect(missing.status).toBe(404);
    expect(ApiErrorSchema.parse(missing.body).error.code).toBe('NoSuchCity');
  });
});

describe('GET /api/geoip', () => {
  it.each([
    ['81.2.69.160', 'London, GB', 4],
    ['8.8.8.8', 'Mountain View, US', 4],
    ['2a00:1450:4001:81c::200e', 'Frankfurt am Main, DE', 6],
    ['::ffff:81.2.69.160', 'London, GB', 4], // IPv4-mapped: looked up (and reported) as IPv4
  ])('%s → %s', async (ip, label, family) => {
    const res = await call(s.base, 'GET', `/api/geoip?ip=${encodeURIComponent(ip)}`);
    expect(res.status).toBe(200);
    expect(GeoIpResponseSchema.parse(res.body)).toMatchObject({ label, family });
  });

  it('explains addresses without a location (404 NoLocation) and refuses non-addresses (400)', async () => {
    const priv = await call(s.base, 'GET', '/api/geoip?ip=10.1.2.3');
    expect(priv.status).toBe(404);
    const error = ApiErrorSchema.parse(priv.body).error;
    expect(error.code).toBe('NoLocation');
    expect(error.message).toMatch(/private/i);
    const doc = await call(s.base, 'GET', '/api/geoip?ip=192.0.2.1');
    expect(doc.status).toBe(404);
    const bad = await call(s.base, 'GET', '/api/geoip?ip=999.1.1.1');
    expect(bad.status).toBe(400);
    expect(fieldErrors(ApiErrorSchema.parse(bad.body).error)[0]?.field).toBe('ip');
    const missing = await call(s.base, 'GET', '/api/geoip');
    expect(fieldErrors(ApiErrorSchema.parse(missing.body).error)[0]?.field).toBe('ip');
  });
});
