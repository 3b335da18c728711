import { describe, expect, it } from 'vitest';
import type { ProposalWire } from '../../../../shared/proposals';
import { orderProposals } from './order-proposals';

const p = (id: string, status: ProposalWire['status'], createdAt: string): ProposalWire => ({
  id,
  zoneId: 'Z1',
  status,
  author: 'alice',
  comment: null,
  changeBatch: { Changes: [] },
  baseVersion: 1,
  createdAt,
  updatedAt: createdAt,
  decidedBy: null,
  decidedAt: null,
  reason: null,
  appliedChangeId: null,
  rollbackOf: null,
  supersededBy: null,
});

describe('orderProposals', () => {
  it('puts pending first, then approved, each newest first', () => {
    const ordered = orderProposals([
      p('P1', 'applied', '2026-01-03'),
      p('P2', 'pending', '2026-01-01'),
      p('P3', 'approved', '2026-01-04'),
      p('P4', 'pending', '2026-01-02'),
      p('P5', 'rejected', '2026-01-05'),
    ]);
    expect(ordered.map((x) => x.id)).toEqual(['P4', 'P2', 'P3', 'P1', 'P5']);
  });
});
