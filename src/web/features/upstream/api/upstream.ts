import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  DriftReportSchema,
  type UpstreamConnectInput,
  type UpstreamConnection,
  UpstreamConnectionSchema,
  UpstreamImportPreviewSchema,
  UpstreamImportResultSchema,
  UpstreamPushResultSchema,
} from '../../../../shared/upstream';
import { ApiError, apiFetch } from '../../../lib/api-client';

const base = (zoneId: string) => `/zones/${encodeURIComponent(zoneId)}/upstream`;

/** Everything cached about a zone's upstream lives under the zone's key. */
export const upstreamQueryKey = (zoneId: string) => ['zones', zoneId, 'upstream'] as const;
export const driftQueryKey = (zoneId: string) => ['zones', zoneId, 'upstream', 'drift'] as const;

/** GET …/upstream: the connection, or null when the zone is not connected (404 NoUpstream). */
export async function getUpstream(
  zoneId: string,
  signal?: AbortSignal,
): Promise<UpstreamConnection | null> {
  try {
    return await apiFetch(base(zoneId), { signal }, UpstreamConnectionSchema);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NoUpstream') return null;
    throw e;
  }
}

export function getUpstreamQueryOptions(zoneId: string) {
  return queryOptions({
    queryKey: upstreamQueryKey(zoneId),
    queryFn: ({ signal }) => getUpstream(zoneId, signal),
  });
}

export function useUpstream(zoneId: string) {
  return useQuery(getUpstreamQueryOptions(zoneId));
}

/** GET …/upstream/drift: reads upstream now (so only when asked, or once per visit). */
export function useDrift(zoneId: string, enabled: boolean) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: driftQueryKey(zoneId),
    queryFn: async ({ signal }) => {
      const report = await apiFetch(`${base(zoneId)}/drift`, { signal }, DriftReportSchema);
      // The check also refreshed the connection's health and last drift check.
      void qc.invalidateQueries({ queryKey: upstreamQueryKey(zoneId), exact: true });
      return report;
    },
    enabled,
    staleTime: 60_000,
    retry: false,
  });
}

export function useConnectUpstream(zoneId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpstreamConnectInput) =>
      apiFetch(base(zoneId), { method: 'PUT', body: input }, UpstreamConnectionSchema),
    onSuccess: (conn) => {
      qc.setQueryData(upstreamQueryKey(zoneId), conn);
      void qc.invalidateQueries({ queryKey: driftQueryKey(zoneId) });
    },
  });
}

export function useDisconnectUpstream(zoneId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<null>(base(zoneId), { method: 'DELETE' }),
    onSuccess: () => {
      qc.setQueryData(upstreamQueryKey(zoneId), null);
      qc.removeQueries({ queryKey: driftQueryKey(zoneId) });
    },
  });
}

export function useImportPreview(zoneId: string) {
  return useMutation({
    mutationFn: () =>
      apiFetch(
        `${base(zoneId)}/import`,
        { method: 'POST', body: { dryRun: true } },
        UpstreamImportPreviewSchema,
      ),
  });
}

export function useApplyImport(zoneId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch(`${base(zoneId)}/import`, { method: 'POST', body: {} }, UpstreamImportResultSchema),
    // Record sets, history and the drift report all change.
    onSettled: () => qc.invalidateQueries({ queryKey: ['zones', zoneId] }),
  });
}

export function usePushPreview(zoneId: string) {
  return useMutation({
    mutationFn: () =>
      apiFetch(
        `${base(zoneId)}/push`,
        { method: 'POST', body: { dryRun: true } },
        UpstreamPushResultSchema,
      ),
  });
}

export function usePushLocal(zoneId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch(`${base(zoneId)}/push`, { method: 'POST', body: {} }, UpstreamPushResultSchema),
    onSettled: () => qc.invalidateQueries({ queryKey: upstreamQueryKey(zoneId) }),
  });
}
