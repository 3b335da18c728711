import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { getToken, subscribeSession } from '../../../lib/session';
import { createEventTicket } from './create-event-ticket';
import { HEALTH_CHECKS_KEY } from './health-check-keys';

/**
 * Server push for one zone: `GET /api/events?zoneId=` (server-sent events). A `health` event
 * (a health check changed status) refreshes every health query and the zone's routing answers;
 * a `zone` event (a change batch was applied) refreshes what the page holds of the zone. One
 * EventSource per zone; while it is down the queries fall back to a slow poll.
 *
 * Signed in, the stream is opened with a ticket (POST /api/events/tickets), not the token:
 * EventSource cannot send headers and the long-lived token must not go into a URL. A ticket
 * opens streams for 60 s, so the browser's own reconnects work within that; once it has expired
 * a dropped stream is reopened here with a new ticket, with back-off. Only when no ticket can be
 * had does the page fall back to polling.
 */

/** Poll interval while the event stream is down (ms): slow on purpose, push is the normal path. */
export const FALLBACK_POLL_MS = 30_000;

export type EventStreamState = 'connecting' | 'open' | 'down';

/** What a `health` event invalidates: health checks, their status and transitions, and answers. */
export function invalidateForHealthEvent(qc: QueryClient, zoneId: string): void {
  void qc.invalidateQueries({ queryKey: HEALTH_CHECKS_KEY });
  void qc.invalidateQueries({ queryKey: ['zones', zoneId, 'testdnsanswer'] });
  void qc.invalidateQueries({ queryKey: ['zones', zoneId, 'dns-query'] });
}

/** What a `zone` event invalidates: everything cached under the zone, and the zone list. */
export function invalidateForZoneEvent(qc: QueryClient, zoneId: string): void {
  void qc.invalidateQueries({
    queryKey: ['zones', zoneId],
    // The DNS indicator polls on its own and compares versions; leave it to that.
    predicate: (q) => q.queryKey[2] !== 'dns-status',
  });
  void qc.invalidateQueries({ queryKey: ['zones'], exact: true });
  // Records that start or stop using a check change its "used by" list.
  void qc.invalidateQueries({ queryKey: HEALTH_CHECKS_KEY });
}

const listeners = new Set<(s: EventStreamState) => void>();
let currentState: EventStreamState = 'connecting';

function publish(s: EventStreamState) {
  currentState = s;
  for (const l of listeners) l(s);
}

/** The event stream's state, for indicators and for choosing a fallback poll. */
export function useEventStreamState(): EventStreamState {
  const [s, setS] = useState(currentState);
  useEffect(() => {
    listeners.add(setS);
    setS(currentState);
    return () => {
      listeners.delete(setS);
    };
  }, []);
  return s;
}

/** A refetch interval for queries the stream keeps fresh: none while it is open. */
export function fallbackInterval(state: EventStreamState): number | false {
  return state === 'open' ? false : FALLBACK_POLL_MS;
}

/** First wait before asking for a new ticket after a failure (ms); doubles up to the max. */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_MAX_MS = 30_000;

/** Back-off before the `attempt`-th retry in a row (0-based), ms. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, attempt));
}

export type StreamErrorStep =
  /** Leave it to the browser, which reconnects with the same URL. */
  | { kind: 'browser-retries' }
  /** The stream was refused and there is no ticket to renew: poll. */
  | { kind: 'down' }
  /** Close it, and after `delayMs` ask for a new ticket and reopen. */
  | { kind: 'renew-ticket'; delayMs: number };

/**
 * What to do when the EventSource reports an error. It gives no HTTP status, so a ticket
 * stream is renewed when the server refused it (CLOSED) or its ticket has expired (the
 * browser's retry would be refused with 401); before that the browser's own retry is fine.
 */
export function stepAfterStreamError(input: {
  /** readyState is CLOSED: the browser will not retry. */
  closed: boolean;
  nowMs: number;
  /** The stream's ticket expiry (epoch ms); null when opened without a ticket. */
  ticketExpiresAtMs: number | null;
  /** Renewals in a row since the stream was last open. */
  attempt: number;
}): StreamErrorStep {
  if (input.ticketExpiresAtMs === null) {
    return input.closed ? { kind: 'down' } : { kind: 'browser-retries' };
  }
  if (input.closed || input.nowMs >= input.ticketExpiresAtMs) {
    return { kind: 'renew-ticket', delayMs: reconnectDelayMs(input.attempt) };
  }
  return { kind: 'browser-retries' };
}

/** Open the zone's event stream for as long as the component is mounted (the app mounts it once). */
export function useZoneEvents(zoneId: string | null): EventStreamState {
  const qc = useQueryClient();
  const token = useSyncExternalStore(subscribeSession, getToken, getToken);
  useEffect(() => {
    if (!zoneId || typeof EventSource === 'undefined') {
      publish('down');
      return;
    }
    const url = `/api/events?zoneId=${encodeURIComponent(zoneId)}`;
    let disposed = false;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let asking: AbortController | null = null;
    let attempt = 0;
    let opened = false;

    const listen = (es: EventSource, ticketExpiresAtMs: number | null) => {
      es.addEventListener('open', () => {
        // After a reconnect, catch up with what happened while the stream was down.
        if (opened) {
          invalidateForHealthEvent(qc, zoneId);
          invalidateForZoneEvent(qc, zoneId);
        }
        opened = true;
        attempt = 0;
        publish('open');
      });
      es.addEventListener('error', () => {
        const step = stepAfterStreamError({
          closed: es.readyState === EventSource.CLOSED,
          nowMs: Date.now(),
          ticketExpiresAtMs,
          attempt,
        });
        if (step.kind !== 'renew-ticket') {
          publish(step.kind === 'down' ? 'down' : 'connecting');
          return;
        }
        es.close();
        source = null;
        attempt += 1;
        publish('connecting');
        retry = setTimeout(() => void connect(), step.delayMs);
      });
      es.addEventListener('health', () => invalidateForHealthEvent(qc, zoneId));
      es.addEventListener('zone', () => invalidateForZoneEvent(qc, zoneId));
    };

    const connect = async () => {
      if (disposed) return;
      if (!token) {
        source = new EventSource(url);
        listen(source, null);
        return;
      }
      asking = new AbortController();
      let ticket: { ticket: string; expiresAt: string };
      try {
        ticket = await createEventTicket(asking.signal);
      } catch {
        // No ticket (a 401 also drops the token, which restarts this effect): poll meanwhile.
        if (disposed) return;
        publish('down');
        retry = setTimeout(() => void connect(), reconnectDelayMs(attempt));
        attempt += 1;
        return;
      }
      if (disposed) return;
      source = new EventSource(`${url}&ticket=${encodeURIComponent(ticket.ticket)}`);
      listen(source, Date.parse(ticket.expiresAt));
    };

    publish('connecting');
    void connect();
    return () => {
      disposed = true;
      clearTimeout(retry);
      asking?.abort();
      source?.close();
      publish('connecting');
    };
  }, [qc, zoneId, token]);
  return useEventStreamState();
}
