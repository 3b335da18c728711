import { withoutSoaSerial } from '../../engine/apex-records';
import type { PlannedChange } from '../../engine/change-batch';
import type { Impact } from '../../engine/impact';
import { normalizeName, normalizeRecordSet } from '../../engine/names';
import type { ChangeBatch, ResourceRecordSet } from '../../engine/types';
import type { Role } from '../../shared/auth';
import { newTokenId } from './ids';
import type {
  ApiToken,
  AppliedChangeBatch,
  AuditEntry,
  NewAuditEntry,
  Proposal,
  ProposalStatus,
  UpstreamConnection,
} from './repository';

/**
 * Stored rows as both engines read them (columns aliased to these names) and the domain values
 * made from them: one definition for SQLite and PostgreSQL.
 */
export interface ChangeRow {
  id: string;
  zoneId: string;
  version: number;
  submittedAt: string;
  comment: string | null;
  author: string | null;
  appliedBy: string | null;
  proposalId: string | null;
  changesJson: string;
  impactJson: string | null;
}

export interface ProposalRow {
  id: string;
  zoneId: string;
  author: string;
  comment: string | null;
  batchJson: string;
  planJson: string;
  baseRecordsJson: string;
  baseVersion: number;
  status: ProposalStatus;
  createdAt: string;
  updatedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  appliedChangeId: string | null;
  rollbackOf: string | null;
  supersededBy: string | null;
  changeId: string | null;
}

export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  hash: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  zoneId: string | null;
  subject: string | null;
  detailsJson: string;
}

/** Identity columns of a record set: (name, type, set_identifier). */
export function identity(r: ResourceRecordSet): [string, string, string] {
  return [normalizeName(r.Name), r.Type, r.SetIdentifier ?? ''];
}

export function toApplied(row: ChangeRow): AppliedChangeBatch {
  return {
    id: row.id,
    zoneId: row.zoneId,
    submittedAt: row.submittedAt,
    comment: row.comment,
    author: row.author,
    appliedBy: row.appliedBy,
    proposalId: row.proposalId,
    version: row.version,
    changes: JSON.parse(row.changesJson) as ChangeBatch['Changes'],
    impact: row.impactJson === null ? null : (JSON.parse(row.impactJson) as Impact),
  };
}

/** A proposal's change id: its own id with C for P (P4X… → /change/C4X…), unique as it is. */
export function proposalChangeId(proposalId: string): string {
  return `/change/C${proposalId.slice(1)}`;
}

export function toProposal(row: ProposalRow): Proposal {
  return {
    id: row.id,
    zoneId: row.zoneId,
    author: row.author,
    comment: row.comment,
    batch: JSON.parse(row.batchJson) as ChangeBatch,
    baseVersion: row.baseVersion,
    plan: JSON.parse(row.planJson) as PlannedChange[],
    baseRecords: JSON.parse(row.baseRecordsJson) as ResourceRecordSet[],
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
    reason: row.reason,
    appliedChangeId: row.appliedChangeId,
    rollbackOf: row.rollbackOf,
    supersededBy: row.supersededBy,
    changeId: row.changeId ?? proposalChangeId(row.id),
  };
}

/** A new token's row (never used, not revoked). */
export function newTokenRow(
  token: { name: string; role: Role; hash: string },
  at: string,
): TokenRow {
  return {
    id: newTokenId(),
    name: token.name,
    role: token.role,
    hash: token.hash,
    createdAt: at,
    revokedAt: null,
    lastUsedAt: null,
  };
}

/** The audit entry of a token made (by createApiToken, or by a configured secret). */
export function tokenCreatedAudit(row: TokenRow, actor: string | null | undefined): NewAuditEntry {
  return {
    actor: actor ?? null,
    action: 'token.created',
    zoneId: null,
    subject: row.name,
    details: { role: row.role, tokenId: row.id },
  };
}

export function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

export function toAudit(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    zoneId: row.zoneId,
    subject: row.subject,
    details: JSON.parse(row.detailsJson) as Record<string, unknown>,
  };
}

export const parseRecordSet = (json: string) => JSON.parse(json) as ResourceRecordSet;

/** Sets with SOA serials masked, as JSON: for "has anything but the serial changed?". */
export function jsonWithoutSerials(sets: readonly (ResourceRecordSet | null)[]): string {
  return JSON.stringify(sets.map((r) => r && withoutSoaSerial(r)));
}

/** A plan with both sides in stored form (the engine already normalises; this pins key order). */
export function normalizePlan(plan: readonly PlannedChange[]): PlannedChange[] {
  return plan.map((step) => ({
    action: step.action,
    before: step.before && normalizeRecordSet(step.before),
    after: step.after && normalizeRecordSet(step.after),
  }));
}

export const OPEN_STATUSES: readonly ProposalStatus[] = ['pending', 'approved'];

/** An upstream connection row: the connection with its last drift result still as JSON text. */
export type UpstreamRow = Omit<UpstreamConnection, 'drift'> & { driftJson: string | null };

export function toUpstream(row: UpstreamRow): UpstreamConnection {
  const { driftJson, ...rest } = row;
  return { ...rest, drift: driftJson === null ? null : (JSON.parse(driftJson) as unknown) };
}
