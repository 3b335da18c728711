import { normalizeName, recordSetKey } from '../../../../engine/names';
import type { ChangeBatch, ResourceRecordSet } from '../../../../engine/types';

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
 * The listing as it will be once the server applies `batch` (already validated in the form):
 * DELETE removes the set, CREATE/UPSERT puts it in place, names in listing form. Used for the
 * optimistic cache update, so the table moves before the server answers; the server's own
 * listing replaces it right after.
 */
export function applyBatchOptimistically(
  records: readonly ResourceRecordSet[],
  batch: ChangeBatch,
): ResourceRecordSet[] {
  const byKey = new Map<string, ResourceRecordSet>();
  for (const r of records) byKey.set(recordSetKey(r), r);
  for (const change of batch.Changes) {
    const set = { ...change.ResourceRecordSet, Name: normalizeName(change.ResourceRecordSet.Name) };
    const key = recordSetKey(set);
    if (change.Action === 'DELETE') byKey.delete(key);
    else byKey.set(key, set);
  }
  return [...byKey.values()];
}
