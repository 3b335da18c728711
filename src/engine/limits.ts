/**
 * Route 53's limits as latency-atlas applies them. A module of its own, with no imports, so
 * that schemas can name a limit without pulling the engine's validators into a bundle.
 */

/** Route 53 limit on latency records per name+type. */
export const MAX_LATENCY_RECORDS_PER_NAME = 100;
/**
 * Changes in one batch. Route 53 stops at 1,000; latency-atlas allows a whole 10,000-record
 * zone to be imported in one atomic batch (exports for the AWS CLI are split into files).
 */
export const MAX_CHANGES_PER_BATCH = 10_000;
