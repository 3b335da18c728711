import { StaleProposalErrorSchema } from '../../../../shared/proposals';
import type { AppliedChange } from '../../../../shared/rrset';
import { ApiError } from '../../../lib/api-client';

export interface StaleDetails {
  message: string;
  baseVersion: number;
  currentVersion: number;
  /** Batches applied since the proposal's base, oldest first. */
  changedSince: AppliedChange[];
}

/** The 409 StaleProposal's details (what changed since), or null for any other error. */
export function staleDetailsOf(err: unknown): StaleDetails | null {
  if (!(err instanceof ApiError) || err.status !== 409 || err.code !== 'StaleProposal') return null;
  const parsed = StaleProposalErrorSchema.safeParse({
    error: { code: err.code, message: err.message, details: err.rawDetails },
  });
  if (!parsed.success) {
    return { message: err.message, baseVersion: 0, currentVersion: 0, changedSince: [] };
  }
  return { message: err.message, ...parsed.data.error.details };
}
