import type { ChangeBatch, ChangeError, ResourceRecordSet } from '../../engine/types';

/**
 * The storage contract. SQLite implements it today; a PostgreSQL implementation
 * must pass the same contract suite (repository.contract.ts). Async on purpose:
 * better-sqlite3 is synchronous, pg is not.
 */

export interface Zone {
  /** Route 53 style id, e.g. `Z0A1B2C3D4E5F6G7H8I9J`. */
  id: string;
  /** Zone apex without the trailing dot, lower case, e.g. `example.com`. */
  name: string;
  createdAt: string;
  /** Increments with every applied change batch. */
  version: number;
}

export interface ZoneSummary {
  id: string;
  name: string;
  recordCount: number;
}

/** A change batch that was applied, kept forever. */
export interface AppliedChangeBatch {
  /** `/change/C…` as Route 53 prints it. */
  id: string;
  zoneId: string;
  /** ISO-8601 UTC. */
  submittedAt: string;
  comment: string | null;
  /** Who made it (token name) when known. */
  author: string | null;
  /** The zone version this batch produced. */
  version: number;
  /** The changes as applied, names normalised (trailing dot). */
  changes: ChangeBatch['Changes'];
}

export type ApplyResult =
  | { ok: true; change: AppliedChangeBatch }
  | { ok: false; errors: ChangeError[] };

export class ZoneExistsError extends Error {
  constructor(readonly zoneName: string) {
    super(`a hosted zone named ${zoneName} already exists`);
  }
}

export class ZoneNotEmptyError extends Error {
  constructor(readonly zoneId: string) {
    super(`hosted zone ${zoneId} still contains record sets`);
  }
}

/** A write named a zone id that does not exist (or was deleted meanwhile). */
export class ZoneNotFoundError extends Error {
  constructor(readonly zoneId: string) {
    super(`no hosted zone with id ${zoneId}`);
  }
}

/** createZone got a name that cannot be a DNS zone; `field` is the request field to blame. */
export class InvalidZoneNameError extends Error {
  readonly field = 'name';
  constructor(
    readonly zoneName: string,
    reason: string,
  ) {
    super(`"${zoneName}" is not a valid zone name: ${reason}`);
  }
}

export interface Repository {
  listZones(): Promise<ZoneSummary[]>;
  getZone(zoneId: string): Promise<Zone | null>;
  /**
   * Name is normalised (lower case, no trailing dot). Throws InvalidZoneNameError for a
   * malformed name, ZoneExistsError when a zone of that name exists.
   */
  createZone(name: string): Promise<Zone>;
  /**
   * false when unknown. Throws ZoneNotEmptyError unless force when the zone holds record sets
   * other than the apex NS and SOA (Route 53's rule). Deleting a zone drops its history too.
   */
  deleteZone(zoneId: string, opts?: { force?: boolean }): Promise<boolean>;
  /** Every record set in the zone, in Route 53 listing order; [] for an unknown zone. */
  listRecordSets(zoneId: string): Promise<ResourceRecordSet[]>;
  /**
   * Record sets with this exact (normalised, trailing-dot) name, all types; the per-query hot
   * path. The sets may be shared (and frozen): copy one before changing it.
   */
  recordSetsByName(zoneId: string, name: string): Promise<ResourceRecordSet[]>;
  /**
   * Validates the whole batch against the zone as it is inside one transaction
   * (engine rules), then applies all of it or nothing and records it in history.
   * Throws ZoneNotFoundError for an unknown zone.
   */
  applyChangeBatch(
    zoneId: string,
    batch: ChangeBatch,
    opts?: { author?: string | null },
  ): Promise<ApplyResult>;
  /** Applied batches, newest first; [] for an unknown zone. */
  listChanges(zoneId: string, opts?: { limit?: number }): Promise<AppliedChangeBatch[]>;
  /** Health-check status reported for a HealthCheckId; unknown ids are healthy. */
  getHealth(healthCheckIds: string[]): Promise<Map<string, boolean>>;
  setHealth(healthCheckId: string, healthy: boolean): Promise<void>;
  close(): Promise<void>;
}
