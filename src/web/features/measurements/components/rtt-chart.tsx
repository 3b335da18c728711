import './measurements.css';
import { useId, useMemo, useState } from 'react';
import { DAY_MS, HOUR_MS } from '../../../../shared/measurements';
import { ErrorState, Skeleton } from '../../../components/states';
import { regionColor } from '../../../lib/region-colors';
import { type SeriesPlace, useMeasurementSeries } from '../api/get-measurement-series';
import { rttChartGeometry } from '../lib/rtt-chart';

export interface RttChartPanelProps {
  place: SeriesPlace;
  placeLabel: string;
  /** Regions to choose from (the candidates'), best first. */
  regions: readonly string[];
  /** Shown first (the chosen region). */
  initialRegion: string | null;
  /** Days back from now, default 30 (the raw retention). */
  days?: number;
  now?: number;
}

const BOX = { width: 640, height: 210, left: 44, right: 12, top: 22, bottom: 26 };

/**
 * Measured RTT over time for one place and region: daily median as a line, the p25–p75 band
 * behind it, and the distance model's estimate dashed for comparison.
 */
export function RttChartPanel({
  place,
  placeLabel,
  regions,
  initialRegion,
  days = 30,
  now = Date.now(),
}: RttChartPanelProps) {
  const selectId = useId();
  const titleId = useId();
  const [picked, setPicked] = useState<string | null>(null);
  const region =
    picked && regions.includes(picked) ? picked : (initialRegion ?? regions[0] ?? null);
  const to = Math.ceil(now / HOUR_MS) * HOUR_MS;
  const from = to - days * DAY_MS;
  const series = useMeasurementSeries(region ? { place, region, from, to, bucket: 'day' } : null);
  const geometry = useMemo(
    () => (series.data ? rttChartGeometry(series.data, { from, to }, BOX) : null),
    [series.data, from, to],
  );
  const color = region ? regionColor(region) : 'currentColor';
  const samples = series.data?.points.reduce((n, p) => n + p.samples, 0) ?? 0;

  return (
    <section className="rtt-chart" aria-labelledby={titleId} data-testid="rtt-chart">
      <div className="rtt-chart-head">
        <h3 id={titleId} className="preview-subtitle">
          Measured RTT over time
        </h3>
        <label className="rtt-chart-region" htmlFor={selectId}>
          <span className="muted">{placeLabel} →</span>
          <select
            id={selectId}
            className="input"
            value={region ?? ''}
            onChange={(e) => setPicked(e.target.value)}
          >
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </div>
      {series.isPending && series.fetchStatus !== 'idle' ? (
        <Skeleton rows={3} label="Loading measurements" />
      ) : series.error ? (
        <ErrorState
          title="The measurements could not be loaded"
          error={series.error}
          onRetry={() => void series.refetch()}
        />
      ) : geometry && series.data ? (
        <>
          <svg
            className="rtt-chart-svg"
            viewBox={`0 0 ${BOX.width} ${BOX.height}`}
            role="img"
            aria-label={
              series.data.points.length
                ? `Daily median RTT from ${placeLabel} to ${region}: ${series.data.points.length} days, ${samples} samples; distance estimate ${series.data.distanceMs.toFixed(1)} ms`
                : `No measurements from ${placeLabel} to ${region} in the last ${days} days; distance estimate ${series.data.distanceMs.toFixed(1)} ms`
            }
          >
            {geometry.yTicks.map((t) => (
              <g key={`y${t.label}`} className="rtt-chart-grid">
                <line x1={geometry.plot.x0} x2={geometry.plot.x1} y1={t.y} y2={t.y} />
                <text x={geometry.plot.x0 - 6} y={t.y} dy="0.32em" textAnchor="end">
                  {t.label}
                </text>
              </g>
            ))}
            {geometry.xTicks.map((t) => (
              <text
                key={`x${t.x}`}
                className="rtt-chart-axis"
                x={t.x}
                y={BOX.height - 8}
                textAnchor="middle"
              >
                {t.label}
              </text>
            ))}
            <text className="rtt-chart-axis" x={geometry.plot.x0 - 6} y={10} textAnchor="end">
              ms
            </text>
            {geometry.band && (
              <path className="rtt-chart-band" d={geometry.band} style={{ fill: color }} />
            )}
            <line
              className="rtt-chart-distance"
              x1={geometry.plot.x0}
              x2={geometry.plot.x1}
              y1={geometry.distanceY}
              y2={geometry.distanceY}
            />
            {geometry.median && (
              <path className="rtt-chart-median" d={geometry.median} style={{ stroke: color }} />
            )}
            {geometry.dots.map((d) => (
              <circle
                key={d.at}
                className="rtt-chart-dot"
                cx={d.x}
                cy={d.y}
                r={3}
                style={{ fill: color }}
              >
                <title>
                  {`${d.at.slice(0, 10)}: median ${d.medianMs.toFixed(1)} ms, ${d.samples} samples`}
                </title>
              </circle>
            ))}
          </svg>
          <p className="rtt-chart-key">
            <span className="rtt-chart-key-line" style={{ background: color }} /> daily median{' '}
            <span className="rtt-chart-key-band" style={{ background: color }} /> p25–p75{' '}
            <span className="rtt-chart-key-dash" /> distance estimate{' '}
            {series.data.distanceMs.toFixed(1)} ms
            {series.data.points.length === 0 && (
              <span className="muted"> · no measurements in the last {days} days</span>
            )}
          </p>
        </>
      ) : null}
    </section>
  );
}
