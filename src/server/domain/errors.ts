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
