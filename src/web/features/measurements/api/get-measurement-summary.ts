import { queryOptions, useQuery } from '@tanstack/react-query';
import { type MeasurementSummary, MeasurementSummarySchema } from '../../../../shared/measurements';
import { apiFetch } from '../../../lib/api-client';

/** GET /api/measurements/summary: what is stored and the time range the slider replays. */
export function getMeasurementSummary(signal?: AbortSignal): Promise<MeasurementSummary> {
  return apiFetch('/measurements/summary', { signal }, MeasurementSummarySchema);
}

export const measurementSummaryQueryKey = ['measurements', 'summary'] as const;

export function getMeasurementSummaryQueryOptions() {
  return queryOptions({
    queryKey: measurementSummaryQueryKey,
    queryFn: ({ signal }) => getMeasurementSummary(signal),
    staleTime: 30_000,
  });
}

export function useMeasurementSummary(enabled = true) {
  return useQuery({ ...getMeasurementSummaryQueryOptions(), enabled });
}
