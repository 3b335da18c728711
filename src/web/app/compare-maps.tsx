import { displayName } from '../../engine/names';
import { REGIONS } from '../../engine/regions';
import type { ResourceRecordSet } from '../../engine/types';
import { LazyAtlasMap } from './lazy-atlas-map';

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
        <LazyAtlasMap regions={regions} records={records} baselineRecords={baseline} catchment />
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
