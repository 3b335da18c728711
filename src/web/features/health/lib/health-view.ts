import type {
  HealthCheckConfig,
  HealthCheckListEntry,
  HealthCheckStatusSummary,
  HealthObservation,
} from '../../../../shared/health';
import { formatAge, formatTimestamp } from '../../../lib/format';

/**
 * How a health status reads on screen: a tone (colour) and always words, so nothing is said by
 * colour alone. Pure, so the table, the editor and the map legend say the same thing.
 */

export type HealthTone = 'healthy' | 'unhealthy' | 'override' | 'muted';

export interface HealthView {
  tone: HealthTone;
  /** Short words: `Healthy`, `Unhealthy`, `Override: unhealthy (maintenance)`. */
  label: string;
  healthy: boolean;
  /** One line about the last check: `checked 2 min ago · HTTP 503 · 3 ms`. */
  detail: string | null;
  /** Everything, for a tooltip. */
  title: string;
}

/** `OK 200 · 3.1 ms · 10:42:05 UTC`-style summary of one probe. */
export function observationText(o: HealthObservation, now: number): string {
  const parts = [`checked ${formatAge(o.At, now)}`, o.Reason];
  if (o.LatencyMs !== null) parts.push(`${Math.round(o.LatencyMs)} ms`);
  return parts.join(' · ');
}

export interface CheckerVerdictView {
  checker: string;
  /** The instance's DNS address, when known. */
  address?: string | undefined;
  healthy: boolean | null;
  at: string;
}

/**
 * Several instances probe one check: `3 checkers: 1 says healthy (healthy while more than 18 %
 * do)`. Null for one checker or none, where there is nothing to combine.
 */
export function checkersSummary(checkers: readonly CheckerVerdictView[]): string | null {
  if (checkers.length < 2) return null;
  const decided = checkers.filter((c) => c.healthy !== null);
  const healthy = decided.filter((c) => c.healthy === true).length;
  const undecided = checkers.length - decided.length;
  return (
    `${checkers.length} checkers (one per instance): ${healthy} of ${decided.length} say healthy` +
    `${undecided > 0 ? `, ${undecided} not decided yet` : ''}` +
    ' — healthy while more than 18 % do, as Route 53 counts its checkers'
  );
}

/** One checker's line: `✓ healthy`, `✗ unhealthy`, `not decided yet`. */
export function checkerVerdictText(healthy: boolean | null): string {
  return healthy === true ? '✓ healthy' : healthy === false ? '✗ unhealthy' : 'not decided yet';
}

export function healthView(
  status: HealthCheckStatusSummary | undefined,
  now: number,
  observation?: HealthObservation,
): HealthView {
  if (!status) {
    return {
      tone: 'muted',
      label: 'Unknown',
      healthy: true,
      detail: null,
      title: 'Status not loaded yet',
    };
  }
  const healthy = status.Status === 'Healthy';
  const since = status.Since ? ` since ${formatTimestamp(status.Since)}` : '';
  const last = observation ?? status.LastObservation;
  const detail = last ? observationText(last, now) : null;
  let tone: HealthTone = healthy ? 'healthy' : 'unhealthy';
  let label = healthy ? 'Healthy' : 'Unhealthy';
  const lines: string[] = [];
  switch (status.Source) {
    case 'override': {
      tone = 'override';
      const reason = status.Override?.Reason;
      label = `Override: ${healthy ? 'healthy' : 'unhealthy'}${reason ? ` (${reason})` : ''}`;
      const by = status.Override?.By;
      lines.push(`Forced ${healthy ? 'healthy' : 'unhealthy'}${by ? ` by ${by}` : ''}${since}`);
      if (status.CheckerStatus)
        lines.push(`The checker says ${status.CheckerStatus.toLowerCase()}`);
      break;
    }
    case 'disabled':
      label = 'Healthy (disabled)';
      tone = 'muted';
      lines.push('Disabled: Route 53 treats a disabled check as healthy');
      break;
    case 'none':
      label = healthy ? 'Healthy (no data)' : label;
      tone = healthy ? 'muted' : tone;
      lines.push('Not checked yet: no health check = healthy');
      break;
    case 'calculated':
      lines.push(`${label} from its child checks${since}`);
      break;
    default:
      lines.push(`${label}${since}`);
  }
  if (detail)
    lines.push(`Last check: ${last ? `${formatTimestamp(last.At)} · ${last.Reason}` : ''}`);
  return { tone, label, healthy, detail, title: lines.join('\n') };
}

/** The view of an id as listed (its status, its last probe). */
export function entryView(entry: HealthCheckListEntry | undefined, now: number): HealthView {
  return healthView(entry?.Status, now);
}

/** What a check probes, as one line: `HTTP 192.0.2.44:80/healthz`, `TCP db.example.com:5432`. */
export function targetText(c: HealthCheckConfig): string {
  if (c.Type === 'CALCULATED') {
    const n = c.ChildHealthChecks?.length ?? 0;
    return `${c.HealthThreshold ?? n} of ${n} child ${n === 1 ? 'check' : 'checks'}`;
  }
  const host = c.FullyQualifiedDomainName ?? c.IPAddress ?? '?';
  const ip = c.FullyQualifiedDomainName && c.IPAddress ? ` (${c.IPAddress})` : '';
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const path = c.ResourcePath ?? '';
  const match = c.SearchString !== undefined ? ` contains “${c.SearchString}”` : '';
  const scheme = c.Type.startsWith('HTTPS') ? 'https://' : c.Type === 'TCP' ? 'tcp://' : 'http://';
  return `${scheme}${hostPart}${c.Port !== undefined ? `:${c.Port}` : ''}${path}${ip}${match}`;
}
