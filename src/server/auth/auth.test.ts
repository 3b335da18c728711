import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROLES, roleAtLeast } from '../../shared/auth';
import { openRepository } from '../storage/open-repository';
import type { Repository } from '../storage/repository';
import { createAuthenticator, TOUCH_INTERVAL_MS } from './authenticate';
import {
  AdminTokenConfigError,
  CONFIGURED_ADMIN_NAME,
  ensureAdminTokens,
  FIRST_ADMIN_NAME,
  firstAdminBanner,
} from './bootstrap-tokens';
import { generateTokenSecret, hashesEqual, hashTokenSecret, parseBearer } from './token-secret';

describe('token secrets', () => {
  it('are la_ + 43 base64url characters (256 bits), never repeated', () => {
    const secrets = new Set(Array.from({ length: 200 }, generateTokenSecret));
    expect(secrets.size).toBe(200);
    for (const s of secrets) expect(s).toMatch(/^la_[A-Za-z0-9_-]{43}$/);
  });

  it('are stored as hex SHA-256 and compared in constant time', () => {
    const hash = hashTokenSecret('la_example');
    expect(hash).toBe(createHash('sha256').update('la_example').digest('hex'));
    expect(hashesEqual(hash, hashTokenSecret('la_example'))).toBe(true);
    expect(hashesEqual(hash, hashTokenSecret('la_examplf'))).toBe(false);
    expect(hashesEqual(hash, hash.slice(0, 62))).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
  });

  it.each([
    [undefined, null],
    ['', null],
    ['Bearer la_abc', { token: 'la_abc' }],
    ['bearer   la_abc  ', { token: 'la_abc' }],
    ['Basic YWxpY2U6eA==', { malformed: expect.stringContaining('Bearer <token>') }],
    ['Bearer', { malformed: expect.any(String) }],
    ['Bearer a b', { malformed: expect.any(String) }],
    [`Bearer ${'x'.repeat(600)}`, { malformed: 'the token is too long' }],
  ])('parses the Authorization header %j', (header, expected) => {
    expect(parseBearer(header)).toEqual(expected);
  });

  it('orders roles viewer < editor < approver < admin', () => {
    expect(ROLES).toEqual(['reporter', 'viewer', 'editor', 'approver', 'admin']);
    expect(roleAtLeast('approver', 'editor')).toBe(true);
    expect(roleAtLeast('admin', 'approver')).toBe(true);
    expect(roleAtLeast('editor', 'approver')).toBe(false);
    expect(roleAtLeast('viewer', 'editor')).toBe(false);
    expect(roleAtLeast('viewer', 'viewer')).toBe(true);
    expect(roleAtLeast('reporter', 'viewer')).toBe(false);
    expect(roleAtLeast('editor', 'reporter')).toBe(true);
  });
});

