import { displayName, normalizeName, recordSetKey } from '../../../../engine/names';
import { recordSetsAt } from '../../../../engine/records-at';
import type { ResourceRecordSet } from '../../../../engine/types';
import type { AppliedChange } from '../../../../shared/rrset';

export interface CatchmentAtInput {
  /** The zone's sets now. */
  today: readonly ResourceRecordSet[];
  /** Applied batches, newest first; null when the history could not be loaded. */
  changes: readonly AppliedChange[] | null;
  /** ISO-8601: the moment to draw (an outage's start). */
  atIso: string;
  /** How the moment reads in the note ("10:42 UTC"). */
  atText: string;
  name: string;
  type: string;
  /** The health check that failed: sets naming it at the time are drawn unhealthy. */
  healthCheckId: string;
  /** SetIdentifiers the outage reported as failed (also drawn unhealthy). */
  failedSetIds: readonly string[];
}

export interface CatchmentAt {
  /** The name's latency sets at the time. */
  sets: ResourceRecordSet[];
  /** Health by SetIdentifier while down: the failed sets false. */
  down: Record<string, boolean>;
  /** Where the sets come from, in a sentence for the reader. */
  note: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * What "Catchment meanwhile" draws for an outage: the name's latency sets as the zone had them
 * at the outage's start (today's sets with every later batch undone), and which went down.
 */
export function catchmentAt(input: CatchmentAtInput): CatchmentAt {
  const { today, changes, atText, type, healthCheckId } = input;
  const name = normalizeName(input.name);
  const ofName = (r: ResourceRecordSet) =>
    r.Region !== undefined && r.Type === type && normalizeName(r.Name) === name;

  let records: readonly ResourceRecordSet[] = today;
  let note: string;
  if (changes === null) {
    note = `Drawn from today’s records: the change history could not be loaded.`;
  } else {
    const at = recordSetsAt(today, changes, input.atIso);
    records = at.records;
    const unknown = at.records.filter((r) => ofName(r) && at.unknown.includes(recordSetKey(r)));
    if (!at.reachesBack) {
      note = `Drawn from today’s records: the history does not reach back to ${atText}.`;
    } else if (at.undone === 0) {
      note = `Today’s records: no change batch since ${atText}.`;
    } else {
      note = `The records as they were at ${atText} (${plural(at.undone, 'later change batch', 'later change batches')} undone).`;
    }
    if (unknown.length > 0) {
      const ids = unknown.map((r) => r.SetIdentifier ?? displayName(r.Name)).join(', ');
      note += ` ${ids} drawn as today: the history does not show ${unknown.length === 1 ? 'it' : 'them'} before a later UPSERT.`;
    }
  }

  const sets = records.filter(ofName);
  const failed = new Set(input.failedSetIds);
  const down: Record<string, boolean> = {};
  for (const r of sets) {
    if (r.SetIdentifier === undefined) continue;
    if (failed.has(r.SetIdentifier) || r.HealthCheckId === healthCheckId) {
      down[r.SetIdentifier] = false;
    }
  }
  return { sets, down, note };
}
