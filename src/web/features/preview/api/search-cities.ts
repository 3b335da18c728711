import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { type City, CityListResponseSchema } from '../../../../shared/geo';
import { apiFetch } from '../../../lib/api-client';

/** City autocomplete: GET /api/cities?q=&limit= (prefix match, then population). */

export const CITY_SUGGESTIONS = 8;

export function searchCities(
  q: string,
  limit = CITY_SUGGESTIONS,
  signal?: AbortSignal,
): Promise<City[]> {
  const params = new URLSearchParams({ q, limit: String(limit) });
  return apiFetch(`/cities?${params}`, { signal }, CityListResponseSchema);
}

export function searchCitiesQueryOptions(q: string, limit = CITY_SUGGESTIONS) {
  const text = q.trim();
  return queryOptions({
    queryKey: ['cities', text.toLowerCase(), limit] as const,
    queryFn: ({ signal }) => searchCities(text, limit, signal),
    enabled: text.length > 0,
    // The city list never changes while the server runs.
    staleTime: Number.POSITIVE_INFINITY,
    placeholderData: keepPreviousData,
  });
}

/** Suggestions for what the operator typed (debounce `q` before passing it). */
export function useSearchCities(q: string, limit = CITY_SUGGESTIONS) {
  return useQuery(searchCitiesQueryOptions(q, limit));
}

/** How a city reads in the field and in the client label: `London, GB`. */
export function cityLabel(c: Pick<City, 'name' | 'country'>): string {
  return c.country ? `${c.name}, ${c.country}` : c.name;
}
