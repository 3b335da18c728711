import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChangeBatch } from '../../../../engine/types';
import { type ChangeInfoResponse, ChangeInfoResponseSchema } from '../../../../shared/rrset';
import { apiFetch } from '../../../lib/api-client';

/** POST an imported change batch (all or nothing on the server). */
export function applyChangeBatch(zoneId: string, batch: ChangeBatch): Promise<ChangeInfoResponse> {
  return apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/rrsets`,
    { method: 'POST', body: batch },
    ChangeInfoResponseSchema,
  );
}

export function useApplyChangeBatch(zoneId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: ['apply-change-batch', zoneId],
    mutationFn: (batch: ChangeBatch) => applyChangeBatch(zoneId, batch),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: ['zones', zoneId] }),
        qc.invalidateQueries({ queryKey: ['zones'], exact: true }),
      ]),
  });
}
