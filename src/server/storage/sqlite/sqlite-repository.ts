import type { Database } from 'better-sqlite3';
import {
  apexRecordSets,
  nextSoaSerial,
  soaSerial,
  withSoaSerial,
} from '../../../engine/apex-records';
import { type PlannedChange, planChangeBatch } from '../../../engine/change-batch';
import type { Impact } from '../../../engine/impact';
import { sortRecordSets } from '../../../engine/listing';
import { normalizeName, normalizeRecordSet } from '../../../engine/names';
import type { ChangeBatch, ChangeError, ResourceRecordSet } from '../../../engine/types';
import type { Role } from '../../../shared/auth';
import type { HealthCheckConfig, HealthCheckReference } from '../../../shared/health';
import type { RoutingModel } from '../../../shared/measurements';
import { newChangeId, newProposalId, newZoneId } from '../ids';
import {
  type ActorOptions,
  type ApiToken,
  type AppliedChangeBatch,
  type AppliedChangeBatchDetail,
  type ApplyOptions,
  type ApplyResult,
  ApprovalRequiredError,
  type AuditEntry,
  type AwsAccessKey,
  type CheckerVerdict,
  type CheckerVerdictOptions,
  type CreateZoneOptions,
  DEFAULT_ZONE_SETTINGS,
  type HealthObservationRecord,
  type HealthOverrideRecord,
  type HealthState,
  type HealthTransitionRecord,
  type HealthWriteResult,
  type HostedZoneInfo,
  type HourAggregate,
  type MeasurementStats,
  type NewAuditEntry,
  type PreviewResult,
  type Proposal,
  ProposalNotFoundError,
  type ProposalResult,
  ProposalStateError,
  type ProposalStatus,
  type Repository,
  type ResourceTag,
  type Responder,
  type ResponderHeartbeat,
  SelfApprovalError,
  StaleZoneVersionError,
  type StoredHealthCheck,
  type StoredMeasurement,
  type TaggedResource,
  TokenNameTakenError,
  type UpstreamChange,
  type UpstreamConnection,
  type Zone,
  ZoneExistsError,
  ZoneNotEmptyError,
  ZoneNotFoundError,
  type ZoneSettings,
  type ZoneSummary,
} from '../repository';
import {
  type AuditRow,
  type ChangeRow,
  identity,
  jsonWithoutSerials,
  newTokenRow,
  normalizePlan,
  OPEN_STATUSES,
  type ProposalRow,
  parseRecordSet,
  proposalChangeId,
  type TokenRow,
  toApplied,
  toAudit,
  tokenCreatedAudit,
  toProposal,
  toToken,
} from '../stored-rows';
import { normalizeZoneName } from '../zone-name';
import { SqliteHealthStore } from './sqlite-health';
import { SqliteMeasurementStore } from './sqlite-measurements';
import { SqliteUpstreamStore } from './sqlite-upstream';

/** Parsed and deep-frozen, so a set handed out from the cache cannot be changed by a caller. */
function parseFrozenRecordSet(json: string): ResourceRecordSet {
  const r = parseRecordSet(json);
  if (r.ResourceRecords) {
    for (const v of r.ResourceRecords) Object.freeze(v);
    Object.freeze(r.ResourceRecords);
  }
  if (r.AliasTarget) Object.freeze(r.AliasTarget);
  return Object.freeze(r);
}

/** Per database file: how many commits this process's repositories have made to it. */
const localCommitCounters = new Map<string, { count: number }>();

function commitCounter(storeKey: string | undefined): { count: number } {
  if (storeKey === undefined) return { count: 0 };
  let counter = localCommitCounters.get(storeKey);
  if (!counter) {
    counter = { count: 0 };
    localCommitCounters.set(storeKey, counter);
  }
  return counter;
}

/** Beyond this many cached names (NXDOMAIN probes for random names, say) the cache restarts. */
const MAX_CACHED_NAMES = 100_000;

/**
 * The SQLite repository (better-sqlite3, synchronous underneath). Every statement is prepared
 * once here; a change batch is validated and written inside one IMMEDIATE transaction, so
 * concurrent writers (other connections or processes on the same file) queue on SQLite's
 * write lock and each one validates against the zone as the previous one left it. Every write
 * appends its audit entry inside the same transaction.
 */
export class SqliteRepository implements Repository {
  private closed = false;
  private readonly now: () => Date;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly health: SqliteHealthStore;
  private readonly measurements: SqliteMeasurementStore;
  private readonly upstream: SqliteUpstreamStore;
  /**
   * Read cache for the per-query hot path (getZone, recordSetsByName). Freshness: a commit
   * through any SqliteRepository of this process on the same file clears it at once (shared
   * counter); a commit by another process changes `PRAGMA data_version`, which is looked at
   * once per event-loop turn (a statement costs µs; the API's budget per request is ~50 µs).
   * So a read sees every local commit, and other processes' commits from the next turn on.
   */
  private readonly zoneCache = new Map<string, Zone | null>();
  private readonly nameCache = new Map<string, readonly ResourceRecordSet[]>();
  /**
   * The last zone version list and the zone stamp it was read at (migration 11: every zone
   * insert, update and delete bumps the stamp): the DNS poll reads one row while no zone
   * changed, whatever else is written.
   */
  private zoneVersions: readonly { id: string; version: number }[] | null = null;
  private zoneVersionsStamp = -1;
  private readonly localCommits: { count: number };
  private seenLocalCommits = 0;
  private seenDataVersion = -1;
  private dataVersionCheckedThisTurn = false;

  /**
   * `storeKey` names the database file (absolute path) so repositories of one process on the
   * same file see each other's commits at once; omit it for `:memory:`.
   */
  constructor(
    private readonly db: Database,
    opts: { storeKey?: string; now?: () => Date } = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.localCommits = commitCounter(opts.storeKey);
    this.seenLocalCommits = this.localCommits.count;
    this.sql = prepareStatements(db);
    this.health = new SqliteHealthStore(db, {
      write: (fn) => this.write(fn),
      audit: (entry) => {
        this.audit(entry);
      },
      timestamp: () => this.timestamp(),
    });
    this.measurements = new SqliteMeasurementStore(db, { write: (fn) => this.write(fn) });
    this.upstream = new SqliteUpstreamStore(db, {
      write: (fn) => this.write(fn),
      audit: (entry) => {
        this.audit(entry);
      },
      timestamp: () => this.timestamp(),
    });
  }

  /** Runs fn in an IMMEDIATE transaction (any throw rolls every write back). */
  private write<T>(fn: () => T, opts: { zoneData?: boolean } = {}): T {
    try {
      return this.db.transaction(fn).immediate();
    } finally {
      if (opts.zoneData) this.afterWrite();
    }
  }

  private clearCache(): void {
    this.zoneCache.clear();
    this.nameCache.clear();
  }

  /** After any write of ours: our cache and every same-file repository's cache are stale. */
  private afterWrite(): void {
    this.localCommits.count++;
    this.seenLocalCommits = this.localCommits.count;
    this.clearCache();
  }

