import type { ApiErrorCode, ErrorDetails } from '../../shared/errors';
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

/** An ApiHttpError (401/403/409 … of the review routes). */
export function reviewError(
  status: number,
  code: ApiErrorCode,
  message: string,
  details?: ErrorDetails,
): ApiHttpError {
  return new ApiHttpError(status, code, message, details);
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
