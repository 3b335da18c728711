import type { Database } from 'better-sqlite3';
import type { NewAuditEntry, UpstreamChange, UpstreamConnection } from '../repository';
import { toUpstream, type UpstreamRow } from '../stored-rows';

const CONN_COLUMNS = `zone_id AS zoneId, provider, hosted_zone_id AS hostedZoneId, region,
  access_key_id AS accessKeyId, secret_box AS secretBox, secret_last4 AS secretLast4, endpoint,
  created_at AS createdAt, updated_at AS updatedAt, updated_by AS updatedBy,
  checked_at AS checkedAt, check_error AS checkError, drift_checked_at AS driftCheckedAt,
  drift_json AS driftJson`;

const CHANGE_COLUMNS = `change_id AS changeId, zone_id AS zoneId,
  upstream_change_id AS upstreamChangeId, status, submitted_at AS submittedAt,
  insync_at AS insyncAt, polled_at AS polledAt, polls`;

/** The upstream half of the SQLite repository: connections, pushed changes, drift results. */
export class SqliteUpstreamStore {
  private readonly sql;

  constructor(
    db: Database,
    private readonly tx: {
      write: <T>(fn: () => T) => T;
      audit: (entry: NewAuditEntry) => void;
      timestamp: () => string;
    },
  ) {
    this.sql = {
      get: db.prepare<[string], UpstreamRow>(
        `SELECT ${CONN_COLUMNS} FROM zone_upstreams WHERE zone_id = ?`,
      ),
      list: db.prepare<[], UpstreamRow>(
        `SELECT ${CONN_COLUMNS} FROM zone_upstreams ORDER BY zone_id`,
      ),
      upsert: db.prepare<
        [
          string,
          string,
          string,
          string,
          string,
          string,
          string,
          string | null,
          string,
          string,
          string | null,
        ]
      >(
        `INSERT INTO zone_upstreams (zone_id, provider, hosted_zone_id, region, access_key_id,
           secret_box, secret_last4, endpoint, created_at, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (zone_id) DO UPDATE SET provider = excluded.provider,
           hosted_zone_id = excluded.hosted_zone_id, region = excluded.region,
           access_key_id = excluded.access_key_id, secret_box = excluded.secret_box,
           secret_last4 = excluded.secret_last4, endpoint = excluded.endpoint,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by,
           checked_at = NULL, check_error = NULL, drift_checked_at = NULL, drift_json = NULL`,
      ),
      delete: db.prepare<[string]>('DELETE FROM zone_upstreams WHERE zone_id = ?'),
      check: db.prepare<[string, string | null, string]>(
        'UPDATE zone_upstreams SET checked_at = ?, check_error = ? WHERE zone_id = ?',
      ),
      drift: db.prepare<[string, string, string]>(
        'UPDATE zone_upstreams SET drift_checked_at = ?, drift_json = ? WHERE zone_id = ?',
      ),
      insertChange: db.prepare<[string, string, string, string, string]>(
        `INSERT OR REPLACE INTO upstream_changes (change_id, zone_id, upstream_change_id, status, submitted_at)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      // SET reads the row as it was: the new poll time is passed again for insync_at.
      updateChange: db.prepare<[string, string, string, string, string]>(
        `UPDATE upstream_changes SET status = ?, polled_at = ?, polls = polls + 1,
           insync_at = CASE WHEN ? = 'INSYNC' AND insync_at IS NULL THEN ? ELSE insync_at END
         WHERE change_id = ?`,
      ),
      getChange: db.prepare<[string], UpstreamChange>(
        `SELECT ${CHANGE_COLUMNS} FROM upstream_changes WHERE change_id = ?`,
      ),
      pending: db.prepare<[], UpstreamChange>(
        `SELECT ${CHANGE_COLUMNS} FROM upstream_changes WHERE status = 'PENDING' ORDER BY submitted_at`,
      ),
    };
  }

  get(zoneId: string): UpstreamConnection | null {
    const row = this.sql.get.get(zoneId);
    return row ? toUpstream(row) : null;
  }

  list(): UpstreamConnection[] {
    return this.sql.list.all().map(toUpstream);
  }

  set(
    conn: Parameters<SqliteUpstreamStore['setRaw']>[0],
    actor: string | null,
  ): UpstreamConnection {
    return this.tx.write(() => this.setRaw(conn, actor));
  }

  private setRaw(
    conn: Pick<
      UpstreamConnection,
      | 'zoneId'
      | 'provider'
      | 'hostedZoneId'
      | 'region'
      | 'accessKeyId'
      | 'secretBox'
      | 'secretLast4'
      | 'endpoint'
    >,
    actor: string | null,
  ): UpstreamConnection {
    const now = this.tx.timestamp();
    const before = this.sql.get.get(conn.zoneId);
    this.sql.upsert.run(
      conn.zoneId,
      conn.provider,
      conn.hostedZoneId,
      conn.region,
      conn.accessKeyId,
      conn.secretBox,
      conn.secretLast4,
      conn.endpoint,
      before?.createdAt ?? now,
      now,
      actor,
    );
    this.tx.audit({
      actor,
      action: before ? 'upstream.updated' : 'upstream.connected',
      zoneId: conn.zoneId,
      subject: conn.hostedZoneId,
      details: {
        provider: conn.provider,
        hostedZoneId: conn.hostedZoneId,
        region: conn.region,
        accessKeyId: conn.accessKeyId,
        endpoint: conn.endpoint,
      },
    });
    return toUpstream(this.sql.get.get(conn.zoneId) as UpstreamRow);
  }

  delete(zoneId: string, actor: string | null): boolean {
    return this.tx.write(() => {
      const before = this.sql.get.get(zoneId);
      if (!before) return false;
      this.sql.delete.run(zoneId);
      this.tx.audit({
        actor,
        action: 'upstream.disconnected',
        zoneId,
        subject: before.hostedZoneId,
        details: {},
      });
      return true;
    });
  }

  recordCheck(zoneId: string, check: { at: string; error: string | null; drift?: unknown }): void {
    this.tx.write(() => {
      this.sql.check.run(check.at, check.error, zoneId);
      if (check.drift !== undefined)
        this.sql.drift.run(check.at, JSON.stringify(check.drift), zoneId);
    });
  }

  recordChange(c: Omit<UpstreamChange, 'insyncAt' | 'polledAt' | 'polls'>): void {
    this.tx.write(() => {
      this.sql.insertChange.run(c.changeId, c.zoneId, c.upstreamChangeId, c.status, c.submittedAt);
    });
  }

  updateChange(changeId: string, update: { status: 'PENDING' | 'INSYNC'; at: string }): void {
    this.tx.write(() => {
      this.sql.updateChange.run(update.status, update.at, update.status, update.at, changeId);
    });
  }

  getChange(changeId: string): UpstreamChange | null {
    return this.sql.getChange.get(changeId) ?? null;
  }

  pending(): UpstreamChange[] {
    return this.sql.pending.all();
  }
}
