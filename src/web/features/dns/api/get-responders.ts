import { queryOptions, useQuery } from '@tanstack/react-query';
import { type ResponderList, ResponderListSchema } from '../../../../shared/dns';
import { apiFetch } from '../../../lib/api-client';

/** How often the responders are asked again while the popover is open or the zone syncs (ms). */
export const RESPONDERS_REFETCH_MS = 2_000;

/** GET /api/responders: every DNS responder registered on the database, live or not. */
export function getResponders(signal?: AbortSignal): Promise<ResponderList> {
  return apiFetch('/responders', { signal }, ResponderListSchema);
}

/**
 * Keyed under the zone being looked at (like the DNS status), so a change to the zone, or the
 * zone seen at a newer version, asks again at once.
 */
export const respondersQueryKey = (zoneId: string | null) =>
  ['zones', zoneId ?? '', 'dns-responders'] as const;

export interface RespondersPolling {
  /** The DNS popover is open (the list is on screen). */
  open: boolean;
  /** The zone is not served at its latest version everywhere yet. */
  syncing: boolean;
}

/** Poll while the popover is open or the zone is syncing; otherwise not at all. */
export function respondersRefetchInterval({ open, syncing }: RespondersPolling): number | false {
  return open || syncing ? RESPONDERS_REFETCH_MS : false;
}

export function getRespondersQueryOptions(
  zoneId: string | null,
  polling: RespondersPolling,
  enabled = true,
) {
  return queryOptions({
    queryKey: respondersQueryKey(zoneId),
    queryFn: ({ signal }) => getResponders(signal),
    enabled,
    staleTime: 1_000,
    refetchInterval: respondersRefetchInterval(polling),
    refetchOnWindowFocus: polling.open,
  });
}

/** The responders, asked once (to know whether there are several), then polled as above. */
export function useResponders(zoneId: string | null, polling: RespondersPolling, enabled = true) {
  return useQuery(getRespondersQueryOptions(zoneId, polling, enabled));
}
