import { type Role, roleAtLeast } from '../../shared/auth';
import type { ProposalStatus } from '../../shared/proposals';

/**
 * What the signed-in operator may do, mirrored from the server's rules so the dashboard can
 * hide or disable controls and say why. The server still decides: these only spare a 403.
 */
export type Permission = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Permission = { allowed: true };
const deny = (reason: string): Permission => ({ allowed: false, reason });

/** The signed-in operator; role null = not signed in (reads only). */
export interface Viewer {
  name: string | null;
  role: Role | null;
}

function needRole(viewer: Viewer, needed: Role, what: string): Permission | null {
  if (viewer.role === null) return deny(`Sign in with an API token to ${what}`);
  if (!roleAtLeast(viewer.role, needed)) {
    const article = needed === 'admin' || needed === 'approver' || needed === 'editor' ? 'an' : 'a';
    return deny(
      `Your token (${viewer.name ?? 'signed in'}, ${viewer.role}) cannot ${what}: it takes ${article} ${needed}${needed === 'admin' ? '' : ' or higher'}`,
    );
  }
  return null;
}

/** Save record changes straight to the live zone (no review). */
export function canWriteDirectly(viewer: Viewer, requireApproval: boolean): Permission {
  const role = needRole(viewer, 'editor', 'change records');
  if (role) return role;
  if (requireApproval && viewer.role !== 'admin')
    return deny(
      'This zone requires approval: changes go through a proposal (only an admin applies directly)',
    );
  return ALLOWED;
}

/** Put changes in a proposal for review. */
export function canPropose(viewer: Viewer): Permission {
  return needRole(viewer, 'editor', 'propose changes') ?? ALLOWED;
}

/** Create, change or delete health checks, and force their status (maintenance). */
export function canEditHealthChecks(viewer: Viewer): Permission {
  return needRole(viewer, 'editor', 'change health checks') ?? ALLOWED;
}

export interface ProposalFacts {
  author: string;
  status: ProposalStatus;
  stale: boolean;
  requireApproval: boolean;
}

const OPEN: readonly ProposalStatus[] = ['pending', 'approved'];

export function canApprove(viewer: Viewer, p: ProposalFacts): Permission {
  const role = needRole(viewer, 'approver', 'approve proposals');
  if (role) return role;
  if (p.status !== 'pending')
    return deny(`Only a pending proposal can be approved; this one is ${p.status}`);
  if (viewer.name === p.author)
    return deny(`You (${p.author}) wrote this proposal: someone else has to approve it`);
  return ALLOWED;
}

export function canReject(viewer: Viewer, p: ProposalFacts): Permission {
  const role = needRole(viewer, 'approver', 'reject proposals');
  if (role) return role;
  if (p.status !== 'pending')
    return deny(`Only a pending proposal can be rejected; this one is ${p.status}`);
  return ALLOWED;
}

export function canApply(viewer: Viewer, p: ProposalFacts): Permission {
  const role = needRole(viewer, 'editor', 'apply proposals');
  if (role) return role;
  if (!OPEN.includes(p.status))
    return deny(`This proposal is ${p.status}: there is nothing to apply`);
  if (p.requireApproval && p.status !== 'approved')
    return deny('The zone requires approval by someone other than the author before apply');
  if (p.stale) return deny('The zone changed since this proposal was made: rebase it first');
  return ALLOWED;
}

export function canRebase(viewer: Viewer, p: ProposalFacts): Permission {
  const role = needRole(viewer, 'editor', 'rebase proposals');
  if (role) return role;
  if (!OPEN.includes(p.status)) return deny(`This proposal is ${p.status}: it cannot be rebased`);
  if (viewer.name !== p.author && viewer.role !== 'admin')
    return deny(`Only the author (${p.author}) or an admin can rebase this proposal`);
  if (!p.stale) return deny('The proposal is based on the current zone: nothing to rebase');
  return ALLOWED;
}

/** Propose the inverse of an applied batch. */
export function canRollback(viewer: Viewer): Permission {
  return needRole(viewer, 'editor', 'roll back changes') ?? ALLOWED;
}

/** Apply the inverse of an applied batch at once, without review. */
export function canRollbackAtOnce(viewer: Viewer): Permission {
  return needRole(viewer, 'admin', 'roll back without review') ?? ALLOWED;
}

export function canChangeSettings(viewer: Viewer): Permission {
  return needRole(viewer, 'admin', 'change zone settings') ?? ALLOWED;
}

/** Post latency measurements (CSV import): a reporter token, or editor and higher (not a viewer). */
export function canPostMeasurements(viewer: Viewer): Permission {
  if (viewer.role === 'reporter') return ALLOWED;
  return needRole(viewer, 'editor', 'post measurements') ?? ALLOWED;
}

export function canCreateZone(viewer: Viewer): Permission {
  return needRole(viewer, 'editor', 'create zones') ?? ALLOWED;
}
