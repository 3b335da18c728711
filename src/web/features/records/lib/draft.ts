import { recordSetKey } from '../../../../engine/names';
import type { Change, ChangeBatch, ResourceRecordSet } from '../../../../engine/types';
import { applyBatchOptimistically } from './apply-plan';

/**
 * A draft: record edits collected instead of saved, submitted together as one proposal. Each
 * entry is one change of the eventual batch; the whole list must stay valid, in order, against
 * the live zone (the engine checks it as the server will).
 */
export interface DraftEntry {
  /** Stable within the draft (for React keys and removal). */
  id: number;
  change: Change;
}

/**
 * Adds `changes` to a draft, folding edits of a set the draft already touches so the batch stays
 * short: CREATE then UPSERT → one CREATE with the new values; UPSERT then UPSERT → the last one;
 * CREATE then DELETE → nothing. Anything else is appended in order.
 */
export function addToDraft(
  entries: readonly DraftEntry[],
  changes: readonly Change[],
  nextId: () => number,
): DraftEntry[] {
  let out = [...entries];
  for (const change of changes) {
    const key = recordSetKey(change.ResourceRecordSet);
    let lastIndex = -1;
    for (let i = out.length - 1; i >= 0; i--) {
      const e = out[i];
      if (e && recordSetKey(e.change.ResourceRecordSet) === key) {
        lastIndex = i;
        break;
      }
    }
    const last = lastIndex >= 0 ? out[lastIndex] : undefined;
    if (last && last.change.Action !== 'DELETE') {
      if (change.Action === 'UPSERT') {
        out[lastIndex] = {
          id: last.id,
          change: { Action: last.change.Action, ResourceRecordSet: change.ResourceRecordSet },
        };
        continue;
      }
      if (change.Action === 'DELETE' && last.change.Action === 'CREATE') {
        out = out.filter((_, i) => i !== lastIndex);
        continue;
      }
    }
    out.push({ id: nextId(), change });
  }
  return out;
}

export function draftBatch(entries: readonly DraftEntry[], comment?: string): ChangeBatch {
  const batch: ChangeBatch = { Changes: entries.map((e) => e.change) };
  if (comment?.trim()) batch.Comment = comment.trim();
  return batch;
}

/** The zone as it would be with the draft applied (for the table and the form's live checks). */
export function zoneWithDraft(
  records: readonly ResourceRecordSet[],
  entries: readonly DraftEntry[],
): ResourceRecordSet[] {
  return entries.length ? applyBatchOptimistically(records, draftBatch(entries)) : [...records];
}

/** Record-set keys the draft touches, with what it does to each (for marking table rows). */
export function draftMarks(entries: readonly DraftEntry[]): Map<string, Change['Action']> {
  const marks = new Map<string, Change['Action']>();
  for (const e of entries) marks.set(recordSetKey(e.change.ResourceRecordSet), e.change.Action);
  return marks;
}
