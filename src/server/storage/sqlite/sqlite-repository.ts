import type { Database, Statement } from 'better-sqlite3';
import { type PlannedChange, planChangeBatch } from '../../../engine/change-batch';
import { sortRecordSets } from '../../../engine/listing';
import { normalizeName, normalizeRecordSet } from '../../../engine/names';
import type { ChangeBatch, ResourceRecordSet } from '../../../engine/types';
import { newChangeId, newZoneId } from '../ids';
import {
  type AppliedChangeBatch,
  type ApplyResult,
  type Repository,
  type Zone,
  ZoneExistsError,
  ZoneNotEmptyError,
  ZoneNotFoundError,
  type ZoneSummary,
} from '../repository';
import { normalizeZoneName } from '../zone-name';

interface ChangeRow {
  id: string;
  zoneId: string;
  version: number;
  submittedAt: string;
  comment: string | null;
  author: string | null;
  changesJson: string;
}

/** Identity columns of a record set: (name, type, set_identifier). */
function identity(r: ResourceRecordSet): [string, string, string] {
  return [normalizeName(r.Name), r.Type, r.SetIdentifier ?? ''];
}

function toApplied(row: ChangeRow): AppliedChangeBatch {
  return {
    id: row.id,
    zoneId: row.zoneId,
    submittedAt: row.submittedAt,
    comment: row.comment,
    author: row.author,
    version: row.version,
    changes: JSON.parse(row.changesJson) as ChangeBatch['Changes'],
  };
}

const parseRecordSet = (json: string) => JSON.parse(json) as ResourceRecordSet;

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
 * write lock and each one validates against the zone as the previous one left it.
 */
