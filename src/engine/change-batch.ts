import type { ChangeAction, ChangeBatch, ChangeError, ResourceRecordSet } from './types';

/** Route 53 limit on latency records per name+type. */
export const MAX_LATENCY_RECORDS_PER_NAME = 100;

export interface PlannedChange {
  action: ChangeAction;
  before: ResourceRecordSet | null;
  after: ResourceRecordSet | null;
}

export type PlanResult = { ok: true; plan: PlannedChange[] } | { ok: false; errors: ChangeError[] };

/** Validate a whole change batch against the zone as it changes, Route 53 style (all or nothing). */
export function planChangeBatch(
  _zoneName: string,
  _batch: ChangeBatch,
  _existing: (name: string, type: string) => ResourceRecordSet[],
): PlanResult {
  throw new Error('todo');
}
