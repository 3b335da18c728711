import type { Database } from 'better-sqlite3';

export interface Migration {
  /** 1, 2, 3, … in order; never renumber or edit one that has shipped, add a new one. */
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, as numbered steps. change_batches.plan_json keeps each batch's before/after so
 * rollback can be exact.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'zones, record sets, change history, health checks',
    sql: `
      CREATE TABLE zones (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        version    INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      ) STRICT;

      -- json holds the whole ResourceRecordSet as listed; the other columns are its identity
      -- and what queries filter on. The UNIQUE index (zone_id, name, type, set_identifier)
      -- also serves lookups by (zone_id) and (zone_id, name) as its prefix, so no second
      -- index is needed for recordSetsByName.
      CREATE TABLE record_sets (
        id             INTEGER PRIMARY KEY,
        zone_id        TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
        name           TEXT NOT NULL,
        type           TEXT NOT NULL,
        set_identifier TEXT NOT NULL DEFAULT '',
        region         TEXT,
        json           TEXT NOT NULL,
        UNIQUE (zone_id, name, type, set_identifier)
      ) STRICT;

      -- One row per applied batch; UNIQUE (zone_id, version) makes lost or doubled
      -- version bumps impossible even if a bug skipped the IMMEDIATE transaction.
      CREATE TABLE change_batches (
        id           TEXT PRIMARY KEY,
        zone_id      TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
        version      INTEGER NOT NULL,
        submitted_at TEXT NOT NULL,
        comment      TEXT,
        author       TEXT,
        changes_json TEXT NOT NULL,
        plan_json    TEXT NOT NULL,
        UNIQUE (zone_id, version)
      ) STRICT;

      CREATE TABLE health_checks (
        id         TEXT PRIMARY KEY,
        healthy    INTEGER NOT NULL CHECK (healthy IN (0, 1)),
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'API tokens, zone settings, proposals, impact in history, append-only audit log',
    sql: `
      -- Only the SHA-256 of a token's secret is stored. Names are never reused (UNIQUE even
      -- after revoking), so an author name in history always means one token.
      CREATE TABLE api_tokens (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE,
        role         TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'approver', 'admin')),
        hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
        created_at   TEXT NOT NULL,
        revoked_at   TEXT,
        last_used_at TEXT
      ) STRICT;

      CREATE TABLE zone_settings (
        zone_id          TEXT PRIMARY KEY REFERENCES zones (id) ON DELETE CASCADE,
        require_approval INTEGER NOT NULL DEFAULT 0 CHECK (require_approval IN (0, 1)),
        updated_at       TEXT NOT NULL,
        updated_by       TEXT
      ) STRICT;

      -- plan_json / base_records_json: the batch planned against base_version and every set at
      -- the names it touches at that version, so the diff and impact a reviewer sees are exactly
      -- what apply (which requires the zone to still be at base_version) will do.
      CREATE TABLE proposals (
        id                TEXT PRIMARY KEY,
        zone_id           TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
        author            TEXT NOT NULL,
        comment           TEXT,
        batch_json        TEXT NOT NULL,
        plan_json         TEXT NOT NULL,
        base_records_json TEXT NOT NULL,
        base_version      INTEGER NOT NULL,
        status            TEXT NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'approved', 'rejected', 'applied', 'superseded')),
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        decided_by        TEXT,
        decided_at        TEXT,
        reason            TEXT,
        applied_change_id TEXT,
        rollback_of       TEXT,
        superseded_by     TEXT
      ) STRICT;
      CREATE INDEX proposals_by_zone ON proposals (zone_id, created_at);

      ALTER TABLE change_batches ADD COLUMN impact_json TEXT;
      ALTER TABLE change_batches ADD COLUMN applied_by TEXT;
      ALTER TABLE change_batches ADD COLUMN proposal_id TEXT;

      -- Append-only: the triggers refuse every UPDATE and DELETE, whoever issues it. No foreign
      -- key to zones, so deleting a zone keeps its audit trail.
      CREATE TABLE audit_log (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        at           TEXT NOT NULL,
        actor        TEXT,
        action       TEXT NOT NULL,
        zone_id      TEXT,
        subject      TEXT,
        details_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details_json))
      ) STRICT;
      CREATE INDEX audit_log_by_zone ON audit_log (zone_id, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
    `,
  },
  {
    version: 3,
    name: 'apex NS and SOA for every zone, SOA serial on zones',
    sql: `
      -- zones.serial mirrors the serial in the zone's apex SOA (0 when it has none), so getZone
      -- reads it without parsing record sets; applyNow keeps the two equal.
      ALTER TABLE zones ADD COLUMN serial INTEGER NOT NULL DEFAULT 0
        CHECK (serial BETWEEN 0 AND 4294967295);

      -- Every zone gets Route 53's apex sets unless it has its own: NS ns1/ns2.<zone>. (TTL
      -- 172800), SOA "<first NS> hostmaster.<zone>. <version + 1> 7200 900 1209600 86400" (TTL
      -- 900). Zone names hold only a-z 0-9 - _ and dots, so "<name>." is the normalised apex, and
      -- json_object writes the keys in normalizeRecordSet's order, as JSON.stringify would.
      INSERT INTO record_sets (zone_id, name, type, set_identifier, region, json)
      SELECT z.id, z.name || '.', 'NS', '', NULL,
             json_object('Name', z.name || '.', 'Type', 'NS', 'TTL', 172800,
                         'ResourceRecords', json_array(json_object('Value', 'ns1.' || z.name || '.'),
                                                       json_object('Value', 'ns2.' || z.name || '.')))
        FROM zones z
       WHERE NOT EXISTS (SELECT 1 FROM record_sets r
                          WHERE r.zone_id = z.id AND r.name = z.name || '.' AND r.type = 'NS');

      INSERT INTO record_sets (zone_id, name, type, set_identifier, region, json)
      SELECT id, apex, 'SOA', '', NULL,
             json_object('Name', apex, 'Type', 'SOA', 'TTL', 900,
                         'ResourceRecords', json_array(json_object('Value',
                           CASE WHEN mname LIKE '%.' THEN mname ELSE mname || '.' END ||
                           ' hostmaster.' || apex || ' ' || (version + 1) ||
                           ' 7200 900 1209600 86400')))
        FROM (SELECT z.id, z.name || '.' AS apex, z.version,
                     lower(coalesce(
                       (SELECT json_extract(r.json, '$.ResourceRecords[0].Value') FROM record_sets r
                         WHERE r.zone_id = z.id AND r.name = z.name || '.' AND r.type = 'NS'),
                       'ns1.' || z.name || '.')) AS mname
                FROM zones z
               WHERE NOT EXISTS (SELECT 1 FROM record_sets r
                                  WHERE r.zone_id = z.id AND r.name = z.name || '.'
                                    AND r.type = 'SOA'));

      -- The serial is the third whitespace-separated field of the SOA value.
      UPDATE zones SET serial = coalesce((
        SELECT max(0, min(4294967295, CAST(substr(s2, 1, instr(s2 || ' ', ' ') - 1) AS INTEGER)))
          FROM (SELECT substr(s1, instr(s1, ' ') + 1) AS s2
                  FROM (SELECT substr(v, instr(v, ' ') + 1) AS s1
                          FROM (SELECT replace(replace(replace(replace(trim(replace(replace(replace(
                                         json_extract(r.json, '$.ResourceRecords[0].Value'),
                                         char(9), ' '), char(10), ' '), char(13), ' ')),
                                         '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ') AS v
                                  FROM record_sets r
                                 WHERE r.zone_id = zones.id AND r.name = zones.name || '.'
                                   AND r.type = 'SOA')))), 0);
    `,
  },
  {
    version: 4,
    name: 'health checks: configuration, overrides with who and why, state, observations, transitions',
    sql: `
      -- Until now health_checks held the status set by hand for any id: those rows are the
      -- manual overrides from here on (who and why unknown for the old ones).
      ALTER TABLE health_checks RENAME TO health_overrides;
      ALTER TABLE health_overrides ADD COLUMN set_by TEXT;
      ALTER TABLE health_overrides ADD COLUMN reason TEXT;

      -- Route 53's HealthCheckConfig, defaults filled in, as config_json.
      CREATE TABLE health_checks (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        type        TEXT NOT NULL,
        config_json TEXT NOT NULL CHECK (json_valid(config_json)),
        version     INTEGER NOT NULL CHECK (version >= 1),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      ) STRICT;

      -- The effective status of every id that has one other than "healthy by default", kept
      -- by each write so getHealth (DNS answers, testdnsanswer) is one indexed read. checker is
      -- the checker's verdict after FailureThreshold, before Inverted (NULL before its first).
      CREATE TABLE health_state (
        id        TEXT PRIMARY KEY,
        healthy   INTEGER NOT NULL CHECK (healthy IN (0, 1)),
        source    TEXT NOT NULL
                  CHECK (source IN ('checker', 'override', 'disabled', 'calculated', 'none')),
        since     TEXT NOT NULL,
        checker   INTEGER CHECK (checker IN (0, 1))
      ) STRICT;
      INSERT INTO health_state (id, healthy, source, since, checker)
      SELECT id, healthy, 'override', updated_at, NULL FROM health_overrides;

      -- The last probes of each check (the repository keeps a bounded number per check).
      CREATE TABLE health_observations (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        check_id   TEXT NOT NULL,
        at         TEXT NOT NULL,
        healthy    INTEGER NOT NULL CHECK (healthy IN (0, 1)),
        latency_ms REAL,
        reason     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX health_observations_by_check ON health_observations (check_id, id);

      -- Every change of effective status, with the record sets that named the check then.
      CREATE TABLE health_transitions (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        check_id     TEXT NOT NULL,
        name         TEXT,
        at           TEXT NOT NULL,
        from_healthy INTEGER NOT NULL CHECK (from_healthy IN (0, 1)),
        to_healthy   INTEGER NOT NULL CHECK (to_healthy IN (0, 1)),
        source       TEXT NOT NULL,
        reason       TEXT NOT NULL,
        records_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(records_json))
      ) STRICT;
      CREATE INDEX health_transitions_by_check ON health_transitions (check_id, id);
      CREATE INDEX health_transitions_by_time ON health_transitions (at);

      -- Which record sets name a health check (DELETE refuses while any does; transitions list them).
      CREATE INDEX record_sets_by_health_check
          ON record_sets (json_extract(json, '$.HealthCheckId'))
       WHERE json_extract(json, '$.HealthCheckId') IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'measured latency: raw samples, hour aggregates, routing model settings, reporter role',
    sql: `
      -- Raw samples, kept for the retention period (default 30 days). at: ms epoch. cell: the
      -- client's H3 cell (res 5). network: the client's /24 or /48 when known, else ''.
      CREATE TABLE measurements (
        id      INTEGER PRIMARY KEY,
        at      INTEGER NOT NULL,
        region  TEXT NOT NULL,
        rtt_ms  REAL NOT NULL CHECK (rtt_ms > 0),
        lat     REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon     REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        cell    TEXT NOT NULL,
        network TEXT NOT NULL DEFAULT '',
        source  TEXT
      ) STRICT;
      CREATE INDEX measurements_by_time ON measurements (at);

      -- Per hour × H3 cell × network × region: count, median, p25, p75 (ms). Kept longer than raw
      -- samples; an hour is recomputed from raw samples while it is marked dirty.
      CREATE TABLE measurement_hours (
        hour      INTEGER NOT NULL,
        cell      TEXT NOT NULL,
        network   TEXT NOT NULL,
        region    TEXT NOT NULL,
        samples   INTEGER NOT NULL CHECK (samples > 0),
        median_ms REAL NOT NULL,
        p25_ms    REAL NOT NULL,
        p75_ms    REAL NOT NULL,
        PRIMARY KEY (hour, cell, network, region)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE measurement_dirty_hours (hour INTEGER PRIMARY KEY) STRICT;
      -- Bumped by every insert and prune: readers rebuild their models when it moves.
      CREATE TABLE measurement_state (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
      ) STRICT;
      INSERT INTO measurement_state (id, version) VALUES (1, 0);

      ALTER TABLE zone_settings ADD COLUMN routing_model TEXT NOT NULL DEFAULT 'distance'
        CHECK (routing_model IN ('distance', 'measured'));
      ALTER TABLE zone_settings ADD COLUMN window_days INTEGER NOT NULL DEFAULT 7
        CHECK (window_days BETWEEN 1 AND 90);
      ALTER TABLE zone_settings ADD COLUMN probe_urls_json TEXT NOT NULL DEFAULT '{}'
        CHECK (json_valid(probe_urls_json));
      -- A public, zone-scoped key that can only post measurements (the browser beacon).
      ALTER TABLE zone_settings ADD COLUMN beacon_key TEXT;
      CREATE UNIQUE INDEX zone_settings_by_beacon_key ON zone_settings (beacon_key)
       WHERE beacon_key IS NOT NULL;

      -- The reporter role (may only post measurements): SQLite cannot alter a CHECK, so the
      -- table is rebuilt with the same rows.
      CREATE TABLE api_tokens_v5 (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE,
        role         TEXT NOT NULL
                       CHECK (role IN ('reporter', 'viewer', 'editor', 'approver', 'admin')),
        hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
        created_at   TEXT NOT NULL,
        revoked_at   TEXT,
        last_used_at TEXT
      ) STRICT;
      INSERT INTO api_tokens_v5 SELECT id, name, role, hash, created_at, revoked_at, last_used_at
        FROM api_tokens;
      DROP TABLE api_tokens;
      ALTER TABLE api_tokens_v5 RENAME TO api_tokens;
    `,
  },
  {
    version: 6,
    name: "Route 53's API: caller references, comments, tags, proposal change ids, AWS access keys",
    sql: `
      -- CreateHostedZone / CreateHealthCheck are idempotent per CallerReference.
      -- created_change_id: the ChangeInfo CreateHostedZone answers with (GetChange follows it).
      ALTER TABLE zones ADD COLUMN caller_reference TEXT;
      ALTER TABLE zones ADD COLUMN comment TEXT;
      ALTER TABLE zones ADD COLUMN created_change_id TEXT;
      CREATE UNIQUE INDEX zones_by_caller_reference ON zones (caller_reference)
       WHERE caller_reference IS NOT NULL;
      CREATE UNIQUE INDEX zones_by_created_change_id ON zones (created_change_id)
       WHERE created_change_id IS NOT NULL;
      ALTER TABLE health_checks ADD COLUMN caller_reference TEXT;
      CREATE UNIQUE INDEX health_checks_by_caller_reference ON health_checks (caller_reference)
       WHERE caller_reference IS NOT NULL;

      -- ListTagsForResource / ChangeTagsForResource (hosted zones and health checks).
      CREATE TABLE resource_tags (
        resource_type TEXT NOT NULL CHECK (resource_type IN ('hostedzone', 'healthcheck')),
        resource_id   TEXT NOT NULL,
        key           TEXT NOT NULL,
        value         TEXT NOT NULL,
        PRIMARY KEY (resource_type, resource_id, key)
      ) STRICT, WITHOUT ROWID;

      -- The change id a proposal's batch will be applied under, handed out when it is proposed
      -- (ChangeResourceRecordSets returns it PENDING; GetChange follows it to INSYNC).
      ALTER TABLE proposals ADD COLUMN change_id TEXT;
      UPDATE proposals SET change_id = '/change/C' || substr(id, 2) WHERE change_id IS NULL;
      CREATE UNIQUE INDEX proposals_by_change_id ON proposals (change_id)
       WHERE change_id IS NOT NULL;

      -- AWS access key pairs bound to an API token (its name and role): the secret is kept
      -- sealed with the server's secret key (it must be readable to verify SigV4 signatures).
      CREATE TABLE aws_access_keys (
        id         TEXT PRIMARY KEY,
        token_id   TEXT NOT NULL REFERENCES api_tokens (id),
        secret_box TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX aws_access_keys_by_token ON aws_access_keys (token_id);
    `,
  },
  {
    version: 7,
    name: 'upstream Route 53 hosted zones: connections, pushed changes, drift',
    sql: `
      -- A zone mirrored to a Route 53 hosted zone. secret_box: the secret access key sealed with
      -- the server key (never returned; only its last four characters are kept in clear).
      CREATE TABLE zone_upstreams (
        zone_id          TEXT PRIMARY KEY REFERENCES zones (id) ON DELETE CASCADE,
        provider         TEXT NOT NULL CHECK (provider IN ('route53')),
        hosted_zone_id   TEXT NOT NULL,
        region           TEXT NOT NULL,
        access_key_id    TEXT NOT NULL,
        secret_box       TEXT NOT NULL,
        secret_last4     TEXT NOT NULL,
        endpoint         TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        updated_by       TEXT,
        checked_at       TEXT,
        check_error      TEXT,
        drift_checked_at TEXT,
        drift_json       TEXT CHECK (drift_json IS NULL OR json_valid(drift_json))
      ) STRICT;

      -- Each local change that was pushed upstream: Route 53's change id and status.
      CREATE TABLE upstream_changes (
        change_id          TEXT PRIMARY KEY,
        zone_id            TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
        upstream_change_id TEXT NOT NULL,
        status             TEXT NOT NULL CHECK (status IN ('PENDING', 'INSYNC')),
        submitted_at       TEXT NOT NULL,
        insync_at          TEXT,
        polled_at          TEXT,
        polls              INTEGER NOT NULL DEFAULT 0
      ) STRICT;
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
        versions_json TEXT NOT NULL CHECK (json_valid(versions_json))
      ) STRICT;
      CREATE INDEX responders_by_last_seen ON responders (last_seen);
    `,
  },
  {
    version: 9,
    name: 'zone change notifications (PostgreSQL only; SQLite readers poll)',
    // Kept so both engines count the same schema versions.
    sql: 'SELECT 1;',
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
      ) STRICT;
    `,
  },
  {
    version: 11,
    name: 'a stamp bumped by every zone change (the DNS poll reads it, not every zone)',
    // (PostgreSQL's step 11 makes its notifications carry the version instead.)
    sql: `
      CREATE TABLE zone_stamp (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL) STRICT;
      INSERT INTO zone_stamp (id, n) VALUES (1, 0);
      CREATE TRIGGER zones_stamp_insert AFTER INSERT ON zones
        BEGIN UPDATE zone_stamp SET n = n + 1 WHERE id = 1; END;
      CREATE TRIGGER zones_stamp_update AFTER UPDATE ON zones
        BEGIN UPDATE zone_stamp SET n = n + 1 WHERE id = 1; END;
      CREATE TRIGGER zones_stamp_delete AFTER DELETE ON zones
        BEGIN UPDATE zone_stamp SET n = n + 1 WHERE id = 1; END;
    `,
  },
];

export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `the database was written by a newer latency-atlas (schema version ${found}; this build ` +
        `knows versions up to ${supported}). Upgrade latency-atlas, or point DATABASE_URL at ` +
        'another database.',
    );
  }
}

/**
 * Brings the schema up to date: each pending migration and its schema_migrations row in one
 * IMMEDIATE transaction, re-checked inside it so two processes opening a new file at once
 * apply each step once. Returns the versions applied now ([] on an up-to-date database).
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const currentVersion = db
    .prepare('SELECT coalesce(max(version), 0) FROM schema_migrations')
    .pluck();
  const found = currentVersion.get() as number;
  if (found > latest) throw new SchemaTooNewError(found, latest);

  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= found) continue;
    const step = db.transaction(() => {
      if ((currentVersion.get() as number) >= m.version) return;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      applied.push(m.version);
    });
    step.immediate();
  }
  return applied;
}
