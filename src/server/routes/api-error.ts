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
