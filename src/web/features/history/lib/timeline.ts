import type { ReactNode } from 'react';
import type { AppliedChange } from '../../../../shared/rrset';

/** Something other than a batch shown in History at its time (e.g. a health outage). */
export interface TimelineItem {
  key: string;
  /** ISO-8601. */
  at: string;
  node: ReactNode;
}

export type TimelineEntry = { change: AppliedChange; index: number } | TimelineItem;

/** Batches (newest first, as the API lists them) and other events merged by time, newest first. */
export function interleave(
  changes: readonly AppliedChange[],
  timeline: readonly TimelineItem[],
): TimelineEntry[] {
  const extras = [...timeline].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const out: TimelineEntry[] = [];
  let e = 0;
  changes.forEach((change, index) => {
    const t = Date.parse(change.SubmittedAt);
    while (e < extras.length && Date.parse(extras[e]?.at ?? '') >= t) {
      out.push(extras[e++] as TimelineItem);
    }
    out.push({ change, index });
  });
  while (e < extras.length) out.push(extras[e++] as TimelineItem);
  return out;
}
