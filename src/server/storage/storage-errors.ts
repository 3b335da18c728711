/**
 * Whether an error means the database cannot be reached right now (PostgreSQL down, restarting
 * or out of connections; a connection cut; SQLite locked past its busy timeout) rather than a
 * bug or bad input: the API answers 503 with Retry-After, and nothing was written.
 */
const UNAVAILABLE_CODES = new Set([
  // Node sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  // PostgreSQL: connection exceptions, shutdown / starting up, too many connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // SQLite: locked past busy_timeout
  'SQLITE_BUSY',
]);

/** node-postgres' own words for a connection lost or never got (no code on these). */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i;

export function isStorageUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** Seconds a client should wait before trying again. */
export const STORAGE_RETRY_AFTER_S = 2;
