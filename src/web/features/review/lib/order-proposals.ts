import type { ProposalStatus, ProposalWire } from '../../../../shared/proposals';

const RANK: Record<ProposalStatus, number> = {
  pending: 0,
  approved: 1,
  applied: 2,
  rejected: 3,
  superseded: 4,
};

/** Proposals as the review list shows them: waiting for a decision first, then newest first. */
export function orderProposals(list: readonly ProposalWire[]): ProposalWire[] {
  return [...list].sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] ||
      (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0),
  );
}
