import type { ChangeAction, ResourceRecordSet } from './types';

export interface FieldError {
  field: string;
  message: string;
}

/** Single-record checks (syntax, zone, type, values) that the browser form runs live. */
export function validateRecordSet(
  _zoneName: string,
  _r: ResourceRecordSet,
  _opts?: { action?: ChangeAction },
): FieldError[] {
  throw new Error('todo');
}
