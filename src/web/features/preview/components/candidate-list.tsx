import type { RoutingCandidateWire } from '../../../../shared/routing';
import { regionColor } from '../../../lib/region-colors';
import { candidateBars } from '../lib/client-input';

export interface CandidateListProps {
  candidates: RoutingCandidateWire[];
  chosenSet: string | null;
  /** Set ids whose failure is being simulated. */
  failed: readonly string[];
  onToggleFailure: (setIdentifier: string, failed: boolean) => void;
  disabled?: boolean;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

const SOURCE_TITLES: Record<RoutingCandidateWire['source'], string> = {
  measured: 'Measured from this place: the median of its samples in the window, range p25–p75',
  learned: 'Learned from measured places nearby: distance estimate plus their residual',
  distance: 'Estimated from great-circle distance (no measurements near this place)',
};

/** "measured · 120 samples", "learned · 40 samples", "distance". */
export function sourceLabel(c: Pick<RoutingCandidateWire, 'source' | 'samples'>): string {
  if (c.source === 'distance') return 'distance';
  return `${c.source} · ${c.samples.toLocaleString('en')} ${c.samples === 1 ? 'sample' : 'samples'}`;
}

/**
 * Every candidate, best first: estimated RTT as a bar with its low–high range as a whisker,
 * health, and a switch that simulates the record failing (its health check failing).
 */
export function CandidateList({
  candidates,
  chosenSet,
  failed,
  onToggleFailure,
  disabled,
}: CandidateListProps) {
  const bars = candidateBars(candidates);
  const failedSet = new Set(failed);
  return (
    <ol className="candidate-list" aria-label="Candidates, lowest estimated latency first">
      {candidates.map((c, i) => {
        const bar = bars[i];
        const chosen = c.setIdentifier === chosenSet;
        const simulated = failedSet.has(c.setIdentifier);
        const switchId = `fail-${i}-${c.setIdentifier}`;
        return (
          <li
            key={`${c.region}|${c.setIdentifier}`}
            className={`candidate${chosen ? ' is-chosen' : ''}${c.healthy ? '' : ' is-unhealthy'}`}
            data-region={c.region}
            data-set={c.setIdentifier}
          >
            <span className="candidate-rank" aria-hidden="true">
              {i + 1}
            </span>
            <span className="candidate-name">
              <span
                className="candidate-swatch"
                style={{ background: regionColor(c.region) }}
                aria-hidden="true"
              />
              <span className="mono">{c.region}</span>{' '}
              <span className="candidate-set">{c.setIdentifier}</span>
              {chosen && <span className="candidate-badge candidate-badge-chosen">answers</span>}
              {!c.healthy && (
                <span className="candidate-badge candidate-badge-unhealthy">unhealthy</span>
              )}
              <span
                className={`candidate-source candidate-source-${c.source}`}
                data-testid="candidate-source"
                data-source={c.source}
                title={SOURCE_TITLES[c.source]}
              >
                {sourceLabel(c)}
              </span>
            </span>
            <span
              className="rtt-bar"
              role="img"
              aria-label={`estimated RTT ${ms(c.rttMs)}, range ${ms(c.rttLowMs)} to ${ms(c.rttHighMs)}`}
            >
              <span
                className="rtt-fill"
                style={{ width: `${bar?.rttPct ?? 0}%`, background: regionColor(c.region) }}
              />
              <span
                className="rtt-whisker"
                style={{
                  left: `${bar?.lowPct ?? 0}%`,
                  width: `${(bar?.highPct ?? 0) - (bar?.lowPct ?? 0)}%`,
                }}
              />
            </span>
            <span className="candidate-rtt">
              <strong>{ms(c.rttMs)}</strong>
              <span className="muted">
                {' '}
                {Math.round(c.rttLowMs)}–{Math.round(c.rttHighMs)} ·{' '}
                {Math.round(c.distanceKm).toLocaleString('en')} km
              </span>
            </span>
            <label className="checkbox candidate-fail" htmlFor={switchId}>
              <input
                id={switchId}
                type="checkbox"
                role="switch"
                aria-checked={simulated}
                checked={simulated}
                disabled={disabled}
                aria-label={`Simulate failure of ${c.setIdentifier} (${c.region})`}
                onChange={(e) => onToggleFailure(c.setIdentifier, e.target.checked)}
              />
              <span aria-hidden="true">Fail</span>
            </label>
          </li>
        );
      })}
    </ol>
  );
}
