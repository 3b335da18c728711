import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPgTestServer } from './pg-test-server';

describe('throwaway PostgreSQL for tests', () => {
  it('starts on a loopback port, makes databases, and stops', async () => {
    const server = await startPgTestServer();
    try {
      const url = await server.createDatabase();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
      await client.end();
      expect(rows[0]?.v).toMatch(/^PostgreSQL 1\d/);
      expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\//);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
