import { recordSetKey } from '../../../../engine/names';
import type { ChangeBatch, ResourceRecordSet } from '../../../../engine/types';
import type { DriftDifference } from '../../../../shared/upstream';
import { type DiffRow, diffRowsFromPlan } from '../../../lib/record-diff';

/**
 * What a batch would do to a zone as diff rows: each change next to the set it replaces, so the
 * import and push previews read like every other diff in the dashboard.
 */
export function diffRowsOfBatch(
  current: readonly ResourceRecordSet[],
  batch: Pick<ChangeBatch, 'Changes'>,
): DiffRow[] {
  const byKey = new Map(current.map((r) => [recordSetKey(r), r] as const));
  return diffRowsFromPlan(
    batch.Changes.map((c) => {
      const key = recordSetKey(c.ResourceRecordSet);
      const before = c.Action === 'CREATE' ? null : (byKey.get(key) ?? null);
      const after = c.Action === 'DELETE' ? null : c.ResourceRecordSet;
      if (after) byKey.set(key, after);
      else byKey.delete(key);
      return {
        action: c.Action,
        before: c.Action === 'DELETE' ? (before ?? c.ResourceRecordSet) : before,
        after,
      };
    }),
  );
}

/**
 * The batch that makes each drifted set what upstream has ("take upstream"): UPSERT upstream's
 * set where it has one, DELETE the local set where only this zone has it. Null when nothing
 * differs. Sent as a proposal, so it is reviewed like any change.
 */
export function takeUpstreamBatch(
  differences: readonly DriftDifference[],
  comment = 'Take upstream Route 53',
): ChangeBatch | null {
  const Changes: ChangeBatch['Changes'] = [];
  for (const d of differences) {
    if (d.upstream) Changes.push({ Action: 'UPSERT', ResourceRecordSet: d.upstream });
    else if (d.local) Changes.push({ Action: 'DELETE', ResourceRecordSet: d.local });
  }
  return Changes.length ? { Comment: comment, Changes } : null;
}

/** Which side has a drifted set: both (values differ), only upstream, or only here. */
export function driftKind(d: DriftDifference): 'differs' | 'only-upstream' | 'only-local' {
  if (d.local && d.upstream) return 'differs';
  return d.upstream ? 'only-upstream' : 'only-local';
}

/** `••••1234`: a stored secret as the dashboard may show it. */
export function maskedSecret(last4: string): string {
  return `••••${last4}`;
}

export const CONNECT_FIELDS = [
  'hostedZoneId',
  'region',
  'accessKeyId',
  'secretAccessKey',
  'endpoint',
] as const;
export type ConnectField = (typeof CONNECT_FIELDS)[number];

/**
 * The API's field problems per form field; anything else (provider, zone, unknown keys) goes to
 * `form` so that no message is lost.
 */
export function connectFieldErrors(
  details: readonly { field?: string; message: string }[],
): Partial<Record<ConnectField | 'form', string[]>> {
  const out: Partial<Record<ConnectField | 'form', string[]>> = {};
  for (const d of details) {
    const f = (CONNECT_FIELDS as readonly string[]).includes(d.field ?? '')
      ? (d.field as ConnectField)
      : 'form';
    const list = out[f] ?? [];
    if (!list.includes(d.message)) list.push(d.message);
    out[f] = list;
  }
  return out;
}
