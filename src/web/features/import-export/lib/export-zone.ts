import { normalizeName } from '../../../../engine/names';
import type { ChangeBatch, ResourceRecordSet } from '../../../../engine/types';

/** Route 53 accepts at most this many changes in one change-resource-record-sets call. */
export const ROUTE53_MAX_CHANGES = 1000;

/** The zone as `aws route53 list-resource-record-sets` prints it. */
export function exportListing(records: readonly ResourceRecordSet[]): string {
  return `${JSON.stringify({ ResourceRecordSets: records }, null, 2)}\n`;
}

/**
 * A `--change-batch` file that recreates the zone: an UPSERT per set. The apex NS and SOA are
 * left out: every hosted zone has its own, which Route 53 creates with the zone.
 */
export function exportChangeBatch(
  records: readonly ResourceRecordSet[],
  zoneName: string,
): ChangeBatch {
  const apex = normalizeName(zoneName);
  const sets = records.filter(
    (r) => !((r.Type === 'NS' || r.Type === 'SOA') && normalizeName(r.Name) === apex),
  );
  return {
    Comment: `latency-atlas export of ${zoneName.replace(/\.$/, '')}`.slice(0, 256),
    Changes: sets.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: r })),
  };
}

/** Save text as a file through a temporary object URL (no server round trip). */
export function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
