import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChangeBatch } from '../../engine/types';
import { type ProposalDetail, ProposalDetailSchema } from '../../shared/proposals';
import { apiFetch } from './api-client';

/**
 * POST /api/zones/:id/proposals: a change batch stored for review instead of applied. Shared by
 * every view that can send a batch (record drafts, imports), hence here and not in a feature.
 */
export function createProposal(zoneId: string, batch: ChangeBatch): Promise<ProposalDetail> {
  return apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/proposals`,
    { method: 'POST', body: batch },
    ProposalDetailSchema,
  );
}

export function useCreateProposal(zoneId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: ['create-proposal', zoneId],
    mutationFn: (batch: ChangeBatch) => createProposal(zoneId, batch),
    onSuccess: (p) => qc.setQueryData(['proposals', p.id], p),
    // Proposal lists live under the zone's key.
    onSettled: () => qc.invalidateQueries({ queryKey: ['zones', zoneId] }),
  });
}
