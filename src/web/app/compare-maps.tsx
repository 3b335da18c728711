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
  /** Health by SetIdentifier on each side (e.g. an outage: after = the failed record down). */
  beforeHealth?: Record<string, boolean>;
  afterHealth?: Record<string, boolean>;
  /** Pane titles (default Before / After). */
  titles?: [string, string];
}

function Pane({
  title,
  records,
  baseline,
  health,
  baselineHealth,
}: {
  title: string;
  records: ResourceRecordSet[];
  /** Compare mode: places routed differently than with these records stand out. */
  baseline?: ResourceRecordSet[];
  health?: Record<string, boolean>;
  baselineHealth?: Record<string, boolean>;
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
        <LazyAtlasMap
          regions={regions}
          records={records}
          health={health}
          baselineRecords={baseline}
          baselineHealth={baselineHealth}
          catchment
        />
      </div>
    </figure>
  );
}

/**
 * The catchment of one name before and after a change, side by side; on the after map the
 * places whose region changes are hatched (new and old region's colours) and outlined, the rest
 * faded.
 */
export function CompareMaps(props: CompareMapsProps) {
  const { name, type, before, after, beforeHealth, afterHealth } = props;
  const [beforeTitle, afterTitle] = props.titles ?? ['Before', 'After'];
  return (
    <section
      className="compare-maps"
      aria-label={`Catchment of ${displayName(name)} ${type} ${beforeTitle.toLowerCase()} and ${afterTitle.toLowerCase()}`}
    >
      <Pane title={beforeTitle} records={before} health={beforeHealth} />
      <Pane
        title={afterTitle}
        records={after}
        health={afterHealth}
        baseline={before}
        baselineHealth={beforeHealth}
      />
    </section>
  );
}