  private freshCache(): void {
    if (this.seenLocalCommits !== this.localCommits.count) {
      this.seenLocalCommits = this.localCommits.count;
      this.clearCache();
    }
    if (this.dataVersionCheckedThisTurn) return;
    this.dataVersionCheckedThisTurn = true;
    setImmediate(() => {
      this.dataVersionCheckedThisTurn = false;
    });
    const version = this.sql.dataVersion.get() ?? -1;
    if (version !== this.seenDataVersion) {
      this.seenDataVersion = version;
      this.clearCache();
    }
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  /** Inside a write transaction. */
  private audit(entry: NewAuditEntry): AuditEntry {
    const at = this.timestamp();
    const detailsJson = JSON.stringify(entry.details ?? {});
    const id = this.sql.insertAudit.get(
      at,
      entry.actor,
      entry.action,
      entry.zoneId,
      entry.subject,
      detailsJson,
    ) as number;
    return { ...entry, id, at, details: JSON.parse(detailsJson) as Record<string, unknown> };
  }

  async listZoneVersions(): Promise<readonly { id: string; version: number }[]> {
    // The stamp first: a change between the two reads shows as a new stamp at the next poll.
    const stamp = this.sql.zoneStamp.get()?.n ?? -1;
    if (this.zoneVersions === null || stamp !== this.zoneVersionsStamp) {
      const rows = this.sql.zoneVersions.all() as { id: string; version: number }[];
      for (const r of rows) Object.freeze(r);
      this.zoneVersions = Object.freeze(rows);
      this.zoneVersionsStamp = stamp;
    }
    return this.zoneVersions;
  }

  async listZones(): Promise<ZoneSummary[]> {
    return this.sql.listZones.all();
  }

  async listZoneHeads(): Promise<{ id: string; name: string; version: number; serial: number }[]> {
    return this.sql.zoneHeads.all();
  }

  async getZone(zoneId: string): Promise<Zone | null> {
    this.freshCache();
    let zone = this.zoneCache.get(zoneId);
    if (zone === undefined) {
      zone = this.sql.getZone.get(zoneId) ?? null;
      if (this.zoneCache.size >= MAX_CACHED_NAMES) this.zoneCache.clear();
      this.zoneCache.set(zoneId, zone);
    }
    return zone && { ...zone };
  }

  async createZone(name: string, opts: CreateZoneOptions = {}): Promise<Zone> {
    const zoneName = normalizeZoneName(name);
    const apexSets = apexRecordSets(zoneName, opts.nameServers);
    const serial = apexSets.map(soaSerial).find((n) => n !== null) ?? 0;
    const zone: Zone = {
      id: newZoneId(),
      name: zoneName,
      createdAt: this.timestamp(),
      version: 0,
      serial,
    };
    try {
      this.write(
        () => {
          this.sql.insertZone.run(
            zone.id,
            zone.name,
            serial,
            zone.createdAt,
            opts.callerReference ?? null,
            opts.comment ?? null,
            newChangeId(),
          );
          for (const set of apexSets) this.insertRecordSet(zone.id, set);
          this.audit({
            actor: opts.actor ?? null,
            action: 'zone.created',
            zoneId: zone.id,
            subject: zone.name,
            details: {
              nameServers: apexSets
                .find((r) => r.Type === 'NS')
                ?.ResourceRecords?.map((v) => v.Value),
            },
          });
        },
        { zoneData: true },
      );
    } catch (err) {
      if (
        opts.callerReference !== undefined &&
        this.sql.zoneByCallerRef.get(opts.callerReference) !== undefined
      ) {
        throw new ZoneExistsError(zoneName, 'callerReference');
      }
      if (this.sql.zoneIdByName.get(zoneName) !== undefined) throw new ZoneExistsError(zoneName);
      throw err;
    }
    return zone;
  }

  async deleteZone(
    zoneId: string,
    opts: { force?: boolean } & ActorOptions = {},
  ): Promise<boolean> {
    return this.write(
      () => {
        const zone = this.sql.getZone.get(zoneId);
        if (!zone) return false;
        const nonApex = this.sql.countNonApex.get(zoneId, normalizeName(zone.name)) ?? 0;
        if (opts.force !== true && nonApex > 0) throw new ZoneNotEmptyError(zoneId);
        // record_sets, history, settings and proposals go with it (ON DELETE CASCADE); the
        // audit log keeps its entries.
        this.sql.deleteZone.run(zoneId);
        this.audit({
          actor: opts.actor ?? null,
          action: 'zone.deleted',
          zoneId,
          subject: zone.name,
          details: { force: opts.force === true, recordSets: nonApex, version: zone.version },
        });
        return true;
      },
      { zoneData: true },
    );
  }

  async listRecordSets(zoneId: string): Promise<ResourceRecordSet[]> {
    return sortRecordSets(this.sql.recordJsonByZone.all(zoneId).map(parseRecordSet));
  }

  /** Hot path (every testdnsanswer): served from the read cache; the sets are frozen. */
  async recordSetsByName(zoneId: string, name: string): Promise<ResourceRecordSet[]> {
    this.freshCache();
    const key = `${zoneId} ${name}`;
    let sets = this.nameCache.get(key);
    if (sets === undefined) {
      sets = Object.freeze(
        this.sql.recordJsonByName.all(zoneId, normalizeName(name)).map(parseFrozenRecordSet),
      );
      if (this.nameCache.size >= MAX_CACHED_NAMES) this.nameCache.clear();
      this.nameCache.set(key, sets);
    }
    return sets.slice();
  }

  /**
   * Plans a batch against the zone as stored (call inside a transaction for a consistent
   * view). `recordsAtNames`: every set at every name the engine looked at.
   */
  private planNow(
    zone: Zone,
    batch: ChangeBatch,
  ):
    | { ok: true; plan: PlannedChange[]; recordsAtNames: ResourceRecordSet[] }
    | { ok: false; errors: ChangeError[]; recordsAtNames: ResourceRecordSet[] } {
    // The engine asks for the sets at each name+type the batch touches; load each name once.
    const byName = new Map<string, ResourceRecordSet[]>();
    const existing = (name: string, type: string): ResourceRecordSet[] => {
      const key = normalizeName(name);
      let sets = byName.get(key);
      if (!sets) {
        sets = this.sql.recordJsonByName.all(zone.id, key).map(parseRecordSet);
        byName.set(key, sets);
      }
      return sets.filter((s) => s.Type === type);
    };
    const result = planChangeBatch(zone.name, batch, existing);
    const recordsAtNames = sortRecordSets([...byName.values()].flat());
    if (!result.ok) return { ok: false, errors: result.errors, recordsAtNames };
    return { ok: true, plan: normalizePlan(result.plan), recordsAtNames };
  }

  async previewChangeBatch(zoneId: string, batch: ChangeBatch): Promise<PreviewResult> {
    // A deferred transaction is enough: one consistent snapshot for the version and the sets.
    return this.db.transaction((): PreviewResult => {
      const zone = this.sql.getZone.get(zoneId);
      if (!zone) throw new ZoneNotFoundError(zoneId);
      const planned = this.planNow(zone, batch);
      if (!planned.ok) {
        return {
          ok: false,
          version: zone.version,
          errors: planned.errors,
          recordsAtNames: planned.recordsAtNames,
        };
      }
      return {
        ok: true,
        version: zone.version,
        plan: planned.plan,
        recordsAtNames: planned.recordsAtNames,
      };
    })();
  }

  async applyChangeBatch(
    zoneId: string,
    batch: ChangeBatch,
    opts: ApplyOptions = {},
  ): Promise<ApplyResult> {
    return this.write(() => this.applyNow(zoneId, batch, opts, null), { zoneData: true });
  }

  /** Inside a write transaction: any throw rolls every write back. */
  private applyNow(
    zoneId: string,
    batch: ChangeBatch,
    opts: ApplyOptions,
    proposalId: string | null,
    changeId: string = newChangeId(),
  ): ApplyResult {
    const zone = this.sql.getZone.get(zoneId);
    if (!zone) throw new ZoneNotFoundError(zoneId);
    if (opts.expectedVersion !== undefined && zone.version !== opts.expectedVersion) {
      throw this.staleError(zone, opts.expectedVersion);
    }
    const planned = this.planNow(zone, batch);
    if (!planned.ok) return { ok: false, errors: planned.errors };

    const apex = normalizeName(zone.name);
    const soaBefore = this.sql.recordJson.get(zoneId, apex, 'SOA', '');
    for (const step of planned.plan) {
      if (step.before) {
        const removed = this.sql.deleteRecord.run(zoneId, ...identity(step.before));
        if (removed.changes !== 1) {
          // The engine planned against rows that are not there: refuse rather than guess.
          throw new Error(`record set ${identity(step.before).join('|')} vanished while applying`);
        }
      }
      if (step.after) this.insertRecordSet(zoneId, step.after);
    }

    const serial = this.advanceSoaSerial(zone, soaBefore, planned.plan);
    const version = this.sql.bumpVersion.get(serial, zoneId);
    if (version === undefined) throw new ZoneNotFoundError(zoneId);
    const author = opts.author ?? null;
    const change: AppliedChangeBatch = {
      id: changeId,
      zoneId,
      submittedAt: this.timestamp(),
      comment: batch.Comment ?? null,
      author,
      appliedBy: opts.appliedBy ?? author,
      proposalId,
      version,
      changes: batch.Changes.map((c) => ({
        Action: c.Action,
        ResourceRecordSet: normalizeRecordSet(c.ResourceRecordSet),
      })),
      impact: opts.impact ?? null,
    };
    this.sql.insertChange.run(
      change.id,
      zoneId,
      version,
      change.submittedAt,
      change.comment,
      author,
      JSON.stringify(change.changes),
      JSON.stringify(planned.plan),
      change.impact === null ? null : JSON.stringify(change.impact),
      change.appliedBy,
      proposalId,
    );
    this.audit({
      actor: change.appliedBy,
      action: 'changes.applied',
      zoneId,
      subject: change.id,
      details: {
        version,
        comment: change.comment,
        changes: change.changes.length,
        author,
        ...(proposalId ? { proposalId } : {}),
      },
    });
    return { ok: true, change };
  }

  /** Inside a write transaction. */
  private insertRecordSet(zoneId: string, set: ResourceRecordSet): void {
    const [name, type, setIdentifier] = identity(set);
    this.sql.insertRecord.run(
      zoneId,
      name,
      type,
      setIdentifier,
      set.Region ?? null,
      JSON.stringify(set),
    );
  }

  /**
   * Inside applyNow, after the plan's steps: rewrites the apex SOA's serial to max(serial before
   * the batch + 1, serial the batch wrote into the SOA) and returns it (0 when the zone has no
   * SOA). The rewrite stays out of the batch's recorded changes and plan.
   */
  private advanceSoaSerial(
    zone: Zone,
    soaBeforeJson: string | undefined,
    plan: readonly PlannedChange[],
  ): number {
    const apex = normalizeName(zone.name);
    const json = this.sql.recordJson.get(zone.id, apex, 'SOA', '');
    if (json === undefined) return 0;
    const soa = parseRecordSet(json);
    const value = soa.ResourceRecords?.[0]?.Value;
    const written = soaSerial(soa);
    if (value === undefined || written === null) return zone.serial;
    const previous =
      (soaBeforeJson === undefined ? null : soaSerial(parseRecordSet(soaBeforeJson))) ??
      zone.serial;
    const touched = plan.some((step) => step.after?.Type === 'SOA' && step.after.Name === apex);
    const serial = nextSoaSerial(previous, touched ? written : undefined);
    const rewritten: ResourceRecordSet = {
      ...soa,
      ResourceRecords: [{ Value: withSoaSerial(value, serial) }],
    };
    this.sql.updateRecordJson.run(JSON.stringify(rewritten), zone.id, apex, 'SOA', '');
    return serial;
  }

  private staleError(zone: Zone, expectedVersion: number): StaleZoneVersionError {
    const since = this.sql.changesSince.all(zone.id, expectedVersion).map(toApplied);
    return new StaleZoneVersionError(zone.id, expectedVersion, zone.version, since);
  }

  async listChanges(
    zoneId: string,
    opts: { limit?: number; sinceVersion?: number } = {},
  ): Promise<AppliedChangeBatch[]> {
    const limit = opts.limit !== undefined && opts.limit >= 0 ? Math.floor(opts.limit) : -1;
    return this.sql.listChanges.all(zoneId, opts.sinceVersion ?? -1, limit).map(toApplied);
  }

  async findChange(changeId: string): Promise<AppliedChangeBatch | null> {
    const row = this.sql.findChange.get(changeId);
    return row ? toApplied(row) : null;
  }

  async getChange(zoneId: string, changeId: string): Promise<AppliedChangeBatchDetail | null> {
    const row = this.sql.getChange.get(zoneId, changeId);
    if (!row) return null;
    return { ...toApplied(row), plan: JSON.parse(row.planJson) as PlannedChange[] };
  }

  async getHealth(healthCheckIds: string[]): Promise<Map<string, boolean>> {
    return this.health.getHealth(healthCheckIds);
  }

  async setHealth(
    healthCheckId: string,
    healthy: boolean,
    opts: ActorOptions & { reason?: string | null } = {},
  ): Promise<HealthWriteResult> {
    return this.health.setOverride(healthCheckId, healthy, opts);
  }

  async clearHealthOverride(
    healthCheckId: string,
    opts: ActorOptions = {},
  ): Promise<HealthWriteResult & { cleared: boolean }> {
    return this.health.clearOverride(healthCheckId, opts);
  }

  async createHealthCheck(
    check: { name: string; config: HealthCheckConfig; callerReference?: string },
    opts: ActorOptions = {},
  ): Promise<{ check: StoredHealthCheck } & HealthWriteResult> {
    return this.health.create(check, opts);
  }

  async findHealthCheckByCallerReference(callerReference: string): Promise<string | null> {
    return this.health.byCallerReference(callerReference);
  }

  async updateHealthCheck(
    healthCheckId: string,
    update: { expectedVersion: number; name: string; config: HealthCheckConfig },
    opts: ActorOptions = {},
  ): Promise<{ check: StoredHealthCheck } & HealthWriteResult> {
    return this.health.update(healthCheckId, update, opts);
  }

  async deleteHealthCheck(
    healthCheckId: string,
    opts: ActorOptions = {},
  ): Promise<{ deleted: boolean } & HealthWriteResult> {
    return this.health.delete(healthCheckId, opts);
  }

  async getHealthCheck(healthCheckId: string): Promise<StoredHealthCheck | null> {
    return this.health.getCheck(healthCheckId);
  }

  async listHealthChecks(): Promise<StoredHealthCheck[]> {
    return this.health.listChecks();
  }

  async getHealthStates(healthCheckIds: string[]): Promise<Map<string, HealthState>> {
    return this.health.getStates(healthCheckIds);
  }

  async listHealthOverrides(): Promise<Map<string, HealthOverrideRecord>> {
    return this.health.listOverrides();
  }

  async recordHealthObservation(
    healthCheckId: string,
    observation: HealthObservationRecord,
    checker: boolean | null,
    opts: CheckerVerdictOptions = {},
  ): Promise<HealthWriteResult> {
    return this.health.recordObservation(healthCheckId, observation, checker, opts);
  }

  async listCheckerVerdicts(healthCheckId: string): Promise<CheckerVerdict[]> {
    return this.health.verdicts(healthCheckId);
  }

  async listHealthObservations(
    healthCheckId: string,
    limit = 20,
  ): Promise<HealthObservationRecord[]> {
    return this.health.observations(healthCheckId, limit);
  }

  async listHealthTransitions(
    opts: { healthCheckIds?: string[]; zoneId?: string; since?: string; limit?: number } = {},
  ): Promise<HealthTransitionRecord[]> {
    return this.health.transitions(opts);
  }

  async healthCheckReferences(
    healthCheckIds?: string[],
  ): Promise<Map<string, HealthCheckReference[]>> {
    return this.health.references(healthCheckIds);
  }

  async getZoneSettings(zoneId: string): Promise<ZoneSettings | null> {
    if (!this.sql.getZone.get(zoneId)) return null;
    return this.readSettings(zoneId);
  }

  private readSettings(zoneId: string): ZoneSettings {
    const row = this.sql.getSettings.get(zoneId);
    if (!row) return { ...DEFAULT_ZONE_SETTINGS, probeUrls: {} };
    return {
      requireApproval: row.requireApproval === 1,
      routingModel: row.routingModel,
      measurementWindowDays: row.windowDays,
      probeUrls: JSON.parse(row.probeUrlsJson) as Record<string, string>,
      beaconKey: row.beaconKey,
    };
  }

  async updateZoneSettings(
    zoneId: string,
    settings: Partial<ZoneSettings>,
    opts: ActorOptions = {},
  ): Promise<ZoneSettings> {
    return this.write(() => {
      if (!this.sql.getZone.get(zoneId)) throw new ZoneNotFoundError(zoneId);
      const actor = opts.actor ?? null;
      const before = this.readSettings(zoneId);
      const after: ZoneSettings = { ...before };
      for (const key of Object.keys(settings) as (keyof ZoneSettings)[]) {
        if (settings[key] !== undefined)
          (after as unknown as Record<string, unknown>)[key] = settings[key];
      }
      this.sql.upsertSettings.run(
        zoneId,
        after.requireApproval ? 1 : 0,
        after.routingModel,
        after.measurementWindowDays,
        JSON.stringify(after.probeUrls),
        after.beaconKey,
        this.timestamp(),
        actor,
      );
      const details: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of Object.keys(after) as (keyof ZoneSettings)[]) {
        if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
          details[key] = { from: before[key], to: after[key] };
        }
      }
      this.audit({ actor, action: 'settings.updated', zoneId, subject: zoneId, details });
      return after;
    });
  }

  async listMeasuredZones(): Promise<{ zoneId: string; windowDays: number }[]> {
    return this.sql.measuredZones.all();
  }

  async getHostedZoneInfo(zoneId: string): Promise<HostedZoneInfo | null> {
    return this.sql.hostedZoneInfo.get(zoneId) ?? null;
  }

  async findZoneByCallerReference(callerReference: string): Promise<string | null> {
    return this.sql.zoneByCallerRef.get(callerReference) ?? null;
  }

  async findZoneCreation(changeId: string): Promise<{ zoneId: string; createdAt: string } | null> {
    return this.sql.zoneCreation.get(changeId) ?? null;
  }

  async setZoneComment(
    zoneId: string,
    comment: string | null,
    opts: ActorOptions = {},
  ): Promise<void> {
    this.write(() => {
      const before = this.sql.hostedZoneInfo.get(zoneId);
      if (!before) throw new ZoneNotFoundError(zoneId);
      this.sql.setComment.run(comment, zoneId);
      this.audit({
        actor: opts.actor ?? null,
        action: 'zone.comment-updated',
        zoneId,
        subject: zoneId,
        details: { from: before.comment, to: comment },
      });
    });
  }

  async listTags(type: TaggedResource, id: string): Promise<ResourceTag[]> {
    return this.sql.listTags.all(type, id);
  }

  async changeTags(
    type: TaggedResource,
    id: string,
    add: readonly ResourceTag[],
    remove: readonly string[],
    opts: ActorOptions = {},
  ): Promise<void> {
    this.write(() => {
      for (const key of remove) this.sql.deleteTag.run(type, id, key);
      for (const t of add) this.sql.upsertTag.run(type, id, t.Key, t.Value);
      this.audit({
        actor: opts.actor ?? null,
        action: 'tags.changed',
        zoneId: type === 'hostedzone' ? id : null,
        subject: `${type}/${id}`,
        details: { add, remove },
      });
    });
  }

  async findProposalByChangeId(changeId: string): Promise<Proposal | null> {
    const row = this.sql.proposalByChangeId.get(changeId);
    return row ? toProposal(row) : null;
  }

  async findZoneByBeaconKey(key: string): Promise<string | null> {
    return this.sql.zoneByBeaconKey.get(key) ?? null;
  }

  async insertMeasurements(rows: readonly StoredMeasurement[]): Promise<number> {
    return this.measurements.insert(rows);
  }

  async measurementAggregates(opts: {
    from: number;
    to: number;
    dropNetwork?: boolean;
    cell?: string;
    region?: string;
  }): Promise<HourAggregate[]> {
    return this.measurements.aggregates(opts);
  }

  async compactMeasurements(opts: {
    rawBefore: number;
    aggregatesBefore: number;
    maxHours?: number;
  }) {
    return this.measurements.compact(opts);
  }

  async measurementsVersion(): Promise<number> {
    return this.measurements.version();
  }

  async measurementStats(): Promise<MeasurementStats> {
    return this.measurements.stats();
  }

  async createProposal(
    zoneId: string,
    batch: ChangeBatch,
    opts: {
      author: string;
      rollbackOf?: string | null;
      supersedes?: string | null;
      expectedVersion?: number;
    },
  ): Promise<ProposalResult> {
    return this.write((): ProposalResult => {
      const zone = this.sql.getZone.get(zoneId);
      if (!zone) throw new ZoneNotFoundError(zoneId);
      if (opts.expectedVersion !== undefined && zone.version !== opts.expectedVersion) {
        throw this.staleError(zone, opts.expectedVersion);
      }
      const planned = this.planNow(zone, batch);
      if (!planned.ok) return { ok: false, errors: planned.errors };
      const now = this.timestamp();
      const id = newProposalId();
      if (opts.supersedes) {
        const old = this.sql.getProposal.get(opts.supersedes);
        if (!old || old.zoneId !== zoneId) throw new ProposalNotFoundError(opts.supersedes);
        if (!OPEN_STATUSES.includes(old.status)) {
          throw new ProposalStateError(old.id, old.status, 'superseded');
        }
        this.sql.supersede.run(id, now, old.id);
        this.audit({
          actor: opts.author,
          action: 'proposal.superseded',
          zoneId,
          subject: old.id,
          details: { supersededBy: id },
        });
      }
      this.sql.insertProposal.run(
        id,
        zoneId,
        opts.author,
        batch.Comment ?? null,
        JSON.stringify(batch),
        JSON.stringify(planned.plan),
        JSON.stringify(planned.recordsAtNames),
        zone.version,
        now,
        now,
        opts.rollbackOf ?? null,
        proposalChangeId(id),
      );
      this.audit({
        actor: opts.author,
        action: 'proposal.created',
        zoneId,
        subject: id,
        details: {
          baseVersion: zone.version,
          changes: batch.Changes.length,
          comment: batch.Comment ?? null,
          ...(opts.rollbackOf ? { rollbackOf: opts.rollbackOf } : {}),
          ...(opts.supersedes ? { supersedes: opts.supersedes } : {}),
        },
      });
      return { ok: true, proposal: this.loadProposal(id) };
    });
  }

  private loadProposal(proposalId: string): Proposal {
    const row = this.sql.getProposal.get(proposalId);
    if (!row) throw new ProposalNotFoundError(proposalId);
    return toProposal(row);
  }

  async getProposal(proposalId: string): Promise<Proposal | null> {
    const row = this.sql.getProposal.get(proposalId);
    return row ? toProposal(row) : null;
  }

  async listProposals(
    zoneId: string,
    opts: { status?: ProposalStatus; limit?: number } = {},
  ): Promise<Proposal[]> {
    const limit = opts.limit !== undefined && opts.limit >= 0 ? Math.floor(opts.limit) : -1;
    return this.sql.listProposals
      .all({ zoneId, status: opts.status ?? null, limit })
      .map(toProposal);
  }

  async decideProposal(
    proposalId: string,
    decision: { status: 'approved' | 'rejected'; actor: string; reason?: string | null },
  ): Promise<Proposal> {
    return this.write(() => {
      const proposal = this.loadProposal(proposalId);
      const verb = decision.status;
      if (proposal.status !== 'pending')
        throw new ProposalStateError(proposalId, proposal.status, verb);
      if (verb === 'approved' && decision.actor === proposal.author) {
        throw new SelfApprovalError(proposalId, proposal.author);
      }
      const now = this.timestamp();
      const reason = decision.reason ?? null;
      this.sql.decide.run(verb, decision.actor, now, reason, now, proposalId);
      this.audit({
        actor: decision.actor,
        action: verb === 'approved' ? 'proposal.approved' : 'proposal.rejected',
        zoneId: proposal.zoneId,
        subject: proposalId,
        details: { ...(reason !== null ? { reason } : {}), baseVersion: proposal.baseVersion },
      });
      return this.loadProposal(proposalId);
    });
  }

  async rebaseProposal(proposalId: string, opts: ActorOptions = {}): Promise<ProposalResult> {
    return this.write((): ProposalResult => {
      const proposal = this.loadProposal(proposalId);
      if (!OPEN_STATUSES.includes(proposal.status)) {
        throw new ProposalStateError(proposalId, proposal.status, 'rebased');
      }
      const zone = this.sql.getZone.get(proposal.zoneId);
      if (!zone) throw new ZoneNotFoundError(proposal.zoneId);
      const planned = this.planNow(zone, proposal.batch);
      if (!planned.ok) return { ok: false, errors: planned.errors };
      const planJson = JSON.stringify(planned.plan);
      const recordsJson = JSON.stringify(planned.recordsAtNames);
      // The approval covered an exact diff and its surroundings; keep it only if both hold. The
      // apex SOA's serial moves with every batch, so it alone does not void an approval.
      const same =
        jsonWithoutSerials(planned.plan.flatMap((p) => [p.before, p.after])) ===
          jsonWithoutSerials(proposal.plan.flatMap((p) => [p.before, p.after])) &&
        planned.plan.map((p) => p.action).join() === proposal.plan.map((p) => p.action).join() &&
        jsonWithoutSerials(planned.recordsAtNames) === jsonWithoutSerials(proposal.baseRecords);
      const keepApproval = proposal.status === 'approved' && same;
      const now = this.timestamp();
      this.sql.rebase.run({
        baseVersion: zone.version,
        planJson,
        recordsJson,
        keep: keepApproval ? 1 : 0,
        now,
        id: proposalId,
      });
      this.audit({
        actor: opts.actor ?? null,
        action: 'proposal.rebased',
        zoneId: proposal.zoneId,
        subject: proposalId,
        details: {
          fromVersion: proposal.baseVersion,
          toVersion: zone.version,
          ...(proposal.status === 'approved' ? { approvalKept: keepApproval } : {}),
        },
      });
      return { ok: true, proposal: this.loadProposal(proposalId) };
    });
  }

  async applyProposal(
    proposalId: string,
    opts: { actor: string; impact?: Impact | null },
  ): Promise<{ proposal: Proposal; change: AppliedChangeBatch }> {
    return this.write(
      () => {
        const proposal = this.loadProposal(proposalId);
        if (!OPEN_STATUSES.includes(proposal.status)) {
          throw new ProposalStateError(proposalId, proposal.status, 'applied');
        }
        const zone = this.sql.getZone.get(proposal.zoneId);
        if (!zone) throw new ZoneNotFoundError(proposal.zoneId);
        if (this.sql.requireApproval.get(zone.id) === 1 && proposal.status !== 'approved') {
          throw new ApprovalRequiredError(proposalId, proposal.status);
        }
        const result = this.applyNow(
          zone.id,
          { ...proposal.batch, Comment: proposal.comment ?? undefined },
          {
            author: proposal.author,
            appliedBy: opts.actor,
            expectedVersion: proposal.baseVersion,
            impact: opts.impact ?? null,
          },
          proposalId,
          proposal.changeId,
        );
        if (!result.ok) {
          // Same zone version, same batch: the plan stored at creation/rebase must still hold.
          throw new Error(
            `proposal ${proposalId} no longer validates at its base version: ${JSON.stringify(result.errors)}`,
          );
        }
        this.sql.markApplied.run(result.change.id, this.timestamp(), proposalId);
        this.audit({
          actor: opts.actor,
          action: 'proposal.applied',
          zoneId: zone.id,
          subject: proposalId,
          details: { changeId: result.change.id, version: result.change.version },
        });
        return { proposal: this.loadProposal(proposalId), change: result.change };
      },
      { zoneData: true },
    );
  }

  /** Inside a write: a new token's row and its audit entry. */
  private createToken(
    token: { name: string; role: Role; hash: string },
    actor: string | null | undefined,
  ): ApiToken {
    const row = newTokenRow(token, this.timestamp());
    this.sql.insertToken.run(row.id, row.name, row.role, row.hash, row.createdAt);
    this.audit(tokenCreatedAudit(row, actor));
    return toToken(row);
  }

  async createApiToken(
    token: { name: string; role: Role; hash: string },
    opts: ActorOptions = {},
  ): Promise<ApiToken> {
    return this.write(() => {
      if (this.sql.tokenByName.get(token.name)) throw new TokenNameTakenError(token.name);
      return this.createToken(token, opts.actor);
    });
  }

  async findApiTokenByHash(hash: string): Promise<(ApiToken & { hash: string }) | null> {
    const row = this.sql.tokenByHash.get(hash);
    return row ? { ...toToken(row), hash: row.hash } : null;
  }

  async listApiTokens(): Promise<ApiToken[]> {
    return this.sql.listTokens.all().map(toToken);
  }

  async createAwsAccessKey(
    key: { id: string; tokenId: string; secretBox: string },
    opts: ActorOptions = {},
  ): Promise<AwsAccessKey> {
    return this.write(() => {
      const token = this.sql.tokenById.get(key.tokenId);
      if (!token) throw new Error(`no API token with id ${key.tokenId}`);
      const createdAt = this.timestamp();
      this.sql.insertAwsKey.run(key.id, key.tokenId, key.secretBox, createdAt);
      this.audit({
        actor: opts.actor ?? null,
        action: 'aws-key.created',
        zoneId: null,
        subject: token.name,
        details: { accessKeyId: key.id, role: token.role },
      });
      return { id: key.id, tokenId: key.tokenId, createdAt, revokedAt: null };
    });
  }

  async findAwsAccessKey(
    id: string,
  ): Promise<(AwsAccessKey & { secretBox: string; token: ApiToken }) | null> {
    const row = this.sql.awsKeyById.get(id);
    if (!row) return null;
    const token = this.sql.tokenById.get(row.tokenId);
    if (!token) return null;
    return {
      id: row.id,
      tokenId: row.tokenId,
      createdAt: row.createdAt,
      revokedAt: row.revokedAt,
      secretBox: row.secretBox,
      token: toToken(token),
    };
  }

  async listAwsAccessKeys(tokenId: string): Promise<AwsAccessKey[]> {
    return this.sql.awsKeysOfToken.all(tokenId);
  }

  async getUpstream(zoneId: string): Promise<UpstreamConnection | null> {
    return this.upstream.get(zoneId);
  }

  async setUpstream(
    conn: Parameters<Repository['setUpstream']>[0],
    opts: ActorOptions = {},
  ): Promise<UpstreamConnection> {
    if (!this.sql.getZone.get(conn.zoneId)) throw new ZoneNotFoundError(conn.zoneId);
    return this.upstream.set(conn, opts.actor ?? null);
  }

  async deleteUpstream(zoneId: string, opts: ActorOptions = {}): Promise<boolean> {
    return this.upstream.delete(zoneId, opts.actor ?? null);
  }

  async listUpstreams(): Promise<UpstreamConnection[]> {
    return this.upstream.list();
  }

  async recordUpstreamCheck(
    zoneId: string,
    check: { at: string; error: string | null; drift?: unknown },
  ): Promise<void> {
    this.upstream.recordCheck(zoneId, check);
  }

  async recordUpstreamChange(
    change: Omit<UpstreamChange, 'insyncAt' | 'polledAt' | 'polls'>,
  ): Promise<void> {
    this.upstream.recordChange(change);
  }

  async updateUpstreamChange(
    changeId: string,
    update: { status: 'PENDING' | 'INSYNC'; at: string },
  ): Promise<void> {
    this.upstream.updateChange(changeId, update);
  }

  async getUpstreamChange(changeId: string): Promise<UpstreamChange | null> {
    return this.upstream.getChange(changeId);
  }

  async listPendingUpstreamChanges(): Promise<UpstreamChange[]> {
    return this.upstream.pending();
  }

  async countApiTokens(): Promise<number> {
    return this.sql.countTokens.get() ?? 0;
  }

  async revokeApiToken(name: string, opts: ActorOptions = {}): Promise<ApiToken | null> {
    return this.write(() => {
      const row = this.sql.tokenByName.get(name);
      if (!row) return null;
      if (row.revokedAt !== null) return toToken(row);
      const at = this.timestamp();
      this.sql.revokeToken.run(at, row.id);
      this.audit({
        actor: opts.actor ?? null,
        action: 'token.revoked',
        zoneId: null,
        subject: row.name,
        details: { role: row.role, tokenId: row.id },
      });
      return toToken({ ...row, revokedAt: at });
    });
  }

  async setApiTokenSecret(
    token: { name: string; role: Role; hash: string },
    opts: ActorOptions = {},
  ): Promise<ApiToken> {
    return this.write(() => {
      const row = this.sql.tokenByName.get(token.name);
      if (!row) return this.createToken(token, opts.actor);
      if (row.hash === token.hash && row.role === token.role && row.revokedAt === null) {
        return toToken(row);
      }
      this.sql.resetToken.run(token.hash, token.role, row.id);
      this.audit({
        actor: opts.actor ?? null,
        action: 'token.rotated',
        zoneId: null,
        subject: row.name,
        details: { role: token.role, tokenId: row.id, wasRevoked: row.revokedAt !== null },
      });
      return toToken({ ...row, hash: token.hash, role: token.role, revokedAt: null });
    });
  }

  async touchApiToken(tokenId: string): Promise<void> {
    this.sql.touchToken.run(this.timestamp(), tokenId);
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    return this.write(() => this.audit(entry));
  }

  async listAudit(
    opts: { zoneId?: string; limit?: number; beforeId?: number } = {},
  ): Promise<AuditEntry[]> {
    const limit = opts.limit !== undefined && opts.limit >= 0 ? Math.floor(opts.limit) : -1;
    return this.sql.listAudit
      .all({ zoneId: opts.zoneId ?? null, beforeId: opts.beforeId ?? null, limit })
      .map(toAudit);
  }

  async heartbeatResponder(r: ResponderHeartbeat): Promise<void> {
    const now = this.timestamp();
    this.db
      .prepare(
        `INSERT INTO responders (id, address, started_at, last_seen, versions_json)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET address = excluded.address,
           last_seen = excluded.last_seen, versions_json = excluded.versions_json`,
      )
      .run(r.id, r.address, now, now, JSON.stringify(r.versions));
  }

  async listResponders(opts: { liveSince?: string } = {}): Promise<Responder[]> {
    const rows = this.db
      .prepare(
        `SELECT id, address, started_at AS startedAt, last_seen AS lastSeen,
                versions_json AS versionsJson
           FROM responders WHERE (? IS NULL OR last_seen >= ?) ORDER BY id`,
      )
      .all(opts.liveSince ?? null, opts.liveSince ?? null) as ResponderRow[];
    return rows.map(toResponder);
  }

  async removeResponder(id: string): Promise<void> {
    this.db.prepare('DELETE FROM responders WHERE id = ?').run(id);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Refreshes query-planner statistics for the next open; cheap when nothing changed.
      this.db.pragma('optimize');
    } catch {
      // Only an optimisation (it can meet another process's write lock): never block closing.
    } finally {
      this.db.close();
    }
  }
}

