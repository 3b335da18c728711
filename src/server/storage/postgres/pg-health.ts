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
import type { PgQueries } from './pg-db';

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

const CHECK_COLUMNS = `id, name, config_json AS "configJson", version, created_at AS "createdAt",
  updated_at AS "updatedAt"`;

const HEALTH_CHECK_ID = `((json::jsonb) ->> 'HealthCheckId')`;

const REFERENCE_COLUMNS = `${HEALTH_CHECK_ID} AS "healthCheckId", zone_id AS "zoneId",
  name, type, set_identifier AS "setIdentifier", region`;

const OVERRIDE_COLUMNS = 'id, healthy, updated_at AS at, set_by AS by, reason';

/**
 * The health half of the PostgreSQL repository, SqliteHealthStore's logic over pg: every
 * write (serialised by the caller's advisory lock) recomputes, inside its transaction, the
 * effective status of the ids it touched and of CALCULATED checks over them, so getHealth is
 * one indexed read.
 */
export class PgHealthStore {
  constructor(
    private readonly q: PgQueries,
    private readonly tx: {
      write: <T>(fn: (q: PgQueries) => Promise<T>) => Promise<T>;
      audit: (q: PgQueries, entry: NewAuditEntry) => Promise<void>;
      timestamp: () => string;
    },
  ) {}

  async getHealth(ids: string[]): Promise<Map<string, boolean>> {
    const health = new Map<string, boolean>();
    if (ids.length === 0) return health;
    for (const id of ids) health.set(id, true);
    const rows = await this.q.all<{ id: string; healthy: number }>(
      'SELECT id, healthy FROM health_state WHERE id = ANY($1::text[])',
      [ids],
    );
    for (const row of rows) health.set(row.id, row.healthy === 1);
    return health;
  }

