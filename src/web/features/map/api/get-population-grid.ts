import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError } from '../../../lib/api-client';
import { getToken } from '../../../lib/session';

/** People per catchment grid cell (row-major, north row first), from the server's city data. */
export interface PopulationRaster {
  size: number;
  /** size × size people counts. */
  people: Float32Array;
  total: number;
}

/** Decode the API's little-endian uint32 pairs [cell index, people] into a dense raster. */
export function decodePopulationGrid(bytes: ArrayBuffer, size: number): PopulationRaster {
  const view = new DataView(bytes);
  const people = new Float32Array(size * size);
  let total = 0;
  for (let o = 0; o + 8 <= bytes.byteLength; o += 8) {
    const cell = view.getUint32(o, true);
    const n = view.getUint32(o + 4, true);
    if (cell >= people.length) continue;
    people[cell] = (people[cell] ?? 0) + n;
    total += n;
  }
  return { size, people, total };
}

/** GET /api/geo/population-grid (binary). */
export async function getPopulationGrid(signal?: AbortSignal): Promise<PopulationRaster> {
  const token = getToken();
  const res = await fetch('/api/geo/population-grid', {
    signal,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new ApiError(res.status, `HTTP${res.status}`, 'no population grid');
  const size = Number(res.headers.get('x-grid-size') ?? '1024');
  return decodePopulationGrid(await res.arrayBuffer(), size);
}

export function usePopulationGrid(enabled: boolean) {
  return useQuery(
    queryOptions({
      queryKey: ['geo', 'population-grid'] as const,
      queryFn: ({ signal }) => getPopulationGrid(signal),
      staleTime: Number.POSITIVE_INFINITY,
      gcTime: Number.POSITIVE_INFINITY,
      enabled,
      retry: 1,
    }),
  );
}
