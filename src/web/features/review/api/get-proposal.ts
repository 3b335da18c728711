import { queryOptions, useQuery } from '@tanstack/react-query';
import {
  type ProposalImpactResponse,
  ProposalImpactResponseSchema,
} from '../../../../shared/impact';
import { type ProposalDetail, ProposalDetailSchema } from '../../../../shared/proposals';
import { apiFetch } from '../../../lib/api-client';

/** GET /api/proposals/:pid: the proposal with its diff and whether it is stale. */
export function getProposal(pid: string, signal?: AbortSignal): Promise<ProposalDetail> {
  return apiFetch(`/proposals/${encodeURIComponent(pid)}`, { signal }, ProposalDetailSchema);
}

/** GET /api/proposals/:pid/impact: what moves for users (computed over every city). */
export function getProposalImpact(
  pid: string,
  signal?: AbortSignal,
): Promise<ProposalImpactResponse> {
  return apiFetch(
    `/proposals/${encodeURIComponent(pid)}/impact`,
    { signal },
    ProposalImpactResponseSchema,
  );
}

export const proposalQueryKey = (pid: string) => ['proposals', pid] as const;

export function getProposalQueryOptions(pid: string) {
  return queryOptions({
    queryKey: proposalQueryKey(pid),
    queryFn: ({ signal }) => getProposal(pid, signal),
  });
}

export function useProposal(pid: string | null) {
  return useQuery({ ...getProposalQueryOptions(pid ?? ''), enabled: Boolean(pid) });
}

export function useProposalImpact(pid: string | null, updatedAt: string | undefined) {
  return useQuery({
    // updatedAt: a rebase or apply changes what the impact is measured against.
    queryKey: [...proposalQueryKey(pid ?? ''), 'impact', updatedAt ?? ''] as const,
    queryFn: ({ signal }) => getProposalImpact(pid ?? '', signal),
    enabled: Boolean(pid) && updatedAt !== undefined,
    staleTime: 5 * 60_000,
  });
}
