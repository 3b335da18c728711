import './measurements.css';
import { ErrorState, Skeleton } from '../../../components/states';
import { formatCount, formatTimestamp } from '../../../lib/format';
import type { Permission } from '../../../lib/permissions';
import { useMeasurementSummary } from '../api/get-measurement-summary';
import { MeasurementImport } from './measurement-import';

/** The Measurements tab: what is stored (samples, time range, retention) and the CSV import. */
export function MeasurementsPanel({
  permission,
  routingModel,
  windowDays,
}: {
  permission: Permission;
  routingModel: 'distance' | 'measured' | undefined;
  windowDays: number | undefined;
}) {
  const summary = useMeasurementSummary();
  const s = summary.data;
  return (
    <div className="measurements-panel">
      <section aria-label="Stored measurements" className="measurements-summary">
        <h3 className="preview-subtitle">Stored measurements</h3>
        {summary.isPending ? (
          <Skeleton rows={2} label="Loading the summary" />
        ) : summary.error ? (
          <ErrorState
            title="The summary could not be loaded"
            error={summary.error}
            onRetry={() => void summary.refetch()}
          />
        ) : s ? (
          <dl className="measurements-facts" data-testid="measurements-summary">
            <div>
              <dt>Samples</dt>
              <dd>{formatCount(s.samples)}</dd>
            </div>
            <div>
              <dt>Places × regions × hours</dt>
              <dd>{formatCount(s.aggregates)}</dd>
            </div>
            <div>
              <dt>Places (H3 cells)</dt>
              <dd>{formatCount(s.cells)}</dd>
            </div>
            <div>
              <dt>Regions measured</dt>
              <dd>{s.regions.length ? s.regions.join(', ') : '—'}</dd>
            </div>
            <div>
              <dt>From – to</dt>
              <dd>
                {s.oldest && s.newest
                  ? `${formatTimestamp(s.oldest)} – ${formatTimestamp(s.newest)}`
                  : 'nothing yet'}
              </dd>
            </div>
            <div>
              <dt>Kept</dt>
              <dd>
                samples {s.retentionDays} days, hourly aggregates {s.aggregateRetentionDays} days
              </dd>
            </div>
            <div>
              <dt>This zone</dt>
              <dd>
                {routingModel === 'measured'
                  ? `routes by measurements (${windowDays ?? 7}-day window)`
                  : routingModel === 'distance'
                    ? 'routes by distance (switch in Review › zone settings)'
                    : '…'}
              </dd>
            </div>
          </dl>
        ) : null}
      </section>
      <MeasurementImport permission={permission} />
    </div>
  );
}
