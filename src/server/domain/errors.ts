/**
 * Errors the domain throws; each front door maps them to its own shape (the JSON error
 * envelope, Route 53's ErrorResponse XML, a DNS RCODE). No HTTP here.
 */

/** One request field is wrong; `field` names it as the caller sent it. */
export class DomainFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Several request fields are wrong at once; each `field` names one as the caller sent it. */
export class DomainValidationError extends Error {
  constructor(readonly details: { field: string; message: string }[]) {
    const [first] = details;
    super(
      first
        ? `${first.field}: ${first.message}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`
        : 'the request is invalid',
    );
  }
}
