import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type CreateZoneResponse, CreateZoneResponseSchema } from '../../../../shared/zones';
import { apiFetch } from '../../../lib/api-client';
import { zonesQueryKey } from './get-zones';

export function createZone(name: string): Promise<CreateZoneResponse> {
  return apiFetch('/zones', { method: 'POST', body: { name } }, CreateZoneResponseSchema);
}

export function useCreateZone() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createZone,
    onSettled: () => qc.invalidateQueries({ queryKey: zonesQueryKey, exact: true }),
  });
}