const CHANGE_COLUMNS = `id, zone_id AS zoneId, version, submitted_at AS submittedAt, comment, author,
  applied_by AS appliedBy, proposal_id AS proposalId, changes_json AS changesJson,
  impact_json AS impactJson`;

const PROPOSAL_COLUMNS = `id, zone_id AS zoneId, author, comment, batch_json AS batchJson,
  plan_json AS planJson, base_records_json AS baseRecordsJson, base_version AS baseVersion,
  status, created_at AS createdAt, updated_at AS updatedAt, decided_by AS decidedBy,
  decided_at AS decidedAt, reason, applied_change_id AS appliedChangeId,
  rollback_of AS rollbackOf, superseded_by AS supersededBy, change_id AS changeId`;

const TOKEN_COLUMNS = `id, name, role, hash, created_at AS createdAt, revoked_at AS revokedAt,
  last_used_at AS lastUsedAt`;

function prepareStatements(db: Database) {
  return {
    listZones: db.prepare<[], ZoneSummary>(
      `SELECT z.id, z.name,
              (SELECT count(*) FROM record_sets r WHERE r.zone_id = z.id) AS recordCount
         FROM zones z ORDER BY z.name`,
    ),
    zoneStamp: db.prepare<[], { n: number }>('SELECT n FROM zone_stamp WHERE id = 1'),
    zoneHeads: db.prepare<[], { id: string; name: string; version: number; serial: number }>(
      'SELECT id, name, version, serial FROM zones ORDER BY name',
    ),
    zoneVersions: db.prepare<[], { id: string; version: number }>(
      'SELECT id, version FROM zones ORDER BY id',
    ),
    getZone: db.prepare<[string], Zone>(
      'SELECT id, name, created_at AS createdAt, version, serial FROM zones WHERE id = ?',
    ),
    zoneIdByName: db.prepare<[string], string>('SELECT id FROM zones WHERE name = ?').pluck(),
    insertZone: db.prepare<[string, string, number, string, string | null, string | null, string]>(
      `INSERT INTO zones (id, name, version, serial, created_at, caller_reference, comment,
                          created_change_id) VALUES (?, ?, 0, ?, ?, ?, ?, ?)`,
    ),
    zoneByCallerRef: db
      .prepare<[string], string>('SELECT id FROM zones WHERE caller_reference = ?')
      .pluck(),
    hostedZoneInfo: db.prepare<[string], HostedZoneInfo>(
      `SELECT id AS zoneId, caller_reference AS callerReference, comment,
              created_change_id AS createdChangeId FROM zones WHERE id = ?`,
    ),
    zoneCreation: db.prepare<[string], { zoneId: string; createdAt: string }>(
      'SELECT id AS zoneId, created_at AS createdAt FROM zones WHERE created_change_id = ?',
    ),
    setComment: db.prepare<[string | null, string]>('UPDATE zones SET comment = ? WHERE id = ?'),
    listTags: db.prepare<[string, string], ResourceTag>(
      `SELECT key AS Key, value AS Value FROM resource_tags
        WHERE resource_type = ? AND resource_id = ? ORDER BY key`,
    ),
    upsertTag: db.prepare<[string, string, string, string]>(
      `INSERT INTO resource_tags (resource_type, resource_id, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (resource_type, resource_id, key) DO UPDATE SET value = excluded.value`,
    ),
    deleteTag: db.prepare<[string, string, string]>(
      'DELETE FROM resource_tags WHERE resource_type = ? AND resource_id = ? AND key = ?',
    ),
    deleteTagsOf: db.prepare<[string, string]>(
      'DELETE FROM resource_tags WHERE resource_type = ? AND resource_id = ?',
    ),
    proposalByChangeId: db.prepare<[string], ProposalRow>(
      `SELECT ${PROPOSAL_COLUMNS} FROM proposals WHERE change_id = ?`,
    ),
    countNonApex: db
      .prepare<[string, string], number>(
        `SELECT count(*) FROM record_sets
          WHERE zone_id = ? AND NOT (name = ? AND type IN ('NS', 'SOA'))`,
      )
      .pluck(),
    deleteZone: db.prepare<[string]>('DELETE FROM zones WHERE id = ?'),
    recordJsonByZone: db
      .prepare<[string], string>('SELECT json FROM record_sets WHERE zone_id = ?')
      .pluck(),
    recordJsonByName: db
      .prepare<[string, string], string>(
        `SELECT json FROM record_sets WHERE zone_id = ? AND name = ?
          ORDER BY type, set_identifier`,
      )
      .pluck(),
    insertRecord: db.prepare<[string, string, string, string, string | null, string]>(
      `INSERT INTO record_sets (zone_id, name, type, set_identifier, region, json)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    recordJson: db
      .prepare<[string, string, string, string], string>(
        `SELECT json FROM record_sets
          WHERE zone_id = ? AND name = ? AND type = ? AND set_identifier = ?`,
      )
      .pluck(),
    updateRecordJson: db.prepare<[string, string, string, string, string]>(
      `UPDATE record_sets SET json = ?
        WHERE zone_id = ? AND name = ? AND type = ? AND set_identifier = ?`,
    ),
    deleteRecord: db.prepare<[string, string, string, string]>(
      `DELETE FROM record_sets
        WHERE zone_id = ? AND name = ? AND type = ? AND set_identifier = ?`,
    ),
    bumpVersion: db
      .prepare<[number, string], number>(
        'UPDATE zones SET version = version + 1, serial = ? WHERE id = ? RETURNING version',
      )
      .pluck(),
    insertChange: db.prepare<
      [
        string,
        string,
        number,
        string,
        string | null,
        string | null,
        string,
        string,
        string | null,
        string | null,
        string | null,
      ]
    >(
      `INSERT INTO change_batches
         (id, zone_id, version, submitted_at, comment, author, changes_json, plan_json,
          impact_json, applied_by, proposal_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    listChanges: db.prepare<[string, number, number], ChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM change_batches
        WHERE zone_id = ? AND version > ? ORDER BY version DESC LIMIT ?`,
    ),
    changesSince: db.prepare<[string, number], ChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM change_batches
        WHERE zone_id = ? AND version > ? ORDER BY version`,
    ),
    findChange: db.prepare<[string], ChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM change_batches WHERE id = ?`,
    ),
    getChange: db.prepare<[string, string], ChangeRow & { planJson: string }>(
      `SELECT ${CHANGE_COLUMNS}, plan_json AS planJson FROM change_batches
        WHERE zone_id = ? AND id = ?`,
    ),
    requireApproval: db
      .prepare<[string], number>('SELECT require_approval FROM zone_settings WHERE zone_id = ?')
      .pluck(),
    getSettings: db.prepare<
      [string],
      {
        requireApproval: number;
        routingModel: RoutingModel;
        windowDays: number;
        probeUrlsJson: string;
        beaconKey: string | null;
      }
    >(
      `SELECT require_approval AS requireApproval, routing_model AS routingModel,
              window_days AS windowDays, probe_urls_json AS probeUrlsJson, beacon_key AS beaconKey
         FROM zone_settings WHERE zone_id = ?`,
    ),
    upsertSettings: db.prepare<
      [string, number, string, number, string, string | null, string, string | null]
    >(
      `INSERT INTO zone_settings (zone_id, require_approval, routing_model, window_days,
                                  probe_urls_json, beacon_key, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (zone_id) DO UPDATE SET require_approval = excluded.require_approval,
         routing_model = excluded.routing_model, window_days = excluded.window_days,
         probe_urls_json = excluded.probe_urls_json, beacon_key = excluded.beacon_key,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ),
    measuredZones: db.prepare<[], { zoneId: string; windowDays: number }>(
      `SELECT zone_id AS zoneId, window_days AS windowDays FROM zone_settings
        WHERE routing_model = 'measured' ORDER BY zone_id`,
    ),
    zoneByBeaconKey: db
      .prepare<[string], string>('SELECT zone_id FROM zone_settings WHERE beacon_key = ?')
      .pluck(),
    insertProposal: db.prepare<
      [
        string,
        string,
        string,
        string | null,
        string,
        string,
        string,
        number,
        string,
        string,
        string | null,
        string,
      ]
    >(
      `INSERT INTO proposals
         (id, zone_id, author, comment, batch_json, plan_json, base_records_json, base_version,
          status, created_at, updated_at, rollback_of, change_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
    ),
    getProposal: db.prepare<[string], ProposalRow>(
      `SELECT ${PROPOSAL_COLUMNS} FROM proposals WHERE id = ?`,
    ),
    listProposals: db.prepare<
      [{ zoneId: string; status: string | null; limit: number }],
      ProposalRow
    >(
      `SELECT ${PROPOSAL_COLUMNS} FROM proposals
        WHERE zone_id = @zoneId AND (@status IS NULL OR status = @status)
        ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
    ),
    decide: db.prepare<[string, string, string, string | null, string, string]>(
      `UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, reason = ?, updated_at = ?
        WHERE id = ?`,
    ),
    rebase: db.prepare<
      [
        {
          baseVersion: number;
          planJson: string;
          recordsJson: string;
          keep: number;
          now: string;
          id: string;
        },
      ]
    >(
      `UPDATE proposals SET base_version = @baseVersion, plan_json = @planJson,
         base_records_json = @recordsJson,
         status = CASE WHEN @keep = 1 THEN status ELSE 'pending' END,
         decided_by = CASE WHEN @keep = 1 THEN decided_by ELSE NULL END,
         decided_at = CASE WHEN @keep = 1 THEN decided_at ELSE NULL END,
         reason = CASE WHEN @keep = 1 THEN reason ELSE NULL END,
         updated_at = @now
        WHERE id = @id`,
    ),
    markApplied: db.prepare<[string, string, string]>(
      `UPDATE proposals SET status = 'applied', applied_change_id = ?, updated_at = ? WHERE id = ?`,
    ),
    supersede: db.prepare<[string, string, string]>(
      `UPDATE proposals SET status = 'superseded', superseded_by = ?, updated_at = ? WHERE id = ?`,
    ),
    insertToken: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO api_tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    tokenByName: db.prepare<[string], TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE name = ?`,
    ),
    tokenById: db.prepare<[string], TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`,
    ),
    insertAwsKey: db.prepare<[string, string, string, string]>(
      'INSERT INTO aws_access_keys (id, token_id, secret_box, created_at) VALUES (?, ?, ?, ?)',
    ),
    awsKeyById: db.prepare<[string], AwsAccessKey & { secretBox: string }>(
      `SELECT id, token_id AS tokenId, secret_box AS secretBox, created_at AS createdAt,
              revoked_at AS revokedAt FROM aws_access_keys WHERE id = ?`,
    ),
    awsKeysOfToken: db.prepare<[string], AwsAccessKey>(
      `SELECT id, token_id AS tokenId, created_at AS createdAt, revoked_at AS revokedAt
         FROM aws_access_keys WHERE token_id = ? ORDER BY created_at DESC, id`,
    ),
    tokenByHash: db.prepare<[string], TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE hash = ?`,
    ),
    listTokens: db.prepare<[], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY name`),
    countTokens: db.prepare<[], number>('SELECT count(*) FROM api_tokens').pluck(),
    revokeToken: db.prepare<[string, string]>('UPDATE api_tokens SET revoked_at = ? WHERE id = ?'),
    resetToken: db.prepare<[string, string, string]>(
      'UPDATE api_tokens SET hash = ?, role = ?, revoked_at = NULL WHERE id = ?',
    ),
    touchToken: db.prepare<[string, string]>('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
    insertAudit: db
      .prepare<[string, string | null, string, string | null, string | null, string], number>(
        `INSERT INTO audit_log (at, actor, action, zone_id, subject, details_json)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck(),
    listAudit: db.prepare<
      [{ zoneId: string | null; beforeId: number | null; limit: number }],
      AuditRow
    >(
      `SELECT id, at, actor, action, zone_id AS zoneId, subject, details_json AS detailsJson
         FROM audit_log
        WHERE (@zoneId IS NULL OR zone_id = @zoneId) AND (@beforeId IS NULL OR id < @beforeId)
        ORDER BY id DESC LIMIT @limit`,
    ),
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
  };
}

interface ResponderRow {
  id: string;
  address: string;
  startedAt: string;
  lastSeen: string;
  versionsJson: string;
}

function toResponder(row: ResponderRow): Responder {
  return {
    id: row.id,
    address: row.address,
    startedAt: row.startedAt,
    lastSeen: row.lastSeen,
    versions: JSON.parse(row.versionsJson) as Record<string, number>,
  };
}
