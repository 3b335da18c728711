import type pg from 'pg';
import { type Migration, SchemaTooNewError } from '../sqlite/migrations';

/**
 * Text compared and ordered byte-wise, as SQLite does: listings sort the same on both engines
 * whatever locale the PostgreSQL cluster was initialised with.
 */
const T = 'TEXT COLLATE "C"';

/**
 * The PostgreSQL schema, step for step the SQLite one (same numbers, names, tables and columns)
 * so the repository logic ports mechanically. Differences: JSON stays text (the exact string
 * written, key order included; cast to jsonb where a query looks inside), booleans stay 0/1
 * integers, ms epochs are BIGINT, AUTOINCREMENT / rowid ordering become identity columns, and
 * the data back-fills of steps 3 and 6 are left out (no PostgreSQL database predates them).
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'zones, record sets, change history, health checks',
    sql: `
      CREATE TABLE zones (
        id         ${T} PRIMARY KEY,
        name       ${T} NOT NULL UNIQUE,
        version    INTEGER NOT NULL DEFAULT 0,
        created_at ${T} NOT NULL
      );

      CREATE TABLE record_sets (
        id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        zone_id        ${T} NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
        name           ${T} NOT NULL,
        type           ${T} NOT NULL,
        set_identifier ${T} NOT NULL DEFAULT '',
        region         ${T},
        json           ${T} NOT NULL,
        UNIQUE (zone_id, name, type, set_identifier)
      );

      -- UNIQUE (zone_id, version): a lost or doubled version bump is impossible.
      CREATE TABLE change_batches (
        id           ${T} PRIMARY KEY,
        zone_id      ${T} NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
        version      INTEGER NOT NULL,
        submitted_at ${T} NOT NULL,
        comment      ${T},
        author       ${T},
        changes_json ${T} NOT NULL,
        plan_json    ${T} NOT NULL,
        UNIQUE (zone_id, version)
      );

      CREATE TABLE health_checks (
        id         ${T} PRIMARY KEY,
        healthy    INTEGER NOT NULL CHECK (healthy IN (0, 1)),
        updated_at ${T} NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'API tokens, zone settings, proposals, impact in history, append-only audit log',
    sql: `
      CREATE TABLE api_tokens (
        id           ${T} PRIMARY KEY,
        name         ${T} NOT NULL UNIQUE,
        role         ${T} NOT NULL,
        hash         ${T} NOT NULL UNIQUE CHECK (length(hash) = 64),
        created_at   ${T} NOT NULL,
        revoked_at   ${T},
        last_used_at ${T},
        CONSTRAINT api_tokens_role_check CHECK (role IN ('viewer', 'editor', 'approver', 'admin'))
      );

      CREATE TABLE zone_settings (
        zone_id          ${T} PRIMARY KEY REFERENCES zones (id) ON DELETE CASCADE,
        require_approval INTEGER NOT NULL DEFAULT 0 CHECK (require_approval IN (0, 1)),
        updated_at       ${T} NOT NULL,
        updated_by       ${T}
      );

      -- seq: insertion order (SQLite's rowid), the tie-break for proposals made in one ms.
      CREATE TABLE proposals (
        id                ${T} PRIMARY KEY,
        seq               BIGINT GENERATED ALWAYS AS IDENTITY,
        zone_id           ${T} NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
        author            ${T} NOT NULL,
        comment           ${T},
        batch_json        ${T} NOT NULL,
        plan_json         ${T} NOT NULL,
        base_records_json ${T} NOT NULL,
        base_version      INTEGER NOT NULL,
        status            ${T} NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'approved', 'rejected', 'applied', 'superseded')),
        created_at        ${T} NOT NULL,
        updated_at        ${T} NOT NULL,
        decided_by        ${T},
        decided_at        ${T},
        reason            ${T},
        applied_change_id ${T},
        rollback_of       ${T},
        superseded_by     ${T}
      );
      CREATE INDEX proposals_by_zone ON proposals (zone_id, created_at);

      ALTER TABLE change_batches ADD COLUMN impact_json ${T};
      ALTER TABLE change_batches ADD COLUMN applied_by ${T};
      ALTER TABLE change_batches ADD COLUMN proposal_id ${T};

      -- Append-only: the triggers refuse every UPDATE and DELETE (and TRUNCATE), whoever
      -- issues it. No foreign key to zones, so deleting a zone keeps its audit trail.
      CREATE TABLE audit_log (
        id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at           ${T} NOT NULL,
        actor        ${T},
        action       ${T} NOT NULL,
        zone_id      ${T},
        subject      ${T},
        details_json ${T} NOT NULL DEFAULT '{}' CHECK (details_json::jsonb IS NOT NULL)
      );
      CREATE INDEX audit_log_by_zone ON audit_log (zone_id, id);
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          RAISE EXCEPTION 'audit_log is append-only: entries cannot be changed';
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: entries cannot be deleted';
      END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
    `,
  },
  {
    version: 3,
    name: 'apex NS and SOA for every zone, SOA serial on zones',
    sql: `
      -- zones.serial mirrors the serial in the zone's apex SOA (0 when it has none).
      ALTER TABLE zones ADD COLUMN serial BIGINT NOT NULL DEFAULT 0
        CHECK (serial BETWEEN 0 AND 4294967295);
    `,
  },
  {
    version: 4,
    name: 'health checks: configuration, overrides with who and why, state, observations, transitions',
    sql: `
      ALTER TABLE health_checks RENAME TO health_overrides;
      ALTER TABLE health_overrides ADD COLUMN set_by ${T};
      ALTER TABLE health_overrides ADD COLUMN reason ${T};

      CREATE TABLE health_checks (
        id          ${T} PRIMARY KEY,
        seq         BIGINT GENERATED ALWAYS AS IDENTITY,
        name        ${T} NOT NULL,
        type        ${T} NOT NULL,
        config_json ${T} NOT NULL CHECK (config_json::jsonb IS NOT NULL),
        version     INTEGER NOT NULL CHECK (version >= 1),
        created_at  ${T} NOT NULL,
        updated_at  ${T} NOT NULL
      );

      CREATE TABLE health_state (
        id        ${T} PRIMARY KEY,
        healthy   INTEGER NOT NULL CHECK (healthy IN (0, 1)),
        source    ${T} NOT NULL
                  CHECK (source IN ('checker', 'override', 'disabled', 'calculated', 'none')),
        since     ${T} NOT NULL,
        checker   INTEGER CHECK (checker IN (0, 1))
      );

      CREATE TABLE health_observations (
        id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        check_id   ${T} NOT NULL,
        at         ${T} NOT NULL,
        healthy    INTEGER NOT NULL CHECK (healthy IN (0, 1)),
        latency_ms DOUBLE PRECISION,
        reason     ${T} NOT NULL
      );
      CREATE INDEX health_observations_by_check ON health_observations (check_id, id);

      CREATE TABLE health_transitions (
        id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        check_id     ${T} NOT NULL,
        name         ${T},
        at           ${T} NOT NULL,
        from_healthy INTEGER NOT NULL CHECK (from_healthy IN (0, 1)),
        to_healthy   INTEGER NOT NULL CHECK (to_healthy IN (0, 1)),
        source       ${T} NOT NULL,
        reason       ${T} NOT NULL,
        records_json ${T} NOT NULL DEFAULT '[]' CHECK (records_json::jsonb IS NOT NULL)
      );
      CREATE INDEX health_transitions_by_check ON health_transitions (check_id, id);
      CREATE INDEX health_transitions_by_time ON health_transitions (at);

      CREATE INDEX record_sets_by_health_check
          ON record_sets (((json::jsonb) ->> 'HealthCheckId'))
       WHERE ((json::jsonb) ->> 'HealthCheckId') IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'measured latency: raw samples, hour aggregates, routing model settings, reporter role',
    sql: `
      CREATE TABLE measurements (
        id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at      BIGINT NOT NULL,
        region  ${T} NOT NULL,
        rtt_ms  DOUBLE PRECISION NOT NULL CHECK (rtt_ms > 0),
        lat     DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon     DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
        cell    ${T} NOT NULL,
        network ${T} NOT NULL DEFAULT '',
        source  ${T}
      );
      CREATE INDEX measurements_by_time ON measurements (at);

      CREATE TABLE measurement_hours (
        hour      BIGINT NOT NULL,
        cell      ${T} NOT NULL,
        network   ${T} NOT NULL,
        region    ${T} NOT NULL,
        samples   INTEGER NOT NULL CHECK (samples > 0),
        median_ms DOUBLE PRECISION NOT NULL,
        p25_ms    DOUBLE PRECISION NOT NULL,
        p75_ms    DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (hour, cell, network, region)
      );
      CREATE TABLE measurement_dirty_hours (hour BIGINT PRIMARY KEY);
      CREATE TABLE measurement_state (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version BIGINT NOT NULL
      );
      INSERT INTO measurement_state (id, version) VALUES (1, 0);

      ALTER TABLE zone_settings ADD COLUMN routing_model ${T} NOT NULL DEFAULT 'distance'
        CHECK (routing_model IN ('distance', 'measured'));
      ALTER TABLE zone_settings ADD COLUMN window_days INTEGER NOT NULL DEFAULT 7
        CHECK (window_days BETWEEN 1 AND 90);
      ALTER TABLE zone_settings ADD COLUMN probe_urls_json ${T} NOT NULL DEFAULT '{}'
        CHECK (probe_urls_json::jsonb IS NOT NULL);
      ALTER TABLE zone_settings ADD COLUMN beacon_key ${T};
      CREATE UNIQUE INDEX zone_settings_by_beacon_key ON zone_settings (beacon_key)
       WHERE beacon_key IS NOT NULL;

      ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
      ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
        CHECK (role IN ('reporter', 'viewer', 'editor', 'approver', 'admin'));
    `,
  },
  {
    version: 6,
    name: "Route 53's API: caller references, comments, tags, proposal change ids, AWS access keys",
    sql: `
      ALTER TABLE zones ADD COLUMN caller_reference ${T};
      ALTER TABLE zones ADD COLUMN comment ${T};
      ALTER TABLE zones ADD COLUMN created_change_id ${T};
      CREATE UNIQUE INDEX zones_by_caller_reference ON zones (caller_reference)
       WHERE caller_reference IS NOT NULL;
      CREATE UNIQUE INDEX zones_by_created_change_id ON zones (created_change_id)
       WHERE created_change_id IS NOT NULL;
      ALTER TABLE health_checks ADD COLUMN caller_reference ${T};
      CREATE UNIQUE INDEX health_checks_by_caller_reference ON health_checks (caller_reference)
       WHERE caller_reference IS NOT NULL;

      CREATE TABLE resource_tags (
        resource_type ${T} NOT NULL CHECK (resource_type IN ('hostedzone', 'healthcheck')),
        resource_id   ${T} NOT NULL,
        key           ${T} NOT NULL,
        value         ${T} NOT NULL,
        PRIMARY KEY (resource_type, resource_id, key)
      );

      ALTER TABLE proposals ADD COLUMN change_id ${T};
      CREATE UNIQUE INDEX proposals_by_change_id ON proposals (change_id)
       WHERE change_id IS NOT NULL;

      CREATE TABLE aws_access_keys (
        id         ${T} PRIMARY KEY,
        token_id   ${T} NOT NULL REFERENCES api_tokens (id),
        secret_box ${T} NOT NULL,
        created_at ${T} NOT NULL,
        revoked_at ${T}
      );
      CREATE INDEX aws_access_keys_by_token ON aws_access_keys (token_id);
    `,
  },
  {
    version: 7,
    name: 'upstream Route 53 hosted zones: connections, pushed changes, drift',
    sql: `
      CREATE TABLE zone_upstreams (
        zone_id          ${T} PRIMARY KEY REFERENCES zones (id) ON DELETE CASCADE,
        provider         ${T} NOT NULL CHECK (provider IN ('route53')),
        hosted_zone_id   ${T} NOT NULL,
        region           ${T} NOT NULL,
        access_key_id    ${T} NOT NULL,
        secret_box       ${T} NOT NULL,
        secret_last4     ${T} NOT NULL,
        endpoint         ${T},
        created_at       ${T} NOT NULL,
        updated_at       ${T} NOT NULL,
        updated_by       ${T},
        checked_at       ${T},
        check_error      ${T},
        drift_checked_at ${T},
        drift_json       ${T} CHECK (drift_json IS NULL OR drift_json::jsonb IS NOT NULL)
      );

      CREATE TABLE upstream_changes (
        change_id          ${T} PRIMARY KEY,
        zone_id            ${T} NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
        upstream_change_id ${T} NOT NULL,
        status             ${T} NOT NULL CHECK (status IN ('PENDING', 'INSYNC')),
        submitted_at       ${T} NOT NULL,
        insync_at          ${T},
        polled_at          ${T},
        polls              INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX upstream_changes_pending ON upstream_changes (status) WHERE status = 'PENDING';
    `,
  },
  {
    version: 8,
    name: 'DNS responders: heartbeats with the zone versions each serves',
    sql: `
      -- One row per running DNS responder (id: <hostname>:<pid>:<random>); last_seen is its
      -- latest heartbeat (ISO), versions_json maps zone id to the version it serves.
      CREATE TABLE responders (
        id            TEXT PRIMARY KEY,
        address       TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        last_seen     TEXT NOT NULL,
        versions_json TEXT NOT NULL
      );
      CREATE INDEX responders_by_last_seen ON responders (last_seen);
    `,
  },
  {
    version: 9,
    name: 'zone change notifications (LISTEN latency_atlas_zones)',
    sql: `
      -- Every committed change to a zone row (a batch bumps its version; create and delete too)
      -- tells listeners which zone, so other instances' responders reload at once. Delivered on
      -- commit, never for a rolled-back write.
      CREATE FUNCTION latency_atlas_notify_zone() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('latency_atlas_zones', COALESCE(NEW.id, OLD.id));
        RETURN NULL;
      END $$;
      CREATE TRIGGER zones_notify AFTER INSERT OR UPDATE OR DELETE ON zones
        FOR EACH ROW EXECUTE FUNCTION latency_atlas_notify_zone();
    `,
  },
  {
    version: 10,
    name: 'health verdicts per checker (several instances probing one check)',
    sql: `
      -- Each checker's (instance's) latest verdict on a check; the check's checker verdict is
      -- combined from the live ones (more than 18 % healthy: healthy, as Route 53 does).
      CREATE TABLE health_verdicts (
        check_id   TEXT NOT NULL,
        checker_id TEXT NOT NULL,
        healthy    INTEGER CHECK (healthy IN (0, 1)),
        at         TEXT NOT NULL,
        PRIMARY KEY (check_id, checker_id)
      );
    `,
  },
  {
    version: 11,
    name: 'zone notifications carry the version (<id>:<version>, -1 when deleted)',
    sql: `
      -- Listeners patch the zone versions they hold instead of re-reading every zone.
      CREATE OR REPLACE FUNCTION latency_atlas_notify_zone() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('latency_atlas_zones', OLD.id || ':-1');
        ELSE
          PERFORM pg_notify('latency_atlas_zones', NEW.id || ':' || NEW.version);
        END IF;
        RETURN NULL;
      END $$;
    `,
  },
];

/** Key of the transaction-level advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 'latency-atlas:migrations';

/**
 * Brings the schema up to date: each pending migration and its schema_migrations row in one
 * transaction that first takes an advisory lock and then re-reads the version, so two
 * processes starting at once apply each step exactly once. Returns the versions applied now.
 */
export async function migratePg(
  pool: pg.Pool,
  migrations: readonly Migration[] = PG_MIGRATIONS,
): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const applied: number[] = [];
  const client = await pool.connect();
  try {
    for (;;) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATION_LOCK]);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version    INTEGER PRIMARY KEY,
          name       TEXT NOT NULL,
          applied_at TEXT NOT NULL
        )`);
        const res = await client.query<{ v: number }>(
          'SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations',
        );
        const found = res.rows[0]?.v ?? 0;
        if (found > latest) throw new SchemaTooNewError(found, latest);
        const next = migrations[found];
        if (next === undefined) {
          await client.query('COMMIT');
          return applied;
        }
        await client.query(next.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [next.version, next.name, new Date().toISOString()],
        );
        await client.query('COMMIT');
        applied.push(next.version);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    }
  } finally {
    client.release();
  }
}