export class SqliteRepository implements Repository {
  private closed = false;
  private readonly now: () => Date;
  private readonly sql: {
    listZones: Statement<[], ZoneSummary>;
    getZone: Statement<[string], Zone>;
    zoneIdByName: Statement<[string], string>;
    insertZone: Statement<[string, string, string]>;
    countNonApex: Statement<[string, string], number>;
    deleteZone: Statement<[string]>;
    recordJsonByZone: Statement<[string], string>;
    recordJsonByName: Statement<[string, string], string>;
    insertRecord: Statement<[string, string, string, string, string | null, string]>;
    deleteRecord: Statement<[string, string, string, string]>;
    bumpVersion: Statement<[string], number>;
    insertChange: Statement<
      [string, string, number, string, string | null, string | null, string, string]
    >;
    listChanges: Statement<[string, number], ChangeRow>;
    health: Statement<[string], { id: string; healthy: number }>;
    setHealth: Statement<[string, number, string]>;
    dataVersion: Statement<[], number>;
  };
  /**
   * Read cache for the per-query hot path (getZone, recordSetsByName). Freshness: a commit
   * through any SqliteRepository of this process on the same file clears it at once (shared
   * counter); a commit by another process changes `PRAGMA data_version`, which is looked at
   * once per event-loop turn (a statement costs µs; the API's budget per request is ~50 µs).
   * So a read sees every local commit, and other processes' commits from the next turn on.
   */
  private readonly zoneCache = new Map<string, Zone | null>();
  private readonly nameCache = new Map<string, readonly ResourceRecordSet[]>();
  private readonly localCommits: { count: number };
  private seenLocalCommits = 0;
  private seenDataVersion = -1;
  private dataVersionCheckedThisTurn = false;
  private readonly applyInTransaction: (
    zoneId: string,
    batch: ChangeBatch,
    author: string | null,
  ) => ApplyResult;

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
    this.sql = {
      listZones: db.prepare(
        `SELECT z.id, z.name,
                (SELECT count(*) FROM record_sets r WHERE r.zone_id = z.id) AS recordCount
           FROM zones z ORDER BY z.name`,
      ),
      getZone: db.prepare(
        'SELECT id, name, created_at AS createdAt, version FROM zones WHERE id = ?',
      ),
      zoneIdByName: db.prepare<[string], string>('SELECT id FROM zones WHERE name = ?').pluck(),
      insertZone: db.prepare(
        'INSERT INTO zones (id, name, version, created_at) VALUES (?, ?, 0, ?)',
      ),
      countNonApex: db
        .prepare<[string, string], number>(
          `SELECT count(*) FROM record_sets
            WHERE zone_id = ? AND NOT (name = ? AND type IN ('NS', 'SOA'))`,
        )
        .pluck(),
      deleteZone: db.prepare('DELETE FROM zones WHERE id = ?'),
      recordJsonByZone: db
        .prepare<[string], string>('SELECT json FROM record_sets WHERE zone_id = ?')
        .pluck(),
      recordJsonByName: db
        .prepare<[string, string], string>(
          `SELECT json FROM record_sets WHERE zone_id = ? AND name = ?
            ORDER BY type, set_identifier`,
        )
        .pluck(),
      insertRecord: db.prepare(
        `INSERT INTO record_sets (zone_id, name, type, set_identifier, region, json)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      deleteRecord: db.prepare(
        `DELETE FROM record_sets
          WHERE zone_id = ? AND name = ? AND type = ? AND set_identifier = ?`,
      ),
      bumpVersion: db
        .prepare<[string], number>(
          'UPDATE zones SET version = version + 1 WHERE id = ? RETURNING version',
        )
        .pluck(),
      insertChange: db.prepare(
        `INSERT INTO change_batches
           (id, zone_id, version, submitted_at, comment, author, changes_json, plan_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      listChanges: db.prepare(
        `SELECT id, zone_id AS zoneId, version, submitted_at AS submittedAt, comment, author,
                changes_json AS changesJson
           FROM change_batches WHERE zone_id = ? ORDER BY version DESC LIMIT ?`,
      ),
      health: db.prepare(
        'SELECT id, healthy FROM health_checks WHERE id IN (SELECT value FROM json_each(?))',
      ),
      setHealth: db.prepare(
        `INSERT INTO health_checks (id, healthy, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET healthy = excluded.healthy, updated_at = excluded.updated_at`,
      ),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
    const apply = db.transaction(this.applyNow.bind(this)).immediate;
    this.applyInTransaction = (zoneId, batch, author) => {
      try {
        return apply(zoneId, batch, author);
      } finally {
        this.afterWrite();
      }
    };
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

  async listZones(): Promise<ZoneSummary[]> {
    return this.sql.listZones.all();
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

  async createZone(name: string): Promise<Zone> {
    const zoneName = normalizeZoneName(name);
    const zone: Zone = {
      id: newZoneId(),
      name: zoneName,
      createdAt: this.now().toISOString(),
      version: 0,
    };
    try {
      this.sql.insertZone.run(zone.id, zone.name, zone.createdAt);
    } catch (err) {
      if (this.sql.zoneIdByName.get(zoneName) !== undefined) throw new ZoneExistsError(zoneName);
      throw err;
    } finally {
      this.afterWrite();
    }
    return zone;
  }

  async deleteZone(zoneId: string, opts: { force?: boolean } = {}): Promise<boolean> {
    try {
      return this.deleteZoneNow(zoneId, opts.force === true);
    } finally {
      this.afterWrite();
    }
  }

  private deleteZoneNow(zoneId: string, force: boolean): boolean {
    return this.db
      .transaction(() => {
        const zone = this.sql.getZone.get(zoneId);
        if (!zone) return false;
        if (!force && (this.sql.countNonApex.get(zoneId, normalizeName(zone.name)) ?? 0) > 0) {
          throw new ZoneNotEmptyError(zoneId);
        }
        // record_sets and change_batches go with it (ON DELETE CASCADE).
        this.sql.deleteZone.run(zoneId);
        return true;
      })
      .immediate();
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

  async applyChangeBatch(
    zoneId: string,
    batch: ChangeBatch,
    opts: { author?: string | null } = {},
  ): Promise<ApplyResult> {
    return this.applyInTransaction(zoneId, batch, opts.author ?? null);
  }

  /** Runs inside the IMMEDIATE transaction: any throw rolls every write back. */
  private applyNow(zoneId: string, batch: ChangeBatch, author: string | null): ApplyResult {
    const zone = this.sql.getZone.get(zoneId);
    if (!zone) throw new ZoneNotFoundError(zoneId);

    // The engine asks for the sets at each name+type the batch touches; load each name once.
    const byName = new Map<string, ResourceRecordSet[]>();
    const existing = (name: string, type: string): ResourceRecordSet[] => {
      const key = normalizeName(name);
      let sets = byName.get(key);
      if (!sets) {
        sets = this.sql.recordJsonByName.all(zoneId, key).map(parseRecordSet);
        byName.set(key, sets);
      }
      return sets.filter((s) => s.Type === type);
    };
    const result = planChangeBatch(zone.name, batch, existing);
    if (!result.ok) return { ok: false, errors: result.errors };

    const plan: PlannedChange[] = result.plan.map((step) => ({
      action: step.action,
      before: step.before && normalizeRecordSet(step.before),
      after: step.after && normalizeRecordSet(step.after),
    }));
    for (const step of plan) {
      if (step.before) {
        const removed = this.sql.deleteRecord.run(zoneId, ...identity(step.before));
        if (removed.changes !== 1) {
          // The engine planned against rows that are not there: refuse rather than guess.
          throw new Error(`record set ${identity(step.before).join('|')} vanished while applying`);
        }
      }
      if (step.after) {
        const [name, type, setIdentifier] = identity(step.after);
        this.sql.insertRecord.run(
          zoneId,
          name,
          type,
          setIdentifier,
          step.after.Region ?? null,
          JSON.stringify(step.after),
        );
      }
    }

    const version = this.sql.bumpVersion.get(zoneId);
    if (version === undefined) throw new ZoneNotFoundError(zoneId);
    const change: AppliedChangeBatch = {
      id: newChangeId(),
      zoneId,
      submittedAt: this.now().toISOString(),
      comment: batch.Comment ?? null,
      author,
      version,
      changes: batch.Changes.map((c) => ({
        Action: c.Action,
        ResourceRecordSet: normalizeRecordSet(c.ResourceRecordSet),
      })),
    };
    this.sql.insertChange.run(
      change.id,
      zoneId,
      version,
      change.submittedAt,
      change.comment,
      author,
      JSON.stringify(change.changes),
      JSON.stringify(plan),
    );
    return { ok: true, change };
  }

  async listChanges(zoneId: string, opts: { limit?: number } = {}): Promise<AppliedChangeBatch[]> {
    const limit = opts.limit !== undefined && opts.limit >= 0 ? Math.floor(opts.limit) : -1;
    return this.sql.listChanges.all(zoneId, limit).map(toApplied);
  }

  async getHealth(healthCheckIds: string[]): Promise<Map<string, boolean>> {
    const health = new Map<string, boolean>();
    if (healthCheckIds.length === 0) return health;
    for (const id of healthCheckIds) health.set(id, true);
    for (const row of this.sql.health.all(JSON.stringify(healthCheckIds))) {
      health.set(row.id, row.healthy === 1);
    }
    return health;
  }

  async setHealth(healthCheckId: string, healthy: boolean): Promise<void> {
    this.sql.setHealth.run(healthCheckId, healthy ? 1 : 0, this.now().toISOString());
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
