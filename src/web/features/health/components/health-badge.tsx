import './health.css';
import type { HealthView } from '../lib/health-view';

/**
 * A health status as colour AND words (`Healthy`, `Unhealthy`, `Override: unhealthy (maintenance)`),
 * with the last check on a second line when asked; the tooltip has the rest.
 */
export function HealthBadge({ view, detail = false }: { view: HealthView; detail?: boolean }) {
  return (
    <span
      className={`health-badge is-${view.tone}${view.healthy ? '' : ' is-down'}`}
      title={view.title}
      data-testid="health-badge"
      data-healthy={view.healthy ? 'true' : 'false'}
    >
      <span className="health-badge-main">
        <span className="health-dot" aria-hidden="true" />
        <span className="health-label">{view.label}</span>
      </span>
      {detail && view.detail && <span className="health-detail">{view.detail}</span>}
    </span>
  );
}
