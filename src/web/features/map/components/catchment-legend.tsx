import { useEffect, useId, useState } from 'react';
import type { LegendEntry } from '../lib/catchment-model';

/** Share as a short percentage: "62%", "0.4%", "<0.1%", "0%". */
export function formatShare(share: number): string {
  if (share <= 0) return '0%';
  const pct = share * 100;
  if (pct < 0.1) return '<0.1%';
  if (pct < 10) return `${pct.toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/**
 * Region colour → code, set id, share of the people (GeoNames city populations) and of the land
 * routed there; collapsible to stay out of the way.
 */
export function CatchmentLegend({
  entries,
  landShares,
  changedShare,
  changedPeople,
  onLayout,
}: {
  entries: LegendEntry[];
  /** Shares are of land area (else of the whole map, until the land mask is ready). */
  landShares: boolean;
  /** Compare mode: the share whose region changes (hatched on the map). */
  changedShare?: number | null;
  /** Compare mode: the share of people whose region changes (null until the raster is there). */
  changedPeople?: number | null;
  /** Called after the legend changed size (so map labels can move out of its way). */
  onLayout?: () => void;
}) {
  const [open, setOpen] = useState(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run when the size can change
  useEffect(() => onLayout?.(), [open, entries.length, onLayout]);
  const listId = useId();
  const people = entries.some((e) => e.people !== null) || typeof changedPeople === 'number';
  const area = landShares ? 'land' : 'map';
  return (
    <section className="atlas-legend" aria-label="Catchment legend" data-map-obstacle="">
      <button
        type="button"
        className="atlas-legend-toggle"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
      >
        Catchment{' '}
        <span className="atlas-legend-hint">
          {people ? `share of people · share of ${area}` : `share of ${area}`}
        </span>
      </button>
      {open && (
        <ul
          id={listId}
          className={people ? 'atlas-legend-list has-people' : 'atlas-legend-list'}
          data-people={people ? 'true' : undefined}
        >
          {people && (
            <li className="atlas-legend-item atlas-legend-head" aria-hidden="true">
              <span />
              <span />
              <span />
              <span className="atlas-legend-colhead">people</span>
              <span className="atlas-legend-colhead">{area}</span>
            </li>
          )}
          {changedShare !== undefined && changedShare !== null && (
            <li className="atlas-legend-item atlas-legend-changed" data-region="changed">
              <span className="atlas-legend-swatch atlas-legend-hatch" aria-hidden="true" />
              <span className="atlas-legend-code">changes region</span>
              <span className="atlas-legend-set" />
              {people && (
                <span className="atlas-legend-people" data-share="people">
                  {typeof changedPeople === 'number' ? formatShare(changedPeople) : '…'}
                </span>
              )}
              <span className="atlas-legend-share" data-share={area}>
                {formatShare(changedShare)}
              </span>
            </li>
          )}
          {entries.map((e) => (
            <li
              key={`${e.region}|${e.setIdentifier}`}
              className={e.healthy ? 'atlas-legend-item' : 'atlas-legend-item is-unhealthy'}
              data-region={e.region}
            >
              <span
                className="atlas-legend-swatch"
                style={{ background: e.color }}
                aria-hidden="true"
              />
              <span className="atlas-legend-code">{e.region}</span>
              <span className="atlas-legend-set">{e.setIdentifier}</span>
              {people && (
                <span className="atlas-legend-people" data-share="people">
                  {e.people !== null ? formatShare(e.people) : '…'}
                </span>
              )}
              <span className="atlas-legend-share" data-share={area}>
                {formatShare(e.share)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