  async getStates(ids: string[]): Promise<Map<string, HealthState>> {
    const states = new Map<string, HealthState>();
    if (ids.length === 0) return states;
    const stateRows = await this.q.all<StateRow>(
      'SELECT id, healthy, source, since, checker FROM health_state WHERE id = ANY($1::text[])',
      [ids],
    );
    const overrideRows = await this.q.all<OverrideRow>(
      `SELECT ${OVERRIDE_COLUMNS} FROM health_overrides WHERE id = ANY($1::text[])`,
      [ids],
    );
    const rows = new Map(stateRows.map((r) => [r.id, r]));
    const overrides = new Map(overrideRows.map((r) => [r.id, r]));
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

  async listOverrides(): Promise<Map<string, HealthOverrideRecord>> {
    const rows = await this.q.all<OverrideRow>(
      `SELECT ${OVERRIDE_COLUMNS} FROM health_overrides ORDER BY id`,
    );
    return new Map(rows.map((r) => [r.id, toOverride(r)]));
  }

  private checkRow(q: PgQueries, id: string): Promise<CheckRow | undefined> {
    return q.one<CheckRow>(`SELECT ${CHECK_COLUMNS} FROM health_checks WHERE id = $1`, [id]);
  }

  private stateRow(q: PgQueries, id: string): Promise<StateRow | undefined> {
    return q.one<StateRow>(
      'SELECT id, healthy, source, since, checker FROM health_state WHERE id = $1',
      [id],
    );
  }

  async getCheck(id: string): Promise<StoredHealthCheck | null> {
    const row = await this.checkRow(this.q, id);
    return row ? toCheck(row) : null;
  }

  async listChecks(): Promise<StoredHealthCheck[]> {
    const rows = await this.q.all<CheckRow>(
      `SELECT ${CHECK_COLUMNS} FROM health_checks ORDER BY created_at, seq`,
    );
    return rows.map(toCheck);
  }

  async references(ids?: string[], q: PgQueries = this.q) {
    const out = new Map<string, HealthCheckReference[]>();
    if (ids !== undefined) for (const id of ids) out.set(id, []);
    const rows =
      ids === undefined
        ? await q.all<ReferenceRow>(
            `SELECT ${REFERENCE_COLUMNS} FROM record_sets WHERE ${HEALTH_CHECK_ID} IS NOT NULL
              ORDER BY zone_id, name, type, set_identifier`,
          )
        : await q.all<ReferenceRow>(
            `SELECT ${REFERENCE_COLUMNS} FROM record_sets
              WHERE ${HEALTH_CHECK_ID} = ANY($1::text[])
              ORDER BY zone_id, name, type, set_identifier`,
            [ids],
          );
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
  ): Promise<HealthWriteResult> {
    return this.tx.write(async (q) => {
      const at = this.tx.timestamp();
      const by = opts.actor ?? null;
      const reason = opts.reason ?? null;
      await q.run(
        `INSERT INTO health_overrides (id, healthy, updated_at, set_by, reason)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET healthy = excluded.healthy,
           updated_at = excluded.updated_at, set_by = excluded.set_by, reason = excluded.reason`,
        [id, healthy ? 1 : 0, at, by, reason],
      );
      await this.tx.audit(q, {
        actor: by,
        action: 'health.set',
        zoneId: null,
        subject: id,
        details: { healthy, ...(reason !== null ? { reason } : {}) },
      });
      const why = `override${by ? ` by ${by}` : ''}: ${statusWord(healthy)}${reason ? ` (${reason})` : ''}`;
      return { transitions: await this.recompute(q, [id], at, why) };
    });
  }

  clearOverride(id: string, opts: ActorOptions): Promise<HealthWriteResult & { cleared: boolean }> {
    return this.tx.write(async (q) => {
      const at = this.tx.timestamp();
      const cleared = (await q.run('DELETE FROM health_overrides WHERE id = $1', [id])) > 0;
      if (!cleared) return { cleared, transitions: [] };
      const by = opts.actor ?? null;
      await this.tx.audit(q, {
        actor: by,
        action: 'health.override_cleared',
        zoneId: null,
        subject: id,
        details: {},
      });
      return {
        cleared,
        transitions: await this.recompute(q, [id], at, `override cleared${by ? ` by ${by}` : ''}`),
      };
    });
  }

  /** Inside a write: children must be configured, not CALCULATED, and not the check itself. */
  private async checkChildren(q: PgQueries, id: string, config: HealthCheckConfig) {
    if (config.Type !== 'CALCULATED') return;
    for (const child of config.ChildHealthChecks ?? []) {
      const field = 'HealthCheckConfig.ChildHealthChecks';
      if (child === id) {
        throw new InvalidHealthCheckError(
          field,
          'a CALCULATED health check cannot be its own child',
        );
      }
      const found = await this.checkRow(q, child);
      if (!found) throw new InvalidHealthCheckError(field, `no health check with id ${child}`);
      if ((JSON.parse(found.configJson) as HealthCheckConfig).Type === 'CALCULATED') {
        throw new InvalidHealthCheckError(
          field,
          `health check ${child} is CALCULATED; children must be endpoint checks`,
        );
      }
    }
  }

  async byCallerReference(callerReference: string): Promise<string | null> {
    const row = await this.q.one<{ id: string }>(
      'SELECT id FROM health_checks WHERE caller_reference = $1',
      [callerReference],
    );
    return row?.id ?? null;
  }

  create(
    input: { name: string; config: HealthCheckConfig; callerReference?: string },
    opts: ActorOptions,
  ): Promise<{ check: StoredHealthCheck } & HealthWriteResult> {
    return this.tx.write(async (q) => {
      const at = this.tx.timestamp();
      const id = newHealthCheckId();
      await this.checkChildren(q, id, input.config);
      await q.run(
        `INSERT INTO health_checks (id, name, type, config_json, version, created_at, updated_at,
                                    caller_reference)
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7)`,
        [
          id,
          input.name,
          input.config.Type,
          JSON.stringify(input.config),
          at,
          at,
          input.callerReference ?? null,
        ],
      );
      await this.tx.audit(q, {
        actor: opts.actor ?? null,
        action: 'health_check.created',
        zoneId: null,
        subject: id,
        details: { name: input.name, config: input.config },
      });
      const transitions = await this.recompute(q, [id], at, 'created');
      return { check: toCheck((await this.checkRow(q, id)) as CheckRow), transitions };
    });
  }

  update(
    id: string,
    update: { expectedVersion: number; name: string; config: HealthCheckConfig },
    opts: ActorOptions,
  ): Promise<{ check: StoredHealthCheck } & HealthWriteResult> {
    return this.tx.write(async (q) => {
      const row = await this.checkRow(q, id);
      if (!row) throw new HealthCheckNotFoundError(id);
      if (row.version !== update.expectedVersion) {
        throw new HealthCheckVersionError(id, update.expectedVersion, row.version);
      }
      const before = JSON.parse(row.configJson) as HealthCheckConfig;
      await this.checkChildren(q, id, update.config);
      const at = this.tx.timestamp();
      await q.run(
        `UPDATE health_checks SET name = $1, type = $2, config_json = $3, updated_at = $4,
           version = version + 1
          WHERE id = $5 AND version = $6`,
        [
          update.name,
          update.config.Type,
          JSON.stringify(update.config),
          at,
          id,
          update.expectedVersion,
        ],
      );
      const by = opts.actor ?? null;
      await this.tx.audit(q, {
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
      const transitions = await this.recompute(q, [id], at, `${what}${by ? ` by ${by}` : ''}`);
      return { check: toCheck((await this.checkRow(q, id)) as CheckRow), transitions };
    });
  }

  delete(id: string, opts: ActorOptions): Promise<{ deleted: boolean } & HealthWriteResult> {
    return this.tx.write(async (q) => {
      const row = await this.checkRow(q, id);
      if (!row) return { deleted: false, transitions: [] };
      const records = (await this.references([id], q)).get(id) ?? [];
      const parents = await this.parentsOf(q, id);
      if (records.length > 0 || parents.length > 0) {
        throw new HealthCheckInUseError(id, records, parents);
      }
      const at = this.tx.timestamp();
      await q.run('DELETE FROM health_checks WHERE id = $1', [id]);
      await q.run('DELETE FROM health_observations WHERE check_id = $1', [id]);
      await q.run('DELETE FROM health_verdicts WHERE check_id = $1', [id]);
      const by = opts.actor ?? null;
      await this.tx.audit(q, {
        actor: by,
        action: 'health_check.deleted',
        zoneId: null,
        subject: id,
        details: { name: row.name },
      });
      return {
        deleted: true,
        transitions: await this.recompute(q, [id], at, `deleted${by ? ` by ${by}` : ''}`, row.name),
      };
    });
  }

  recordObservation(
    id: string,
    observation: HealthObservationRecord,
    own: boolean | null,
    opts: CheckerVerdictOptions = {},
  ): Promise<HealthWriteResult> {
    return this.tx.write(async (q) => {
      if (!(await this.checkRow(q, id))) return { transitions: [] };
      const since = opts.liveSince ?? '';
      await q.run(
        `INSERT INTO health_verdicts (check_id, checker_id, healthy, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (check_id, checker_id) DO UPDATE SET healthy = excluded.healthy, at = excluded.at`,
        [id, opts.checkerId ?? 'local', own === null ? null : own ? 1 : 0, observation.at],
      );
      if (since !== '') {
        await q.run('DELETE FROM health_verdicts WHERE check_id = $1 AND at < $2', [id, since]);
      }
      const live = await q.all<{ healthy: number | null }>(
        'SELECT healthy FROM health_verdicts WHERE check_id = $1 AND at >= $2',
        [id, since],
      );
      const checker = combinedCheckerVerdict(
        live.map((r) => (r.healthy === null ? null : r.healthy === 1)),
      );
      await q.run(
        `INSERT INTO health_observations (check_id, at, healthy, latency_ms, reason)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          id,
          observation.at,
          observation.healthy ? 1 : 0,
          observation.latencyMs,
          observation.reason,
        ],
      );
      await q.run(
        `DELETE FROM health_observations WHERE check_id = $1 AND id < (
           SELECT min(id) FROM (SELECT id FROM health_observations WHERE check_id = $1
                                 ORDER BY id DESC LIMIT $2) AS kept)`,
        [id, HEALTH_OBSERVATIONS_KEPT],
      );
      const state = await this.stateRow(q, id);
      const before = state?.checker == null ? null : state.checker === 1;
      if (before === checker) return { transitions: [] };
      return {
        transitions: await this.recompute(
          q,
          [id],
          observation.at,
          observation.reason,
          undefined,
          checker,
        ),
      };
    });
  }

  async verdicts(id: string): Promise<CheckerVerdict[]> {
    const rows = await this.q.all<{ checkerId: string; healthy: number | null; at: string }>(
      `SELECT checker_id AS "checkerId", healthy, at FROM health_verdicts WHERE check_id = $1
        ORDER BY at DESC, checker_id COLLATE "C"`,
      [id],
    );
    return rows.map((r) => ({
      checkerId: r.checkerId,
      healthy: r.healthy === null ? null : r.healthy === 1,
      at: r.at,
    }));
  }

  async observations(id: string, limit: number): Promise<HealthObservationRecord[]> {
    const rows = await this.q.all<{
      at: string;
      healthy: number;
      latencyMs: number | null;
      reason: string;
    }>(
      `SELECT at, healthy, latency_ms AS "latencyMs", reason FROM health_observations
        WHERE check_id = $1 ORDER BY id DESC LIMIT $2`,
      [id, limit >= 0 ? limit : null],
    );
    return rows.map((r) => ({
      at: r.at,
      healthy: r.healthy === 1,
      latencyMs: r.latencyMs,
      reason: r.reason,
    }));
  }

  async transitions(opts: {
    healthCheckIds?: string[];
    zoneId?: string;
    since?: string;
    limit?: number;
  }): Promise<HealthTransitionRecord[]> {
    const limit = opts.limit ?? 100;
    const rows = await this.q.all<TransitionRow>(
      `SELECT id, check_id AS "checkId", name, at, from_healthy AS "fromHealthy",
              to_healthy AS "toHealthy", source, reason, records_json AS "recordsJson"
         FROM health_transitions
        WHERE ($1::text[] IS NULL OR check_id = ANY($1::text[]))
          AND ($2::text IS NULL OR at >= $2)
          AND ($3::text IS NULL
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(records_json::jsonb) j
                           WHERE j ->> 'zoneId' = $3)
               OR check_id IN (SELECT ((r.json::jsonb) ->> 'HealthCheckId') FROM record_sets r
                                WHERE r.zone_id = $3
                                  AND ((r.json::jsonb) ->> 'HealthCheckId') IS NOT NULL))
        ORDER BY id DESC LIMIT $4`,
      [
        opts.healthCheckIds ?? null,
        opts.since ?? null,
        opts.zoneId ?? null,
        limit >= 0 ? limit : null,
      ],
    );
    return rows.map(toTransition);
  }

  /** CALCULATED checks that list `id` as a child. */
  private async parentsOf(q: PgQueries, id: string): Promise<string[]> {
    const rows = await q.all<{ id: string; configJson: string }>(
      `SELECT id, config_json AS "configJson" FROM health_checks WHERE type = 'CALCULATED'`,
    );
    return rows
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
  private async recompute(
    q: PgQueries,
    ids: string[],
    at: string,
    reason: string,
    deletedName?: string,
    checker?: boolean | null,
  ): Promise<HealthTransitionRecord[]> {
    const out: HealthTransitionRecord[] = [];
    const queue = [...ids];
    const seen = new Set<string>();
    // effectiveHealth asks synchronously: the check's state and its children's, read first.
    const loadStates = async (stateIds: string[]) =>
      new Map(
        (
          await q.all<StateRow>(
            'SELECT id, healthy, source, since, checker FROM health_state WHERE id = ANY($1::text[])',
            [stateIds],
          )
        ).map((s) => [s.id, s]),
      );
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i] as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const row = await this.checkRow(q, id);
      const config = row ? (JSON.parse(row.configJson) as HealthCheckConfig) : null;
      const override = await q.one<OverrideRow>(
        `SELECT ${OVERRIDE_COLUMNS} FROM health_overrides WHERE id = $1`,
        [id],
      );
      const states = await loadStates([id, ...(config?.ChildHealthChecks ?? [])]);
      const healthyNow = (c: string) => {
        const s = states.get(c);
        return s ? s.healthy === 1 : true;
      };
      const state = states.get(id);
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
        await q.run('DELETE FROM health_state WHERE id = $1', [id]);
        states.delete(id);
      } else {
        const next: StateRow = {
          id,
          healthy: eff.healthy ? 1 : 0,
          source: eff.source,
          since: changed || !state ? at : state.since,
          checker: verdict === null ? null : verdict ? 1 : 0,
        };
        await q.run(
          `INSERT INTO health_state (id, healthy, source, since, checker)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET healthy = excluded.healthy, source = excluded.source,
             since = excluded.since, checker = excluded.checker`,
          [next.id, next.healthy, next.source, next.since, next.checker],
        );
        states.set(id, next);
      }
      if (changed) {
        const why =
          i === 0 || ids.includes(id)
            ? reason
            : this.calculatedReason(config as HealthCheckConfig, healthyNow);
        const records = (await this.references([id], q)).get(id) ?? [];
        const name = row?.name ?? deletedName ?? null;
        const inserted = await q.one<{ id: number }>(
          `INSERT INTO health_transitions
             (check_id, name, at, from_healthy, to_healthy, source, reason, records_json)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [
            id,
            name,
            at,
            before ? 1 : 0,
            eff.healthy ? 1 : 0,
            eff.source,
            why,
            JSON.stringify(records),
          ],
        );
        await q.run(
          `DELETE FROM health_transitions WHERE check_id = $1 AND id < (
             SELECT min(id) FROM (SELECT id FROM health_transitions WHERE check_id = $1
                                   ORDER BY id DESC LIMIT $2) AS kept)`,
          [id, HEALTH_TRANSITIONS_KEPT],
        );
        out.push({
          id: inserted?.id as number,
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
      if (changed) for (const p of await this.parentsOf(q, id)) queue.push(p);
    }
    return out;
  }

  private calculatedReason(config: HealthCheckConfig, healthy: (id: string) => boolean): string {
    const children = config.ChildHealthChecks ?? [];
    const up = children.filter(healthy).length;
    return `${up} of ${children.length} child health checks healthy (threshold ${config.HealthThreshold ?? children.length})`;
  }
}
