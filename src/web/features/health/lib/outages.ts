import type { HealthCheckReference, HealthTransition } from '../../../../shared/health';

/**
 * Health transitions paired into outages for History: "us-west-2 unhealthy at 10:42, healthy
 * at 10:47". Transitions arrive newest first; an outage still going on has no end, one that
 * began before the oldest transition loaded has no start.
 */
export interface Outage {
  key: string;
  healthCheckId: string;
  name: string | null;
  records: HealthCheckReference[];
  /** The transition to Unhealthy (null: began before the loaded history). */
  down: HealthTransition | null;
  /** The transition back to Healthy (null: still unhealthy). */
  up: HealthTransition | null;
  /** When it sorts in the timeline: the later of its two ends. */
  at: string;
}

export function pairOutages(newestFirst: readonly HealthTransition[]): Outage[] {
  const oldestFirst = [...newestFirst].sort((a, b) => Date.parse(a.At) - Date.parse(b.At));
  const open = new Map<string, Outage>();
  const out: Outage[] = [];
  const make = (t: HealthTransition, down: HealthTransition | null): Outage => ({
    key: `${t.HealthCheckId}|${t.At}`,
    healthCheckId: t.HealthCheckId,
    name: t.Name,
    records: t.Records,
    down,
    up: null,
    at: t.At,
  });
  for (const t of oldestFirst) {
    if (t.To === 'Unhealthy') {
      const o = make(t, t);
      open.set(t.HealthCheckId, o);
      out.push(o);
    } else if (t.From === 'Unhealthy') {
      const o = open.get(t.HealthCheckId);
      if (o) {
        o.up = t;
        o.at = t.At;
        if (t.Records.length > o.records.length) o.records = t.Records;
        open.delete(t.HealthCheckId);
      } else {
        const started = make(t, null);
        started.up = t;
        out.push(started);
      }
    }
  }
  return out.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

/** Minutes or hours between two times: "5 min", "2 h 10 min", "40 s". */
export function durationText(fromIso: string, toIso: string): string {
  const s = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** `10:42` (UTC) for a time of day, with the date when it is not `nowIso`'s day. */
export function clockText(iso: string, nowIso: string): string {
  const d = iso.slice(0, 10);
  const time = `${iso.slice(11, 16)} UTC`;
  return d === nowIso.slice(0, 10) ? time : `${d} ${time}`;
}
