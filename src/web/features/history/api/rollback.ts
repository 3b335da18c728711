import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ProposalDetail, ProposalDetailSchema } from '../../../../shared/proposals';
import { type ChangeInfoResponse, ChangeInfoResponseSchema } from '../../../../shared/rrset';
import { apiFetch } from '../../../lib/api-client';

const rollbackPath = (zoneId: string, changeId: string) =>
  `/zones/${encodeURIComponent(zoneId)}/changes/${encodeURIComponent(changeId.replace(/^\/change\//, ''))}/rollback`;

/** POST …/changes/:changeId/rollback: the inverse batch as a new proposal. */
export function proposeRollback(zoneId: string, changeId: string): Promise<ProposalDetail> {
  return apiFetch(
    rollbackPath(zoneId, changeId),
    { method: 'POST', body: {} },
    ProposalDetailSchema,
  );
}

/** …/rollback?apply=true (admin): the inverse batch applied at once. */
export function rollbackNow(zoneId: string, changeId: string): Promise<ChangeInfoResponse> {
  return apiFetch(
    `${rollbackPath(zoneId, changeId)}?apply=true`,
    { method: 'POST', body: {} },
    ChangeInfoResponseSchema,
  );
}

export type RollbackResult =
  | { kind: 'proposed'; proposal: ProposalDetail }
  | { kind: 'applied'; change: ChangeInfoResponse };

export function useRollback(zoneId: string) {
  const qc = useQueryClient();
  return useMutation<RollbackResult, Error, { changeId: string; now: boolean }>({
    mutationKey: ['rollback', zoneId],
    mutationFn: async ({ changeId, now }) =>
      now
        ? { kind: 'applied', change: await rollbackNow(zoneId, changeId) }
        : { kind: 'proposed', proposal: await proposeRollback(zoneId, changeId) },
    onSuccess: (r) => {
      if (r.kind === 'proposed') qc.setQueryData(['proposals', r.proposal.id], r.proposal);
    },
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: ['zones', zoneId] }),
        qc.invalidateQueries({ queryKey: ['zones'], exact: true }),
      ]),
  });
}
