import { useQuery } from '@tanstack/react-query';
import { ChangeInfoResponseSchema } from '../../../../shared/rrset';
import { apiFetch } from '../../../lib/api-client';

/**
 * GET /api/changes/:id: for a zone mirrored to Route 53, the change as upstream knows it
 * (`Upstream.ChangeInfo`, PENDING until INSYNC). Polled while upstream is still PENDING.
 */
export function useChangeStatus(changeId: string, enabled: boolean) {
  const id = changeId.replace('/change/', '');
  return useQuery({
    queryKey: ['changes', id],
    queryFn: ({ signal }) =>
      apiFetch(`/changes/${encodeURIComponent(id)}`, { signal }, ChangeInfoResponseSchema),
    enabled,
    staleTime: 30_000,
    retry: false,
    refetchInterval: (q) =>
      q.state.data?.Upstream?.ChangeInfo.Status === 'PENDING' ? 5_000 : false,
  });
}
