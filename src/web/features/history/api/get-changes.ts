import { queryOptions, useQuery } from '@tanstack/react-query';
import { type AppliedChange, ChangeHistoryResponseSchema } from '../../../../shared/rrset';
import { apiFetch } from '../../../lib/api-client';

/** How many applied batches the History tab loads (newest first). */
export const HISTORY_LIMIT = 500;

/** GET /api/zones/:id/changes: applied batches, newest first, with author, applier and impact. */
export async function getChanges(zoneId: string, signal?: AbortSignal): Promise<AppliedChange[]> {
  const res = await apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/changes?limit=${HISTORY_LIMIT}`,
    { signal },
    ChangeHistoryResponseSchema,
  );
  return res.Changes;
}

export const changesQueryKey = (zoneId: string) => ['zones', zoneId, 'changes'] as const;

export function getChangesQueryOptions(zoneId: string) {
  return queryOptions({
    queryKey: changesQueryKey(zoneId),
    queryFn: ({ signal }) => getChanges(zoneId, signal),
  });
}

export function useChanges(zoneId: string) {
  return useQuery(getChangesQueryOptions(zoneId));
}
