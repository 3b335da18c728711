// PLACEHOLDER owned by the map/preview helper, who replaces this file. Keeps the shell compiling.
import { useQuery } from '@tanstack/react-query';

export type PreviewQuery = {
  city?: string;
  cityLabel?: string;
  ip?: string;
  subnet?: string;
  resolver?: string;
  lat?: number;
  lon?: number;
};

const KEYS = ['city', 'cityLabel', 'ip', 'subnet', 'resolver'] as const;

export function previewQueryFromSearch(params: URLSearchParams): PreviewQuery {
  const q: PreviewQuery = {};
  for (const k of KEYS) {
    const v = params.get(k);
    if (v) q[k] = v;
  }
  const lat = Number(params.get('lat'));
  const lon = Number(params.get('lon'));
  if (params.has('lat') && params.has('lon') && Number.isFinite(lat) && Number.isFinite(lon)) {
    q.lat = lat;
    q.lon = lon;
  }
  return q;
}

export function previewQueryToSearch(q: PreviewQuery, params: URLSearchParams): URLSearchParams {
  for (const k of [...KEYS, 'lat', 'lon'] as const) params.delete(k);
  for (const k of KEYS) if (q[k]) params.set(k, q[k] as string);
  if (q.lat !== undefined && q.lon !== undefined) {
    params.set('lat', String(q.lat));
    params.set('lon', String(q.lon));
  }
  return params;
}

interface PlaceholderAnswer {
  RecordData: string[];
  ResponseCode: string;
  Routing?: {
    client: { lat: number; lon: number; label: string; source: string };
    chosen: { setIdentifier: string; region: string; rttMs: number } | null;
    candidates: { setIdentifier: string; region: string; healthy: boolean; rttMs: number }[];
  };
}

export function useTestDnsAnswer(
  zoneId: string,
  recordName: string,
  recordType: string,
  query: PreviewQuery,
) {
  return useQuery({
    queryKey: ['zones', zoneId, 'testdnsanswer', recordName, recordType, query],
    enabled: Boolean(zoneId && recordName && recordType),
    queryFn: async ({ signal }): Promise<PlaceholderAnswer> => {
      const p = new URLSearchParams({ recordname: recordName, recordtype: recordType });
      if (query.city) p.set('city', query.city);
      if (query.ip) p.set('edns0clientsubnetip', query.ip);
      if (query.subnet) p.set('edns0clientsubnetip', query.subnet);
      if (query.resolver) p.set('resolverip', query.resolver);
      if (query.lat !== undefined && query.lon !== undefined) {
        p.set('lat', String(query.lat));
        p.set('lon', String(query.lon));
      }
      const res = await fetch(`/api/zones/${encodeURIComponent(zoneId)}/testdnsanswer?${p}`, {
        signal,
      });
      if (!res.ok) throw new Error(`testdnsanswer failed: ${res.status}`);
      return (await res.json()) as PlaceholderAnswer;
    },
  });
}
