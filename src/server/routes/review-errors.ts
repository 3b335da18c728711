import type { ApiErrorCode, ErrorDetail } from '../../shared/errors';
import type { ReviewErrorCode } from '../../shared/proposals';
import { toAppliedChangeWire } from '../reviews/wire';
import {
  ApprovalRequiredError,
  ProposalNotFoundError,
  ProposalStateError,
  SelfApprovalError,
  StaleZoneVersionError,
  ZoneNotFoundError,
} from '../storage/repository';
import { ApiHttpError } from './api-error';

/** An ApiHttpError with one of the review codes (401/403/409 …). */
export function reviewError(
  status: number,
  code: ReviewErrorCode,
  message: string,
  details?: ErrorDetail[] | Record<string, unknown>,
): ApiHttpError {
  return new ApiHttpError(
    status,
    code as string as ApiErrorCode,
    message,
    details as ErrorDetail[] | undefined,
  );
}

/** 409 StaleProposal naming every batch applied since the base version. */
export function staleProposal(err: StaleZoneVersionError, what = 'the proposal'): ApiHttpError {
  return reviewError(
    409,
    'StaleProposal',
    `${what} was based on version ${err.expectedVersion} of the zone, which is now at version ` +
      `${err.currentVersion} (${err.changedSince.length} ${err.changedSince.length === 1 ? 'batch' : 'batches'} applied since); rebase it and review it again`,
    {
      baseVersion: err.expectedVersion,
      currentVersion: err.currentVersion,
      changedSince: err.changedSince.map(toAppliedChangeWire),
    },
  );
}

/** Storage's typed refusals as API errors; anything else is rethrown unchanged. */
export function toReviewHttpError(err: unknown): unknown {
  if (err instanceof StaleZoneVersionError) return staleProposal(err);
  if (err instanceof ProposalNotFoundError) {
    return reviewError(404, 'NoSuchProposal', err.message);
  }
  if (err instanceof ProposalStateError) {
    return reviewError(409, 'InvalidProposalState', err.message, [
      { field: 'status', message: `the proposal is ${err.status}` },
    ]);
  }
  if (err instanceof SelfApprovalError) {
    return reviewError(403, 'SelfApprovalNotAllowed', err.message);
  }
  if (err instanceof ApprovalRequiredError) {
    return reviewError(409, 'ApprovalRequired', err.message, [
      { field: 'status', message: `the proposal is ${err.status}, not approved` },
    ]);
  }
  if (err instanceof ZoneNotFoundError) {
    return new ApiHttpError(404, 'NoSuchHostedZone', err.message);
  }
  return err;
}
