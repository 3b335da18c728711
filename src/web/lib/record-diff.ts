import type { PlannedChange } from '../../engine/change-batch';
import type { RecordSetDiff } from '../../engine/listing';
import { displayName, recordSetKey, recordSetsEqual } from '../../engine/names';
import type { Change, ResourceRecordSet } from '../../engine/types';

/**
 * Record-by-record diffs in one shape, whatever they come from (an import plan, a proposal's
 * planned batch, an applied batch from history), so every view draws them alike.
 */
export type DiffKind = 'added' | 'changed' | 'removed' | 'unchanged';

export interface DiffRow {
  kind: DiffKind;
  /** The set before; null when it is new. */
  before: ResourceRecordSet | null;
  /** The set after; null when it is deleted. */
  after: ResourceRecordSet | null;
}

function kindOf(before: ResourceRecordSet | null, after: ResourceRecordSet | null): DiffKind {
  if (!before) return 'added';
  if (!after) return 'removed';
  return recordSetsEqual(before, after) ? 'unchanged' : 'changed';
}

/** A planned batch (engine PlannedChange, or the API's `diff`) as diff rows, in batch order. */
export function diffRowsFromPlan(plan: readonly PlannedChange[]): DiffRow[] {
  return plan.map((p) => ({ kind: kindOf(p.before, p.after), before: p.before, after: p.after }));
}

/** An import diff (engine diffRecordSets) as rows: added, changed, then deleted. */
export function diffRowsFromListing(diff: RecordSetDiff): DiffRow[] {
  return [
    ...diff.added.map((r) => ({ kind: 'added' as const, before: null, after: r })),
    ...diff.changed.map(({ before, after }) => ({ kind: 'changed' as const, before, after })),
    ...diff.removed.map((r) => ({ kind: 'removed' as const, before: r, after: null })),
  ];
}

/**
 * The diff rows of batches applied one after another, knowing only their changes (what history
 * lists): replayed oldest first, so an UPSERT's `before` is the set as the previous batch left
 * it. `batches` newest first (as the API lists them); returns one row list per batch, same order.
 * Sets from before the oldest listed batch are unknown: their UPSERTs show no `before`.
 */
export function diffRowsFromHistory(
  batches: readonly { Changes: readonly Change[] }[],
): DiffRow[][] {
  const state = new Map<string, ResourceRecordSet>();
  const out: DiffRow[][] = new Array(batches.length);
  for (let i = batches.length - 1; i >= 0; i--) {
    const rows: DiffRow[] = [];
    for (const c of batches[i]?.Changes ?? []) {
      const key = recordSetKey(c.ResourceRecordSet);
      const prev = state.get(key) ?? null;
      if (c.Action === 'DELETE') {
        rows.push({ kind: 'removed', before: c.ResourceRecordSet, after: null });
        state.delete(key);
      } else {
        const before = c.Action === 'CREATE' ? null : prev;
        rows.push({
          kind: before
            ? kindOf(before, c.ResourceRecordSet)
            : c.Action === 'CREATE'
              ? 'added'
              : 'changed',
          before,
          after: c.ResourceRecordSet,
        });
        state.set(key, c.ResourceRecordSet);
      }
    }
    out[i] = rows;
  }
  return out;
}

/** `app.example.com A · singapore · ap-southeast-1` */
export function describeRecordSet(r: ResourceRecordSet): string {
  return `${displayName(r.Name)} ${r.Type}${r.SetIdentifier ? ` · ${r.SetIdentifier}` : ''}${r.Region ? ` · ${r.Region}` : ''}`;
}

/** The values as one line: `192.0.2.10, 192.0.2.11 (TTL 60)`, or the alias target. */
export function recordValuesText(r: ResourceRecordSet): string {
  if (r.AliasTarget) return `alias → ${r.AliasTarget.DNSName}`;
  const v = (r.ResourceRecords ?? []).map((x) => x.Value).join(', ');
  const extras = [
    r.TTL !== undefined ? `TTL ${r.TTL}` : '',
    r.HealthCheckId ? `health ${r.HealthCheckId}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return extras ? `${v} (${extras})` : v;
}

export function countDiff(rows: readonly DiffRow[]): Record<DiffKind, number> {
  const n = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  for (const r of rows) n[r.kind] += 1;
  return n;
}
