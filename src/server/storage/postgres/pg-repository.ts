import pg from 'pg';
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
import { createPool, type PgQueries, type PgWrite, queriesOf, transactionRunner } from './pg-db';
import { PgHealthStore } from './pg-health';
import { PgMeasurementStore } from './pg-measurements';
import { migratePg } from './pg-migrations';
import { PgReadCache } from './pg-read-cache';
import { PgUpstreamStore } from './pg-upstream';

/** A negative or missing limit means "all" (LIMIT NULL in PostgreSQL). */
const limitOf = (limit: number | undefined): number | null =>
  limit !== undefined && limit >= 0 ? Math.floor(limit) : null;

/** Advisory lock names: writers of one kind queue on it as SQLite's writers queue on its lock. */
const LOCK = {
  tokens: 'latency-atlas:tokens',
  health: 'latency-atlas:health',
  measurements: 'latency-atlas:measurements',
} as const;

const ZONE_COLUMNS = 'id, name, created_at AS "createdAt", version, serial';

const CHANGE_COLUMNS = `id, zone_id AS "zoneId", version, submitted_at AS "submittedAt", comment,
  author, applied_by AS "appliedBy", proposal_id AS "proposalId",
  changes_json AS "changesJson", impact_json AS "impactJson"`;

const PROPOSAL_COLUMNS = `id, zone_id AS "zoneId", author, comment, batch_json AS "batchJson",
  plan_json AS "planJson", base_records_json AS "baseRecordsJson",
  base_version AS "baseVersion", status, created_at AS "createdAt", updated_at AS "updatedAt",
  decided_by AS "decidedBy", decided_at AS "decidedAt", reason,
  applied_change_id AS "appliedChangeId", rollback_of AS "rollbackOf",
  superseded_by AS "supersededBy", change_id AS "changeId"`;

const TOKEN_COLUMNS = `id, name, role, hash, created_at AS "createdAt", revoked_at AS "revokedAt",
  last_used_at AS "lastUsedAt"`;

/**
 * Opens a PostgreSQL repository on `connectionString` (postgres://…), migrating the schema
 * first; the pool is ended again if that fails.
 */
