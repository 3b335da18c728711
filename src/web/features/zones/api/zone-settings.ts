import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ZoneSettingsSchema,
  type ZoneSettingsUpdate,
  type ZoneSettingsWire,
} from '../../../../shared/proposals';
import { apiFetch } from '../../../lib/api-client';

/** GET /api/zones/:id/settings (open to everyone: the dashboard needs it to pick a save mode). */
export function getZoneSettings(zoneId: string, signal?: AbortSignal): Promise<ZoneSettingsWire> {
  return apiFetch(`/zones/${encodeURIComponent(zoneId)}/settings`, { signal }, ZoneSettingsSchema);
}

/** PUT /api/zones/:id/settings (admin): only the fields given change. */
export function putZoneSettings(
  zoneId: string,
  settings: ZoneSettingsUpdate,
): Promise<ZoneSettingsWire> {
  return apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/settings`,
    { method: 'PUT', body: settings },
    ZoneSettingsSchema,
  );
}

export const zoneSettingsQueryKey = (zoneId: string) => ['zones', zoneId, 'settings'] as const;

export function getZoneSettingsQueryOptions(zoneId: string) {
  return queryOptions({
    queryKey: zoneSettingsQueryKey(zoneId),
    queryFn: ({ signal }) => getZoneSettings(zoneId, signal),
  });
}

export function useZoneSettings(zoneId: string | null) {
  return useQuery({ ...getZoneSettingsQueryOptions(zoneId ?? ''), enabled: Boolean(zoneId) });
}

export function useUpdateZoneSettings(zoneId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: ['zone-settings', zoneId],
    mutationFn: (settings: ZoneSettingsUpdate) => putZoneSettings(zoneId, settings),
    onSuccess: (saved) => qc.setQueryData(zoneSettingsQueryKey(zoneId), saved),
    onSettled: () => qc.invalidateQueries({ queryKey: ['zones', zoneId] }),
  });
}
