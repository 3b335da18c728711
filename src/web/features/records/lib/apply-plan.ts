import type { PlannedChange } from '../../../../engine/change-batch';
import { normalizeName, recordSetKey } from '../../../../engine/names';
import type { ResourceRecordSet } from '../../../../engine/types';

/** The engine's `existing` callback over a cached listing (names compared normalised). */
export function existingLookup(
  records: readonly ResourceRecordSet[],
): (name: string, type: string) => ResourceRecordSet[] {
  const byNameType = new Map<string, ResourceRecordSet[]>();
  for (const r of records) {
    const k = `${normalizeName(r.Name)}|${r.Type}`;
    const list = byNameType.get(k);
    if (list) list.push(r);
    else byNameType.set(k, [r]);
  }
  return (name, type) => byNameType.get(`${normalizeName(name)}|${type}`) ?? [];
}

/**
 * The listing after a validated plan: each change removes its `before` and adds its `after`,
 * in order. Used for the optimistic cache update, so the table moves before the server answers.
 */
export function applyPlan(
  records: readonly ResourceRecordSet[],
  plan: readonly PlannedChange[],
): ResourceRecordSet[] {
  const byKey = new Map<string, ResourceRecordSet>();
  for (const r of records) byKey.set(recordSetKey(r), r);
  for (const change of plan) {
    if (change.before) byKey.delete(recordSetKey(change.before));
    if (change.after) byKey.set(recordSetKey(change.after), change.after);
  }
  return [...byKey.values()];
}
