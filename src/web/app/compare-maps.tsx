import { Suspense } from 'react';
import { displayName } from '../../engine/names';
import { REGIONS } from '../../engine/regions';
import type { ResourceRecordSet } from '../../engine/types';
import { ErrorBoundary } from '../components/error-boundary';
import { AtlasMap } from './lazy-atlas-map';

const regions = [...REGIONS];

export interface CompareMapsProps {
  name: string;
  type: string;
  before: ResourceRecordSet[];
  after: ResourceRecordSet[];
}

function Pane({
  title,
  records,
  baseline,
}: {
  title: string;
  records: ResourceRecordSet[];
  /** Compare mode: places routed differently than with these records stand out. */
  baseline?: ResourceRecordSet[];
}) {
  return (
    <figure className="compare-pane">
      <figcaption className="compare-caption">
        <strong>{title}</strong>{' '}
        <span className="muted">
          {records.length
            ? records.map((r) => r.Region).join(', ')
            : 'no latency records (no latency answer)'}
        </span>
      </figcaption>
      <div className="compare-frame">
        <ErrorBoundary
          fallback={(error, retry) => (
            <div className="map-placeholder" role="alert">
              <p>The map could not start: {error.message}</p>
              <button type="button" className="button" onClick={retry}>
                Retry
              </button>
            </div>
          )}
        >
          <Suspense
            fallback={
              <div className="map-placeholder" role="status">
                Loading map…
              </div>
            }
          >
            <AtlasMap regions={regions} records={records} baselineRecords={baseline} catchment />
          </Suspense>
        </ErrorBoundary>
      </div>
    </figure>
  );
}

/**
 * The catchment of one name before and after a change, side by side; on the after map the
 * places whose region changes are hatched (new and old region's colours) and outlined, the rest
 * faded.
 */
export function CompareMaps({ name, type, before, after }: CompareMapsProps) {
  return (
    <section
      className="compare-maps"
      aria-label={`Catchment of ${displayName(name)} ${type} before and after`}
    >
      <Pane title="Before" records={before} />
      <Pane title="After" records={after} baseline={before} />
    </section>
  );
}
