import type { PlannedChange } from './change-batch';
import type { Change, ChangeBatch } from './types';

/**
 * The change batch that undoes an applied one, from its plan (the stored before/after of each
 * step): a created set is DELETEd exactly as it was written, a deleted set is CREATEd again, a
 * replaced set is UPSERTed back to its previous form; steps in reverse order, so a batch that
 * deleted and re-created the same set is undone in the right sequence.
 */
export function invertPlan(plan: readonly PlannedChange[], comment?: string): ChangeBatch {
  const changes: Change[] = [];
  for (let i = plan.length - 1; i >= 0; i--) {
    const step = plan[i] as PlannedChange;
    if (step.before && step.after) {
      changes.push({ Action: 'UPSERT', ResourceRecordSet: step.before });
    } else if (step.after) {
      changes.push({ Action: 'DELETE', ResourceRecordSet: step.after });
    } else if (step.before) {
      changes.push({ Action: 'CREATE', ResourceRecordSet: step.before });
    }
  }
  return comment === undefined ? { Changes: changes } : { Comment: comment, Changes: changes };
}
