import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretBoxWithKey } from '../secrets/secret-box';
import { openRepository } from '../storage/open-repository';
import type { Repository } from '../storage/repository';
import { createAwsKeyPair, generateAwsAccessKeyId, generateAwsSecretAccessKey } from './aws-keys';
import { hashTokenSecret } from './token-secret';

let repository: Repository;
beforeEach(async () => {
  repository = await openRepository('sqlite::memory:');
});
afterEach(async () => {
  await repository.close();
});

describe('AWS access key pairs', () => {
  it('look like AWS keys: a 20-character id and a 40-character secret, all different', () => {
    const ids = new Set(Array.from({ length: 200 }, generateAwsAccessKeyId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^LAAK[A-Z0-9]{16}$/);
    const secret = generateAwsSecretAccessKey();
    expect(secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
  });

  it('are stored sealed, bound to the token, and the secret is nowhere in storage or audit', async () => {
    const box = secretBoxWithKey(randomBytes(32));
    const token = await repository.createApiToken({
      name: 'ci',
      role: 'editor',
      hash: hashTokenSecret('x'),
    });
    const pair = await createAwsKeyPair(repository, box, token.id, { actor: 'cli:test' });
    const stored = await repository.findAwsAccessKey(pair.accessKeyId);
    expect(stored?.token.name).toBe('ci');
    expect(stored?.secretBox).not.toContain(pair.secretAccessKey);
    expect(box.open(stored?.secretBox ?? '')).toBe(pair.secretAccessKey);
    const audit = JSON.stringify(await repository.listAudit());
    expect(audit).toContain(pair.accessKeyId);
    expect(audit).not.toContain(pair.secretAccessKey);
    expect(JSON.stringify(await repository.listAwsAccessKeys(token.id))).not.toContain(
      pair.secretAccessKey,
    );
  });
});
