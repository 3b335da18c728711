import type { ChangeBatch, ResourceRecordSet } from './types';

/** The minimal change batch turning `current` into `incoming`. */
export function batchFromListing(
  _current: ResourceRecordSet[],
  _incoming: ResourceRecordSet[],
  _opts?: { deleteMissing?: boolean },
): ChangeBatch {
  throw new Error('todo');
}

export interface RecordSetDiff {
  added: ResourceRecordSet[];
  removed: ResourceRecordSet[];
  changed: { before: ResourceRecordSet; after: ResourceRecordSet }[];
  unchanged: ResourceRecordSet[];
}

/** Compare two lists of record sets by identity (name|type|setIdentifier). */
export function diffRecordSets(
  _before: ResourceRecordSet[],
  _after: ResourceRecordSet[],
): RecordSetDiff {
  throw new Error('todo');
}

/** Sort in Route 53 listing order: reversed-label name, then type, then set identifier. */
export function sortRecordSets(_list: ResourceRecordSet[]): ResourceRecordSet[] {
  throw new Error('todo');
}
