import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repository } from './repository';
import type { RepositoryHarness } from './repository.contract';

const hash = (c: string) => c.repeat(64);

/** AWS access keys bound to API tokens: create (audited), find with the token, list. */
export function describeAwsKeyStorageContract(
  name: string,
  open: () => Promise<RepositoryHarness>,
): void {
  describe(`Repository contract (AWS access keys): ${name}`, () => {
    let harness: RepositoryHarness;
    let repo: Repository;

    beforeEach(async () => {
      harness = await open();
      repo = harness.repo;
    });

    afterEach(async () => {
      await repo.close();
      await harness.cleanup();
    });

    it('stores a key with its sealed secret and finds it with its token', async () => {
      const token = await repo.createApiToken(
        { name: 'ci', role: 'editor', hash: hash('a') },
        { actor: 'cli:root' },
      );
      const key = await repo.createAwsAccessKey(
        { id: 'LAAKAAAAAAAAAAAAAAA1', tokenId: token.id, secretBox: 'v1.sealed' },
        { actor: 'cli:root' },
      );
      expect(key).toEqual({
        id: 'LAAKAAAAAAAAAAAAAAA1',
        tokenId: token.id,
        createdAt: expect.any(String),
        revokedAt: null,
      });
      expect(key).not.toHaveProperty('secretBox');
      const found = await repo.findAwsAccessKey('LAAKAAAAAAAAAAAAAAA1');
      expect(found).toEqual({ ...key, secretBox: 'v1.sealed', token });
      expect(await repo.findAwsAccessKey('LAAKAAAAAAAAAAAAAAA2')).toBeNull();
      // Ids are case-sensitive, as AWS's.
      expect(await repo.findAwsAccessKey('laakaaaaaaaaaaaaaaa1')).toBeNull();

      const [entry] = await repo.listAudit({ limit: 1 });
      expect(entry).toMatchObject({
        action: 'aws-key.created',
        actor: 'cli:root',
        subject: 'ci',
        details: { accessKeyId: 'LAAKAAAAAAAAAAAAAAA1', role: 'editor' },
      });
      expect(JSON.stringify(entry)).not.toContain('v1.sealed');
    });

    it('lists the keys of one token, newest first, without secrets', async () => {
      const a = await repo.createApiToken({ name: 'a', role: 'viewer', hash: hash('b') });
      const b = await repo.createApiToken({ name: 'b', role: 'admin', hash: hash('c') });
      expect(await repo.listAwsAccessKeys(a.id)).toEqual([]);
      await repo.createAwsAccessKey({ id: 'LAAK0000000000000001', tokenId: a.id, secretBox: 's1' });
      await new Promise((r) => setTimeout(r, 5));
      await repo.createAwsAccessKey({ id: 'LAAK0000000000000002', tokenId: a.id, secretBox: 's2' });
      await repo.createAwsAccessKey({ id: 'LAAK0000000000000003', tokenId: b.id, secretBox: 's3' });
      const listed = await repo.listAwsAccessKeys(a.id);
      expect(listed.map((k) => k.id)).toEqual(['LAAK0000000000000002', 'LAAK0000000000000001']);
      for (const k of listed)
        expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'revokedAt', 'tokenId']);
      expect((await repo.listAwsAccessKeys(b.id)).map((k) => k.id)).toEqual([
        'LAAK0000000000000003',
      ]);
    });

    it('refuses a key for a token that does not exist, and a duplicate id', async () => {
      await expect(
        repo.createAwsAccessKey({ id: 'LAAK0000000000000009', tokenId: 'nope', secretBox: 's' }),
      ).rejects.toThrow();
      expect(await repo.findAwsAccessKey('LAAK0000000000000009')).toBeNull();
      const t = await repo.createApiToken({ name: 't', role: 'editor', hash: hash('d') });
      await repo.createAwsAccessKey({ id: 'LAAK0000000000000010', tokenId: t.id, secretBox: 's' });
      await expect(
        repo.createAwsAccessKey({ id: 'LAAK0000000000000010', tokenId: t.id, secretBox: 'x' }),
      ).rejects.toThrow();
      expect((await repo.findAwsAccessKey('LAAK0000000000000010'))?.secretBox).toBe('s');
    });

    it("shows the token's revocation, and the key survives a reopen", async () => {
      const t = await repo.createApiToken({ name: 'gone', role: 'editor', hash: hash('e') });
      await repo.createAwsAccessKey({ id: 'LAAK0000000000000020', tokenId: t.id, secretBox: 's' });
      await repo.revokeApiToken('gone');
      const other = await harness.reopen();
      try {
        const found = await other.findAwsAccessKey('LAAK0000000000000020');
        expect(found?.token.revokedAt).toEqual(expect.any(String));
        expect(found?.revokedAt).toBeNull();
        expect(found?.secretBox).toBe('s');
      } finally {
        await other.close();
      }
    });
  });
}
