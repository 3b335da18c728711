import { displayName, normalizeName } from '../../../../engine/names';
import type { ResourceRecordSet } from '../../../../engine/types';

/** One entry of the name list: a name+type and what routes it. */
export interface RecordGroup {
  /** Listing form (`app.example.com.`). */
  name: string;
  type: string;
  /** Latency records of this name+type (0 for a simple record set). */
  latencyCount: number;
  /** Region codes of those latency records, sorted. */
  regions: string[];
  /** Name relative to the zone for compact lists: `app`, `@` for the apex, `*` for a wildcard. */
  relative: string;
}

/** `app.example.com.` in zone `example.com` → `app`; the apex → `@`. */
export function relativeName(name: string, zoneName: string): string {
  const full = displayName(name);
  const zone = displayName(normalizeName(zoneName));
  if (full === zone) return '@';
  return full.endsWith(`.${zone}`) ? full.slice(0, -(zone.length + 1)) : full;
}

function reversedLabels(name: string): string {
  return normalizeName(name).split('.').reverse().join('.');
}

/**
 * Group a zone's record sets by name+type for the name list, latency groups marked with their
 * regions. Sorted as Route 53 lists names (apex first, then by reversed labels), then by type.
 */
export function groupRecordSets(
  records: readonly ResourceRecordSet[],
  zoneName: string,
): RecordGroup[] {
  const groups = new Map<string, RecordGroup>();
  for (const r of records) {
    const name = normalizeName(r.Name);
    const k = `${name}|${r.Type}`;
    let g = groups.get(k);
    if (!g) {
      g = {
        name,
        type: r.Type,
        latencyCount: 0,
        regions: [],
        relative: relativeName(name, zoneName),
      };
      groups.set(k, g);
    }
    if (r.Region) {
      g.latencyCount += 1;
      g.regions.push(r.Region);
    }
  }
  const list = [...groups.values()];
  for (const g of list) g.regions.sort();
  const sortKey = new Map(list.map((g) => [g, reversedLabels(g.name)]));
  return list.sort((a, b) => {
    const ka = sortKey.get(a) ?? '';
    const kb = sortKey.get(b) ?? '';
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
  });
}

/** The latency record sets of one name+type (what the map draws). */
export function latencySetsOf(
  records: readonly ResourceRecordSet[],
  name: string,
  type: string,
): ResourceRecordSet[] {
  const n = normalizeName(name);
  return records.filter(
    (r) => r.Region !== undefined && r.Type === type && normalizeName(r.Name) === n,
  );
}
