import { lazy, Suspense } from 'react';
import { displayName, normalizeName } from '../../engine/names';
import type { ResourceRecordSet } from '../../engine/types';
import { Skeleton } from '../components/states';
import { HealthOutageEntry } from '../features/health/components/health-outage-entry';
import { clockText, type Outage } from '../features/health/lib/outages';
import { useChanges } from '../features/history/api/get-changes';
import { catchmentAt } from '../features/history/lib/catchment-at';

const CompareMaps = lazy(() => import('./compare-maps').then((m) => ({ default: m.CompareMaps })));

function safeNormalize(name: string): string | null {
  try {
    return normalizeName(name);
  } catch {
    return null;
  }
}

/** One outage in History, with the catchment users had meanwhile (loaded with History). */
export function OutageTimelineEntry({
  zoneId,
  outage,
  records,
  nowIso,
}: {
  zoneId: string;
  outage: Outage;
  records: ResourceRecordSet[] | undefined;
  nowIso: string;
}) {
  return (
    <HealthOutageEntry
      outage={outage}
      nowIso={nowIso}
      renderCatchment={
        records
          ? (out) => (
              <OutageCatchment zoneId={zoneId} outage={out} records={records} nowIso={nowIso} />
            )
          : undefined
      }
    />
  );
}

function OutageCatchment({
  zoneId,
  outage,
  records,
  nowIso,
}: {
  zoneId: string;
  outage: Outage;
  records: ResourceRecordSet[];
  nowIso: string;
}) {
  const changes = useChanges(zoneId);
  const ref = outage.records[0];
  // Began before the loaded transitions: the last moment known to be down is its end.
  const atIso = outage.down?.At ?? outage.up?.At;
  if (!ref || !atIso) return null;
  const name = safeNormalize(ref.name);
  if (!name) return null;
  if (changes.isPending) return <Skeleton rows={4} label="Loading the change history" />;
  const at = catchmentAt({
    today: records,
    changes: changes.data ?? null,
    atIso,
    atText: clockText(atIso, nowIso),
    name,
    type: ref.type,
    healthCheckId: outage.healthCheckId,
    failedSetIds: outage.records
      .filter((r) => safeNormalize(r.name) === name && r.type === ref.type)
      .flatMap((r) => (r.setIdentifier === undefined ? [] : [r.setIdentifier])),
  });
  const note = <p className="muted">{at.note}</p>;
  if (!at.sets.length) {
    return (
      <>
        {note}
        <p className="muted">
          {displayName(name)} had no latency records at {clockText(atIso, nowIso)}.
        </p>
      </>
    );
  }
  return (
    <>
      {note}
      <Suspense fallback={<Skeleton rows={4} label="Loading maps" />}>
        <CompareMaps
          name={name}
          type={ref.type}
          before={at.sets}
          after={at.sets}
          afterHealth={at.down}
          titles={['Healthy', 'While down']}
        />
      </Suspense>
    </>
  );
}
