import { MAX_CHANGES_PER_BATCH, MAX_LATENCY_RECORDS_PER_NAME } from './limits';
import { normalizeName, normalizeRecordSet, recordSetKey, recordSetMismatch } from './names';
import {
  type ChangeAction,
  type ChangeBatch,
  type ChangeError,
  RECORD_TYPES,
  type ResourceRecordSet,
} from './types';
import { validateRecordSet } from './validate-record';

export { MAX_CHANGES_PER_BATCH, MAX_LATENCY_RECORDS_PER_NAME };

export interface PlannedChange {
  action: ChangeAction;
  /** The stored set this change replaces or deletes (normalised), null for a new set. */
  before: ResourceRecordSet | null;
  /** The set as it will be stored (normalised), null for DELETE. */
  after: ResourceRecordSet | null;
}

/** `errors[].change` is the 0-based change index; -1 means the batch as a whole. */
export type PlanResult = { ok: true; plan: PlannedChange[] } | { ok: false; errors: ChangeError[] };

const ACTIONS: readonly string[] = ['CREATE', 'DELETE', 'UPSERT'];
const P = 'ResourceRecordSet';

function describeSet(r: ResourceRecordSet): string {
  const id = r.SetIdentifier === undefined ? '' : ` set ${JSON.stringify(r.SetIdentifier)}`;
  return `${normalizeName(r.Name)} ${r.Type}${id}`;
}

/**
 * The zone as the batch has changed it so far: sets by name then type, loaded from `existing`
 * on first use, so each change sees the effect of the ones before it.
 */
class ZoneOverlay {
  private readonly byName = new Map<string, Map<string, ResourceRecordSet[]>>();
  constructor(private readonly existing: (name: string, type: string) => ResourceRecordSet[]) {}

  sets(name: string, type: string): ResourceRecordSet[] {
    let types = this.byName.get(name);
    if (types === undefined) {
      types = new Map();
      this.byName.set(name, types);
    }
    let list = types.get(type);
    if (list === undefined) {
      list = this.existing(name, type).map(normalizeRecordSet);
      types.set(type, list);
    }
    return list;
  }

  /** Types with at least one set at `name`. */
  typesAt(name: string): string[] {
    return RECORD_TYPES.filter((t) => this.sets(name, t).length > 0);
  }
}

/**
 * Validate a whole change batch the Route 53 way and plan it: each change is checked on its own
 * (validateRecordSet), then in order against the zone as the batch has changed it so far.
 * All bad changes are reported; a bad change is not applied to the overlay, so later changes
 * are judged as if it were absent. `existing` returns stored sets for a normalised name + type.
 */
export function planChangeBatch(
  zoneName: string,
  batch: ChangeBatch,
  existing: (name: string, type: string) => ResourceRecordSet[],
): PlanResult {
  const errors: ChangeError[] = [];
  const changes: unknown = (batch as { Changes?: unknown } | null)?.Changes;
  if (!Array.isArray(changes) || changes.length === 0) {
    return {
      ok: false,
      errors: [
        { change: -1, field: 'Changes', message: 'a change batch needs at least one change' },
      ],
    };
  }
  if (changes.length > MAX_CHANGES_PER_BATCH) {
    return {
      ok: false,
      errors: [
        {
          change: -1,
          field: 'Changes',
          message: `a change batch holds at most ${MAX_CHANGES_PER_BATCH} changes, not ${changes.length}`,
        },
      ],
    };
  }
  const zone = new ZoneOverlay(existing);
  const plan: PlannedChange[] = [];

  changes.forEach((raw: unknown, index) => {
    const fail = (field: string, message: string): void => {
      errors.push({ change: index, field, message });
    };
    const change = raw as { Action?: unknown; ResourceRecordSet?: unknown } | null;
    const action = change?.Action;
    if (typeof action !== 'string' || !ACTIONS.includes(action)) {
      fail('Action', `Action ${JSON.stringify(action)} must be CREATE, DELETE or UPSERT`);
      return;
    }
    const act = action as ChangeAction;
    const input = change?.ResourceRecordSet as ResourceRecordSet | undefined;
    const own = validateRecordSet(zoneName, input as ResourceRecordSet, { action: act });
    if (own.length > 0) {
      for (const e of own) fail(e.field, e.message);
      return;
    }
    const rec = normalizeRecordSet(input as ResourceRecordSet);
    const sets = zone.sets(rec.Name, rec.Type);
    const key = recordSetKey(rec);
    const at = sets.findIndex((s) => recordSetKey(s) === key);
    const current = at >= 0 ? (sets[at] as ResourceRecordSet) : null;
    const identityField = rec.SetIdentifier === undefined ? `${P}.Name` : `${P}.SetIdentifier`;

    if (act === 'DELETE') {
      if (current === null) {
        fail(identityField, `can't delete ${describeSet(rec)}: it does not exist`);
        return;
      }
      const differs = recordSetMismatch(current, rec);
      if (differs !== null) {
        fail(
          `${P}.${differs}`,
          `can't delete ${describeSet(rec)}: ${differs} does not match the stored record (a DELETE must repeat it exactly)`,
        );
        return;
      }
      sets.splice(at, 1);
      plan.push({ action: act, before: current, after: null });
      return;
    }

    if (act === 'CREATE' && current !== null) {
      fail(
        identityField,
        `can't create ${describeSet(rec)}: it already exists (use UPSERT to replace it)`,
      );
      return;
    }
    const others = sets.filter((_, i) => i !== at);
    const problems: [string, string][] = [];
    if (rec.Region !== undefined) {
      if (others.some((s) => s.Region === undefined)) {
        problems.push([
          `${P}.SetIdentifier`,
          `${rec.Name} ${rec.Type} already has a simple (non-latency) record; latency and simple records can't share a name and type`,
        ]);
      }
      const sameRegion = others.find((s) => s.Region === rec.Region);
      if (sameRegion !== undefined) {
        problems.push([
          `${P}.Region`,
          `${rec.Name} ${rec.Type} already has a latency record in ${rec.Region} (set ${JSON.stringify(sameRegion.SetIdentifier)}); one per region`,
        ]);
      }
      if (others.length + 1 > MAX_LATENCY_RECORDS_PER_NAME) {
        problems.push([
          `${P}.SetIdentifier`,
          `${rec.Name} ${rec.Type} would have more than ${MAX_LATENCY_RECORDS_PER_NAME} latency records`,
        ]);
      }
    } else if (others.length > 0) {
      problems.push([
        `${P}.Name`,
        `${rec.Name} ${rec.Type} already has latency records; a simple record can't share their name and type`,
      ]);
    }
    const otherTypes = zone.typesAt(rec.Name).filter((t) => t !== rec.Type);
    if (rec.Type === 'CNAME' && otherTypes.length > 0) {
      problems.push([
        `${P}.Type`,
        `${rec.Name} already has ${otherTypes.join(', ')} records; a CNAME can't coexist with other types`,
      ]);
    } else if (rec.Type !== 'CNAME' && otherTypes.includes('CNAME')) {
      problems.push([
        `${P}.Type`,
        `${rec.Name} has a CNAME; no other record type can exist at that name`,
      ]);
    }
    if (problems.length > 0) {
      for (const [field, message] of problems) fail(field, message);
      return;
    }
    if (at >= 0) sets[at] = rec;
    else sets.push(rec);
    plan.push({ action: act, before: current, after: rec });
  });

  return errors.length > 0 ? { ok: false, errors } : { ok: true, plan };
}
