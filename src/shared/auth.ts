import { z } from 'zod';

/**
 * API tokens and roles. Tokens travel as `Authorization: Bearer la_…` (no cookies, so no CSRF);
 * the server stores only their SHA-256.
 */

/**
 * Roles from least to most: each one can do everything the ones before it can. A reporter may
 * only post measurements (probes, collectors); it cannot read where reads are private.
 */
export const ROLES = ['reporter', 'viewer', 'editor', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const RoleSchema = z.enum(ROLES).meta({
  id: 'Role',
  description:
    'reporter: post measurements only; viewer: read; editor: propose, apply where no approval is needed; approver: also approve/reject; admin: everything, incl. tokens, settings and direct apply.',
});

/**
 * Rank of each role. A lookup table on purpose: Vite 8.3.8's minifier folds
 * `ROLES.indexOf(a) >= ROLES.indexOf(b)` to `true` in the browser bundle.
 */
const ROLE_RANK: Readonly<Record<Role, number>> = {
  reporter: 0,
  viewer: 1,
  editor: 2,
  approver: 3,
  admin: 4,
};

/** True when `role` may do what `needed` may (reporter < viewer < editor < approver < admin). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return (ROLE_RANK[role] ?? -1) >= (ROLE_RANK[needed] ?? Number.POSITIVE_INFINITY);
}

/** Every token secret starts with this, so leaked tokens are easy to spot (and to scan for). */
export const TOKEN_PREFIX = 'la_';

/** GET /api/me: who the presented token belongs to. */
export const MeResponseSchema = z
  .object({ name: z.string(), role: RoleSchema })
  .meta({ id: 'MeResponse', examples: [{ name: 'alice', role: 'editor' }] });
export type MeResponse = z.infer<typeof MeResponseSchema>;

/** One API token as listed (never its secret or hash). */
export const ApiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: RoleSchema,
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export type ApiTokenWire = z.infer<typeof ApiTokenSchema>;

/** Token names: what history and the audit log show as the author. */
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const TokenNameSchema = z
  .string()
  .regex(
    TOKEN_NAME_PATTERN,
    'a token name is 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
  );
