import { indexByName, type PlanAnswerArgs } from '../../engine/answer';
import { isInZone, normalizeName } from '../../engine/names';
import type { ResourceRecordSet } from '../../engine/types';
import type { Repository, Zone } from '../storage/repository';

/**
 * Every served zone's record sets in memory, indexed for answering: sets by name, the names that
 * exist only because something lies below them (empty non-terminals), and which zone holds a
 * name. Loaded per zone version, so one read of a zone serves every query until it changes. The
 * TestDNSAnswer route and the DNS server's tables both read it.
 */
export interface IndexedZone {
  id: string;
  /** Apex, normalised with its trailing dot: `example.com.` */
  apex: string;
  version: number;
  serial: number;
  sets: readonly ResourceRecordSet[];
  byName: ReadonlyMap<string, ResourceRecordSet[]>;
  /** Names with something stored strictly below them (the apex included). */
  ancestors: ReadonlySet<string>;
  /** Apexes of other zones this zone's alias records point into. */
  aliasZones: ReadonlySet<string>;
  /** Every HealthCheckId the zone's sets name. */
  healthCheckIds: readonly string[];
}

function parentOf(name: string): string | null {
  const dot = name.indexOf('.');
  return dot === -1 || dot === name.length - 1 ? null : name.slice(dot + 1);
}

export function indexZone(zone: Zone, sets: readonly ResourceRecordSet[]): IndexedZone {
  const apex = normalizeName(zone.name);
  const byName = indexByName(sets);
  const ancestors = new Set<string>();
  const aliasTargets = new Set<string>();
  const health = new Set<string>();
  for (const name of byName.keys()) {
    let p = name === apex ? null : parentOf(name);
    while (p !== null && !ancestors.has(p)) {
      ancestors.add(p);
      if (p === apex) break;
      p = parentOf(p);
    }
  }
  for (const r of sets) {
    if (r.AliasTarget) aliasTargets.add(normalizeName(r.AliasTarget.DNSName));
    if (r.HealthCheckId) health.add(r.HealthCheckId);
  }
  return {
    id: zone.id,
    apex,
    version: zone.version,
    serial: zone.serial,
    sets,
    byName,
    ancestors,
    aliasZones: aliasTargets,
    healthCheckIds: [...health].sort(),
  };
}

/** Zones by id and by apex; answers "which zone holds this name" by longest match. */
export class ZoneIndex {
  private readonly byId = new Map<string, IndexedZone>();
  private readonly byApex = new Map<string, IndexedZone>();
  private loading = new Map<string, Promise<IndexedZone>>();
  /** Bumped whenever a zone is put or removed: readers can tell "nothing changed" cheaply. */
  private gen = 0;
  /** The version list the last complete sync() worked from. */
  private lastListed: readonly { id: string; version: number }[] | null = null;

  constructor(private readonly repository: Repository) {}

  get zones(): IterableIterator<IndexedZone> {
    return this.byId.values();
  }

  get(zoneId: string): IndexedZone | undefined {
    return this.byId.get(zoneId);
  }

  /** The zone (by apex) that holds `name`: the longest apex that is a suffix of it. */
  zoneFor(name: string): IndexedZone | undefined {
    let n: string | null = normalizeName(name);
    while (n !== null) {
      const z = this.byApex.get(n);
      if (z !== undefined) return z;
      n = parentOf(n);
    }
    return undefined;
  }

  /** The zone at `zone.version`, loading it when the index holds another version (or none). */
  async load(zone: Zone): Promise<IndexedZone> {
    const have = this.byId.get(zone.id);
    if (have !== undefined && have.version === zone.version) return have;
    const key = `${zone.id}@${zone.version}`;
    let pending = this.loading.get(key);
    if (pending === undefined) {
      pending = this.repository.listRecordSets(zone.id).then((sets) => {
        const indexed = indexZone(zone, sets);
        const current = this.byId.get(zone.id);
        if (current === undefined || current.version <= indexed.version) this.put(indexed);
        return indexed;
      });
      pending.finally(() => this.loading.delete(key)).catch(() => {});
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** Changes whenever the index holds another set of zones or versions. */
  get generation(): number {
    return this.gen;
  }

  put(zone: IndexedZone): void {
    this.gen++;
    const old = this.byId.get(zone.id);
    if (old !== undefined && this.byApex.get(old.apex) === old) this.byApex.delete(old.apex);
    this.byId.set(zone.id, zone);
    this.byApex.set(zone.apex, zone);
  }

  remove(zoneId: string): void {
    const old = this.byId.get(zoneId);
    if (old === undefined) return;
    this.gen++;
    this.byId.delete(zoneId);
    if (this.byApex.get(old.apex) === old) this.byApex.delete(old.apex);
  }

  /**
   * Brings the index up to date with storage: new and changed zones loaded, deleted ones dropped.
   * Returns the ids of zones that changed (added, reloaded or removed).
   */
  async sync(): Promise<string[]> {
    const changed: string[] = [];
    // Ids and versions only: this runs every 100 ms for the DNS server. A repository that hands
    // back the very same list has seen no commit since: nothing to compare.
    const listed = await this.repository.listZoneVersions();
    if (listed === this.lastListed) return changed;
    const seen = new Set<string>();
    // Whether the index now holds every listed zone at (at least) its listed version: only
    // then may the same list later be taken as "nothing to do". A zone row read a little
    // behind the list (a cached read) leaves it incomplete, so the next poll looks again.
    let complete = true;
    for (const summary of listed) {
      seen.add(summary.id);
      if (this.byId.get(summary.id)?.version === summary.version) continue;
      const zone = await this.repository.getZone(summary.id);
      if (zone === null) {
        complete = false;
        continue;
      }
      const have = this.byId.get(zone.id);
      if (have === undefined || have.version !== zone.version) {
        await this.load(zone);
        changed.push(zone.id);
      }
      if ((this.byId.get(summary.id)?.version ?? -1) < summary.version) complete = false;
    }
    for (const id of [...this.byId.keys()]) {
      if (!seen.has(id)) {
        this.remove(id);
        changed.push(id);
      }
    }
    this.lastListed = complete ? listed : null;
    return changed;
  }

  /** planAnswer's lookups over the whole index (alias targets may lie in other zones). */
  planLookups(): Pick<PlanAnswerArgs, 'lookup' | 'hasDescendants' | 'zoneFor'> {
    return {
      lookup: (name) => {
        const z = this.zoneFor(name);
        return z?.byName.get(name);
      },
      hasDescendants: (name) => this.zoneFor(name)?.ancestors.has(name) === true,
      zoneFor: (name) => {
        const z = this.zoneFor(name);
        return z !== undefined && isInZone(name, z.apex) ? z.apex : null;
      },
    };
  }
}
