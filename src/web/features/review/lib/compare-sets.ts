import type { PlannedChange } from '../../../../engine/change-batch';
import { normalizeName, recordSetKey } from '../../../../engine/names';
import type { ResourceRecordSet } from '../../../../engine/types';

/** A name+type the proposal touches; `latency` when either side has latency records there. */
export interface TouchedName {
  /** Listing form, `app.example.com.` */
  name: string;
  type: string;
  latency: boolean;
}

/** Every name+type in a planned batch, latency ones first, each once, in batch order. */
export function touchedNames(plan: readonly PlannedChange[]): TouchedName[] {
  const byKey = new Map<string, TouchedName>();
  for (const p of plan) {
    for (const r of [p.before, p.after]) {
      if (!r) continue;
      const name = normalizeName(r.Name);
      const k = `${name}|${r.Type}`;
      const t = byKey.get(k) ?? { name, type: r.Type, latency: false };
      t.latency ||= r.Region !== undefined;
      byKey.set(k, t);
    }
  }
  const list = [...byKey.values()];
  return [...list.filter((t) => t.latency), ...list.filter((t) => !t.latency)];
}

function latencyAt(records: Iterable<ResourceRecordSet>, name: string, type: string) {
  const n = normalizeName(name);
  return [...records].filter(
    (r) => r.Region !== undefined && r.Type === type && normalizeName(r.Name) === n,
  );
}

/**
 * The latency sets of one name+type before and after a planned batch, for the before/after maps.
 * `current` is the zone now: the proposal's base when it is open and not stale (the batch is
 * applied forward), or the result when `applied` (the batch is undone backwards).
 */
export function compareSets(
  current: readonly ResourceRecordSet[],
  plan: readonly PlannedChange[],
  applied: boolean,
  name: string,
  type: string,
): { before: ResourceRecordSet[]; after: ResourceRecordSet[] } {
  const state = new Map<string, ResourceRecordSet>();
  for (const r of current) state.set(recordSetKey(r), r);
  const steps = applied ? [...plan].reverse() : plan;
  for (const p of steps) {
    const [from, to] = applied ? [p.after, p.before] : [p.before, p.after];
    if (from) state.delete(recordSetKey(from));
    if (to) state.set(recordSetKey(to), to);
  }
  const now = latencyAt(current, name, type);
  const other = latencyAt(state.values(), name, type);
  return applied ? { before: other, after: now } : { before: now, after: other };
}