export async function openPostgresRepository(
  connectionString: string,
  opts: { now?: () => Date; poolSize?: number; readCacheMs?: number } = {},
): Promise<PostgresRepository> {
  const pool = createPool(
    connectionString,
    opts.poolSize !== undefined ? { max: opts.poolSize } : {},
  );
  try {
    await migratePg(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new PostgresRepository(pool, opts);
}

/**
 * The PostgreSQL repository (node-postgres pool). Every write is one transaction. A change
 * batch (and every proposal write) first locks its zone row (SELECT … FOR UPDATE), so
 * concurrent writers to one zone, from any instance, queue there and each validates against
 * the zone as the previous one left it; READ COMMITTED then shows every statement after the
 * lock the committed state. Writes without a zone row (tokens, health, measurements) take a
 * transaction-level advisory lock of their kind instead. Every write appends its audit entry
 * inside the same transaction. Deadlocks and serialisation failures are retried.
 */
export class PostgresRepository implements Repository {
  private closed = false;
  private readonly now: () => Date;
  private readonly q: PgQueries;
  private readonly tx: PgWrite;
  private readonly health: PgHealthStore;
  private readonly measurements: PgMeasurementStore;
  private readonly cache: PgReadCache;
  /** Connected LISTEN connections of watchZones(), and the version list they vouch for. */
  private listening = 0;
  private zoneVersions: readonly { id: string; version: number }[] | null = null;
  private zoneEpoch = 0;
  private readonly upstream: PgUpstreamStore;

  constructor(
    private readonly pool: pg.Pool,
    /** `readCacheMs`: how long per-query reads are kept (default 100; 0: not cached). */
    opts: { now?: () => Date; readCacheMs?: number } = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.cache = new PgReadCache(opts.readCacheMs ?? 100);
    this.q = queriesOf(pool);
    // Every write commits through here: the read cache is cleared once it has.
    const run = transactionRunner(pool);
    this.tx = (<T>(fn: (q: PgQueries) => Promise<T>, o?: { lock?: string }) =>
      run(fn, o).finally(() => this.cache.clear())) as PgWrite;
    const audit = (q: PgQueries, entry: NewAuditEntry) => this.audit(q, entry).then(() => {});
    const timestamp = () => this.timestamp();
    this.health = new PgHealthStore(this.q, {
      write: (fn) => this.tx(fn, { lock: LOCK.health }),
      audit,
      timestamp,
    });
    this.measurements = new PgMeasurementStore(this.q, {
      write: (fn) => this.tx(fn, { lock: LOCK.measurements }),
      read: (fn) => this.readOnly(fn),
    });
    this.upstream = new PgUpstreamStore(this.q, {
      write: (fn) => this.tx(fn),
      audit,
      timestamp,
    });
  }

  /** One REPEATABLE READ, READ ONLY transaction: every statement sees one snapshot. */
  private async readOnly<T>(fn: (q: PgQueries) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await fn(queriesOf(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  /** Inside a write transaction. */
  private async audit(q: PgQueries, entry: NewAuditEntry): Promise<AuditEntry> {
    const at = this.timestamp();
    const detailsJson = JSON.stringify(entry.details ?? {});
    const row = await q.one<{ id: number }>(
      `INSERT INTO audit_log (at, actor, action, zone_id, subject, details_json)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [at, entry.actor, entry.action, entry.zoneId, entry.subject, detailsJson],
    );
    const id = row?.id as number;
    return { ...entry, id, at, details: JSON.parse(detailsJson) as Record<string, unknown> };
  }

  private getZoneRow(q: PgQueries, zoneId: string, forUpdate = false): Promise<Zone | undefined> {
    return q.one<Zone>(
      `SELECT ${ZONE_COLUMNS} FROM zones WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [zoneId],
    );
  }

  /**
   * While a LISTEN connection of watchZones() is up, the list read last is handed back, patched
   * by each notification (`<id>:<version>`), so neither the idle poll nor a change reads every
   * zone. Writes through this repository notify its own listener too. A lost connection drops
   * the list; a list being read while a notification arrives is not kept.
   */
  async listZoneVersions(): Promise<readonly { id: string; version: number }[]> {
    if (this.listening > 0 && this.zoneVersions !== null) return this.zoneVersions;
    const epoch = this.zoneEpoch;
    const rows = await this.q.all<{ id: string; version: number }>(
      'SELECT id, version FROM zones ORDER BY id',
    );
    // The DNS poll reads this every 100 ms: a cached zone row it shows is stale goes at once.
    for (const r of rows) {
      this.cache.sawVersion(`zone:${r.id}`, r.version);
      Object.freeze(r);
    }
    const list = Object.freeze(rows);
    if (this.listening > 0 && epoch === this.zoneEpoch) this.zoneVersions = list;
    return list;
  }

  /** A zone may have changed: the cached version list is no longer trusted. */
  private zonesChanged(): void {
    this.zoneEpoch++;
    this.zoneVersions = null;
  }

  /**
   * A notification `<id>:<version>` (-1: deleted) patches the version list held, so a change
   * costs one zone, not a re-read of every zone; a bare id (an older instance's trigger) drops
   * the list. Returns the zone id.
   */
  private zoneNotified(payload: string | undefined): string | null {
    const m = /^(.+):(-?\d+)$/.exec(payload ?? '');
    const held = this.zoneVersions;
    if (m === null || held === null) {
      this.zonesChanged();
      return m?.[1] ?? payload ?? null;
    }
    const id = m[1] as string;
    const version = Number(m[2]);
    this.zoneEpoch++; // a list being read now may predate this change
    const next = held.filter((z) => z.id !== id);
    if (version >= 0) {
      const entry = Object.freeze({ id, version });
      const at = next.findIndex((z) => z.id > id);
      next.splice(at === -1 ? next.length : at, 0, entry);
      this.cache.sawVersion(`zone:${id}`, version);
    } else {
      this.cache.forget(`zone:${id}`);
      this.cache.forget(`settings:${id}`);
    }
    this.zoneVersions = Object.freeze(next);
    return id;
  }

  async listZoneHeads(): Promise<{ id: string; name: string; version: number; serial: number }[]> {
    return this.q.all('SELECT id, name, version, serial FROM zones ORDER BY name');
  }

  async listZones(): Promise<ZoneSummary[]> {
    return this.q.all(
      `SELECT z.id, z.name,
              (SELECT count(*) FROM record_sets r WHERE r.zone_id = z.id) AS "recordCount"
         FROM zones z ORDER BY z.name`,
    );
  }

  /** Per-query hot path: from the read cache (shared; do not change it). */
  async getZone(zoneId: string): Promise<Zone | null> {
    return this.cache.get(
      `zone:${zoneId}`,
      async () => (await this.getZoneRow(this.q, zoneId)) ?? null,
    );
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
      await this.tx(async (q) => {
        await q.run(
          `INSERT INTO zones (id, name, version, serial, created_at, caller_reference, comment,
                              created_change_id) VALUES ($1, $2, 0, $3, $4, $5, $6, $7)`,
          [
            zone.id,
            zone.name,
            serial,
            zone.createdAt,
            opts.callerReference ?? null,
            opts.comment ?? null,
            newChangeId(),
          ],
        );
        for (const set of apexSets) await this.insertRecordSet(q, zone.id, set);
        await this.audit(q, {
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
      });
    } catch (err) {
      if (
        opts.callerReference !== undefined &&
        (await this.findZoneByCallerReference(opts.callerReference)) !== null
      ) {
        throw new ZoneExistsError(zoneName, 'callerReference');
      }
      if ((await this.q.one('SELECT id FROM zones WHERE name = $1', [zoneName])) !== undefined)
        throw new ZoneExistsError(zoneName);
      throw err;
    }
    return zone;
  }

  async deleteZone(
    zoneId: string,
    opts: { force?: boolean } & ActorOptions = {},
  ): Promise<boolean> {
    return this.tx(async (q) => {
      const zone = await this.getZoneRow(q, zoneId, true);
      if (!zone) return false;
      const row = await q.one<{ n: number }>(
        `SELECT count(*) AS n FROM record_sets
          WHERE zone_id = $1 AND NOT (name = $2 AND type IN ('NS', 'SOA'))`,
        [zoneId, normalizeName(zone.name)],
      );
      const nonApex = row?.n ?? 0;
      if (opts.force !== true && nonApex > 0) throw new ZoneNotEmptyError(zoneId);
      // record_sets, history, settings and proposals go with it (ON DELETE CASCADE); the
      // audit log keeps its entries.
      await q.run('DELETE FROM zones WHERE id = $1', [zoneId]);
      await this.audit(q, {
        actor: opts.actor ?? null,
        action: 'zone.deleted',
        zoneId,
        subject: zone.name,
        details: { force: opts.force === true, recordSets: nonApex, version: zone.version },
      });
      return true;
    });
  }

  async listRecordSets(zoneId: string): Promise<ResourceRecordSet[]> {
    const rows = await this.q.all<{ json: string }>(
      'SELECT json FROM record_sets WHERE zone_id = $1',
      [zoneId],
    );
    return sortRecordSets(rows.map((r) => parseRecordSet(r.json)));
  }

  private async recordJsonByName(q: PgQueries, zoneId: string, name: string): Promise<string[]> {
    const rows = await q.all<{ json: string }>(
      `SELECT json FROM record_sets WHERE zone_id = $1 AND name = $2
        ORDER BY type, set_identifier`,
      [zoneId, name],
    );
    return rows.map((r) => r.json);
  }

  async recordSetsByName(zoneId: string, name: string): Promise<ResourceRecordSet[]> {
    return (await this.recordJsonByName(this.q, zoneId, normalizeName(name))).map(parseRecordSet);
  }

  /**
   * Plans a batch against the zone as stored (inside a transaction, after the zone row is
   * locked or in one snapshot). `recordsAtNames`: every set at every name the engine looked at.
   */
  private async planNow(
    q: PgQueries,
    zone: Zone,
    batch: ChangeBatch,
  ): Promise<
    | { ok: true; plan: PlannedChange[]; recordsAtNames: ResourceRecordSet[] }
    | { ok: false; errors: ChangeError[]; recordsAtNames: ResourceRecordSet[] }
  > {
    // planChangeBatch is synchronous: load every set at every name the batch names first.
    const byName = new Map<string, ResourceRecordSet[]>();
    for (const c of Array.isArray(batch.Changes) ? batch.Changes : []) {
      const name: unknown = c?.ResourceRecordSet?.Name;
      if (typeof name !== 'string') continue;
      let key: string;
      try {
        key = normalizeName(name);
      } catch {
        continue;
      }
      if (!byName.has(key)) {
        byName.set(key, (await this.recordJsonByName(q, zone.id, key)).map(parseRecordSet));
      }
    }
    const looked = new Set<string>();
    const existing = (name: string, type: string): ResourceRecordSet[] => {
      const key = normalizeName(name);
      looked.add(key);
      const sets = byName.get(key);
      if (sets === undefined) throw new Error(`planning looked at ${key}, which was not loaded`);
      return sets.filter((s) => s.Type === type);
    };
    const result = planChangeBatch(zone.name, batch, existing);
    const recordsAtNames = sortRecordSets(
      [...byName.entries()].filter(([k]) => looked.has(k)).flatMap(([, sets]) => sets),
    );
    if (!result.ok) return { ok: false, errors: result.errors, recordsAtNames };
    return { ok: true, plan: normalizePlan(result.plan), recordsAtNames };
  }

  async previewChangeBatch(zoneId: string, batch: ChangeBatch): Promise<PreviewResult> {
    return this.readOnly(async (q): Promise<PreviewResult> => {
      const zone = await this.getZoneRow(q, zoneId);
      if (!zone) throw new ZoneNotFoundError(zoneId);
      const planned = await this.planNow(q, zone, batch);
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
    });
  }

  async applyChangeBatch(
    zoneId: string,
    batch: ChangeBatch,
    opts: ApplyOptions = {},
  ): Promise<ApplyResult> {
    return this.tx(async (q) => {
      const zone = await this.getZoneRow(q, zoneId, true);
      if (!zone) throw new ZoneNotFoundError(zoneId);
      return this.applyNow(q, zone, batch, opts, null);
    });
  }

  /** Inside a write transaction holding the zone row's lock: any throw rolls everything back. */
  private async applyNow(
    q: PgQueries,
    zone: Zone,
    batch: ChangeBatch,
    opts: ApplyOptions,
    proposalId: string | null,
    changeId: string = newChangeId(),
  ): Promise<ApplyResult> {
    const zoneId = zone.id;
    if (opts.expectedVersion !== undefined && zone.version !== opts.expectedVersion) {
      throw await this.staleError(q, zone, opts.expectedVersion);
    }
    const planned = await this.planNow(q, zone, batch);
    if (!planned.ok) return { ok: false, errors: planned.errors };

    const apex = normalizeName(zone.name);
    const soaBefore = await this.recordJson(q, zoneId, apex, 'SOA', '');
    for (const step of planned.plan) {
      if (step.before) {
        const removed = await q.run(
          `DELETE FROM record_sets
            WHERE zone_id = $1 AND name = $2 AND type = $3 AND set_identifier = $4`,
          [zoneId, ...identity(step.before)],
        );
        if (removed !== 1) {
          // The engine planned against rows that are not there: refuse rather than guess.
          throw new Error(`record set ${identity(step.before).join('|')} vanished while applying`);
        }
      }
      if (step.after) await this.insertRecordSet(q, zoneId, step.after);
    }

    const serial = await this.advanceSoaSerial(q, zone, soaBefore, planned.plan);
    const bumped = await q.one<{ version: number }>(
      'UPDATE zones SET version = version + 1, serial = $1 WHERE id = $2 RETURNING version',
      [serial, zoneId],
    );
    if (bumped === undefined) throw new ZoneNotFoundError(zoneId);
    const version = bumped.version;
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
    await q.run(
      `INSERT INTO change_batches
         (id, zone_id, version, submitted_at, comment, author, changes_json, plan_json,
          impact_json, applied_by, proposal_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
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
      ],
    );
    await this.audit(q, {
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

  private async recordJson(
    q: PgQueries,
    zoneId: string,
    name: string,
    type: string,
    setIdentifier: string,
  ): Promise<string | undefined> {
    const row = await q.one<{ json: string }>(
      `SELECT json FROM record_sets
        WHERE zone_id = $1 AND name = $2 AND type = $3 AND set_identifier = $4`,
      [zoneId, name, type, setIdentifier],
    );
    return row?.json;
  }

  /** Inside a write transaction. */
  private async insertRecordSet(q: PgQueries, zoneId: string, set: ResourceRecordSet) {
    const [name, type, setIdentifier] = identity(set);
    await q.run(
      `INSERT INTO record_sets (zone_id, name, type, set_identifier, region, json)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [zoneId, name, type, setIdentifier, set.Region ?? null, JSON.stringify(set)],
    );
  }

  /**
   * Inside applyNow, after the plan's steps: rewrites the apex SOA's serial to max(serial before
   * the batch + 1, serial the batch wrote into the SOA) and returns it (0 when the zone has no
   * SOA). The rewrite stays out of the batch's recorded changes and plan.
   */
  private async advanceSoaSerial(
    q: PgQueries,
    zone: Zone,
    soaBeforeJson: string | undefined,
    plan: readonly PlannedChange[],
  ): Promise<number> {
    const apex = normalizeName(zone.name);
    const json = await this.recordJson(q, zone.id, apex, 'SOA', '');
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
    await q.run(
      `UPDATE record_sets SET json = $1
        WHERE zone_id = $2 AND name = $3 AND type = $4 AND set_identifier = $5`,
      [JSON.stringify(rewritten), zone.id, apex, 'SOA', ''],
    );
    return serial;
  }

  private async staleError(
    q: PgQueries,
    zone: Zone,
    expectedVersion: number,
  ): Promise<StaleZoneVersionError> {
    const rows = await q.all<ChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM change_batches
        WHERE zone_id = $1 AND version > $2 ORDER BY version`,
      [zone.id, expectedVersion],
    );
    return new StaleZoneVersionError(zone.id, expectedVersion, zone.version, rows.map(toApplied));
  }

  async listChanges(
    zoneId: string,
    opts: { limit?: number; sinceVersion?: number } = {},
  ): Promise<AppliedChangeBatch[]> {
    const rows = await this.q.all<ChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM change_batches
        WHERE zone_id = $1 AND version > $2 ORDER BY version DESC LIMIT $3`,
      [zoneId, opts.sinceVersion ?? -1, limitOf(opts.limit)],
    );
    return rows.map(toApplied);
  }

  async findChange(changeId: string): Promise<AppliedChangeBatch | null> {
    const row = await this.q.one<ChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM change_batches WHERE id = $1`,
      [changeId],
    );
    return row ? toApplied(row) : null;
  }

  async getChange(zoneId: string, changeId: string): Promise<AppliedChangeBatchDetail | null> {
    const row = await this.q.one<ChangeRow & { planJson: string }>(
      `SELECT ${CHANGE_COLUMNS}, plan_json AS "planJson" FROM change_batches
        WHERE zone_id = $1 AND id = $2`,
      [zoneId, changeId],
    );
    if (!row) return null;
    return { ...toApplied(row), plan: JSON.parse(row.planJson) as PlannedChange[] };
  }

  /** Per-query hot path: from the read cache, as a copy. */
  async getHealth(healthCheckIds: string[]): Promise<Map<string, boolean>> {
    if (healthCheckIds.length === 0) return new Map();
    const key = `health:${healthCheckIds.join(',')}`;
    return new Map(await this.cache.get(key, () => this.health.getHealth(healthCheckIds)));
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

  /** Per-query hot path (testdnsanswer's routing model): from the read cache, as a copy. */
  async getZoneSettings(zoneId: string): Promise<ZoneSettings | null> {
    const settings = await this.cache.get(`settings:${zoneId}`, async () => {
      if (!(await this.getZoneRow(this.q, zoneId))) return null;
      return this.readSettings(this.q, zoneId);
    });
    return settings === null ? null : structuredClone(settings);
  }

  private async readSettings(q: PgQueries, zoneId: string): Promise<ZoneSettings> {
    const row = await q.one<{
      requireApproval: number;
      routingModel: RoutingModel;
      windowDays: number;
      probeUrlsJson: string;
      beaconKey: string | null;
    }>(
      `SELECT require_approval AS "requireApproval", routing_model AS "routingModel",
              window_days AS "windowDays", probe_urls_json AS "probeUrlsJson",
              beacon_key AS "beaconKey"
         FROM zone_settings WHERE zone_id = $1`,
      [zoneId],
    );
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
    return this.tx(async (q) => {
      if (!(await this.getZoneRow(q, zoneId, true))) throw new ZoneNotFoundError(zoneId);
      const actor = opts.actor ?? null;
      const before = await this.readSettings(q, zoneId);
      const after: ZoneSettings = { ...before };
      for (const key of Object.keys(settings) as (keyof ZoneSettings)[]) {
        if (settings[key] !== undefined)
          (after as unknown as Record<string, unknown>)[key] = settings[key];
      }
      await q.run(
        `INSERT INTO zone_settings (zone_id, require_approval, routing_model, window_days,
                                    probe_urls_json, beacon_key, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (zone_id) DO UPDATE SET require_approval = excluded.require_approval,
           routing_model = excluded.routing_model, window_days = excluded.window_days,
           probe_urls_json = excluded.probe_urls_json, beacon_key = excluded.beacon_key,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [
          zoneId,
          after.requireApproval ? 1 : 0,
          after.routingModel,
          after.measurementWindowDays,
          JSON.stringify(after.probeUrls),
          after.beaconKey,
          this.timestamp(),
          actor,
        ],
      );
      const details: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of Object.keys(after) as (keyof ZoneSettings)[]) {
        if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
          details[key] = { from: before[key], to: after[key] };
        }
      }
      await this.audit(q, { actor, action: 'settings.updated', zoneId, subject: zoneId, details });
      return after;
    });
  }

  async listMeasuredZones(): Promise<{ zoneId: string; windowDays: number }[]> {
    return this.q.all(
      `SELECT zone_id AS "zoneId", window_days AS "windowDays" FROM zone_settings
        WHERE routing_model = 'measured' ORDER BY zone_id`,
    );
  }

  private hostedZoneInfo(q: PgQueries, zoneId: string): Promise<HostedZoneInfo | undefined> {
    return q.one<HostedZoneInfo>(
      `SELECT id AS "zoneId", caller_reference AS "callerReference", comment,
              created_change_id AS "createdChangeId" FROM zones WHERE id = $1`,
      [zoneId],
    );
  }

  async getHostedZoneInfo(zoneId: string): Promise<HostedZoneInfo | null> {
    return (await this.hostedZoneInfo(this.q, zoneId)) ?? null;
  }

  async findZoneByCallerReference(callerReference: string): Promise<string | null> {
    const row = await this.q.one<{ id: string }>(
      'SELECT id FROM zones WHERE caller_reference = $1',
      [callerReference],
    );
    return row?.id ?? null;
  }

  async findZoneCreation(changeId: string): Promise<{ zoneId: string; createdAt: string } | null> {
    return (
      (await this.q.one<{ zoneId: string; createdAt: string }>(
        'SELECT id AS "zoneId", created_at AS "createdAt" FROM zones WHERE created_change_id = $1',
        [changeId],
      )) ?? null
    );
  }

  async setZoneComment(
    zoneId: string,
    comment: string | null,
    opts: ActorOptions = {},
  ): Promise<void> {
    await this.tx(async (q) => {
      await this.getZoneRow(q, zoneId, true);
      const before = await this.hostedZoneInfo(q, zoneId);
      if (!before) throw new ZoneNotFoundError(zoneId);
      await q.run('UPDATE zones SET comment = $1 WHERE id = $2', [comment, zoneId]);
      await this.audit(q, {
        actor: opts.actor ?? null,
        action: 'zone.comment-updated',
        zoneId,
        subject: zoneId,
        details: { from: before.comment, to: comment },
      });
    });
  }

  async listTags(type: TaggedResource, id: string): Promise<ResourceTag[]> {
    return this.q.all(
      `SELECT key AS "Key", value AS "Value" FROM resource_tags
        WHERE resource_type = $1 AND resource_id = $2 ORDER BY key`,
      [type, id],
    );
  }

  async changeTags(
    type: TaggedResource,
    id: string,
    add: readonly ResourceTag[],
    remove: readonly string[],
    opts: ActorOptions = {},
  ): Promise<void> {
    await this.tx(
      async (q) => {
        for (const key of remove) {
          await q.run(
            'DELETE FROM resource_tags WHERE resource_type = $1 AND resource_id = $2 AND key = $3',
            [type, id, key],
          );
        }
        for (const t of add) {
          await q.run(
            `INSERT INTO resource_tags (resource_type, resource_id, key, value)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (resource_type, resource_id, key) DO UPDATE SET value = excluded.value`,
            [type, id, t.Key, t.Value],
          );
        }
        await this.audit(q, {
          actor: opts.actor ?? null,
          action: 'tags.changed',
          zoneId: type === 'hostedzone' ? id : null,
          subject: `${type}/${id}`,
          details: { add, remove },
        });
      },
      { lock: `latency-atlas:tags:${type}/${id}` },
    );
  }

  async findProposalByChangeId(changeId: string): Promise<Proposal | null> {
    const row = await this.q.one<ProposalRow>(
      `SELECT ${PROPOSAL_COLUMNS} FROM proposals WHERE change_id = $1`,
      [changeId],
    );
    return row ? toProposal(row) : null;
  }

  async findZoneByBeaconKey(key: string): Promise<string | null> {
    const row = await this.q.one<{ zoneId: string }>(
      'SELECT zone_id AS "zoneId" FROM zone_settings WHERE beacon_key = $1',
      [key],
    );
    return row?.zoneId ?? null;
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
    return this.cache.get('measurements-version', () => this.measurements.version());
  }

  async measurementStats(): Promise<MeasurementStats> {
    return this.measurements.stats();
  }

  private async proposalRow(
    q: PgQueries,
    proposalId: string,
    forUpdate = false,
  ): Promise<ProposalRow | undefined> {
    return q.one<ProposalRow>(
      `SELECT ${PROPOSAL_COLUMNS} FROM proposals WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [proposalId],
    );
  }

  private async loadProposal(q: PgQueries, proposalId: string, forUpdate = false) {
    const row = await this.proposalRow(q, proposalId, forUpdate);
    if (!row) throw new ProposalNotFoundError(proposalId);
    return toProposal(row);
  }

  /**
   * Inside a write: locks the proposal's zone row, then the proposal's (always in that order,
   * as createProposal does, so two writers never wait on each other in a cycle).
   */
  private async lockProposal(
    q: PgQueries,
    proposalId: string,
  ): Promise<{ proposal: Proposal; zone: Zone | undefined }> {
    const first = await this.loadProposal(q, proposalId);
    const zone = await this.getZoneRow(q, first.zoneId, true);
    const proposal = await this.loadProposal(q, proposalId, true);
    return { proposal, zone };
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
    return this.tx(async (q): Promise<ProposalResult> => {
      const zone = await this.getZoneRow(q, zoneId, true);
      if (!zone) throw new ZoneNotFoundError(zoneId);
      if (opts.expectedVersion !== undefined && zone.version !== opts.expectedVersion) {
        throw await this.staleError(q, zone, opts.expectedVersion);
      }
      const planned = await this.planNow(q, zone, batch);
      if (!planned.ok) return { ok: false, errors: planned.errors };
      const now = this.timestamp();
      const id = newProposalId();
      if (opts.supersedes) {
        const old = await this.proposalRow(q, opts.supersedes, true);
        if (!old || old.zoneId !== zoneId) throw new ProposalNotFoundError(opts.supersedes);
        if (!OPEN_STATUSES.includes(old.status)) {
          throw new ProposalStateError(old.id, old.status, 'superseded');
        }
        await q.run(
          `UPDATE proposals SET status = 'superseded', superseded_by = $1, updated_at = $2
            WHERE id = $3`,
          [id, now, old.id],
        );
        await this.audit(q, {
          actor: opts.author,
          action: 'proposal.superseded',
          zoneId,
          subject: old.id,
          details: { supersededBy: id },
        });
      }
      await q.run(
        `INSERT INTO proposals
           (id, zone_id, author, comment, batch_json, plan_json, base_records_json, base_version,
            status, created_at, updated_at, rollback_of, change_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $11, $12)`,
        [
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
        ],
      );
      await this.audit(q, {
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
      return { ok: true, proposal: await this.loadProposal(q, id) };
    });
  }

  async getProposal(proposalId: string): Promise<Proposal | null> {
    const row = await this.proposalRow(this.q, proposalId);
    return row ? toProposal(row) : null;
  }

  async listProposals(
    zoneId: string,
    opts: { status?: ProposalStatus; limit?: number } = {},
  ): Promise<Proposal[]> {
    const rows = await this.q.all<ProposalRow>(
      `SELECT ${PROPOSAL_COLUMNS} FROM proposals
        WHERE zone_id = $1 AND ($2::text IS NULL OR status = $2)
        ORDER BY created_at DESC, seq DESC LIMIT $3`,
      [zoneId, opts.status ?? null, limitOf(opts.limit)],
    );
    return rows.map(toProposal);
  }

  async decideProposal(
    proposalId: string,
    decision: { status: 'approved' | 'rejected'; actor: string; reason?: string | null },
  ): Promise<Proposal> {
    return this.tx(async (q) => {
      const proposal = await this.loadProposal(q, proposalId, true);
      const verb = decision.status;
      if (proposal.status !== 'pending')
        throw new ProposalStateError(proposalId, proposal.status, verb);
      if (verb === 'approved' && decision.actor === proposal.author) {
        throw new SelfApprovalError(proposalId, proposal.author);
      }
      const now = this.timestamp();
      const reason = decision.reason ?? null;
      await q.run(
        `UPDATE proposals SET status = $1, decided_by = $2, decided_at = $3, reason = $4,
                updated_at = $5 WHERE id = $6`,
        [verb, decision.actor, now, reason, now, proposalId],
      );
      await this.audit(q, {
        actor: decision.actor,
        action: verb === 'approved' ? 'proposal.approved' : 'proposal.rejected',
        zoneId: proposal.zoneId,
        subject: proposalId,
        details: { ...(reason !== null ? { reason } : {}), baseVersion: proposal.baseVersion },
      });
      return this.loadProposal(q, proposalId);
    });
  }

  async rebaseProposal(proposalId: string, opts: ActorOptions = {}): Promise<ProposalResult> {
    return this.tx(async (q): Promise<ProposalResult> => {
      const { proposal, zone } = await this.lockProposal(q, proposalId);
      if (!OPEN_STATUSES.includes(proposal.status)) {
        throw new ProposalStateError(proposalId, proposal.status, 'rebased');
      }
      if (!zone) throw new ZoneNotFoundError(proposal.zoneId);
      const planned = await this.planNow(q, zone, proposal.batch);
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
      await q.run(
        `UPDATE proposals SET base_version = $1, plan_json = $2, base_records_json = $3,
           status = CASE WHEN $4::int = 1 THEN status ELSE 'pending' END,
           decided_by = CASE WHEN $4::int = 1 THEN decided_by ELSE NULL END,
           decided_at = CASE WHEN $4::int = 1 THEN decided_at ELSE NULL END,
           reason = CASE WHEN $4::int = 1 THEN reason ELSE NULL END,
           updated_at = $5
          WHERE id = $6`,
        [zone.version, planJson, recordsJson, keepApproval ? 1 : 0, now, proposalId],
      );
      await this.audit(q, {
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
      return { ok: true, proposal: await this.loadProposal(q, proposalId) };
    });
  }

  async applyProposal(
    proposalId: string,
    opts: { actor: string; impact?: Impact | null },
  ): Promise<{ proposal: Proposal; change: AppliedChangeBatch }> {
    return this.tx(async (q) => {
      const { proposal, zone } = await this.lockProposal(q, proposalId);
      if (!OPEN_STATUSES.includes(proposal.status)) {
        throw new ProposalStateError(proposalId, proposal.status, 'applied');
      }
      if (!zone) throw new ZoneNotFoundError(proposal.zoneId);
      const approval = await q.one<{ requireApproval: number }>(
        'SELECT require_approval AS "requireApproval" FROM zone_settings WHERE zone_id = $1',
        [zone.id],
      );
      if (approval?.requireApproval === 1 && proposal.status !== 'approved') {
        throw new ApprovalRequiredError(proposalId, proposal.status);
      }
      const result = await this.applyNow(
        q,
        zone,
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
      await q.run(
        `UPDATE proposals SET status = 'applied', applied_change_id = $1, updated_at = $2
          WHERE id = $3`,
        [result.change.id, this.timestamp(), proposalId],
      );
      await this.audit(q, {
        actor: opts.actor,
        action: 'proposal.applied',
        zoneId: zone.id,
        subject: proposalId,
        details: { changeId: result.change.id, version: result.change.version },
      });
      return { proposal: await this.loadProposal(q, proposalId), change: result.change };
    });
  }

  private tokenByName(q: PgQueries, name: string): Promise<TokenRow | undefined> {
    return q.one<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE name = $1`, [name]);
  }

  private tokenById(q: PgQueries, id: string): Promise<TokenRow | undefined> {
    return q.one<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
  }

  private async insertToken(q: PgQueries, row: TokenRow): Promise<void> {
    await q.run(
      'INSERT INTO api_tokens (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)',
      [row.id, row.name, row.role, row.hash, row.createdAt],
    );
  }

  /** Inside a write: a new token's row and its audit entry. */
  private async createToken(
    q: PgQueries,
    token: { name: string; role: Role; hash: string },
    actor: string | null | undefined,
  ): Promise<ApiToken> {
    const row = newTokenRow(token, this.timestamp());
    await this.insertToken(q, row);
    await this.audit(q, tokenCreatedAudit(row, actor));
    return toToken(row);
  }

  async createApiToken(
    token: { name: string; role: Role; hash: string },
    opts: ActorOptions = {},
  ): Promise<ApiToken> {
    return this.tx(
      async (q) => {
        if (await this.tokenByName(q, token.name)) throw new TokenNameTakenError(token.name);
        return this.createToken(q, token, opts.actor);
      },
      { lock: LOCK.tokens },
    );
  }

  async findApiTokenByHash(hash: string): Promise<(ApiToken & { hash: string }) | null> {
    const row = await this.q.one<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE hash = $1`,
      [hash],
    );
    return row ? { ...toToken(row), hash: row.hash } : null;
  }

  async listApiTokens(): Promise<ApiToken[]> {
    const rows = await this.q.all<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY name`,
    );
    return rows.map(toToken);
  }

  async createAwsAccessKey(
    key: { id: string; tokenId: string; secretBox: string },
    opts: ActorOptions = {},
  ): Promise<AwsAccessKey> {
    return this.tx(
      async (q) => {
        const token = await this.tokenById(q, key.tokenId);
        if (!token) throw new Error(`no API token with id ${key.tokenId}`);
        const createdAt = this.timestamp();
        await q.run(
          `INSERT INTO aws_access_keys (id, token_id, secret_box, created_at)
           VALUES ($1, $2, $3, $4)`,
          [key.id, key.tokenId, key.secretBox, createdAt],
        );
        await this.audit(q, {
          actor: opts.actor ?? null,
          action: 'aws-key.created',
          zoneId: null,
          subject: token.name,
          details: { accessKeyId: key.id, role: token.role },
        });
        return { id: key.id, tokenId: key.tokenId, createdAt, revokedAt: null };
      },
      { lock: LOCK.tokens },
    );
  }

  async findAwsAccessKey(
    id: string,
  ): Promise<(AwsAccessKey & { secretBox: string; token: ApiToken }) | null> {
    const row = await this.q.one<AwsAccessKey & { secretBox: string }>(
      `SELECT id, token_id AS "tokenId", secret_box AS "secretBox", created_at AS "createdAt",
              revoked_at AS "revokedAt" FROM aws_access_keys WHERE id = $1`,
      [id],
    );
    if (!row) return null;
    const token = await this.tokenById(this.q, row.tokenId);
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
    return this.q.all<AwsAccessKey>(
      `SELECT id, token_id AS "tokenId", created_at AS "createdAt", revoked_at AS "revokedAt"
         FROM aws_access_keys WHERE token_id = $1 ORDER BY created_at DESC, id`,
      [tokenId],
    );
  }

  async getUpstream(zoneId: string): Promise<UpstreamConnection | null> {
    return this.upstream.get(zoneId);
  }

  async setUpstream(
    conn: Parameters<Repository['setUpstream']>[0],
    opts: ActorOptions = {},
  ): Promise<UpstreamConnection> {
    if (!(await this.getZoneRow(this.q, conn.zoneId))) throw new ZoneNotFoundError(conn.zoneId);
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
    await this.upstream.recordCheck(zoneId, check);
  }

  async recordUpstreamChange(
    change: Omit<UpstreamChange, 'insyncAt' | 'polledAt' | 'polls'>,
  ): Promise<void> {
    await this.upstream.recordChange(change);
  }

  async updateUpstreamChange(
    changeId: string,
    update: { status: 'PENDING' | 'INSYNC'; at: string },
  ): Promise<void> {
    await this.upstream.updateChange(changeId, update);
  }

  async getUpstreamChange(changeId: string): Promise<UpstreamChange | null> {
    return this.upstream.getChange(changeId);
  }

  async listPendingUpstreamChanges(): Promise<UpstreamChange[]> {
    return this.upstream.pending();
  }

  async countApiTokens(): Promise<number> {
    const row = await this.q.one<{ n: number }>('SELECT count(*) AS n FROM api_tokens');
    return row?.n ?? 0;
  }

  async revokeApiToken(name: string, opts: ActorOptions = {}): Promise<ApiToken | null> {
    return this.tx(
      async (q) => {
        const row = await this.tokenByName(q, name);
        if (!row) return null;
        if (row.revokedAt !== null) return toToken(row);
        const at = this.timestamp();
        await q.run('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2', [at, row.id]);
        await this.audit(q, {
          actor: opts.actor ?? null,
          action: 'token.revoked',
          zoneId: null,
          subject: row.name,
          details: { role: row.role, tokenId: row.id },
        });
        return toToken({ ...row, revokedAt: at });
      },
      { lock: LOCK.tokens },
    );
  }

  async setApiTokenSecret(
    token: { name: string; role: Role; hash: string },
    opts: ActorOptions = {},
  ): Promise<ApiToken> {
    return this.tx(
      async (q) => {
        const row = await this.tokenByName(q, token.name);
        if (!row) return this.createToken(q, token, opts.actor);
        if (row.hash === token.hash && row.role === token.role && row.revokedAt === null) {
          return toToken(row);
        }
        await q.run('UPDATE api_tokens SET hash = $1, role = $2, revoked_at = NULL WHERE id = $3', [
          token.hash,
          token.role,
          row.id,
        ]);
        await this.audit(q, {
          actor: opts.actor ?? null,
          action: 'token.rotated',
          zoneId: null,
          subject: row.name,
          details: { role: token.role, tokenId: row.id, wasRevoked: row.revokedAt !== null },
        });
        return toToken({ ...row, hash: token.hash, role: token.role, revokedAt: null });
      },
      { lock: LOCK.tokens },
    );
  }

  async touchApiToken(tokenId: string): Promise<void> {
    await this.q.run('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [
      this.timestamp(),
      tokenId,
    ]);
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    return this.tx((q) => this.audit(q, entry));
  }

  async listAudit(
    opts: { zoneId?: string; limit?: number; beforeId?: number } = {},
  ): Promise<AuditEntry[]> {
    const rows = await this.q.all<AuditRow>(
      `SELECT id, at, actor, action, zone_id AS "zoneId", subject, details_json AS "detailsJson"
         FROM audit_log
        WHERE ($1::text IS NULL OR zone_id = $1) AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [opts.zoneId ?? null, opts.beforeId ?? null, limitOf(opts.limit)],
    );
    return rows.map(toAudit);
  }

  async heartbeatResponder(r: ResponderHeartbeat): Promise<void> {
    const now = this.timestamp();
    await this.q.run(
      `INSERT INTO responders (id, address, started_at, last_seen, versions_json)
       VALUES ($1, $2, $3, $3, $4)
       ON CONFLICT (id) DO UPDATE SET address = excluded.address,
         last_seen = excluded.last_seen, versions_json = excluded.versions_json`,
      [r.id, r.address, now, JSON.stringify(r.versions)],
    );
  }

  async listResponders(opts: { liveSince?: string } = {}): Promise<Responder[]> {
    const rows = await this.q.all<{
      id: string;
      address: string;
      startedAt: string;
      lastSeen: string;
      versionsJson: string;
    }>(
      `SELECT id, address, started_at AS "startedAt", last_seen AS "lastSeen",
              versions_json AS "versionsJson"
         FROM responders WHERE ($1::text IS NULL OR last_seen >= $1) ORDER BY id COLLATE "C"`,
      [opts.liveSince ?? null],
    );
    return rows.map((row) => ({
      id: row.id,
      address: row.address,
      startedAt: row.startedAt,
      lastSeen: row.lastSeen,
      versions: JSON.parse(row.versionsJson) as Record<string, number>,
    }));
  }

  async removeResponder(id: string): Promise<void> {
    await this.q.run('DELETE FROM responders WHERE id = $1', [id]);
  }

  async watchZones(onChange: (zoneId: string | null) => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let delay = 250;
    const connect = async (): Promise<void> => {
      const options = this.pool.options as pg.ClientConfig;
      const c = new pg.Client(options);
      c.on('notification', (n) => {
        if (n.channel !== 'latency_atlas_zones') return;
        const zoneId = this.zoneNotified(n.payload);
        onChange(zoneId);
      });
      const lost = () => {
        if (stopped || client !== c) return;
        client = null;
        this.listening--;
        this.zonesChanged();
        c.end().catch(() => {});
        // Reconnect with back-off; notifications sent meanwhile are lost, so catch up after.
        setTimeout(() => void reconnect(), delay).unref();
        delay = Math.min(delay * 2, 5_000);
      };
      c.on('error', lost);
      c.on('end', lost);
      try {
        await c.connect();
        await c.query('LISTEN latency_atlas_zones');
      } catch (err) {
        await c.end().catch(() => {});
        throw err;
      }
      client = c;
      this.listening++;
      // What was read before this connection listened is not vouched for.
      this.zonesChanged();
      delay = 250;
    };
    const reconnect = async () => {
      if (stopped) return;
      try {
        await connect();
        onChange(null);
      } catch {
        setTimeout(() => void reconnect(), delay).unref();
        delay = Math.min(delay * 2, 5_000);
      }
    };
    await connect();
    return async () => {
      stopped = true;
      const c = client;
      client = null;
      if (c !== null) {
        this.listening--;
        this.zonesChanged();
      }
      await c?.end().catch(() => {});
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
