import type { ApiToken, Repository } from '../storage/repository';
import { TokenNameTakenError } from '../storage/repository';
import {
  generateTokenSecret,
  hashTokenSecret,
  MAX_TOKEN_LENGTH,
  MIN_CONFIGURED_SECRET_LENGTH,
} from './token-secret';

/** The token made on a database without any, so a fresh `npm start` can be administered. */
export const FIRST_ADMIN_NAME = 'admin';
/** The token whose secret LATENCY_ATLAS_ADMIN_TOKEN sets (automation, e2e tests). */
export const CONFIGURED_ADMIN_NAME = 'admin-env';

/** LATENCY_ATLAS_ADMIN_TOKEN cannot be used; the message says why. */
export class AdminTokenConfigError extends Error {}

export interface BootstrapResult {
  /** Set when a first admin token was made now: its secret, to print once. */
  firstAdmin: { name: string; secret: string } | null;
  /** The admin token LATENCY_ATLAS_ADMIN_TOKEN stands for, when given. */
  configured: ApiToken | null;
}

/**
 * At start-up: make sure the admin token `configuredSecret` names exists (creating it as
 * `admin-env`, or giving `admin-env` that secret), then, on a database with no tokens at all,
 * make a first admin token and hand its secret back to be shown once.
 */
export async function ensureAdminTokens(
  repository: Repository,
  opts: { configuredSecret?: string | undefined } = {},
): Promise<BootstrapResult> {
  let configured: ApiToken | null = null;
  const secret = opts.configuredSecret;
  if (secret !== undefined && secret !== '') {
    if (secret.length < MIN_CONFIGURED_SECRET_LENGTH || secret.length > MAX_TOKEN_LENGTH) {
      throw new AdminTokenConfigError(
        `LATENCY_ATLAS_ADMIN_TOKEN must be ${MIN_CONFIGURED_SECRET_LENGTH}–${MAX_TOKEN_LENGTH} characters ` +
          `(got ${secret.length}); generate one with \`node -e "console.log('la_'+require('crypto').randomBytes(32).toString('base64url'))"\``,
      );
    }
    if (/\s/.test(secret)) {
      throw new AdminTokenConfigError('LATENCY_ATLAS_ADMIN_TOKEN must not contain spaces');
    }
    const hash = hashTokenSecret(secret);
    const existing = await repository.findApiTokenByHash(hash);
    if (existing && existing.name !== CONFIGURED_ADMIN_NAME) {
      if (existing.role !== 'admin' || existing.revokedAt !== null) {
        throw new AdminTokenConfigError(
          `LATENCY_ATLAS_ADMIN_TOKEN is the secret of the token "${existing.name}", which is ` +
            `${existing.revokedAt !== null ? 'revoked' : `a ${existing.role} token`}; use a new secret`,
        );
      }
      configured = existing;
    } else {
      configured = await repository.setApiTokenSecret(
        { name: CONFIGURED_ADMIN_NAME, role: 'admin', hash },
        { actor: null },
      );
    }
  }

  let firstAdmin: BootstrapResult['firstAdmin'] = null;
  if ((await repository.countApiTokens()) === 0) {
    const first = generateTokenSecret();
    try {
      await repository.createApiToken(
        { name: FIRST_ADMIN_NAME, role: 'admin', hash: hashTokenSecret(first) },
        { actor: null },
      );
      firstAdmin = { name: FIRST_ADMIN_NAME, secret: first };
    } catch (err) {
      // Another process starting on the same new database made it first (and printed it).
      if (!(err instanceof TokenNameTakenError)) throw err;
    }
  }
  return { firstAdmin, configured };
}

/** The banner main.ts prints once for a new first admin token. */
export function firstAdminBanner(first: { name: string; secret: string }): string {
  const line = '='.repeat(78);
  return [
    line,
    `latency-atlas: first admin token: ${first.secret}`,
    `  keep it, it is not shown again (token name "${first.name}"; send it as`,
    '  "Authorization: Bearer <token>", or paste it into the dashboard when it asks).',
    '  More tokens: npm run token -- create --name alice --role editor',
    line,
  ].join('\n');
}
