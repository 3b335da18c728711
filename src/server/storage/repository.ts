import type { PlannedChange } from '../../engine/change-batch';
import type { Impact } from '../../engine/impact';
import type { ChangeBatch, ChangeError, ResourceRecordSet } from '../../engine/types';
import type { Role } from '../../shared/auth';
import type { HealthCheckConfig, HealthCheckReference, HealthSource } from '../../shared/health';
import type { RoutingModel } from '../../shared/measurements';
import type { ProposalStatus } from '../../shared/proposals';

export type { ProposalStatus };

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
  /**
   * The serial in the apex SOA (0 when the zone has none): 1 for a new zone, then at least one
   * more with every applied change batch.
   */
  serial: number;
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
  /** Who made it (token name) when known: the proposal's author for an applied proposal. */
  author: string | null;
  /** Who applied it (token name), when known; differs from author for a proposal. */
  appliedBy: string | null;
  /** The proposal this batch came from, if any. */
  proposalId: string | null;
  /** The zone version this batch produced. */
  version: number;
  /** The changes as applied, names normalised (trailing dot). */
  changes: ChangeBatch['Changes'];
  /** What the batch did to users, computed just before it was applied (null when not computed). */
  impact: Impact | null;
}

/** One applied batch with its plan: each step's stored set before and after (for rollback). */
export interface AppliedChangeBatchDetail extends AppliedChangeBatch {
  plan: PlannedChange[];
}

export type ApplyResult =
  | { ok: true; change: AppliedChangeBatch }
  | { ok: false; errors: ChangeError[] };

/** A batch validated against the zone as it is now, without applying it. */
export type PreviewResult =
  | {
      ok: true;
      /** The zone version the plan was made against. */
      version: number;
      plan: PlannedChange[];
      /** Every stored set at the names the batch touches (all types), before the batch. */
      recordsAtNames: ResourceRecordSet[];
    }
  | {
      ok: false;
      version: number;
      errors: ChangeError[];
      /** The stored sets the engine looked at before finding the errors. */
      recordsAtNames: ResourceRecordSet[];
    };

export interface ApplyOptions {
  /** Token name of whoever made the batch (the proposal's author for a proposal). */
  author?: string | null;
  /** Token name of whoever applied it; defaults to author. */
  appliedBy?: string | null;
  /** Refuse (StaleZoneVersionError) unless the zone is still at this version. */
  expectedVersion?: number;
  /** Impact computed for the batch, kept in history. */
  impact?: Impact | null;
}

/** Who does a write (token name); null for unattended writes such as the demo seed. */
export interface ActorOptions {
  actor?: string | null;
}

export interface CreateZoneOptions extends ActorOptions {
  /**
   * Host names for the apex NS set (the first one is the SOA's primary); default
   * `ns1.<zone>.` and `ns2.<zone>.` (apexRecordSets in engine/apex-records.ts).
   */
  nameServers?: string[];
  /** Route 53's CreateHostedZone CallerReference: unique; a second use → ZoneExistsError. */
  callerReference?: string;
  comment?: string | null;
}

/** What Route 53's API keeps about a hosted zone besides its records. */
export interface HostedZoneInfo {
  zoneId: string;
  callerReference: string | null;
  comment: string | null;
  /** The ChangeInfo id zone creation answered with (null for zones made before it existed). */
  createdChangeId: string | null;
}

export type TaggedResource = 'hostedzone' | 'healthcheck';

export interface ResourceTag {
  Key: string;
  Value: string;
}

/** A change batch that is stored but not live, waiting for review. */
export interface Proposal {
  /** `P` + 20 upper-case alphanumerics. */
  id: string;
  zoneId: string;
  author: string;
  comment: string | null;
  batch: ChangeBatch;
  /** The zone version the batch was validated against (creation or last rebase). */
  baseVersion: number;
  /** The batch planned against the base version: each step's before/after. */
  plan: PlannedChange[];
  /** Every set at the touched names at the base version (all types), for impact and diff. */
  baseRecords: ResourceRecordSet[];
  status: ProposalStatus;
  createdAt: string;
  updatedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  appliedChangeId: string | null;
  /** The applied change id this proposal undoes, for a rollback. */
  rollbackOf: string | null;
  /** The change id (`/change/C…`) its batch is applied under, known from the start. */
  changeId: string;
  supersededBy: string | null;
}

