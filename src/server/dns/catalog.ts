import type { LatencyModel, ResourceRecordSet } from '../../engine/types';
import type { MeasurementService, ZoneModel } from '../domain/measurements';
import type { ZoneIndex } from '../domain/zone-index';
import type { Repository } from '../storage/repository';
import { NameTable } from './name-table';
import { compileZone, refreshLatencyHealth, type WireZone } from './tables';

/**
 * The compiled zones a DNS responder answers from, kept in step with storage: `refresh()` reads
 * which zones changed (version) and which health checks flipped, compiles the changed zones
 * (and zones whose aliases point into them) off to the side, then swaps each in whole.
 */
export class DnsCatalog {
  readonly apexes = new NameTable<WireZone>();
  private readonly byId = new Map<string, WireZone>();
  private health = new Map<string, boolean>();
  private chain: Promise<void> = Promise.resolve();
  /** Problems found while compiling, by zone id (values the wire cannot carry). */
  readonly problems = new Map<string, string[]>();
  onProblem: (zoneApex: string, problems: string[]) => void = () => {};
  /** Called after a refresh that changed what is served: every zone id with its version. */
  onServed: (versions: [zoneId: string, version: number][]) => void = () => {};

  /** The model each zone on the measured model is compiled with (others: distance). */
  private models = new Map<string, ZoneModel>();
  private modelKeys = new Map<string, string>();
  private lastModelCheck = Number.NEGATIVE_INFINITY;
  /** The index generation these tables were last compared with. */
  private comparedGeneration = -1;

  constructor(
    private readonly repository: Repository,
    private readonly index: ZoneIndex,
    private readonly measurements?: MeasurementService,
    /** How often routing models are looked at, ms: new measurements reach DNS this fast. */
    private readonly modelCheckMs = 1_000,
  ) {}

  /** Zones whose model (setting, window, measurements) changed since they were compiled. */
  private async readModels(changed: Set<string>): Promise<void> {
    if (this.measurements === undefined) return;
    const now = Date.now();
    if (now - this.lastModelCheck < this.modelCheckMs) return;
    this.lastModelCheck = now;
    const next = new Map<string, ZoneModel>();
    for (const { zoneId } of await this.repository.listMeasuredZones()) {
      next.set(zoneId, await this.measurements.zoneModel(zoneId));
    }
    this.models = next;
    for (const z of this.index.zones) {
      const key = next.get(z.id)?.key ?? 'distance';
      if ((this.modelKeys.get(z.id) ?? 'distance') !== key) changed.add(z.id);
    }
  }

  private modelOf(zoneId: string): LatencyModel | undefined {
    return this.models.get(zoneId)?.model;
  }

  /** The zone version the tables serve (-1: not served). */
  servedVersion(zoneId: string): number {
    return this.byId.get(zoneId)?.version ?? -1;
  }

  servedVersions(): [zoneId: string, version: number][] {
    return [...this.byId].map(([id, z]) => [id, z.version]);
  }

  zone(zoneId: string): WireZone | undefined {
    return this.byId.get(zoneId);
  }

  get zoneCount(): number {
    return this.byId.size;
  }

  private isHealthy = (r: ResourceRecordSet): boolean =>
    r.HealthCheckId === undefined || this.health.get(r.HealthCheckId) !== false;

  /** One refresh at a time; a call during a refresh waits for it and then runs again. */
  refresh(): Promise<void> {
    const run = async () => {
      const changed = new Set(await this.index.sync());
      // The index is shared (TestDNSAnswer loads zones into it too), so sync() may find a
      // version already loaded by someone else: compare with what these tables serve, unless
      // the index has not changed since the last comparison.
      const generation = this.index.generation;
      if (generation !== this.comparedGeneration) {
        for (const z of this.index.zones)
          if (this.byId.get(z.id)?.version !== z.version) changed.add(z.id);
        for (const id of this.byId.keys()) if (this.index.get(id) === undefined) changed.add(id);
      }
      await this.readHealth(changed);
      await this.readModels(changed);
      if (changed.size === 0) {
        this.comparedGeneration = generation;
        return;
      }
      // Zones with aliases into a changed zone answer from it: rebuild them too.
      const changedApexes = new Set<string>();
      for (const id of changed) {
        const z = this.index.get(id) ?? this.byId.get(id);
        if (z !== undefined) changedApexes.add(z.apex);
      }
      for (const z of this.index.zones) {
        if (
          [...z.aliasZones].some((t) =>
            [...changedApexes].some((a) => t === a || t.endsWith(`.${a}`)),
          )
        ) {
          changed.add(z.id);
        }
      }
      const lookups = this.index.planLookups();
      for (const id of changed) {
        const indexed = this.index.get(id);
        const old = this.byId.get(id);
        if (indexed === undefined) {
          if (old !== undefined) {
            this.apexes.delete(old.wire);
            this.byId.delete(id);
          }
          this.modelKeys.delete(id);
          continue;
        }
        const wire = compileZone(indexed, lookups, this.isHealthy, this.modelOf(id));
        this.modelKeys.set(id, this.models.get(id)?.key ?? 'distance');
        if (wire.problems.length > 0) {
          this.problems.set(id, wire.problems);
          this.onProblem(indexed.apex, wire.problems);
        } else this.problems.delete(id);
        if (old !== undefined && old.apex !== wire.apex) this.apexes.delete(old.wire);
        this.apexes.set(wire);
        this.byId.set(id, wire);
      }
      this.comparedGeneration = generation;
      this.onServed(this.servedVersions());
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => {});
    return next;
  }

  /** Every health check id the indexed zones name (recomputed when the index changes). */
  private healthIds(): string[] {
    if (this.healthIdsOf.generation !== this.index.generation) {
      const ids = new Set<string>();
      for (const z of this.index.zones) for (const h of z.healthCheckIds) ids.add(h);
      this.healthIdsOf = { generation: this.index.generation, ids: [...ids] };
    }
    return this.healthIdsOf.ids;
  }
  private healthIdsOf: { generation: number; ids: string[] } = { generation: -1, ids: [] };

  /** Re-read every referenced health check; flip the flags of tables whose records changed. */
  private async readHealth(rebuilt: Set<string>): Promise<void> {
    const ids = this.healthIds();
    if (ids.length === 0) {
      this.health = new Map();
      return;
    }
    const next = await this.repository.getHealth(ids);
    let differs = next.size !== this.health.size;
    if (!differs) {
      for (const [id, ok] of next) {
        if (this.health.get(id) !== ok) {
          differs = true;
          break;
        }
      }
    }
    this.health = next;
    if (!differs) return;
    for (const [id, zone] of this.byId) {
      if (rebuilt.has(id)) continue;
      for (const table of zone.latency) refreshLatencyHealth(table, this.isHealthy);
    }
  }
}
