import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { type MeasurementSeries, MeasurementSeriesSchema } from '../../../../shared/measurements';
import { apiFetch } from '../../../lib/api-client';

/** The place a series is for: a GeoNames city id, or coordinates (degrees). */
export type SeriesPlace = { city: string } | { lat: number; lon: number };

export interface SeriesQuery {
  place: SeriesPlace;
  region: string;
  /** ms epoch. */
  from: number;
  to: number;
  bucket: 'hour' | 'day';
}

/** GET /api/measurements/series: measured RTT over time for one place and region. */
export function getMeasurementSeries(
  q: SeriesQuery,
  signal?: AbortSignal,
): Promise<MeasurementSeries> {
  const params = new URLSearchParams({
    region: q.region,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    bucket: q.bucket,
  });
  if ('city' in q.place) params.set('city', q.place.city);
  else {
    params.set('lat', String(q.place.lat));
    params.set('lon', String(q.place.lon));
  }
  return apiFetch(`/measurements/series?${params}`, { signal }, MeasurementSeriesSchema);
}

export function getMeasurementSeriesQueryOptions(q: SeriesQuery) {
  return queryOptions({
    queryKey: ['measurements', 'series', q] as const,
    queryFn: ({ signal }) => getMeasurementSeries(q, signal),
    staleTime: 60_000,
  });
}

export function useMeasurementSeries(q: SeriesQuery | null) {
  return useQuery({
    ...getMeasurementSeriesQueryOptions(
      q ?? { place: { city: '' }, region: '', from: 0, to: 0, bucket: 'day' },
    ),
    enabled: q !== null,
    placeholderData: keepPreviousData,
  });
}
