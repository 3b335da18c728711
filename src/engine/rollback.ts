import { withoutSoaSerial } from './apex-records';
import type { PlannedChange } from './change-batch';
import { displayName, recordSetKey, recordSetMismatch } from './names';
import type { Change, ChangeBatch, ChangeError, ResourceRecordSet } from './types';

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

function describeSet(r: ResourceRecordSet): string {
  const id = r.SetIdentifier === undefined ? '' : ` (set ${JSON.stringify(r.SetIdentifier)})`;
  return `${displayName(r.Name)} ${r.Type}${id}`;
}

/**
 * Why the inverse of `plan` would not restore the zone as the batch found it: a set the batch
 * wrote has changed or gone since, or a set it deleted exists again. `current` holds the sets
 * stored now at the plan's names (more is fine). `change` indexes the invertPlan batch, so the
 * errors line up with it. [] means the rollback is exact. An SOA's serial is not compared (the
 * zone moves it on with every batch, and rolling back moves it on again).
 */
export function rollbackConflicts(
  plan: readonly PlannedChange[],
  current: readonly ResourceRecordSet[],
): ChangeError[] {
  const now = new Map<string, ResourceRecordSet>();
  for (const r of current) now.set(recordSetKey(r), r);
  const errors: ChangeError[] = [];
  plan.forEach((step, i) => {
    const change = plan.length - 1 - i;
    const written = step.after;
    if (written) {
      const stored = now.get(recordSetKey(written));
      if (!stored) {
        errors.push({
          change,
          field: 'ResourceRecordSet',
          message: `${describeSet(written)} was deleted after this change; there is nothing to roll back`,
        });
        return;
      }
      // The zone rewrites the SOA serial on every batch: only what people wrote can conflict.
      const differs = recordSetMismatch(withoutSoaSerial(stored), withoutSoaSerial(written));
      if (differs !== null) {
        errors.push({
          change,
          field: `ResourceRecordSet.${differs}`,
          message: `${describeSet(written)} was changed after this change (${differs} differs); rolling back would overwrite that later change`,
        });
      }
      return;
    }
    if (step.before && now.has(recordSetKey(step.before))) {
      errors.push({
        change,
        field: 'ResourceRecordSet',
        message: `${describeSet(step.before)} was created again after this change deleted it`,
      });
    }
  });
  return errors;
}
