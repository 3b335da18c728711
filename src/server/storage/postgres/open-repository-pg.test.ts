import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUrlError, openRepository } from '../open-repository';
import { type PgTestServer, startPgTestServer } from './pg-test-server';

// One throwaway server for the file (every harness gets a database of its own), started in a
// hook so that a run that filters out every test here starts, and leaves behind, no server.
let server: PgTestServer;
beforeAll(async () => {
  server = await startPgTestServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
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
