import { queryOptions, useQuery } from '@tanstack/react-query';
import { type DnsStatus, DnsStatusSchema } from '../../../../shared/dns';
import { apiFetch } from '../../../lib/api-client';

/** How often the status is asked again while a zone is syncing, and otherwise (ms). */
export const SYNCING_REFETCH_MS = 2_000;
export const SETTLED_REFETCH_MS = 15_000;

/** GET /api/dns: where the DNS server listens and which version of each zone it serves. */
export function getDnsStatus(signal?: AbortSignal): Promise<DnsStatus> {
  return apiFetch('/dns', { signal }, DnsStatusSchema);
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
    queryFn: ({ signal }) => getDnsStatus(signal),
    staleTime: 1_000,
    refetchInterval: (query) => dnsStatusRefetchInterval(query.state.data),
    refetchOnWindowFocus: true,
  });
}

export function useDnsStatus(zoneId: string | null) {
  return useQuery(getDnsStatusQueryOptions(zoneId));
}
