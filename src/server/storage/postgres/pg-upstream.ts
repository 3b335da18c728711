import type { NewAuditEntry, UpstreamChange, UpstreamConnection } from '../repository';
import { toUpstream, type UpstreamRow } from '../stored-rows';
import type { PgQueries } from './pg-db';

const CONN_COLUMNS = `zone_id AS "zoneId", provider, hosted_zone_id AS "hostedZoneId", region,
  access_key_id AS "accessKeyId", secret_box AS "secretBox", secret_last4 AS "secretLast4",
  endpoint, created_at AS "createdAt", updated_at AS "updatedAt", updated_by AS "updatedBy",
  checked_at AS "checkedAt", check_error AS "checkError",
  drift_checked_at AS "driftCheckedAt", drift_json AS "driftJson"`;

const CHANGE_COLUMNS = `change_id AS "changeId", zone_id AS "zoneId",
  upstream_change_id AS "upstreamChangeId", status, submitted_at AS "submittedAt",
  insync_at AS "insyncAt", polled_at AS "polledAt", polls`;

type ConnInput = Pick<
  UpstreamConnection,
  | 'zoneId'
  | 'provider'
  | 'hostedZoneId'
  | 'region'
  | 'accessKeyId'
  | 'secretBox'
  | 'secretLast4'
  | 'endpoint'
>;

/** The upstream half of the PostgreSQL repository: connections, pushed changes, drift results. */
export class PgUpstreamStore {
  constructor(
    private readonly q: PgQueries,
    private readonly tx: {
      write: <T>(fn: (q: PgQueries) => Promise<T>) => Promise<T>;
      audit: (q: PgQueries, entry: NewAuditEntry) => Promise<void>;
      timestamp: () => string;
    },
  ) {}

  private row(q: PgQueries, zoneId: string, forUpdate = false): Promise<UpstreamRow | undefined> {
    return q.one<UpstreamRow>(
      `SELECT ${CONN_COLUMNS} FROM zone_upstreams WHERE zone_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [zoneId],
    );
  }

  async get(zoneId: string): Promise<UpstreamConnection | null> {
    const row = await this.row(this.q, zoneId);
    return row ? toUpstream(row) : null;
  }

  async list(): Promise<UpstreamConnection[]> {
    const rows = await this.q.all<UpstreamRow>(
      `SELECT ${CONN_COLUMNS} FROM zone_upstreams ORDER BY zone_id`,
    );
    return rows.map(toUpstream);
  }

  set(conn: ConnInput, actor: string | null): Promise<UpstreamConnection> {
    return this.tx.write(async (q) => {
      const now = this.tx.timestamp();
      // The zone row's lock orders connects of one zone (and keeps it from being deleted).
      await q.run('SELECT 1 FROM zones WHERE id = $1 FOR UPDATE', [conn.zoneId]);
      const before = await this.row(q, conn.zoneId, true);
      await q.run(
        `INSERT INTO zone_upstreams (zone_id, provider, hosted_zone_id, region, access_key_id,
           secret_box, secret_last4, endpoint, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (zone_id) DO UPDATE SET provider = excluded.provider,
           hosted_zone_id = excluded.hosted_zone_id, region = excluded.region,
           access_key_id = excluded.access_key_id, secret_box = excluded.secret_box,
           secret_last4 = excluded.secret_last4, endpoint = excluded.endpoint,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by,
           checked_at = NULL, check_error = NULL, drift_checked_at = NULL, drift_json = NULL`,
        [
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
        ],
      );
      await this.tx.audit(q, {
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
      return toUpstream((await this.row(q, conn.zoneId)) as UpstreamRow);
    });
  }

  delete(zoneId: string, actor: string | null): Promise<boolean> {
    return this.tx.write(async (q) => {
      const before = await this.row(q, zoneId, true);
      if (!before) return false;
      await q.run('DELETE FROM zone_upstreams WHERE zone_id = $1', [zoneId]);
      await this.tx.audit(q, {
        actor,
        action: 'upstream.disconnected',
        zoneId,
        subject: before.hostedZoneId,
        details: {},
      });
      return true;
    });
  }

  async recordCheck(
    zoneId: string,
    check: { at: string; error: string | null; drift?: unknown },
  ): Promise<void> {
    await this.tx.write(async (q) => {
      await q.run(
        'UPDATE zone_upstreams SET checked_at = $1, check_error = $2 WHERE zone_id = $3',
        [check.at, check.error, zoneId],
      );
      if (check.drift !== undefined) {
        await q.run(
          'UPDATE zone_upstreams SET drift_checked_at = $1, drift_json = $2 WHERE zone_id = $3',
          [check.at, JSON.stringify(check.drift), zoneId],
        );
      }
    });
  }

  async recordChange(c: Omit<UpstreamChange, 'insyncAt' | 'polledAt' | 'polls'>): Promise<void> {
    // SQLite's INSERT OR REPLACE: a second push of one change starts its polling over.
    await this.q.run(
      `INSERT INTO upstream_changes (change_id, zone_id, upstream_change_id, status, submitted_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (change_id) DO UPDATE SET zone_id = excluded.zone_id,
         upstream_change_id = excluded.upstream_change_id, status = excluded.status,
         submitted_at = excluded.submitted_at, insync_at = NULL, polled_at = NULL, polls = 0`,
      [c.changeId, c.zoneId, c.upstreamChangeId, c.status, c.submittedAt],
    );
  }

  async updateChange(
    changeId: string,
    update: { status: 'PENDING' | 'INSYNC'; at: string },
  ): Promise<void> {
    // insync_at takes the new polled_at (SQLite's SET reads the old row; so name it directly).
    await this.q.run(
      `UPDATE upstream_changes SET status = $1, polled_at = $2, polls = polls + 1,
         insync_at = CASE WHEN $1 = 'INSYNC' AND insync_at IS NULL THEN $2 ELSE insync_at END
       WHERE change_id = $3`,
      [update.status, update.at, changeId],
    );
  }

  async getChange(changeId: string): Promise<UpstreamChange | null> {
    return (
      (await this.q.one<UpstreamChange>(
        `SELECT ${CHANGE_COLUMNS} FROM upstream_changes WHERE change_id = $1`,
        [changeId],
      )) ?? null
    );
  }

  pending(): Promise<UpstreamChange[]> {
    return this.q.all<UpstreamChange>(
      `SELECT ${CHANGE_COLUMNS} FROM upstream_changes WHERE status = 'PENDING'
        ORDER BY submitted_at`,
    );
  }
}
