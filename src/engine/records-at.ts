import type { PlannedChange } from './change-batch';
import { normalizeRecordSet, recordSetKey } from './names';
import { invertPlan } from './rollback';
import type { Change, ResourceRecordSet } from './types';

/** One applied batch as the zone's history lists it (newest first). */
export interface HistoryBatch {
  /** ISO-8601. */
  SubmittedAt: string;
  /** The zone version this batch produced (1 for the first batch). */
  Version: number;
  Changes: readonly Change[];
}

export interface RecordSetsAt {
  /** The zone's sets at the time (today's, when `reachesBack` is false). */
  records: ResourceRecordSet[];
  /** How many batches submitted after the time were undone. */
  undone: number;
  /**
   * False when the loaded history starts after the time and not at the zone's first batch:
   * batches in between are unknown, so nothing is undone and `records` are today's.
   */
  reachesBack: boolean;
  /**
   * Sets (recordSetKey) a later UPSERT wrote whose earlier form the history does not show (no
   * earlier write loaded): they keep the form that UPSERT gave them.
   */
  unknown: string[];
}

/** A set's value just before a write: the set, null (absent), or undefined (not known). */
type Prior = ResourceRecordSet | null | undefined;

/**
 * The zone's record sets as they were at `atIso`, from today's sets and the applied batches
 * (newest first): every batch submitted after that time is undone with its inverse (invertPlan),
 * newest first. The history carries each batch's Changes, not its stored plan, so an UPSERT's
 * previous form is the last earlier write to the same set (absent when the history starts at the
 * zone's first batch and none wrote it); with neither, the set is listed in `unknown`.
 */
export function recordSetsAt(
  today: readonly ResourceRecordSet[],
  newestFirst: readonly HistoryBatch[],
  atIso: string,
): RecordSetsAt {
  const at = Date.parse(atIso);
  const oldest = newestFirst[newestFirst.length - 1];
  const fromFirstBatch = oldest === undefined || oldest.Version <= 1;
  const reachesBack = fromFirstBatch || Date.parse(oldest.SubmittedAt) <= at;
  if (!reachesBack) return { records: [...today], undone: 0, reachesBack, unknown: [] };

  /** The set at `key` just before change `i` of batch `b`, from the writes before it. */
  const priorOf = (key: string, b: number, i: number): Prior => {
    for (let bb = b; bb < newestFirst.length; bb++) {
      const changes = newestFirst[bb]?.Changes ?? [];
      for (let j = bb === b ? i - 1 : changes.length - 1; j >= 0; j--) {
        const c = changes[j] as Change;
        if (recordSetKey(c.ResourceRecordSet) !== key) continue;
        return c.Action === 'DELETE' ? null : normalizeRecordSet(c.ResourceRecordSet);
      }
    }
    return fromFirstBatch ? null : undefined;
  };

  const byKey = new Map<string, ResourceRecordSet>();
  for (const r of today) byKey.set(recordSetKey(r), r);
  const unknown = new Set<string>();
  let undone = 0;
  newestFirst.forEach((batch, b) => {
    if (!(Date.parse(batch.SubmittedAt) > at)) return;
    const plan: PlannedChange[] = [];
    batch.Changes.forEach((c, i) => {
      const set = normalizeRecordSet(c.ResourceRecordSet);
      if (c.Action === 'CREATE') plan.push({ action: c.Action, before: null, after: set });
      else if (c.Action === 'DELETE') plan.push({ action: c.Action, before: set, after: null });
      else {
        const key = recordSetKey(set);
        const before = priorOf(key, b, i);
        if (before === undefined) unknown.add(key);
        else plan.push({ action: c.Action, before, after: set });
      }
    });
    for (const c of invertPlan(plan).Changes) {
      const key = recordSetKey(c.ResourceRecordSet);
      if (c.Action === 'DELETE') byKey.delete(key);
      else byKey.set(key, c.ResourceRecordSet);
    }
    undone++;
  });
  return { records: [...byKey.values()], undone, reachesBack, unknown: [...unknown] };
}
