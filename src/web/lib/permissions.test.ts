import { describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth';
import {
  canApply,
  canApprove,
  canChangeSettings,
  canRebase,
  canReject,
  canRollbackAtOnce,
  canWriteDirectly,
  type ProposalFacts,
  type Viewer,
} from './permissions';

const who = (name: string | null, role: Role | null): Viewer => ({ name, role });
const pending: ProposalFacts = {
  author: 'alice',
  status: 'pending',
  stale: false,
  requireApproval: true,
};

describe('permissions mirror the server', () => {
  it('writes directly: editor+ without approval, admin only with it', () => {
    const table: [Role | null, boolean, boolean][] = [
      [null, false, false],
      ['viewer', false, false],
      ['editor', false, true],
      ['editor', true, false],
      ['approver', true, false],
      ['admin', true, true],
    ];
    for (const [role, approval, allowed] of table)
      expect(canWriteDirectly(who('x', role), approval).allowed, `${role} ${approval}`).toBe(
        allowed,
      );
  });

  it('approves: an approver other than the author, while pending', () => {
    expect(canApprove(who('bob', 'approver'), pending).allowed).toBe(true);
    expect(canApprove(who('alice', 'editor'), pending)).toEqual({
      allowed: false,
      reason: expect.stringContaining('approver'),
    });
    expect(canApprove(who('alice', 'approver'), pending)).toEqual({
      allowed: false,
      reason: expect.stringContaining('someone else'),
    });
    expect(canApprove(who('bob', 'approver'), { ...pending, status: 'applied' }).allowed).toBe(
      false,
    );
    expect(canReject(who('alice', 'approver'), pending).allowed).toBe(true); // own: may withdraw
  });

  it('applies only approved proposals where approval is required, and never stale ones', () => {
    const bob = who('bob', 'editor');
    expect(canApply(bob, pending).allowed).toBe(false);
    expect(canApply(bob, { ...pending, status: 'approved' }).allowed).toBe(true);
    expect(canApply(bob, { ...pending, requireApproval: false }).allowed).toBe(true);
    expect(canApply(bob, { ...pending, status: 'approved', stale: true })).toEqual({
      allowed: false,
      reason: expect.stringContaining('rebase'),
    });
    expect(canApply(who('vera', 'viewer'), { ...pending, status: 'approved' }).allowed).toBe(false);
  });

  it('rebases: the author or an admin, and only a stale open proposal', () => {
    const stale = { ...pending, stale: true };
    expect(canRebase(who('alice', 'editor'), stale).allowed).toBe(true);
    expect(canRebase(who('carol', 'approver'), stale).allowed).toBe(false);
    expect(canRebase(who('root', 'admin'), stale).allowed).toBe(true);
    expect(canRebase(who('alice', 'editor'), pending).allowed).toBe(false);
  });

  it('keeps settings and instant rollback for admins', () => {
    for (const role of ['viewer', 'editor', 'approver'] as const) {
      expect(canChangeSettings(who('x', role)).allowed).toBe(false);
      expect(canRollbackAtOnce(who('x', role)).allowed).toBe(false);
    }
    expect(canChangeSettings(who('root', 'admin')).allowed).toBe(true);
    expect(canChangeSettings(who(null, null))).toEqual({
      allowed: false,
      reason: expect.stringContaining('Sign in'),
    });
  });
});
