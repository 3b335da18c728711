import type { Role } from '../../shared/auth';
import type { Repository } from '../storage/repository';
import { hashesEqual, hashTokenSecret, parseBearer } from './token-secret';

/** Who a request acts as. */
export interface Principal {
  tokenId: string;
  /** The token's name: what history and the audit log record as the author. */
  name: string;
  role: Role;
}

export type AuthResult =
  | { ok: true; principal: Principal | null }
  | { ok: false; reason: 'malformed' | 'invalid' | 'revoked'; message: string };

/** last_used_at is written at most this often per token (each write is an fsync), ms. */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * Resolves the Authorization header to a principal: no header → principal null; a bearer
 * token → looked up by its SHA-256 and compared in constant time; revoked → refused.
 */
export function createAuthenticator(
  repository: Repository,
  opts: { now?: () => number } = {},
): (authorization: string | undefined) => Promise<AuthResult> {
  const now = opts.now ?? Date.now;
  const touched = new Map<string, number>();
  return async (authorization) => {
    const bearer = parseBearer(authorization);
    if (bearer === null) return { ok: true, principal: null };
    if ('malformed' in bearer) return { ok: false, reason: 'malformed', message: bearer.malformed };
    const hash = hashTokenSecret(bearer.token);
    const token = await repository.findApiTokenByHash(hash);
    if (!token || !hashesEqual(token.hash, hash)) {
      return { ok: false, reason: 'invalid', message: 'the API token is not valid' };
    }
    if (token.revokedAt !== null) {
      return {
        ok: false,
        reason: 'revoked',
        message: `the API token "${token.name}" was revoked at ${token.revokedAt}`,
      };
    }
    const t = now();
    if (t - (touched.get(token.id) ?? Number.NEGATIVE_INFINITY) >= TOUCH_INTERVAL_MS) {
      touched.set(token.id, t);
      try {
        await repository.touchApiToken(token.id);
      } catch {
        // Bookkeeping only (the write lock may be busy): never refuse a request over it.
      }
    }
    return { ok: true, principal: { tokenId: token.id, name: token.name, role: token.role } };
  };
}
