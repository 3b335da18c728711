import { normalizeName, normalizeRecordSet, recordSetKey, recordSetsEqual } from './names';
import type { Change, ChangeBatch, ResourceRecordSet } from './types';

export interface RecordSetDiff {
  added: ResourceRecordSet[];
  removed: ResourceRecordSet[];
  changed: { before: ResourceRecordSet; after: ResourceRecordSet }[];
  unchanged: ResourceRecordSet[];
}

/**
 * Compare two lists of record sets by identity (name|type|setIdentifier); a set is `changed`
 * when TTL, values (as a set), region, health check or alias differ. Lists come back sorted.
 */
export function diffRecordSets(
  before: ResourceRecordSet[],
  after: ResourceRecordSet[],
): RecordSetDiff {
  const old = new Map(before.map((r) => [recordSetKey(r), r]));
  const diff: RecordSetDiff = { added: [], removed: [], changed: [], unchanged: [] };
  const seen = new Set<string>();
  for (const r of sortRecordSets(after)) {
    const key = recordSetKey(r);
    seen.add(key);
    const prev = old.get(key);
    if (prev === undefined) diff.added.push(r);
    else if (recordSetsEqual(prev, r)) diff.unchanged.push(r);
    else diff.changed.push({ before: prev, after: r });
  }
  diff.removed = sortRecordSets(before.filter((r) => !seen.has(recordSetKey(r))));
  return diff;
}

/**
 * The minimal change batch turning `current` into `incoming`: UPSERT for new and changed sets
 * (in listing order), DELETE (exact copies of the stored sets, placed first so replacements can
 * follow in the same batch) for missing ones when `deleteMissing`. The apex NS and SOA belong to
 * the zone and are left alone, and so are the file's own: every SOA, and the NS at the name of an
 * SOA in `incoming` (a listing of another zone brings its apex along). The apex is `zoneName`, or
 * else the name of an SOA in `current`, or else in `incoming`.
 */
export function batchFromListing(
  current: ResourceRecordSet[],
  incoming: ResourceRecordSet[],
  opts: { deleteMissing?: boolean; zoneName?: string; comment?: string } = {},
): ChangeBatch {
  const soa = [...current, ...incoming].find((r) => r.Type === 'SOA');
  const apexName = opts.zoneName ?? soa?.Name;
  const apexes = new Set(
    incoming.filter((r) => r.Type === 'SOA').map((r) => normalizeName(r.Name)),
  );
  if (apexName !== undefined) apexes.add(normalizeName(apexName));
  const managed = (r: ResourceRecordSet): boolean =>
    r.Type !== 'SOA' && !(r.Type === 'NS' && apexes.has(normalizeName(r.Name)));
  const diff = diffRecordSets(current.filter(managed), incoming.filter(managed));
  const changes: Change[] = [];
  if (opts.deleteMissing === true) {
    for (const r of diff.removed) {
      changes.push({ Action: 'DELETE', ResourceRecordSet: normalizeRecordSet(r) });
    }
  }
  const upserts = sortRecordSets([...diff.added, ...diff.changed.map((c) => c.after)]);
  for (const r of upserts)
    changes.push({ Action: 'UPSERT', ResourceRecordSet: normalizeRecordSet(r) });
  const batch: ChangeBatch = { Changes: changes };
  if (opts.comment !== undefined) batch.Comment = opts.comment;
  return batch;
}

/** Route 53 listing key: labels reversed (`net.example.shop.www.`), escaped form. */
function listingNameKey(name: string): string {
  const n = normalizeName(name);
  if (n === '.') return '';
  // Split on dots not escaped (escapes are \ddd, so a bare "." is always a separator).
  return `${n.slice(0, -1).split('.').reverse().join('.')}.`;
}

const cmp = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

/**
 * Route 53's listing order of two (name, type, set id) keys: reversed-label name, then type,
 * then set id (negative, 0, positive). ListResourceRecordSets pages start from such a key.
 */
export function compareListingKeys(
  a: { Name: string; Type: string; SetIdentifier?: string },
  b: { Name: string; Type: string; SetIdentifier?: string },
): number {
  return (
    cmp(listingNameKey(a.Name), listingNameKey(b.Name)) ||
    cmp(a.Type, b.Type) ||
    cmp(a.SetIdentifier ?? '', b.SetIdentifier ?? '')
  );
}

/** Sort (a copy) in Route 53 listing order: reversed-label name, then type, then set id. */
export function sortRecordSets(list: ResourceRecordSet[]): ResourceRecordSet[] {
  return list
    .map((r) => ({ r, k: listingNameKey(r.Name) }))
    .sort(
      (a, b) =>
        cmp(a.k, b.k) ||
        cmp(a.r.Type, b.r.Type) ||
        cmp(a.r.SetIdentifier ?? '', b.r.SetIdentifier ?? ''),
    )
    .map((x) => x.r);
}
