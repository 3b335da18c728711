import './health.css';
import { type ReactNode, useId, useState } from 'react';
import type { HealthCheckReference } from '../../../../shared/health';
import { formatTimestamp } from '../../../lib/format';
import { clockText, durationText, type Outage } from '../lib/outages';

function whereText(records: readonly HealthCheckReference[]): string {
  const regions = [...new Set(records.map((r) => r.region ?? r.setIdentifier ?? r.name))];
  return regions.join(', ');
}

/**
 * One outage in History, between the change batches: "us-west-2 unhealthy at 10:42, healthy at
 * 10:47 (5 min)", why, and on demand the catchment users had meanwhile.
 */
export function HealthOutageEntry({
  outage: o,
  nowIso,
  renderCatchment,
}: {
  outage: Outage;
  nowIso: string;
  /** The catchment while it was down (composed by the app); absent: no expander. */
  renderCatchment?: (o: Outage) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const where = whereText(o.records) || o.healthCheckId;
  const state = o.up ? 'is-up' : 'is-down';
  const parts: string[] = [];
  if (o.down) parts.push(`unhealthy at ${clockText(o.down.At, nowIso)}`);
  else parts.push('unhealthy (since before this history)');
  if (o.up) parts.push(`healthy at ${clockText(o.up.At, nowIso)}`);
  else parts.push('still unhealthy');
  const duration = o.down && o.up ? ` (${durationText(o.down.At, o.up.At)})` : '';
  const sentence = `${where} ${parts.join(', ')}${duration}`;
  return (
    <li className="history-entry health-outage" data-health-outage={o.healthCheckId}>
      <div className={`health-transition ${state}`}>
        <span className="health-transition-icon" aria-hidden="true">
          {o.up ? '▲' : '▼'}
        </span>
        <span className="type-badge">health</span>
        <span className="health-transition-text">
          <strong className="mono">{sentence}</strong>{' '}
          <span className="muted">
            {o.name ?? o.healthCheckId}
            {o.down ? ` · ${o.down.Reason}` : ''}
            {o.up ? ` · back: ${o.up.Reason}` : ''}
          </span>
        </span>
        <span className="health-transition-when" title={formatTimestamp(o.at)}>
          {renderCatchment && o.records.length > 0 && (
            <button
              type="button"
              className="button button-small"
              aria-expanded={open}
              aria-controls={bodyId}
              onClick={() => setOpen((v) => !v)}
            >
              {open ? 'Hide catchment' : 'Catchment meanwhile'}
            </button>
          )}
        </span>
      </div>
      {open && renderCatchment && (
        <div id={bodyId} className="history-body">
          {renderCatchment(o)}
        </div>
      )}
    </li>
  );
}
