import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type CreateHealthCheckRequest,
  type HealthCheckListEntry,
  HealthCheckListResponseSchema,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
  type HealthCheckStatusResponse,
  HealthCheckStatusResponseSchema,
  HealthCheckStatusSchema,
  type HealthTransition,
  HealthTransitionListResponseSchema,
  type SetHealthRequest,
  type UpdateHealthCheckRequest,
} from '../../../../shared/health';
import { apiFetch } from '../../../lib/api-client';
import {
  HEALTH_CHECKS_KEY,
  healthCheckListKey,
  healthCheckStatusKey,
  healthTransitionsKey,
} from './health-check-keys';
import { type EventStreamState, fallbackInterval } from './use-zone-events';

/**
 * The health-check API: configured checks (Route 53's HealthCheckConfig), their live status,
 * the manual override and the transitions. Queries are refreshed by the zone's event stream
 * (use-zone-events.ts); while it is down they poll slowly.
 */

const byId = (id: string) => `/health-checks/${encodeURIComponent(id)}`;

export function getHealthChecks(signal?: AbortSignal): Promise<HealthCheckListEntry[]> {
  return apiFetch('/health-checks', { signal }, HealthCheckListResponseSchema);
}

/**
 * Status changes are pushed; the list is still asked again every 30 s (Route 53's standard
 * interval) so "last check" times and reasons stay current between changes.
 */
export const LAST_CHECK_REFRESH_MS = 30_000;

/** How soon to ask again while a new check waits for its first probe (no event marks it). */
export const FIRST_PROBE_REFRESH_MS = 2_000;

/** A configured, enabled check the checker has not probed yet. */
function awaitingFirstProbe(e: HealthCheckListEntry): boolean {
  return (
    e.HealthCheck !== undefined &&
    !e.HealthCheck.HealthCheckConfig.Disabled &&
    e.Status.Source === 'none' &&
    e.Status.LastObservation === undefined
  );
}

/** The list's refresh interval: quick until new checks have a first result, then slow. */
export function healthChecksRefetchInterval(
  data: readonly HealthCheckListEntry[] | undefined,
  stream: EventStreamState,
): number {
  if (data?.some(awaitingFirstProbe)) return FIRST_PROBE_REFRESH_MS;
  return fallbackInterval(stream) || LAST_CHECK_REFRESH_MS;
}

export function getHealthChecksQueryOptions(stream: EventStreamState = 'open') {
  return queryOptions({
    queryKey: healthCheckListKey(),
    queryFn: ({ signal }) => getHealthChecks(signal),
    refetchInterval: (query) => healthChecksRefetchInterval(query.state.data, stream),
  });
}

/** Every health check id the server knows (configured, named by a record, or overridden). */
export function useHealthChecks(stream?: EventStreamState) {
  return useQuery(getHealthChecksQueryOptions(stream));
}

export function getHealthCheckStatus(
  id: string,
  signal?: AbortSignal,
): Promise<HealthCheckStatusResponse> {
  return apiFetch(`${byId(id)}/status`, { signal }, HealthCheckStatusResponseSchema);
}

export function getHealthCheckStatusQueryOptions(id: string, stream: EventStreamState = 'open') {
  return queryOptions({
    queryKey: healthCheckStatusKey(id),
    queryFn: ({ signal }) => getHealthCheckStatus(id, signal),
    enabled: id !== '',
    refetchInterval: fallbackInterval(stream),
  });
}

/** One check's status with its last observations (newest first). */
export function useHealthCheckStatus(id: string, stream?: EventStreamState) {
  return useQuery(getHealthCheckStatusQueryOptions(id, stream));
}

export function getHealthTransitions(
  zoneId: string,
  signal?: AbortSignal,
): Promise<HealthTransition[]> {
  const q = new URLSearchParams({ zoneId, limit: '200' });
  return apiFetch(
    `/health-checks/transitions?${q}`,
    { signal },
    HealthTransitionListResponseSchema,
  );
}

export function getHealthTransitionsQueryOptions(
  zoneId: string,
  stream: EventStreamState = 'open',
) {
  return queryOptions({
    queryKey: healthTransitionsKey(zoneId),
    queryFn: ({ signal }) => getHealthTransitions(zoneId, signal),
    enabled: zoneId !== '',
    refetchInterval: fallbackInterval(stream),
  });
}

/** Status changes of the checks the zone's records use, newest first. */
export function useHealthTransitions(zoneId: string, stream?: EventStreamState) {
  return useQuery(getHealthTransitionsQueryOptions(zoneId, stream));
}

/** Every write changes what the list, statuses and answers show: refresh them all. */
function useInvalidateHealth() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: HEALTH_CHECKS_KEY }),
      qc.invalidateQueries({
        predicate: (q) => q.queryKey[0] === 'zones' && q.queryKey[2] === 'testdnsanswer',
      }),
    ]);
}

export function useCreateHealthCheck() {
  const invalidate = useInvalidateHealth();
  return useMutation<HealthCheckResponse, Error, CreateHealthCheckRequest>({
    mutationFn: (body) =>
      apiFetch('/health-checks', { method: 'POST', body }, HealthCheckResponseSchema),
    onSettled: invalidate,
  });
}

export function useUpdateHealthCheck() {
  const invalidate = useInvalidateHealth();
  return useMutation<HealthCheckResponse, Error, { id: string; body: UpdateHealthCheckRequest }>({
    mutationFn: ({ id, body }) =>
      apiFetch(byId(id), { method: 'PATCH', body }, HealthCheckResponseSchema),
    onSettled: invalidate,
  });
}

export function useDeleteHealthCheck() {
  const invalidate = useInvalidateHealth();
  return useMutation<unknown, Error, string>({
    mutationFn: (id) => apiFetch(byId(id), { method: 'DELETE' }),
    onSettled: invalidate,
  });
}

/** Force a status (maintenance) with a reason; `clear` goes back to the checker's verdict. */
export function useHealthOverride() {
  const invalidate = useInvalidateHealth();
  return useMutation<
    unknown,
    Error,
    { id: string; set: SetHealthRequest } | { id: string; clear: true }
  >({
    mutationFn: (v) =>
      'clear' in v
        ? apiFetch(`${byId(v.id)}/override`, { method: 'DELETE' }, HealthCheckStatusResponseSchema)
        : apiFetch(byId(v.id), { method: 'PUT', body: v.set }, HealthCheckStatusSchema),
    onSettled: invalidate,
  });
}
