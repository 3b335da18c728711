import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type ApplyProposalResponse,
  ApplyProposalResponseSchema,
  type ProposalDetail,
  ProposalDetailSchema,
} from '../../../../shared/proposals';
import { apiFetch } from '../../../lib/api-client';
import { proposalQueryKey } from './get-proposal';

const path = (pid: string, action: string) => `/proposals/${encodeURIComponent(pid)}/${action}`;

export function approveProposal(pid: string, comment?: string): Promise<ProposalDetail> {
  return apiFetch(
    path(pid, 'approve'),
    { method: 'POST', body: comment ? { comment } : {} },
    ProposalDetailSchema,
  );
}

export function rejectProposal(pid: string, reason?: string): Promise<ProposalDetail> {
  return apiFetch(
    path(pid, 'reject'),
    { method: 'POST', body: reason ? { reason } : {} },
    ProposalDetailSchema,
  );
}

export function rebaseProposal(pid: string): Promise<ProposalDetail> {
  return apiFetch(path(pid, 'rebase'), { method: 'POST', body: {} }, ProposalDetailSchema);
}

export function applyProposal(pid: string): Promise<ApplyProposalResponse> {
  return apiFetch(path(pid, 'apply'), { method: 'POST', body: {} }, ApplyProposalResponseSchema);
}

export type ProposalAction =
  | { kind: 'approve'; comment?: string }
  | { kind: 'reject'; reason?: string }
  | { kind: 'rebase' }
  | { kind: 'apply' };

/** Approve / reject / rebase / apply one proposal; the zone's caches refresh after each. */
export function useProposalAction(zoneId: string, pid: string) {
  const qc = useQueryClient();
  return useMutation<ProposalDetail, Error, ProposalAction>({
    mutationKey: ['proposal-action', pid],
    mutationFn: async (a) => {
      if (a.kind === 'approve') return approveProposal(pid, a.comment);
      if (a.kind === 'reject') return rejectProposal(pid, a.reason);
      if (a.kind === 'rebase') return rebaseProposal(pid);
      return (await applyProposal(pid)).proposal;
    },
    onSuccess: (p) => qc.setQueryData(proposalQueryKey(pid), p),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: proposalQueryKey(pid) }),
        qc.invalidateQueries({ queryKey: ['zones', zoneId] }),
        qc.invalidateQueries({ queryKey: ['zones'], exact: true }),
      ]),
  });
}
