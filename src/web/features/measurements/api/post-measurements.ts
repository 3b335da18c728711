import {
  type PostMeasurementsResponse,
  PostMeasurementsResponseSchema,
} from '../../../../shared/measurements';
import { apiFetch } from '../../../lib/api-client';

/** POST /api/measurements with one CSV chunk (header + ≤ 100,000 rows) → 202 accepted/rejected. */
export function postMeasurementsCsv(
  csv: string,
  signal?: AbortSignal,
): Promise<PostMeasurementsResponse> {
  return apiFetch(
    '/measurements',
    { method: 'POST', body: csv, contentType: 'text/csv', signal },
    PostMeasurementsResponseSchema,
  );
}
