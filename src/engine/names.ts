import type { ResourceRecordSet } from './types';

/** Route 53 listing form: lower case, trailing dot, `*` label as `\052`. */
export function normalizeName(_name: string): string {
  throw new Error('todo');
}

/** True when `name` is the zone apex or below it. */
export function isInZone(_name: string, _zoneName: string): boolean {
  throw new Error('todo');
}

/** Human form: `*.` instead of `\052.`, no trailing dot. */
export function displayName(_name: string): string {
  throw new Error('todo');
}

/** Identity of a record set within a zone: `name|type|setIdentifier`. */
export function recordSetKey(_r: ResourceRecordSet): string {
  throw new Error('todo');
}
