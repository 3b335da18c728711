import { planChangeBatch } from '../../../../engine/change-batch';
import type { ChangeError, ResourceRecordSet } from '../../../../engine/types';
import { existingLookup } from './apply-plan';
import { type DraftEntry, draftBatch } from './draft';

/**
 * Apart from draft.ts so that the engine's batch planner (and its validators) load with the
 * draft tray, not with the first screen.
 */

/** The engine's verdict on the whole draft against the live zone; errors by entry id. */
export function validateDraft(
  zoneName: string,
  records: readonly ResourceRecordSet[],
  entries: readonly DraftEntry[],
): Map<number, ChangeError[]> {
  const errors = new Map<number, ChangeError[]>();
  if (!entries.length) return errors;
  const planned = planChangeBatch(zoneName, draftBatch(entries), existingLookup(records));
  if (planned.ok) return errors;
  for (const e of planned.errors) {
    const entry = entries[e.change];
    const id = entry ? entry.id : -1;
    errors.set(id, [...(errors.get(id) ?? []), e]);
  }
  return errors;
}
