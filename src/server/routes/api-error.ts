import type { ZodError } from 'zod';
import {
  type ApiErrorCode,
  type ErrorDetail,
  type ErrorDetails,
  issuesToDetails,
} from '../../shared/errors';

/** An error the API answers with as it is: status, code, message and field details. */
export class ApiHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }
}

/** Summarise field problems in one sentence: `recordname: recordname is required (and 1 more)`. */
function summarise(details: ErrorDetail[]): string {
  const [first] = details;
  if (!first) return 'the request is invalid';
  const head = first.field ? `${first.field}: ${first.message}` : first.message;
  return details.length > 1 ? `${head} (and ${details.length - 1} more)` : head;
}

/** 400 InvalidInput naming each bad field of a query, path parameter or body. */
export function invalidInput(error: ZodError, prefix?: string): ApiHttpError {
  const details = issuesToDetails(error.issues).map((d) => ({
    ...d,
    field: prefix ? (d.field ? `${prefix}.${d.field}` : prefix) : d.field,
  }));
  return new ApiHttpError(400, 'InvalidInput', summarise(details), details);
}

/** 400 InvalidInput for one field. */
export function invalidField(field: string, message: string): ApiHttpError {
  return new ApiHttpError(400, 'InvalidInput', `${field}: ${message}`, [{ field, message }]);
}

/**
 * 400 InvalidChangeBatch listing every bad change; `outcome` says what did not happen
 * ("nothing was applied", "nothing was stored"). Engine errors about the batch as a whole
 * (change -1) are listed without a change index.
 */
export function invalidChangeBatch(
  details: { change?: number; field: string; message: string }[],
  outcome = 'nothing was applied',
): ApiHttpError {
  const listed: ErrorDetail[] = details.map((d) =>
    d.change !== undefined && d.change >= 0
      ? { change: d.change, field: d.field, message: d.message }
      : { field: d.field, message: d.message },
  );
  const bad = new Set(listed.map((d) => d.change).filter((c) => c !== undefined));
  const what =
    bad.size === 0
      ? 'the change batch is malformed'
      : `${bad.size} ${bad.size === 1 ? 'change is' : 'changes are'} invalid`;
  const [first] = listed;
  const example = first
    ? ` (${first.change !== undefined ? `change ${first.change} ` : ''}${first.field}: ${first.message})`
    : '';
  return new ApiHttpError(400, 'InvalidChangeBatch', `${what}; ${outcome}${example}`, listed);
}
