import { queryOptions, useQuery } from '@tanstack/react-query';
import { ZoneListResponseSchema, type ZoneSummary } from '../../../../shared/zones';
import { apiFetch } from '../../../lib/api-client';

export function getZones(signal?: AbortSignal): Promise<ZoneSummary[]> {
  return apiFetch('/zones', { signal }, ZoneListResponseSchema);
}

export const zonesQueryKey = ['zones'] as const;

export function getZonesQueryOptions() {
  return queryOptions({ queryKey: zonesQueryKey, queryFn: ({ signal }) => getZones(signal) });
}

export function useZones() {
  return useQuery(getZonesQueryOptions());
}
