import { planChangeBatch } from '../../../../engine/change-batch';
import { batchFromListing, diffRecordSets, type RecordSetDiff } from '../../../../engine/listing';
import { normalizeName, recordSetKey } from '../../../../engine/names';
import type { ChangeBatch, ChangeError, ResourceRecordSet } from '../../../../engine/types';
import type { ParsedRoute53 } from './parse-route53-json';

export interface ImportPlan {
  /** What Apply sends; null when there is nothing to change. */
  batch: ChangeBatch | null;
  diff: RecordSetDiff;
  /** Empty when the batch is valid against the current zone. */
  errors: ChangeError[];
  /** Listing only: sets in the zone that the file lacks and that stay (deleteMissing off). */
  kept: number;
}

function lookup(records: readonly ResourceRecordSet[]) {
  const by = new Map<string, ResourceRecordSet[]>();
  for (const r of records) {
    const k = `${normalizeName(r.Name)}|${r.Type}`;
    by.set(k, [...(by.get(k) ?? []), r]);
  }
  return (name: string, type: string) => by.get(`${normalizeName(name)}|${type}`) ?? [];
}

function applyPlanned(
  current: readonly ResourceRecordSet[],
  plan: readonly { before: ResourceRecordSet | null; after: ResourceRecordSet | null }[],
): ResourceRecordSet[] {
  const byKey = new Map(current.map((r) => [recordSetKey(r), r] as const));
  for (const p of plan) {
    if (p.before) byKey.delete(recordSetKey(p.before));
    if (p.after) byKey.set(recordSetKey(p.after), p.after);
  }
  return [...byKey.values()];
}

/**
 * What applying a parsed file would do to the zone: the batch (minimal batch for a listing, the
 * file itself for a change batch), the record-by-record diff, and the engine's verdict. A
 * listing never touches the zone's own apex NS and SOA, nor brings a file's apex NS/SOA along
 * (batchFromListing); a change batch is taken as written (it may UPSERT the apex NS and SOA).
 */
export function planImport(
  zoneName: string,
  current: readonly ResourceRecordSet[],
  parsed: Extract<ParsedRoute53, { kind: 'listing' | 'batch' }>,
  opts: { deleteMissing: boolean; comment?: string },
): ImportPlan {
  let batch: ChangeBatch;
  let kept = 0;
  if (parsed.kind === 'listing') {
    batch = batchFromListing([...current], parsed.records, {
      deleteMissing: opts.deleteMissing,
      zoneName,
    });
    if (opts.comment && batch.Changes.length) batch = { ...batch, Comment: opts.comment };
    if (!opts.deleteMissing) {
      const apex = normalizeName(zoneName);
      const incoming = new Set(parsed.records.map((r) => recordSetKey(r)));
      kept = current.filter(
        (r) =>
          !incoming.has(recordSetKey(r)) &&
          !((r.Type === 'SOA' || r.Type === 'NS') && normalizeName(r.Name) === apex),
      ).length;
    }
  } else {
    batch = parsed.batch;
  }
  if (!batch.Changes.length) {
    return { batch: null, diff: diffRecordSets([...current], [...current]), errors: [], kept };
  }
  const planned = planChangeBatch(zoneName, batch, lookup(current));
  if (!planned.ok) {
    // Still show what the file asks for, so the errors have context.
    const after = applyPlanned(
      current,
      batch.Changes.map((c) =>
        c.Action === 'DELETE'
          ? { before: c.ResourceRecordSet, after: null }
          : { before: null, after: c.ResourceRecordSet },
      ),
    );
    return { batch, diff: diffRecordSets([...current], after), errors: planned.errors, kept };
  }
  const after = applyPlanned(current, planned.plan);
  return { batch, diff: diffRecordSets([...current], after), errors: [], kept };
}
