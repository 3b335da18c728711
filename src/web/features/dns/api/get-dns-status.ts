import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { type DnsStatus, DnsStatusSchema } from '../../../../shared/dns';
import { apiFetch } from '../../../lib/api-client';

/** How often the status is asked again while a zone is syncing, and otherwise (ms). */
export const SYNCING_REFETCH_MS = 2_000;
export const SETTLED_REFETCH_MS = 15_000;

/**
 * GET /api/dns?zone=: where the DNS server listens and which version of the zone it serves
 * (only that zone: a database of many zones is not listed on every poll).
 */
export function getDnsStatus(zoneId: string | null, signal?: AbortSignal): Promise<DnsStatus> {
  const query = zoneId ? `?zone=${encodeURIComponent(zoneId)}` : '';
  return apiFetch(`/dns${query}`, { signal }, DnsStatusSchema);
}

/**
 * Keyed under the zone being looked at, so every change to that zone (which invalidates
 * `['zones', id]`) asks again at once and the indicator turns to "syncing…" without waiting.
 */
export const dnsStatusQueryKey = (zoneId: string | null) =>
  ['zones', zoneId ?? '', 'dns-status'] as const;

/** Poll fast while some zone is not served at its latest version yet, slowly otherwise. */
export function dnsStatusRefetchInterval(status: DnsStatus | undefined): number {
  if (!status?.enabled) return SETTLED_REFETCH_MS;
  return status.zones.some((z) => !z.inSync) ? SYNCING_REFETCH_MS : SETTLED_REFETCH_MS;
}

export function getDnsStatusQueryOptions(zoneId: string | null) {
  return queryOptions({
    queryKey: dnsStatusQueryKey(zoneId),
    queryFn: ({ signal }) => getDnsStatus(zoneId, signal),
    staleTime: 1_000,
    refetchInterval: (query) => dnsStatusRefetchInterval(query.state.data),
    refetchOnWindowFocus: true,
  });
}

export function useDnsStatus(zoneId: string | null) {
  return useQuery(getDnsStatusQueryOptions(zoneId));
}

/**
 * When the status shows the zone at a newer version than before (a change made elsewhere: the
 * API, another tab, a rollback), refresh what the page shows of the zone, so the preview's
 * engine answer and the DNS answer are compared for the same version.
 */
export function useRefreshOnZoneVersion(zoneId: string | null, version: number | undefined) {
  const qc = useQueryClient();
  const seen = useRef<{ zoneId: string | null; version: number | undefined }>({
    zoneId,
    version,
  });
  useEffect(() => {
    const before = seen.current;
    seen.current = { zoneId, version };
    if (zoneId === null || version === undefined || before.zoneId !== zoneId) return;
    if (before.version === undefined || version <= before.version) return;
    void qc.invalidateQueries({
      queryKey: ['zones', zoneId],
      predicate: (q) => q.queryKey[2] !== 'dns-status',
    });
    void qc.invalidateQueries({ queryKey: ['zones'], exact: true });
  }, [qc, zoneId, version]);
}