describe('with a real repository', () => {
  let dir: string;
  let repo: Repository;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latency-atlas-auth-'));
    repo = await openRepository(`sqlite:${join(dir, 'auth.db')}`);
  });

  afterEach(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('createAuthenticator', () => {
    it('resolves tokens to principals; refuses unknown, malformed and revoked ones', async () => {
      const secret = generateTokenSecret();
      const token = await repo.createApiToken({
        name: 'alice',
        role: 'editor',
        hash: hashTokenSecret(secret),
      });
      const auth = createAuthenticator(repo);
      expect(await auth(undefined)).toEqual({ ok: true, principal: null });
      expect(await auth(`Bearer ${secret}`)).toEqual({
        ok: true,
        principal: { tokenId: token.id, name: 'alice', role: 'editor' },
      });
      expect(await auth(`Bearer ${secret}x`)).toMatchObject({ ok: false, reason: 'invalid' });
      expect(await auth(`Token ${secret}`)).toMatchObject({ ok: false, reason: 'malformed' });
      await repo.revokeApiToken('alice');
      expect(await auth(`Bearer ${secret}`)).toMatchObject({
        ok: false,
        reason: 'revoked',
        message: expect.stringContaining('"alice" was revoked'),
      });
    });

    it('records last use at most once per interval', async () => {
      const secret = generateTokenSecret();
      await repo.createApiToken({ name: 'bob', role: 'viewer', hash: hashTokenSecret(secret) });
      let now = 1_000_000;
      const auth = createAuthenticator(repo, { now: () => now });
      const lastUsed = async () => (await repo.listApiTokens())[0]?.lastUsedAt;
      await auth(`Bearer ${secret}`);
      const first = await lastUsed();
      expect(first).toEqual(expect.any(String));
      await new Promise((r) => setTimeout(r, 5));
      now += TOUCH_INTERVAL_MS - 1;
      await auth(`Bearer ${secret}`);
      expect(await lastUsed()).toBe(first);
      now += 1;
      await auth(`Bearer ${secret}`);
      expect(await lastUsed()).not.toBe(first);
    });
  });

  describe('ensureAdminTokens', () => {
    it('makes a first admin token on a database without tokens, once', async () => {
      const first = await ensureAdminTokens(repo);
      expect(first.configured).toBeNull();
      expect(first.firstAdmin?.name).toBe(FIRST_ADMIN_NAME);
      const secret = first.firstAdmin?.secret ?? '';
      expect(secret).toMatch(/^la_/);
      expect(await repo.findApiTokenByHash(hashTokenSecret(secret))).toMatchObject({
        name: 'admin',
        role: 'admin',
      });
      expect(firstAdminBanner({ name: 'admin', secret })).toContain(`first admin token: ${secret}`);
      expect(await ensureAdminTokens(repo)).toEqual({ firstAdmin: null, configured: null });
      expect(await repo.countApiTokens()).toBe(1);
    });

    it('makes no first admin once any token exists, even a revoked one', async () => {
      await repo.createApiToken({ name: 'x', role: 'viewer', hash: hashTokenSecret('la_x') });
      await repo.revokeApiToken('x');
      expect((await ensureAdminTokens(repo)).firstAdmin).toBeNull();
    });

    it('ensures the configured secret is an admin token (and then prints nothing)', async () => {
      const secret = 'la_configured-secret-for-tests-000';
      const result = await ensureAdminTokens(repo, { configuredSecret: secret });
      expect(result.firstAdmin).toBeNull();
      expect(result.configured).toMatchObject({ name: CONFIGURED_ADMIN_NAME, role: 'admin' });
      expect(await repo.findApiTokenByHash(hashTokenSecret(secret))).toMatchObject({
        name: 'admin-env',
      });
      // Idempotent; a new secret replaces the old one.
      await ensureAdminTokens(repo, { configuredSecret: secret });
      const rotated = 'la_configured-secret-for-tests-001';
      await ensureAdminTokens(repo, { configuredSecret: rotated });
      expect(await repo.findApiTokenByHash(hashTokenSecret(secret))).toBeNull();
      expect(await repo.findApiTokenByHash(hashTokenSecret(rotated))).toMatchObject({
        name: 'admin-env',
      });
      expect(await repo.countApiTokens()).toBe(1);
    });

    it('refuses a short secret, or one that belongs to a lesser token', async () => {
      await expect(ensureAdminTokens(repo, { configuredSecret: 'short' })).rejects.toBeInstanceOf(
        AdminTokenConfigError,
      );
      await expect(
        ensureAdminTokens(repo, { configuredSecret: 'la_has space in it 0123456789' }),
      ).rejects.toThrow(/spaces/);
      const viewerSecret = 'la_viewer-secret-0123456789-abc';
      await repo.createApiToken({ name: 'v', role: 'viewer', hash: hashTokenSecret(viewerSecret) });
      await expect(ensureAdminTokens(repo, { configuredSecret: viewerSecret })).rejects.toThrow(
        /secret of the token "v", which is a viewer token/,
      );
    });
  });
});
