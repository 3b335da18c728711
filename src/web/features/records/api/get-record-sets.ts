import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ResourceRecordSet } from '../../../../engine/types';
import { ListResourceRecordSetsResponseSchema } from '../../../../shared/rrset';
import { apiFetch } from '../../../lib/api-client';

/** Every record set of a zone, as `aws route53 list-resource-record-sets` prints them. */
export async function getRecordSets(
  zoneId: string,
  signal?: AbortSignal,
): Promise<ResourceRecordSet[]> {
  const res = await apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/rrsets`,
    { signal },
    ListResourceRecordSetsResponseSchema,
  );
  return res.ResourceRecordSets;
}

/** Key prefix of everything cached about one zone (record sets, previews, history). */
export const zoneQueryKey = (zoneId: string) => ['zones', zoneId] as const;
export const recordSetsQueryKey = (zoneId: string) => ['zones', zoneId, 'rrsets'] as const;

export function getRecordSetsQueryOptions(zoneId: string) {
  return queryOptions({
    queryKey: recordSetsQueryKey(zoneId),
    queryFn: ({ signal }) => getRecordSets(zoneId, signal),
  });
}

export function useRecordSets(zoneId: string | null) {
  return useQuery({ ...getRecordSetsQueryOptions(zoneId ?? ''), enabled: Boolean(zoneId) });
}
