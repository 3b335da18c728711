import { queryOptions, useQuery } from '@tanstack/react-query';
import {
  ProposalListResponseSchema,
  type ProposalStatus,
  type ProposalWire,
} from '../../../../shared/proposals';
import { apiFetch } from '../../../lib/api-client';

/** GET /api/zones/:id/proposals[?status=]: newest first. */
export async function getProposals(
  zoneId: string,
  status: ProposalStatus | null,
  signal?: AbortSignal,
): Promise<ProposalWire[]> {
  const q = new URLSearchParams({ limit: '200' });
  if (status) q.set('status', status);
  const res = await apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/proposals?${q}`,
    { signal },
    ProposalListResponseSchema,
  );
  return res.proposals;
}

/** Under the zone's key, so any write to the zone refreshes them. */
export const proposalsQueryKey = (zoneId: string, status: ProposalStatus | null) =>
  ['zones', zoneId, 'proposals', status ?? 'all'] as const;

export function getProposalsQueryOptions(zoneId: string, status: ProposalStatus | null) {
  return queryOptions({
    queryKey: proposalsQueryKey(zoneId, status),
    queryFn: ({ signal }) => getProposals(zoneId, status, signal),
  });
}

export function useProposals(zoneId: string, status: ProposalStatus | null) {
  return useQuery(getProposalsQueryOptions(zoneId, status));
}

/** How many proposals wait for a decision (the Review tab's badge); refreshed every 30 s. */
export function usePendingProposalCount(zoneId: string | null): number | undefined {
  const q = useQuery({
    ...getProposalsQueryOptions(zoneId ?? '', 'pending'),
    enabled: Boolean(zoneId),
    refetchInterval: 30_000,
  });
  return q.data?.length;
}
