import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import {
  type TestDnsAnswerResponse,
  TestDnsAnswerResponseSchema,
} from '../../../../shared/routing';
import { apiFetch } from '../../../lib/api-client';

/**
 * The routing preview: Route 53's TestDNSAnswer for one name and type, for a client given as a
 * city, coordinates, an IP address, a client subnet or a resolver address.
 */

export type PreviewQuery = {
  /** GeoNames city id (from /api/cities). */
  city?: string;
  /** What the city field shows, e.g. `London, GB`. */
  cityLabel?: string;
  /** A client address looked up as is. */
  ip?: string;
  /** EDNS client subnet, `address/prefix` (prefix optional: /24 IPv4, /64 IPv6). */
  subnet?: string;
  /** Resolver address: stands for the user when there is no subnet. */
  resolver?: string;
  /** Degrees, e.g. from a click on the map. */
  lat?: number;
  lon?: number;
  /** Set identifiers to treat as unhealthy ("simulate failure"). */
  unhealthy?: string[];
};

/** URL parameter per PreviewQuery field (short, readable links). */
const URL_KEYS = {
  city: 'city',
  cityLabel: 'cityLabel',
  ip: 'ip',
  subnet: 'subnet',
  resolver: 'resolver',
  lat: 'lat',
  lon: 'lon',
  unhealthy: 'fail',
} as const satisfies Record<keyof PreviewQuery, string>;

const TEXT_FIELDS = ['city', 'cityLabel', 'ip', 'subnet', 'resolver'] as const;

/** Read the preview state from the URL (unknown or malformed values are ignored). */
export function previewQueryFromSearch(params: URLSearchParams): PreviewQuery {
  const q: PreviewQuery = {};
  for (const k of TEXT_FIELDS) {
    const v = params.get(URL_KEYS[k])?.trim();
    if (v) q[k] = v;
  }
  const latText = params.get(URL_KEYS.lat);
  const lonText = params.get(URL_KEYS.lon);
  if (latText && lonText) {
    const lat = Number(latText);
    const lon = Number(lonText);
    if (Number.isFinite(lat) && Number.isFinite(lon)) {
      q.lat = lat;
      q.lon = lon;
    }
  }
  const fail = params.get(URL_KEYS.unhealthy);
  if (fail) {
    const list = fail
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length) q.unhealthy = [...new Set(list)];
  }
  return q;
}

/** Write the preview state into `params` (replacing any earlier preview state); returns them. */
export function previewQueryToSearch(q: PreviewQuery, params: URLSearchParams): URLSearchParams {
  for (const key of Object.values(URL_KEYS)) params.delete(key);
  for (const k of TEXT_FIELDS) {
    const v = q[k];
    if (v) params.set(URL_KEYS[k], v);
  }
  if (q.lat !== undefined && q.lon !== undefined) {
    params.set(URL_KEYS.lat, String(q.lat));
    params.set(URL_KEYS.lon, String(q.lon));
  }
  if (q.unhealthy?.length) params.set(URL_KEYS.unhealthy, q.unhealthy.join(','));
  return params;
}

/** True when the query names a client (else the API uses its default resolver). */
export function hasClient(q: PreviewQuery): boolean {
  return Boolean(
    q.city || q.ip || q.subnet || q.resolver || (q.lat !== undefined && q.lon !== undefined),
  );
}

/** The testdnsanswer query string for a preview (Route 53 parameter names). */
export function testDnsAnswerParams(
  recordName: string,
  recordType: string,
  q: PreviewQuery,
): URLSearchParams {
  const p = new URLSearchParams({ recordname: recordName, recordtype: recordType });
  if (q.city) p.set('city', q.city);
  if (q.lat !== undefined && q.lon !== undefined) {
    p.set('lat', String(q.lat));
    p.set('lon', String(q.lon));
  }
  if (q.ip) p.set('ip', q.ip);
  if (q.subnet) {
    const slash = q.subnet.indexOf('/');
    if (slash === -1) p.set('edns0clientsubnetip', q.subnet);
    else {
      p.set('edns0clientsubnetip', q.subnet.slice(0, slash));
      p.set('edns0clientsubnetmask', q.subnet.slice(slash + 1));
    }
  }
  if (q.resolver) p.set('resolverip', q.resolver);
  if (q.unhealthy?.length) p.set('unhealthy', q.unhealthy.join(','));
  return p;
}

export function getTestDnsAnswer(
  zoneId: string,
  recordName: string,
  recordType: string,
  q: PreviewQuery,
  signal?: AbortSignal,
  /** Route as at this time (ms epoch): a measured zone's window ending then. */
  at?: number | null,
): Promise<TestDnsAnswerResponse> {
  const params = testDnsAnswerParams(recordName, recordType, q);
  if (at !== undefined && at !== null) params.set('at', new Date(at).toISOString());
  return apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/testdnsanswer?${params}`,
    { signal },
    TestDnsAnswerResponseSchema,
  );
}

/** Everything that changes the answer is in the key (cityLabel is display only). */
export function getTestDnsAnswerQueryOptions(
  zoneId: string,
  recordName: string,
  recordType: string,
  q: PreviewQuery,
  at: number | null = null,
) {
  const { cityLabel: _label, ...key } = q;
  return queryOptions({
    queryKey: ['zones', zoneId, 'testdnsanswer', recordName, recordType, key, at] as const,
    queryFn: ({ signal }) => getTestDnsAnswer(zoneId, recordName, recordType, q, signal, at),
    enabled: Boolean(zoneId && recordName && recordType),
    staleTime: 30_000,
    // Keep the last answer on screen while the next one loads (no flicker between clients).
    placeholderData: keepPreviousData,
  });
}

export function useTestDnsAnswer(
  zoneId: string,
  recordName: string,
  recordType: string,
  query: PreviewQuery,
  /** The map's replay time on a measured zone (null: now). */
  at: number | null = null,
) {
  return useQuery(getTestDnsAnswerQueryOptions(zoneId, recordName, recordType, query, at));
}