export type ProposalResult =
  | { ok: true; proposal: Proposal }
  | { ok: false; errors: ChangeError[] };

export interface ZoneSettings {
  /** Apply only proposals approved by someone other than their author; direct writes: admin only. */
  requireApproval: boolean;
  /** How routing estimates RTT: great-circle distance (default) or measurements. */
  routingModel: RoutingModel;
  /** Samples of the last this-many days count "now", days (1–90, default 7). */
  measurementWindowDays: number;
  /** The browser beacon's probe URL per region code (fetched by visitors' browsers). */
  probeUrls: Record<string, string>;
  /** Public, zone-scoped key that may only post measurements (the beacon); null until made. */
  beaconKey: string | null;
}

export const DEFAULT_ZONE_SETTINGS: Readonly<ZoneSettings> = Object.freeze({
  requireApproval: false,
  routingModel: 'distance',
  measurementWindowDays: 7,
  probeUrls: {},
  beaconKey: null,
});

/** One raw latency sample as stored. `at` is ms epoch. */
export interface StoredMeasurement {
  at: number;
  region: string;
  rttMs: number;
  lat: number;
  lon: number;
  /** The client's H3 cell at MEASURED_CELL_RESOLUTION. */
  cell: string;
  /** The client's /24 or /48 network when known. */
  network: string | null;
  source: string | null;
}

/** An hour aggregate: cell × network × region over [hour, hour + 1 h), hour in ms epoch. */
export interface HourAggregate {
  hour: number;
  cell: string;
  network?: string;
  region: string;
  samples: number;
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
}

