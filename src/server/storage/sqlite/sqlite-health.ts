import type { Database } from 'better-sqlite3';
import { effectiveHealth } from '../../../engine/health-status';
import type { HealthCheckConfig, HealthCheckReference, HealthSource } from '../../../shared/health';
import { newHealthCheckId } from '../ids';
import {
  type ActorOptions,
  type CheckerVerdict,
  type CheckerVerdictOptions,
  combinedCheckerVerdict,
  HEALTH_OBSERVATIONS_KEPT,
  HEALTH_TRANSITIONS_KEPT,
  HealthCheckInUseError,
  HealthCheckNotFoundError,
  HealthCheckVersionError,
  type HealthObservationRecord,
  type HealthOverrideRecord,
  type HealthState,
  type HealthTransitionRecord,
  type HealthWriteResult,
  InvalidHealthCheckError,
  type NewAuditEntry,
  type StoredHealthCheck,
} from '../repository';

interface CheckRow {
  id: string;
  name: string;
  configJson: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface StateRow {
  id: string;
  healthy: number;
  source: HealthSource;
  since: string;
  checker: number | null;
}

interface OverrideRow {
  id: string;
  healthy: number;
  at: string;
  by: string | null;
  reason: string | null;
}

interface TransitionRow {
  id: number;
  checkId: string;
  name: string | null;
  at: string;
  fromHealthy: number;
  toHealthy: number;
  source: HealthSource;
  reason: string;
  recordsJson: string;
}

interface ReferenceRow {
  healthCheckId: string;
  zoneId: string;
  name: string;
  type: string;
  setIdentifier: string;
  region: string | null;
}

function toCheck(row: CheckRow): StoredHealthCheck {
  return {
    id: row.id,
    name: row.name,
    config: JSON.parse(row.configJson) as HealthCheckConfig,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toOverride(row: OverrideRow): HealthOverrideRecord {
  return { healthy: row.healthy === 1, by: row.by, reason: row.reason, at: row.at };
}

function toReference(row: ReferenceRow): HealthCheckReference {
  return {
    zoneId: row.zoneId,
    name: row.name,
    type: row.type,
    ...(row.setIdentifier !== '' ? { setIdentifier: row.setIdentifier } : {}),
    ...(row.region !== null ? { region: row.region } : {}),
  };
}

function toTransition(row: TransitionRow): HealthTransitionRecord {
  return {
    id: row.id,
    at: row.at,
    healthCheckId: row.checkId,
    name: row.name,
    from: row.fromHealthy === 1,
    to: row.toHealthy === 1,
    source: row.source,
    reason: row.reason,
    records: JSON.parse(row.recordsJson) as HealthCheckReference[],
  };
}

const statusWord = (healthy: boolean) => (healthy ? 'healthy' : 'unhealthy');

/**
 * The health half of the SQLite repository: checks, overrides, the materialised effective
 * status (health_state), observations and transitions. Every write recomputes, inside its
 * transaction, the effective status of the ids it touched and of CALCULATED checks over them
 * (engine/health-status.ts), so getHealth is one indexed read.
 */
export class SqliteHealthStore {
  private readonly sql: ReturnType<typeof prepareHealthStatements>;

  constructor(
    db: Database,
    private readonly tx: {
      write: <T>(fn: () => T) => T;
      audit: (entry: NewAuditEntry) => void;
      timestamp: () => string;
    },
  ) {
    this.sql = prepareHealthStatements(db);
  }

  getHealth(ids: string[]): Map<string, boolean> {
    const health = new Map<string, boolean>();
    if (ids.length === 0) return health;
    for (const id of ids) health.set(id, true);
    for (const row of this.sql.health.all(JSON.stringify(ids)))
      health.set(row.id, row.healthy === 1);
    return health;
  }

  getStates(ids: string[]): Map<string, HealthState> {
    const states = new Map<string, HealthState>();
    if (ids.length === 0) return states;
    const json = JSON.stringify(ids);
    const rows = new Map(this.sql.states.all(json).map((r) => [r.id, r]));
    const overrides = new Map(this.sql.overrides.all(json).map((r) => [r.id, r]));
    for (const id of ids) {
      const row = rows.get(id);
      const override = overrides.get(id);
      states.set(id, {
        id,
        healthy: row ? row.healthy === 1 : true,
        source: row?.source ?? 'none',
        since: row?.since ?? null,
        checker: row?.checker == null ? null : row.checker === 1,
        override: override ? toOverride(override) : null,
      });
    }
    return states;
  }

  listOverrides(): Map<string, HealthOverrideRecord> {
    return new Map(this.sql.allOverrides.all().map((r) => [r.id, toOverride(r)]));
  }

  getCheck(id: string): StoredHealthCheck | null {
    const row = this.sql.getCheck.get(id);
    return row ? toCheck(row) : null;
  }

  listChecks(): StoredHealthCheck[] {
    return this.sql.listChecks.all().map(toCheck);
  }

  references(ids?: string[]): Map<string, HealthCheckReference[]> {
    const out = new Map<string, HealthCheckReference[]>();
    if (ids !== undefined) for (const id of ids) out.set(id, []);
    const rows =
      ids === undefined
        ? this.sql.allReferences.all()
        : this.sql.references.all(JSON.stringify(ids));
    for (const row of rows) {
      const list = out.get(row.healthCheckId) ?? [];
      list.push(toReference(row));
      out.set(row.healthCheckId, list);
    }
    return out;
  }

  setOverride(
    id: string,
    healthy: boolean,
    opts: ActorOptions & { reason?: string | null },
  ): HealthWriteResult {
    return this.tx.write(() => {
      const at = this.tx.timestamp();
      const by = opts.actor ?? null;
      const reason = opts.reason ?? null;
      this.sql.setOverride.run(id, healthy ? 1 : 0, at, by, reason);
      this.tx.audit({
        actor: by,
        action: 'health.set',
        zoneId: null,
        subject: id,
        details: { healthy, ...(reason !== null ? { reason } : {}) },
      });
      const why = `override${by ? ` by ${by}` : ''}: ${statusWord(healthy)}${reason ? ` (${reason})` : ''}`;
      return { transitions: this.recompute([id], at, why) };
    });
  }

  clearOverride(id: string, opts: ActorOptions): HealthWriteResult & { cleared: boolean } {
    return this.tx.write(() => {
      const at = this.tx.timestamp();
      const cleared = this.sql.deleteOverride.run(id).changes > 0;
      if (!cleared) return { cleared, transitions: [] };
      const by = opts.actor ?? null;
      this.tx.audit({
        actor: by,
        action: 'health.override_cleared',
        zoneId: null,
        subject: id,
        details: {},
      });
      return {
        cleared,
        transitions: this.recompute([id], at, `override cleared${by ? ` by ${by}` : ''}`),
      };
    });
  }

  /** Inside a write: children must be configured, not CALCULATED, and not the check itself. */
  private checkChildren(id: string, config: HealthCheckConfig): void {
    if (config.Type !== 'CALCULATED') return;
    for (const child of config.ChildHealthChecks ?? []) {
      const field = 'HealthCheckConfig.ChildHealthChecks';
      if (child === id) {
        throw new InvalidHealthCheckError(
          field,
          'a CALCULATED health check cannot be its own child',
        );
      }
      const found = this.sql.getCheck.get(child);
      if (!found) throw new InvalidHealthCheckError(field, `no health check with id ${child}`);
      if ((JSON.parse(found.configJson) as HealthCheckConfig).Type === 'CALCULATED') {
        throw new InvalidHealthCheckError(
          field,
          `health check ${child} is CALCULATED; children must be endpoint checks`,
        );
      }
    }
  }

  byCallerReference(callerReference: string): string | null {
    return this.sql.checkByCallerRef.get(callerReference) ?? null;
  }

  create(
    input: { name: string; config: HealthCheckConfig; callerReference?: string },
    opts: ActorOptions,
  ): { check: StoredHealthCheck } & HealthWriteResult {
    return this.tx.write(() => {
      const at = this.tx.timestamp();
      const id = newHealthCheckId();
      this.checkChildren(id, input.config);
      const configJson = JSON.stringify(input.config);
      this.sql.insertCheck.run(
        id,
        input.name,
        input.config.Type,
        configJson,
        at,
        at,
        input.callerReference ?? null,
      );
      this.tx.audit({
        actor: opts.actor ?? null,
        action: 'health_check.created',
        zoneId: null,
        subject: id,
        details: { name: input.name, config: input.config },
      });
      const transitions = this.recompute([id], at, 'created');
      return { check: toCheck(this.sql.getCheck.get(id) as CheckRow), transitions };
    });
  }

  update(
    id: string,
    update: { expectedVersion: number; name: string; config: HealthCheckConfig },
    opts: ActorOptions,
  ): { check: StoredHealthCheck } & HealthWriteResult {
    return this.tx.write(() => {
      const row = this.sql.getCheck.get(id);
      if (!row) throw new HealthCheckNotFoundError(id);
      if (row.version !== update.expectedVersion) {
        throw new HealthCheckVersionError(id, update.expectedVersion, row.version);
      }
      const before = JSON.parse(row.configJson) as HealthCheckConfig;
      this.checkChildren(id, update.config);
      const at = this.tx.timestamp();
      this.sql.updateCheck.run(
        update.name,
        update.config.Type,
        JSON.stringify(update.config),
        at,
        id,
        update.expectedVersion,
      );
      const by = opts.actor ?? null;
      this.tx.audit({
        actor: by,
        action: 'health_check.updated',
        zoneId: null,
        subject: id,
        details: { version: update.expectedVersion + 1, name: update.name, config: update.config },
      });
      const what =
        before.Disabled !== update.config.Disabled
          ? update.config.Disabled
            ? 'disabled'
            : 'enabled'
          : before.Inverted !== update.config.Inverted
            ? update.config.Inverted
              ? 'inverted'
              : 'no longer inverted'
            : 'configuration changed';
      const transitions = this.recompute([id], at, `${what}${by ? ` by ${by}` : ''}`);
      return { check: toCheck(this.sql.getCheck.get(id) as CheckRow), transitions };
    });
  }

  delete(id: string, opts: ActorOptions): { deleted: boolean } & HealthWriteResult {
    return this.tx.write(() => {
      const row = this.sql.getCheck.get(id);
      if (!row) return { deleted: false, transitions: [] };
      const records = this.references([id]).get(id) ?? [];
      const parents = this.parentsOf(id);
      if (records.length > 0 || parents.length > 0) {
        throw new HealthCheckInUseError(id, records, parents);
      }
      const at = this.tx.timestamp();
      this.sql.deleteCheck.run(id);
      this.sql.deleteObservations.run(id);
      this.sql.deleteVerdicts.run(id);
      const by = opts.actor ?? null;
      this.tx.audit({
        actor: by,
        action: 'health_check.deleted',
        zoneId: null,
        subject: id,
        details: { name: row.name },
      });
      return {
        deleted: true,
        transitions: this.recompute([id], at, `deleted${by ? ` by ${by}` : ''}`, row.name),
      };
    });
  }

  recordObservation(
    id: string,
    observation: HealthObservationRecord,
    own: boolean | null,
    opts: CheckerVerdictOptions = {},
  ): HealthWriteResult {
    return this.tx.write(() => {
      if (!this.sql.getCheck.get(id)) return { transitions: [] };
      const since = opts.liveSince ?? '';
      this.sql.upsertVerdict.run(
        id,
        opts.checkerId ?? 'local',
        own === null ? null : own ? 1 : 0,
        observation.at,
      );
      if (since !== '') this.sql.pruneVerdicts.run(id, since);
      const checker = combinedCheckerVerdict(
        this.sql.liveVerdicts
          .all(id, since)
          .map((r) => (r.healthy === null ? null : r.healthy === 1)),
      );
      this.sql.insertObservation.run(
        id,
        observation.at,
        observation.healthy ? 1 : 0,
        observation.latencyMs,
        observation.reason,
      );
      this.sql.pruneObservations.run(id, id, HEALTH_OBSERVATIONS_KEPT);
      const state = this.sql.state.get(id);
      const before = state?.checker == null ? null : state.checker === 1;
      if (before === checker) return { transitions: [] };
      return {
        transitions: this.recompute([id], observation.at, observation.reason, undefined, checker),
      };
    });
  }

  verdicts(id: string): CheckerVerdict[] {
    return this.sql.verdicts.all(id).map((r) => ({
      checkerId: r.checkerId,
      healthy: r.healthy === null ? null : r.healthy === 1,
      at: r.at,
    }));
  }

  observations(id: string, limit: number): HealthObservationRecord[] {
    return this.sql.observations.all(id, limit).map((r) => ({
      at: r.at,
      healthy: r.healthy === 1,
      latencyMs: r.latencyMs,
      reason: r.reason,
    }));
  }

  transitions(opts: {
    healthCheckIds?: string[];
    zoneId?: string;
    since?: string;
    limit?: number;
  }): HealthTransitionRecord[] {
    return this.sql.transitions
      .all({
        ids: opts.healthCheckIds === undefined ? null : JSON.stringify(opts.healthCheckIds),
        zone: opts.zoneId ?? null,
        since: opts.since ?? null,
        limit: opts.limit ?? 100,
      })
      .map(toTransition);
  }

  /** CALCULATED checks that list `id` as a child. */
  private parentsOf(id: string): string[] {
    return this.sql.calculated
      .all()
      .filter((r) =>
        (JSON.parse(r.configJson) as HealthCheckConfig).ChildHealthChecks?.includes(id),
      )
      .map((r) => r.id);
  }

  /**
   * Inside a write: the effective status of `ids` and then of CALCULATED checks over them,
   * stored in health_state; a transition for each that changed. `checker` replaces the first
   * id's checker verdict when given.
   */
  private recompute(
    ids: string[],
    at: string,
    reason: string,
    deletedName?: string,
    checker?: boolean | null,
  ): HealthTransitionRecord[] {
    const out: HealthTransitionRecord[] = [];
    const queue = [...ids];
    const seen = new Set<string>();
    const healthyNow = (c: string) => {
      const s = this.sql.state.get(c);
      return s ? s.healthy === 1 : true;
    };
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i] as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const row = this.sql.getCheck.get(id);
      const config = row ? (JSON.parse(row.configJson) as HealthCheckConfig) : null;
      const override = this.sql.override.get(id);
      const state = this.sql.state.get(id);
      const storedChecker = state?.checker == null ? null : state.checker === 1;
      const verdict =
        config === null ? null : i === 0 && checker !== undefined ? checker : storedChecker;
      const eff = effectiveHealth({
        override: override ? override.healthy === 1 : null,
        config,
        checker: verdict,
        childHealthy: healthyNow,
      });
      const before = state ? state.healthy === 1 : true;
      const changed = before !== eff.healthy;
      if (config === null && !override) {
        this.sql.deleteState.run(id);
      } else {
        this.sql.upsertState.run(
          id,
          eff.healthy ? 1 : 0,
          eff.source,
          changed || !state ? at : state.since,
          verdict === null ? null : verdict ? 1 : 0,
        );
      }
      if (changed) {
        const why =
          i === 0 || ids.includes(id)
            ? reason
            : this.calculatedReason(config as HealthCheckConfig, healthyNow);
        const records = this.references([id]).get(id) ?? [];
        const name = row?.name ?? deletedName ?? null;
        const tid = this.sql.insertTransition.get(
          id,
          name,
          at,
          before ? 1 : 0,
          eff.healthy ? 1 : 0,
          eff.source,
          why,
          JSON.stringify(records),
        ) as number;
        this.sql.pruneTransitions.run(id, id, HEALTH_TRANSITIONS_KEPT);
        out.push({
          id: tid,
          at,
          healthCheckId: id,
          name,
          from: before,
          to: eff.healthy,
          source: eff.source,
          reason: why,
          records,
        });
      }
      if (changed) for (const p of this.parentsOf(id)) queue.push(p);
    }
    return out;
  }

  private calculatedReason(config: HealthCheckConfig, healthy: (id: string) => boolean): string {
    const children = config.ChildHealthChecks ?? [];
    const up = children.filter(healthy).length;
    return `${up} of ${children.length} child health checks healthy (threshold ${config.HealthThreshold ?? children.length})`;
  }
}

const CHECK_COLUMNS = `id, name, config_json AS configJson, version, created_at AS createdAt,
  updated_at AS updatedAt`;

const REFERENCE_COLUMNS = `json_extract(json, '$.HealthCheckId') AS healthCheckId, zone_id AS zoneId,
  name, type, set_identifier AS setIdentifier, region`;

function prepareHealthStatements(db: Database) {
  return {
    health: db.prepare<[string], { id: string; healthy: number }>(
      'SELECT id, healthy FROM health_state WHERE id IN (SELECT value FROM json_each(?))',
    ),
    state: db.prepare<[string], StateRow>(
      'SELECT id, healthy, source, since, checker FROM health_state WHERE id = ?',
    ),
    states: db.prepare<[string], StateRow>(
      `SELECT id, healthy, source, since, checker FROM health_state
        WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    upsertState: db.prepare<[string, number, string, string, number | null]>(
      `INSERT INTO health_state (id, healthy, source, since, checker) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET healthy = excluded.healthy, source = excluded.source,
         since = excluded.since, checker = excluded.checker`,
    ),
    deleteState: db.prepare<[string]>('DELETE FROM health_state WHERE id = ?'),
    override: db.prepare<[string], OverrideRow>(
      `SELECT id, healthy, updated_at AS at, set_by AS by, reason FROM health_overrides
        WHERE id = ?`,
    ),
    overrides: db.prepare<[string], OverrideRow>(
      `SELECT id, healthy, updated_at AS at, set_by AS by, reason FROM health_overrides
        WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    allOverrides: db.prepare<[], OverrideRow>(
      'SELECT id, healthy, updated_at AS at, set_by AS by, reason FROM health_overrides ORDER BY id',
    ),
    setOverride: db.prepare<[string, number, string, string | null, string | null]>(
      `INSERT INTO health_overrides (id, healthy, updated_at, set_by, reason) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET healthy = excluded.healthy, updated_at = excluded.updated_at,
         set_by = excluded.set_by, reason = excluded.reason`,
    ),
    deleteOverride: db.prepare<[string]>('DELETE FROM health_overrides WHERE id = ?'),
    getCheck: db.prepare<[string], CheckRow>(
      `SELECT ${CHECK_COLUMNS} FROM health_checks WHERE id = ?`,
    ),
    listChecks: db.prepare<[], CheckRow>(
      `SELECT ${CHECK_COLUMNS} FROM health_checks ORDER BY created_at, rowid`,
    ),
    calculated: db.prepare<[], { id: string; configJson: string }>(
      `SELECT id, config_json AS configJson FROM health_checks WHERE type = 'CALCULATED'`,
    ),
    insertCheck: db.prepare<[string, string, string, string, string, string, string | null]>(
      `INSERT INTO health_checks (id, name, type, config_json, version, created_at, updated_at,
                                  caller_reference)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?)`,
    ),
    checkByCallerRef: db
      .prepare<[string], string>('SELECT id FROM health_checks WHERE caller_reference = ?')
      .pluck(),
    updateCheck: db.prepare<[string, string, string, string, string, number]>(
      `UPDATE health_checks SET name = ?, type = ?, config_json = ?, updated_at = ?,
         version = version + 1
        WHERE id = ? AND version = ?`,
    ),
    deleteCheck: db.prepare<[string]>('DELETE FROM health_checks WHERE id = ?'),
    references: db.prepare<[string], ReferenceRow>(
      `SELECT ${REFERENCE_COLUMNS} FROM record_sets
        WHERE json_extract(json, '$.HealthCheckId') IN (SELECT value FROM json_each(?))
        ORDER BY zone_id, name, type, set_identifier`,
    ),
    allReferences: db.prepare<[], ReferenceRow>(
      `SELECT ${REFERENCE_COLUMNS} FROM record_sets
        WHERE json_extract(json, '$.HealthCheckId') IS NOT NULL
        ORDER BY zone_id, name, type, set_identifier`,
    ),
    insertObservation: db.prepare<[string, string, number, number | null, string]>(
      `INSERT INTO health_observations (check_id, at, healthy, latency_ms, reason)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    pruneObservations: db.prepare<[string, string, number]>(
      `DELETE FROM health_observations WHERE check_id = ? AND id < (
         SELECT min(id) FROM (SELECT id FROM health_observations WHERE check_id = ?
                               ORDER BY id DESC LIMIT ?))`,
    ),
    deleteObservations: db.prepare<[string]>('DELETE FROM health_observations WHERE check_id = ?'),
    upsertVerdict: db.prepare<[string, string, number | null, string]>(
      `INSERT INTO health_verdicts (check_id, checker_id, healthy, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (check_id, checker_id) DO UPDATE SET healthy = excluded.healthy, at = excluded.at`,
    ),
    pruneVerdicts: db.prepare<[string, string]>(
      'DELETE FROM health_verdicts WHERE check_id = ? AND at < ?',
    ),
    liveVerdicts: db.prepare<[string, string], { healthy: number | null }>(
      'SELECT healthy FROM health_verdicts WHERE check_id = ? AND at >= ?',
    ),
    verdicts: db.prepare<[string], { checkerId: string; healthy: number | null; at: string }>(
      `SELECT checker_id AS checkerId, healthy, at FROM health_verdicts WHERE check_id = ?
        ORDER BY at DESC, checker_id`,
    ),
    deleteVerdicts: db.prepare<[string]>('DELETE FROM health_verdicts WHERE check_id = ?'),
    observations: db.prepare<
      [string, number],
      { at: string; healthy: number; latencyMs: number | null; reason: string }
    >(
      `SELECT at, healthy, latency_ms AS latencyMs, reason FROM health_observations
        WHERE check_id = ? ORDER BY id DESC LIMIT ?`,
    ),
    insertTransition: db
      .prepare<[string, string | null, string, number, number, string, string, string], number>(
        `INSERT INTO health_transitions
           (check_id, name, at, from_healthy, to_healthy, source, reason, records_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck(),
    pruneTransitions: db.prepare<[string, string, number]>(
      `DELETE FROM health_transitions WHERE check_id = ? AND id < (
         SELECT min(id) FROM (SELECT id FROM health_transitions WHERE check_id = ?
                               ORDER BY id DESC LIMIT ?))`,
    ),
    transitions: db.prepare<
      [{ ids: string | null; zone: string | null; since: string | null; limit: number }],
      TransitionRow
    >(
      `SELECT id, check_id AS checkId, name, at, from_healthy AS fromHealthy,
              to_healthy AS toHealthy, source, reason, records_json AS recordsJson
         FROM health_transitions
        WHERE (@ids IS NULL OR check_id IN (SELECT value FROM json_each(@ids)))
          AND (@since IS NULL OR at >= @since)
          AND (@zone IS NULL
               OR EXISTS (SELECT 1 FROM json_each(records_json) j
                           WHERE json_extract(j.value, '$.zoneId') = @zone)
               OR check_id IN (SELECT json_extract(r.json, '$.HealthCheckId') FROM record_sets r
                                WHERE r.zone_id = @zone
                                  AND json_extract(r.json, '$.HealthCheckId') IS NOT NULL))
        ORDER BY id DESC LIMIT @limit`,
    ),
  };
}
