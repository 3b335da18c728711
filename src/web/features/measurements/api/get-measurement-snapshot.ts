import { queryOptions } from '@tanstack/react-query';
import {
  MeasurementSnapshotSchema,
  type MeasurementSnapshotWire,
} from '../../../../shared/measurements';
import { apiFetch } from '../../../lib/api-client';

/** GET /api/measurements/snapshot: the zone's window of aggregates ending at `at` (ms epoch). */
export function getMeasurementSnapshot(
  zoneId: string,
  at: number,
  signal?: AbortSignal,
): Promise<MeasurementSnapshotWire> {
  const q = new URLSearchParams({ zone: zoneId, at: new Date(at).toISOString() });
  return apiFetch(`/measurements/snapshot?${q}`, { signal }, MeasurementSnapshotSchema);
}

/**
 * One snapshot per zone and slider position: a position is revisited as the slider moves back
 * and forth, so it stays cached; `windowDays` is in the key because the zone setting changes it.
 */
export function getMeasurementSnapshotQueryOptions(zoneId: string, at: number, windowDays: number) {
  return queryOptions({
    queryKey: ['measurements', 'snapshot', zoneId, at, windowDays] as const,
    queryFn: ({ signal }) => getMeasurementSnapshot(zoneId, at, signal),
    staleTime: 60_000,
    gcTime: 10 * 60_000,
  });
}
