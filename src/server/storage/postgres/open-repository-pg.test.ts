import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseUrlError, openRepository } from '../open-repository';
import { startPgTestServer } from './pg-test-server';

const server = await startPgTestServer();

afterAll(async () => {
  await server.stop();
});

describe('openRepository(postgres://…)', () => {
  it('opens a migrated PostgreSQL repository for postgres:// and postgresql://', async () => {
    for (const scheme of ['postgres', 'postgresql']) {
      const url = (await server.createDatabase()).replace(/^postgres/, scheme);
      const repo = await openRepository(url);
      try {
        const zone = await repo.createZone('example.com');
        expect(await repo.getZone(zone.id)).toMatchObject({ name: 'example.com', version: 0 });
      } finally {
        await repo.close();
      }
    }
  });

  it('says what went wrong without echoing the password', async () => {
    const url = `postgres://atlas:s3cret@127.0.0.1:${server.port}/no_such_db`;
    const opening = openRepository(url);
    await expect(opening).rejects.toBeInstanceOf(DatabaseUrlError);
    await expect(opening).rejects.toThrow(
      /could not open PostgreSQL at postgres:\/\/atlas:\*\*\*@/,
    );
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });
});
