import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { HEALTH_CHECKS_KEY } from './health-check-keys';

/**
 * Server push for one zone: `GET /api/events?zoneId=` (server-sent events). A `health` event
 * (a health check changed status) refreshes every health query and the zone's routing answers;
 * a `zone` event (a change batch was applied) refreshes what the page holds of the zone. One
 * EventSource per zone; while it is down the queries fall back to a slow poll.
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

/** Open the zone's event stream for as long as the component is mounted (the app mounts it once). */
export function useZoneEvents(zoneId: string | null): EventStreamState {
  const qc = useQueryClient();
  useEffect(() => {
    if (!zoneId || typeof EventSource === 'undefined') {
      publish('down');
      return;
    }
    publish('connecting');
    const source = new EventSource(`/api/events?zoneId=${encodeURIComponent(zoneId)}`);
    let opened = false;
    source.addEventListener('open', () => {
      // After a reconnect, catch up with what happened while the stream was down.
      if (opened) {
        invalidateForHealthEvent(qc, zoneId);
        invalidateForZoneEvent(qc, zoneId);
      }
      opened = true;
      publish('open');
    });
    source.addEventListener('error', () => {
      // The browser retries by itself unless the server refused the stream (CLOSED).
      publish(source.readyState === EventSource.CLOSED ? 'down' : 'connecting');
    });
    source.addEventListener('health', () => invalidateForHealthEvent(qc, zoneId));
    source.addEventListener('zone', () => invalidateForZoneEvent(qc, zoneId));
    return () => {
      source.close();
      publish('connecting');
    };
  }, [qc, zoneId]);
  return useEventStreamState();
}
