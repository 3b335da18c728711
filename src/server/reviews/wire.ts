import type { AuditEntryWire, ProposalDetail, ProposalWire } from '../../shared/proposals';
import type { AppliedChange } from '../../shared/rrset';
import type { AppliedChangeBatch, AuditEntry, Proposal, Zone } from '../storage/repository';

/** Storage records → the shapes in src/shared (one place, so every route answers alike). */

export function toAppliedChangeWire(c: AppliedChangeBatch): AppliedChange {
  return {
    Id: c.id,
    SubmittedAt: c.submittedAt,
    Comment: c.comment,
    Author: c.author,
    AppliedBy: c.appliedBy,
    ProposalId: c.proposalId,
    Version: c.version,
    Changes: c.changes,
    Impact: c.impact,
  };
}

export function toProposalWire(p: Proposal): ProposalWire {
  return {
    id: p.id,
    zoneId: p.zoneId,
    status: p.status,
    author: p.author,
    comment: p.comment,
    changeBatch: p.batch,
    baseVersion: p.baseVersion,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    decidedBy: p.decidedBy,
    decidedAt: p.decidedAt,
    reason: p.reason,
    appliedChangeId: p.appliedChangeId,
    rollbackOf: p.rollbackOf,
    supersededBy: p.supersededBy,
  };
}

export function toProposalDetail(
  p: Proposal,
  zone: Pick<Zone, 'version'>,
  requireApproval: boolean,
): ProposalDetail {
  return {
    ...toProposalWire(p),
    diff: p.plan,
    currentVersion: zone.version,
    stale: p.status !== 'applied' && zone.version !== p.baseVersion,
    requireApproval,
  };
}

export function toAuditWire(e: AuditEntry): AuditEntryWire {
  return {
    id: e.id,
    at: e.at,
    actor: e.actor,
    action: e.action,
    zoneId: e.zoneId,
    subject: e.subject,
    details: e.details,
  };
}
