import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_PREFIX } from '../../shared/auth';

/** Bytes of randomness in a token secret: 256 bits, far beyond guessing. */
export const TOKEN_SECRET_BYTES = 32;

/** Shortest secret accepted from configuration (LATENCY_ATLAS_ADMIN_TOKEN). */
export const MIN_CONFIGURED_SECRET_LENGTH = 24;

/** Longest Authorization token looked at; anything longer is refused without hashing. */
export const MAX_TOKEN_LENGTH = 512;

/** A new token secret: `la_` + 43 base64url characters from the CSPRNG. */
export function generateTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(TOKEN_SECRET_BYTES).toString('base64url')}`;
}

/**
 * The only form a secret is stored in: hex SHA-256. A plain (unsalted, fast) hash is right for
 * 256-bit random secrets: there is no dictionary to try, and lookups stay one index probe.
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes (false for different lengths). */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * The token in an `Authorization: Bearer <token>` header: null when there is no header,
 * `{ malformed }` when there is one that is not a bearer token.
 */
export function parseBearer(
  header: string | undefined,
): { token: string } | { malformed: string } | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match?.[1]) {
    return { malformed: 'the Authorization header must be "Bearer <token>"' };
  }
  if (match[1].length > MAX_TOKEN_LENGTH) return { malformed: 'the token is too long' };
  return { token: match[1] };
}
