import './health.css';
import { useEffect, useMemo, useState } from 'react';
import type { ImpactCity } from '../../../../engine/impact';
import type { ResourceRecordSet } from '../../../../engine/types';
import { formatPercent, formatPopulation } from '../../../lib/format';
import type { HealthView } from '../lib/health-view';
import { type HealthBySet, loadLargestCities, whatIf } from '../lib/what-if';
import { HealthBadge } from './health-badge';

export interface WhatIfPanelProps {
  /** The selected name's latency records. */
  records: readonly ResourceRecordSet[];
  /** Live health by SetIdentifier (false = unhealthy). */
  real: HealthBySet;
  /** The real status of a record, in words (records without a check: undefined). */
  statusOf: (r: ResourceRecordSet) => HealthView | undefined;
  /** Set ids picked to fail. */
  failed: readonly string[];
  onChange: (failed: string[]) => void;
  onClose: () => void;
}

/**
 * "What if this region goes down": pick records to fail (here or by clicking their markers) and
 * see who moves where, computed in the browser with the engine over the largest cities, beside
 * each record's real status. The map above shows the catchment against the real one.
 */
export function WhatIfPanel({
  records,
  real,
  statusOf,
  failed,
  onChange,
  onClose,
}: WhatIfPanelProps) {
  const [cities, setCities] = useState<ImpactCity[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadLargestCities().then(
      (c) => live && setCities(c),
      (e: unknown) => live && setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, []);
  const latency = useMemo(
    () => records.filter((r) => r.Region !== undefined && r.SetIdentifier !== undefined),
    [records],
  );
  const result = useMemo(
    () => (cities && failed.length ? whatIf(latency, real, failed, cities) : null),
    [cities, latency, real, failed],
  );
  const toggle = (id: string, on: boolean) =>
    onChange(on ? [...new Set([...failed, id])] : failed.filter((f) => f !== id));

  return (
    <section className="what-if" aria-label="What if a region goes down">
      <div className="what-if-head">
        <h2 className="what-if-title">What if a region goes down?</h2>
        <span className="muted">
          Pick regions to fail (or click their markers); the map hatches the places that would move.
          Nothing is changed on the server.
        </span>
        <span className="toolbar-spacer" />
        {failed.length > 0 && (
          <button type="button" className="button button-small" onClick={() => onChange([])}>
            Clear
          </button>
        )}
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      </div>
      <ul className="what-if-regions" aria-label="Regions to fail">
        {latency.map((r) => {
          const id = r.SetIdentifier ?? '';
          const on = failed.includes(id);
          const view = statusOf(r);
          return (
            <li key={id} className={`what-if-region${on ? ' is-failed' : ''}`}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={on}
                  onChange={(e) => toggle(id, e.target.checked)}
                  aria-label={`Fail ${r.Region} ${id}`}
                />
                <span className="mono">{r.Region}</span> {id}
              </label>
              {view ? (
                <HealthBadge view={view} />
              ) : (
                <span className="muted" title="No health check: always healthy">
                  no check
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <WhatIfResultText
        failed={failed}
        result={result}
        loading={!cities && !loadError}
        error={loadError}
      />
    </section>
  );
}

function WhatIfResultText({
  failed,
  result,
  loading,
  error,
}: {
  failed: readonly string[];
  result: ReturnType<typeof whatIf> | null;
  loading: boolean;
  error: string | null;
}) {
  if (failed.length === 0)
    return <p className="what-if-result muted">Nothing picked: the map shows the real status.</p>;
  if (error) return <p className="what-if-result state-error">City data unavailable: {error}</p>;
  if (loading || !result) return <p className="what-if-result muted">Counting people…</p>;
  const scope = `of the people in the ${result.cityCount.toLocaleString('en')} cities over 100,000`;
  if (!result.impact)
    return (
      <p className="what-if-result" data-testid="what-if-result">
        Nobody moves: the picked records {result.allDown ? 'are' : 'serve'} no one who would go
        elsewhere.
      </p>
    );
  const i = result.impact;
  return (
    <div className="what-if-result" data-testid="what-if-result" aria-live="polite">
      <p>
        <strong>{formatPopulation(i.movedPopulation)}</strong> people would move (
        {formatPercent(i.movedPopulation / Math.max(result.totalPopulation, 1))} {scope}),{' '}
        {i.movedCities.toLocaleString('en')} cities:
      </p>
      <ul className="what-if-flows">
        {i.flows.slice(0, 5).map((f) => (
          <li key={`${f.from}>${f.to}`}>
            <span className="mono">{f.from ?? 'none'}</span> →{' '}
            <span className="mono">{f.to ?? 'no answer'}</span>: {formatPopulation(f.population)} (
            {f.cities.toLocaleString('en')} cities)
          </li>
        ))}
      </ul>
      {result.allDown && (
        <p className="muted">
          Every record would be unhealthy: Route 53 then answers as if all were healthy, so users go
          back to their nearest region.
        </p>
      )}
      {i.largestIncreases[0] && (
        <p className="muted">
          Largest slow-down: {i.largestIncreases[0].city} ({i.largestIncreases[0].country}) +
          {Math.round(i.largestIncreases[0].deltaMs)} ms, {i.largestIncreases[0].from} →{' '}
          {i.largestIncreases[0].to}.
        </p>
      )}
    </div>
  );
}