export interface MeasurementStats {
  samples: number;
  aggregates: number;
  /** ms epoch of the oldest / newest hour with measurements, null with none. */
  oldestHour: number | null;
  newestHour: number | null;
  cells: number;
  regions: string[];
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** An AWS access key pair bound to an API token (SigV4 for Route 53's API). */
export interface AwsAccessKey {
  /** The access key id, e.g. `LAAK…` (20 characters). */
  id: string;
  tokenId: string;
  createdAt: string;
  revokedAt: string | null;
}

/** A zone's upstream Route 53 hosted zone (the secret stays sealed). */
export interface UpstreamConnection {
  zoneId: string;
  provider: 'route53';
  hostedZoneId: string;
  region: string;
  accessKeyId: string;
  secretBox: string;
  secretLast4: string;
  /** null: the real Route 53 endpoint. */
  endpoint: string | null;
  createdAt: string;
  updatedAt: string;
  updatedBy: string | null;
  checkedAt: string | null;
  checkError: string | null;
  driftCheckedAt: string | null;
  /** The last drift check's differences (JSON), null before the first. */
  drift: unknown;
}

/** A local change as pushed to the upstream hosted zone. */
export interface UpstreamChange {
  changeId: string;
  zoneId: string;
  upstreamChangeId: string;
  status: 'PENDING' | 'INSYNC';
  submittedAt: string;
  insyncAt: string | null;
  polledAt: string | null;
  polls: number;
}

/** One append-only audit entry: who did what, when, to what. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  /** e.g. `changes.applied`, `proposal.approved`, `token.created`. */
  action: string;
  zoneId: string | null;
  /** What the action was about: a change id, proposal id, token name, health check id. */
  subject: string | null;
  details: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

/** applyChangeBatch with expectedVersion, applyProposal: the zone moved on since. */
export class StaleZoneVersionError extends Error {
  constructor(
    readonly zoneId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
    /** Batches applied after expectedVersion, oldest first. */
    readonly changedSince: AppliedChangeBatch[],
  ) {
    super(
      `zone ${zoneId} is at version ${currentVersion}, not ${expectedVersion}: ` +
        `${changedSince.length} change ${changedSince.length === 1 ? 'batch was' : 'batches were'} applied since`,
    );
  }
}

export class ProposalNotFoundError extends Error {
  constructor(readonly proposalId: string) {
    super(`no proposal with id ${proposalId}`);
  }
}

/** The proposal is not in a status that allows this (e.g. approving an applied one). */
export class ProposalStateError extends Error {
  constructor(
    readonly proposalId: string,
    readonly status: ProposalStatus,
    action: string,
  ) {
    super(`proposal ${proposalId} is ${status}; it cannot be ${action}`);
  }
}

export class SelfApprovalError extends Error {
  constructor(
    readonly proposalId: string,
    readonly author: string,
  ) {
    super(`${author} wrote proposal ${proposalId}; someone else has to approve it`);
  }
}

/** The zone requires approval and the proposal has not been approved. */
export class ApprovalRequiredError extends Error {
  constructor(
    readonly proposalId: string,
    readonly status: ProposalStatus,
  ) {
    super(
      `the zone requires approval before apply and proposal ${proposalId} is ${status}; ` +
        'an approver other than its author has to approve it first',
    );
  }
}

export class TokenNameTakenError extends Error {
  constructor(readonly tokenName: string) {
    super(
      `a token named "${tokenName}" already exists (names are never reused, even after revoking, so history stays unambiguous)`,
    );
  }
}

export class ZoneExistsError extends Error {
  constructor(
    readonly zoneName: string,
    /** What is taken: the name, or the CallerReference (Route 53's CreateHostedZone). */
    readonly conflict: 'name' | 'callerReference' = 'name',
  ) {
    super(
      conflict === 'name'
        ? `a hosted zone named ${zoneName} already exists`
        : 'a hosted zone has already been created with the specified caller reference',
    );
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

/** A configured health check (Route 53's HealthCheckConfig, defaults filled in). */
export interface StoredHealthCheck {
  /** UUID. */
  id: string;
  name: string;
  config: HealthCheckConfig;
  /** 1 at creation, +1 with every update. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A manual override: the status forced by hand, who forced it and why. */
export interface HealthOverrideRecord {
  healthy: boolean;
  by: string | null;
  reason: string | null;
  at: string;
}

/** The effective status of one id and what decided it. */
export interface HealthState {
  id: string;
  healthy: boolean;
  source: HealthSource;
  /** When the effective status last changed; null when it never has (healthy by default). */
  since: string | null;
  /** The checker's verdict after FailureThreshold, before Inverted; null before its first. */
  checker: boolean | null;
  override: HealthOverrideRecord | null;
}

/** One probe of a check. */
export interface HealthObservationRecord {
  at: string;
  /** The endpoint's answer as seen (before Inverted). */
  healthy: boolean;
  latencyMs: number | null;
  reason: string;
}

/** One change of effective status. */
export interface HealthTransitionRecord {
  id: number;
  at: string;
  healthCheckId: string;
  /** The check's name then; null for an id that is not a configured check. */
  name: string | null;
  from: boolean;
  to: boolean;
  source: HealthSource;
  reason: string;
  /** Record sets that named the check when it happened. */
  records: HealthCheckReference[];
}

/** What a health write did to effective statuses (the check itself, calculated parents). */
export interface HealthWriteResult {
  transitions: HealthTransitionRecord[];
}

/** Observations kept per check (the oldest are dropped). */
export const HEALTH_OBSERVATIONS_KEPT = 100;
/** Transitions kept per check. */
export const HEALTH_TRANSITIONS_KEPT = 1000;

export class HealthCheckNotFoundError extends Error {
  constructor(readonly healthCheckId: string) {
    super(`no health check with id ${healthCheckId}`);
  }
}

/** updateHealthCheck with a HealthCheckVersion that is no longer current. */
export class HealthCheckVersionError extends Error {
  constructor(
    readonly healthCheckId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `health check ${healthCheckId} is at version ${currentVersion}, not ${expectedVersion}: ` +
        'someone changed it since you read it',
    );
  }
}

/** deleteHealthCheck while record sets or CALCULATED checks name it. */
export class HealthCheckInUseError extends Error {
  constructor(
    readonly healthCheckId: string,
    readonly records: HealthCheckReference[],
    /** CALCULATED checks that list it as a child. */
    readonly parents: string[],
  ) {
    const what = [
      records.length > 0 ? `${records.length} record set${records.length === 1 ? '' : 's'}` : '',
      parents.length > 0
        ? `${parents.length} calculated health check${parents.length === 1 ? '' : 's'}`
        : '',
    ]
      .filter(Boolean)
      .join(' and ');
    super(`health check ${healthCheckId} is in use by ${what}`);
  }
}

/** A health check's config that storage refuses (children that do not exist, say). */
export class InvalidHealthCheckError extends Error {
  constructor(
    /** e.g. `HealthCheckConfig.ChildHealthChecks`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Repository {
  listZones(): Promise<ZoneSummary[]>;
  /**
   * Every zone's id and version: one cheap read, for loops that look for changed zones. While
   * nothing was committed an engine may hand back the very same (frozen) list, which callers
   * can take as "unchanged".
   */
  listZoneVersions(): Promise<readonly { id: string; version: number }[]>;
  getZone(zoneId: string): Promise<Zone | null>;
  /** Every zone's id, name, version and SOA serial, by name: one read, whatever the count. */
  listZoneHeads(): Promise<{ id: string; name: string; version: number; serial: number }[]>;
  /**
   * Name is normalised (lower case, no trailing dot). The zone starts, in the same transaction,
   * with its apex NS and SOA (serial 1) as Route 53 makes them. Throws InvalidZoneNameError for
   * a malformed name, ZoneExistsError when a zone of that name exists, RangeError for a name
   * server that is not a host name.
   */
  createZone(name: string, opts?: CreateZoneOptions): Promise<Zone>;
  /**
   * false when unknown. Throws ZoneNotEmptyError unless force when the zone holds record sets
   * other than the apex NS and SOA (Route 53's rule). Deleting a zone drops its history too.
   */
  deleteZone(zoneId: string, opts?: { force?: boolean } & ActorOptions): Promise<boolean>;
  /** Every record set in the zone, in Route 53 listing order; [] for an unknown zone. */
  listRecordSets(zoneId: string): Promise<ResourceRecordSet[]>;
  /**
   * Record sets with this exact (normalised, trailing-dot) name, all types; the per-query hot
   * path. The sets may be shared (and frozen): copy one before changing it.
   */
  recordSetsByName(zoneId: string, name: string): Promise<ResourceRecordSet[]>;
  /**
   * Validates the whole batch against the zone as it is inside one transaction
   * (engine rules), then applies all of it or nothing and records it in history and the
   * audit log. In the same transaction the apex SOA's serial becomes max(previous + 1, the
   * serial the batch wrote into the SOA); that rewrite is not part of the recorded changes or
   * plan. The same holds for applyProposal (proposals and rollbacks). Throws ZoneNotFoundError for an unknown zone, StaleZoneVersionError when
   * `expectedVersion` is given and the zone is elsewhere.
   */
  applyChangeBatch(zoneId: string, batch: ChangeBatch, opts?: ApplyOptions): Promise<ApplyResult>;
  /**
   * Validates a batch against the zone as it is (one consistent read) without applying it.
   * Throws ZoneNotFoundError.
   */
  previewChangeBatch(zoneId: string, batch: ChangeBatch): Promise<PreviewResult>;
  /** Applied batches, newest first; [] for an unknown zone. `sinceVersion`: only later ones. */
  listChanges(
    zoneId: string,
    opts?: { limit?: number; sinceVersion?: number },
  ): Promise<AppliedChangeBatch[]>;
  /** One applied batch with its plan; null when the zone has no such change. */
  getChange(zoneId: string, changeId: string): Promise<AppliedChangeBatchDetail | null>;
  /** One applied batch by its id (`/change/C…`) in any zone; null when there is none. */
  findChange(changeId: string): Promise<AppliedChangeBatch | null>;
  /**
   * The EFFECTIVE status of each id (override > Disabled > CALCULATED / checker with Inverted;
   * engine/health-status.ts); unknown ids are healthy. The per-query path: one indexed read.
   */
  getHealth(healthCheckIds: string[]): Promise<Map<string, boolean>>;
  /** Sets the manual override of any id (configured or not), audited with who and why. */
  setHealth(
    healthCheckId: string,
    healthy: boolean,
    opts?: ActorOptions & { reason?: string | null },
  ): Promise<HealthWriteResult>;
  /** Removes the override (audited when there was one); `cleared` false when there was none. */
  clearHealthOverride(
    healthCheckId: string,
    opts?: ActorOptions,
  ): Promise<HealthWriteResult & { cleared: boolean }>;
  /**
   * Stores a new check (version 1) with a new UUID. Throws InvalidHealthCheckError for
   * children that do not exist, are CALCULATED or are the check itself.
   */
  createHealthCheck(
    check: { name: string; config: HealthCheckConfig; callerReference?: string },
    opts?: ActorOptions,
  ): Promise<{ check: StoredHealthCheck } & HealthWriteResult>;
  /** The health check created with this CallerReference (Route 53's idempotency key). */
  findHealthCheckByCallerReference(callerReference: string): Promise<string | null>;
  /**
   * Replaces name and config when the check is still at `expectedVersion`, version + 1.
   * Throws HealthCheckNotFoundError, HealthCheckVersionError, InvalidHealthCheckError.
   */
  updateHealthCheck(
    healthCheckId: string,
    update: { expectedVersion: number; name: string; config: HealthCheckConfig },
    opts?: ActorOptions,
  ): Promise<{ check: StoredHealthCheck } & HealthWriteResult>;
  /**
   * Deletes the check and its observations (transitions stay: history). false when unknown.
   * Throws HealthCheckInUseError while a record set or a CALCULATED check names it.
   */
  deleteHealthCheck(
    healthCheckId: string,
    opts?: ActorOptions,
  ): Promise<{ deleted: boolean } & HealthWriteResult>;
  getHealthCheck(healthCheckId: string): Promise<StoredHealthCheck | null>;
  /** Oldest first. */
  listHealthChecks(): Promise<StoredHealthCheck[]>;
  /** Status with what decided it; every id asked for gets one (unknown: healthy, `none`). */
  getHealthStates(healthCheckIds: string[]): Promise<Map<string, HealthState>>;
  /** Every id with an override. */
  listHealthOverrides(): Promise<Map<string, HealthOverrideRecord>>;
  /**
   * Stores one probe (keeping the last HEALTH_OBSERVATIONS_KEPT) and the checker's verdict
   * after it (`checker`: the verdict after FailureThreshold, before Inverted), recomputing the
   * effective status of the check and of CALCULATED checks over it. Ignored (no transitions)
   * for an id that is no longer a configured check.
   *
   * Several checkers (one per instance) may probe one check: each verdict is kept under
   * `opts.checkerId` (default `local`), and the check's checker verdict is Route 53's rule over
   * the checkers heard from at or after `opts.liveSince` (ISO; default all): healthy when more
   * than 18 % of those with a verdict say healthy (HEALTHY_CHECKER_SHARE), null when none has
   * one. Verdicts older than `liveSince` are dropped.
   */
  recordHealthObservation(
    healthCheckId: string,
    observation: HealthObservationRecord,
    checker: boolean | null,
    opts?: CheckerVerdictOptions,
  ): Promise<HealthWriteResult>;
  /** Each checker's latest verdict on a check, newest first. */
  listCheckerVerdicts(healthCheckId: string): Promise<CheckerVerdict[]>;
  /** Newest first. */
  listHealthObservations(healthCheckId: string, limit?: number): Promise<HealthObservationRecord[]>;
  /**
   * Newest first; `healthCheckIds` filters, `since` (ISO) keeps those at or after it, `zoneId`
   * keeps those whose record sets (then) were in the zone or whose check the zone names now.
   */
  listHealthTransitions(opts?: {
    healthCheckIds?: string[];
    zoneId?: string;
    since?: string;
    limit?: number;
  }): Promise<HealthTransitionRecord[]>;
  /**
   * The record sets (every zone) that name each of these ids ([] for ids none names); without
   * ids, every id some record set names.
   */
  healthCheckReferences(healthCheckIds?: string[]): Promise<Map<string, HealthCheckReference[]>>;

  /** Defaults (DEFAULT_ZONE_SETTINGS) for a zone without settings; null for an unknown zone. */
  getZoneSettings(zoneId: string): Promise<ZoneSettings | null>;
  /** Changes the fields given, keeps the rest; audited. Throws ZoneNotFoundError. */
  updateZoneSettings(
    zoneId: string,
    settings: Partial<ZoneSettings>,
    opts?: ActorOptions,
  ): Promise<ZoneSettings>;
  /** Route 53 metadata of a zone, or null for an unknown zone. */
  getHostedZoneInfo(zoneId: string): Promise<HostedZoneInfo | null>;
  findZoneByCallerReference(callerReference: string): Promise<string | null>;
  /** The zone whose creation answered with this change id. */
  findZoneCreation(changeId: string): Promise<{ zoneId: string; createdAt: string } | null>;
  /** UpdateHostedZoneComment; audited. Throws ZoneNotFoundError. */
  setZoneComment(zoneId: string, comment: string | null, opts?: ActorOptions): Promise<void>;
  /** Tags of a hosted zone or health check, by key. */
  listTags(type: TaggedResource, id: string): Promise<ResourceTag[]>;
  /** Adds/overwrites `add` and removes `remove` keys in one transaction; audited. */
  changeTags(
    type: TaggedResource,
    id: string,
    add: readonly ResourceTag[],
    remove: readonly string[],
    opts?: ActorOptions,
  ): Promise<void>;
  /** The proposal whose batch is (to be) applied under this change id. */
  findProposalByChangeId(changeId: string): Promise<Proposal | null>;

  /** Zones routed by measured latency, with their window (days). */
  listMeasuredZones(): Promise<{ zoneId: string; windowDays: number }[]>;
  /** The zone whose beacon key this is, or null. */
  findZoneByBeaconKey(key: string): Promise<string | null>;

  /**
   * Stores raw samples in one transaction and marks their hours for aggregation; returns how many
   * were stored. Rows are not validated here (the domain does that).
   */
  insertMeasurements(rows: readonly StoredMeasurement[]): Promise<number>;
  /**
   * Hour aggregates of the hours starting in [from, to) (ms epoch), by cell × network × region
   * (`dropNetwork` pools the networks of a cell). Hours not aggregated yet are computed from the
   * raw samples, so the answer is always current; read-only.
   */
  measurementAggregates(opts: {
    from: number;
    to: number;
    dropNetwork?: boolean;
    cell?: string;
    region?: string;
  }): Promise<HourAggregate[]>;
  /**
   * Aggregates the hours marked since the last call (at most `maxHours` of them, oldest first),
   * then deletes raw samples taken before `rawBefore` (never those of an hour still marked) and
   * aggregates of hours before `aggregatesBefore` (ms epoch), in one transaction.
   */
  compactMeasurements(opts: {
    rawBefore: number;
    aggregatesBefore: number;
    maxHours?: number;
  }): Promise<{
    hoursAggregated: number;
    /** Hours still marked for aggregation. */
    hoursPending: number;
    samplesDeleted: number;
    aggregatesDeleted: number;
  }>;
  /** Changes whenever samples are added or removed (a cheap freshness check for caches). */
  measurementsVersion(): Promise<number>;
  measurementStats(): Promise<MeasurementStats>;

  /**
   * Validates the batch against the zone as it is and stores it as a pending proposal based on
   * the current version; invalid → { ok: false, errors } and nothing stored. `supersedes`
   * marks an open proposal of the same zone superseded in the same transaction.
   * Throws ZoneNotFoundError, ProposalNotFoundError / ProposalStateError (supersedes).
   */
  createProposal(
    zoneId: string,
    batch: ChangeBatch,
    opts: {
      author: string;
      rollbackOf?: string | null;
      supersedes?: string | null;
      /** Refuse (StaleZoneVersionError) unless the zone is still at this version. */
      expectedVersion?: number;
    },
  ): Promise<ProposalResult>;
  getProposal(proposalId: string): Promise<Proposal | null>;
  /** Newest first; [] for an unknown zone. */
  listProposals(
    zoneId: string,
    opts?: { status?: ProposalStatus; limit?: number },
  ): Promise<Proposal[]>;
  /**
   * pending → approved | rejected. Throws ProposalNotFoundError, ProposalStateError (not
   * pending), SelfApprovalError (approving one's own proposal).
   */
  decideProposal(
    proposalId: string,
    decision: { status: 'approved' | 'rejected'; actor: string; reason?: string | null },
  ): Promise<Proposal>;
  /**
   * Revalidates an open (pending/approved) proposal against the zone as it is now and moves its
   * base to the current version; invalid → { ok: false, errors } and nothing changes. An
   * approval stands only if the plan and the sets at the touched names are unchanged; otherwise
   * the proposal goes back to pending for a fresh review.
   */
  rebaseProposal(proposalId: string, opts: ActorOptions): Promise<ProposalResult>;
  /**
   * Applies an open proposal in one transaction: refuses (ApprovalRequiredError) when the zone
   * requires approval and it is not approved, (StaleZoneVersionError) when the zone is no longer
   * at its base version; records the change with the proposal's author and comment and marks
   * the proposal applied. Throws ProposalNotFoundError / ProposalStateError too.
   */
  applyProposal(
    proposalId: string,
    opts: { actor: string; impact?: Impact | null },
  ): Promise<{ proposal: Proposal; change: AppliedChangeBatch }>;

  /** Throws TokenNameTakenError. `hash` is the hex SHA-256 of the secret. */
  createApiToken(
    token: { name: string; role: Role; hash: string },
    opts?: ActorOptions,
  ): Promise<ApiToken>;
  /** The token (revoked or not) whose secret hashes to `hash`, with that hash. */
  findApiTokenByHash(hash: string): Promise<(ApiToken & { hash: string }) | null>;
  listApiTokens(): Promise<ApiToken[]>;
  /** Every token ever made, revoked ones included. */
  countApiTokens(): Promise<number>;
  /** Marks the named token revoked (idempotent); null when there is no such token. */
  revokeApiToken(name: string, opts?: ActorOptions): Promise<ApiToken | null>;
  /**
   * Gives the named token a new secret hash and role and un-revokes it, creating it if needed
   * (for a token whose secret is set from configuration).
   */
  setApiTokenSecret(
    token: { name: string; role: Role; hash: string },
    opts?: ActorOptions,
  ): Promise<ApiToken>;
  /** Records use (at most as often as the caller chooses to call it). */
  touchApiToken(tokenId: string): Promise<void>;

  /**
   * Stores an access key for a token; `secretBox` is the secret sealed with the server key
   * (never stored or returned in the clear). Audited (`aws-key.created`). Throws when the token
   * does not exist.
   */
  createAwsAccessKey(
    key: { id: string; tokenId: string; secretBox: string },
    opts?: ActorOptions,
  ): Promise<AwsAccessKey>;
  /** The key with its sealed secret and its token (revoked or not), or null. */
  findAwsAccessKey(
    id: string,
  ): Promise<(AwsAccessKey & { secretBox: string; token: ApiToken }) | null>;
  /** Keys of one token, newest first (no secrets). */
  listAwsAccessKeys(tokenId: string): Promise<AwsAccessKey[]>;

  getUpstream(zoneId: string): Promise<UpstreamConnection | null>;
  /** Creates or replaces the zone's connection; audited (never with the secret). */
  setUpstream(
    conn: Omit<
      UpstreamConnection,
      | 'createdAt'
      | 'updatedAt'
      | 'updatedBy'
      | 'checkedAt'
      | 'checkError'
      | 'driftCheckedAt'
      | 'drift'
    >,
    opts?: ActorOptions,
  ): Promise<UpstreamConnection>;
  /** True when there was one; audited. */
  deleteUpstream(zoneId: string, opts?: ActorOptions): Promise<boolean>;
  listUpstreams(): Promise<UpstreamConnection[]>;
  /** The outcome of reaching upstream (error null = fine) and, when given, a drift result. */
  recordUpstreamCheck(
    zoneId: string,
    check: { at: string; error: string | null; drift?: unknown },
  ): Promise<void>;
  recordUpstreamChange(
    change: Omit<UpstreamChange, 'insyncAt' | 'polledAt' | 'polls'>,
  ): Promise<void>;
  updateUpstreamChange(
    changeId: string,
    update: { status: 'PENDING' | 'INSYNC'; at: string },
  ): Promise<void>;
  getUpstreamChange(changeId: string): Promise<UpstreamChange | null>;
  listPendingUpstreamChanges(): Promise<UpstreamChange[]>;

  /** Appends one audit entry; entries can never be changed or deleted afterwards. */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first. `zoneId` filters to one zone; `beforeId` pages back. */
  listAudit(opts?: { zoneId?: string; limit?: number; beforeId?: number }): Promise<AuditEntry[]>;

  /**
   * Records a heartbeat of a DNS responder: inserts it (started_at = now) or updates its
   * address and served versions; last_seen = now either way.
   */
  heartbeatResponder(r: ResponderHeartbeat): Promise<void>;
  /**
   * DNS responders, by id. `liveSince` (ISO) keeps only those whose last heartbeat is at or
   * after it.
   */
  listResponders(opts?: { liveSince?: string }): Promise<Responder[]>;
  /** Forgets a responder (it stopped); unknown ids are ignored. */
  removeResponder(id: string): Promise<void>;

  /**
   * Engines that can push changes (PostgreSQL LISTEN/NOTIFY): `onChange` gets a zone id when a
   * zone changed, or null after a reconnect (anything may have changed: read everything again).
   * Resolves to a stop function. Engines without it are polled.
   */
  watchZones?(onChange: (zoneId: string | null) => void): Promise<() => Promise<void>>;

  close(): Promise<void>;
}

/** Which checker reports, and which checkers still count (see recordHealthObservation). */
export interface CheckerVerdictOptions {
  checkerId?: string;
  liveSince?: string;
}

/** One checker's latest verdict on a check (null: not decided yet). */
export interface CheckerVerdict {
  checkerId: string;
  healthy: boolean | null;
  /** ISO: its latest probe. */
  at: string;
}

/**
 * Route 53 considers an endpoint healthy when more than 18 % of its health checkers report it
 * healthy: one checker's broken path to an endpoint does not take it out of DNS.
 */
export const HEALTHY_CHECKER_SHARE = 0.18;

/** The checkers' combined verdict: null when none has one. */
export function combinedCheckerVerdict(verdicts: readonly (boolean | null)[]): boolean | null {
  let decided = 0;
  let healthy = 0;
  for (const v of verdicts) {
    if (v === null) continue;
    decided++;
    if (v) healthy++;
  }
  return decided === 0 ? null : healthy / decided > HEALTHY_CHECKER_SHARE;
}

/** What a DNS responder reports each heartbeat. */
export interface ResponderHeartbeat {
  /** e.g. `<hostname>:<pid>:<random>`. */
  id: string;
  /** Where it answers DNS (host:port). */
  address: string;
  /** Zone id → the zone version it serves. */
  versions: Record<string, number>;
}

/** A registered DNS responder. */
export interface Responder {
  id: string;
  address: string;
  /** ISO: its first heartbeat. */
  startedAt: string;
  /** ISO: its latest heartbeat. */
  lastSeen: string;
  /** Zone id → the zone version it serves. */
  versions: Record<string, number>;
}
