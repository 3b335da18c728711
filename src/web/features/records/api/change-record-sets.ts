import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChangeBatch, ResourceRecordSet } from '../../../../engine/types';
import { type ChangeInfoResponse, ChangeInfoResponseSchema } from '../../../../shared/rrset';
import { apiFetch } from '../../../lib/api-client';
import { applyBatchOptimistically } from '../lib/apply-plan';
import { recordSetsQueryKey, zoneQueryKey } from './get-record-sets';

/**
 * POST a Route 53 change batch; all or nothing on the server. `force` (admin): push it to a
 * connected upstream even though upstream drifted.
 */
export function changeRecordSets(
  zoneId: string,
  batch: ChangeBatch,
  opts: { force?: boolean } = {},
): Promise<ChangeInfoResponse> {
  return apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/rrsets${opts.force ? '?force=true' : ''}`,
    { method: 'POST', body: batch },
    ChangeInfoResponseSchema,
  );
}

/** A batch to save anyway over upstream drift (admin). */
export interface ForcedBatch {
  force: true;
  batch: ChangeBatch;
}

const batchOf = (v: ChangeBatch | ForcedBatch): ChangeBatch => ('force' in v ? v.batch : v);

interface Snapshot {
  previous: ResourceRecordSet[] | undefined;
}

/**
 * Saves a change batch with an optimistic cache update: the table shows the result at once,
 * rolls back if the server refuses, and re-fetches either way.
 */
export function useChangeRecordSets(zoneId: string) {
  const qc = useQueryClient();
  const key = recordSetsQueryKey(zoneId);
  return useMutation<ChangeInfoResponse, Error, ChangeBatch | ForcedBatch, Snapshot>({
    mutationKey: ['change-record-sets', zoneId],
    mutationFn: (v) => changeRecordSets(zoneId, batchOf(v), { force: 'force' in v }),
    onMutate: async (v) => {
      const batch = batchOf(v);
      await qc.cancelQueries({ queryKey: key });
      const previous = qc.getQueryData<ResourceRecordSet[]>(key);
      if (previous) qc.setQueryData(key, applyBatchOptimistically(previous, batch));
      return { previous };
    },
    onError: (_err, _batch, ctx) => {
      if (ctx?.previous) qc.setQueryData(key, ctx.previous);
    },
    onSettled: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: zoneQueryKey(zoneId) }),
        qc.invalidateQueries({ queryKey: ['zones'], exact: true }),
      ]);
    },
  });
}
