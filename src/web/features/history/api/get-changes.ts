import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ImpactWire } from '../../../../shared/impact';
import { type AppliedChange, ChangeHistoryResponseSchema } from '../../../../shared/rrset';
import { apiFetch } from '../../../lib/api-client';

/** How many applied batches the History tab loads (newest first). */
export const HISTORY_LIMIT = 500;

/** GET /api/zones/:id/changes: applied batches, newest first, with author and impact. */
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

/** Extra fields an applied batch may carry (impact at the time, who applied it, its proposal). */
interface AppliedChangeExtras {
  Impact?: ImpactWire | null;
  AppliedBy?: string | null;
  ProposalId?: string | null;
}

/** The batch's impact as recorded when it was applied; null when none was computed. */
export function impactOf(c: AppliedChange): ImpactWire | null {
  return (c as AppliedChange & AppliedChangeExtras).Impact ?? null;
}

export function extrasOf(c: AppliedChange): AppliedChangeExtras {
  return c as AppliedChange & AppliedChangeExtras;
}
