import { ApiError } from '../../../lib/api-client';

/** Headlines for the errors a zone's upstream Route 53 causes when a save is pushed to it. */
export const UPSTREAM_TITLES: Record<string, string> = {
  UpstreamDrift: 'Route 53 has changed since the last sync',
  UpstreamUnavailable: 'Route 53 cannot be reached',
  UpstreamRefused: 'Route 53 refused the request',
  InvalidChangeBatch: 'Route 53 refused the batch',
};

/**
 * Errors from the zone's upstream Route 53 (drift, unreachable, refused, or a batch upstream
 * found invalid): shown as one message above the form, not at its fields.
 */
export function isUpstreamError(err: unknown): err is ApiError {
  if (!(err instanceof ApiError)) return false;
  if (err.code === 'InvalidChangeBatch')
    return (
      err.message.startsWith('upstream ') ||
      err.details.some((d) => d.field === 'upstream' || d.message.startsWith('upstream: '))
    );
  return (
    err.code === 'UpstreamDrift' ||
    err.code === 'UpstreamUnavailable' ||
    err.code === 'UpstreamRefused'
  );
}

/** A detail's field worth showing beside its message (not the generic upstream markers). */
export function upstreamDetailField(d: { field?: string; message: string }): string | null {
  if (!d.field || d.field === 'upstream' || d.message.startsWith('upstream: ')) return null;
  return d.field;
}
