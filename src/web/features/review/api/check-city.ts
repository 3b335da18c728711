import { queryOptions, useQuery } from '@tanstack/react-query';
import { type City, CityListResponseSchema } from '../../../../shared/geo';
import { apiFetch } from '../../../lib/api-client';

/** The best match for a typed city name (GET /api/cities?q=&limit=1): prefix, then population. */
export async function findCity(q: string, signal?: AbortSignal): Promise<City | null> {
  const params = new URLSearchParams({ q, limit: '1' });
  const list = await apiFetch(`/cities?${params}`, { signal }, CityListResponseSchema);
  return list[0] ?? null;
}

export function useFindCity(q: string) {
  const text = q.trim();
  return useQuery(
    queryOptions({
      queryKey: ['cities', text.toLowerCase(), 1] as const,
      queryFn: ({ signal }) => findCity(text, signal),
      enabled: text.length > 0,
      staleTime: Number.POSITIVE_INFINITY,
    }),
  );
}
