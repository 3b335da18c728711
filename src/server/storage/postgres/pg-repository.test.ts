import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from '../../../engine/types';
import type { Repository } from '../repository';
import { StaleZoneVersionError } from '../repository';
import { describeRepositoryContract } from '../repository.contract';
import { SchemaTooNewError } from '../sqlite/migrations';
import { createPool } from './pg-db';
import { migratePg, PG_MIGRATIONS } from './pg-migrations';
import { openPostgresRepository } from './pg-repository';
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

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

describeRepositoryContract('PostgreSQL (throwaway server)', async () => {
  const url = await server.createDatabase();
  return {
    repo: await openPostgresRepository(url),
    reopen: () => openPostgresRepository(url),
    cleanup: () => dropDatabase(url),
    readLagMs: 100,
  };
});

const a = (i: number): ResourceRecordSet => ({
  Name: `w${i}.example.com.`,
  Type: 'A',
  TTL: 60,
  ResourceRecords: [{ Value: `192.0.2.${i + 1}` }],
});

describe('PostgreSQL repository', () => {
  const opened: Repository[] = [];
  const databases: string[] = [];
  const fresh = async () => {
    const url = await server.createDatabase();
    databases.push(url);
    return url;
  };
  const open = async (url: string) => {
    const repo = await openPostgresRepository(url);
    opened.push(repo);
    return repo;
  };

  afterEach(async () => {
    for (const repo of opened.splice(0)) await repo.close();
    for (const url of databases.splice(0)) await dropDatabase(url);
  });

  it('loses no update with 50 concurrent writers on five instances', async () => {
    const url = await fresh();
    const instances = await Promise.all([1, 2, 3, 4, 5].map(() => open(url)));
    const zone = await (instances[0] as Repository).createZone('example.com');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (instances[i % 5] as Repository).applyChangeBatch(zone.id, {
          Comment: `writer ${i}`,
          Changes: [{ Action: 'CREATE', ResourceRecordSet: a(i) }],
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const versions = results.map((r) => (r.ok ? r.change.version : 0)).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const other = instances[4] as Repository;
    expect(await other.getZone(zone.id)).toMatchObject({ version: 50, serial: 51 });
    expect(await other.listRecordSets(zone.id)).toHaveLength(52);
    expect(await other.listChanges(zone.id)).toHaveLength(50);
  }, 60_000);

  it('refuses all but one of concurrent writers that expect the same version', async () => {
    const url = await fresh();
    const [one, two] = await Promise.all([open(url), open(url)]);
    const zone = await (one as Repository).createZone('example.com');
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? (one as Repository) : (two as Repository)).applyChangeBatch(
          zone.id,
          { Changes: [{ Action: 'CREATE', ResourceRecordSet: a(i) }] },
          { expectedVersion: 0 },
        ),
      ),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const refused = settled.filter((s) => s.status === 'rejected');
    expect(refused).toHaveLength(9);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StaleZoneVersionError);
    }
  });

  it('migrates once when several processes open a new database at the same time', async () => {
    const url = await fresh();
    await Promise.all([1, 2, 3, 4].map(() => open(url)));
    const pool = createPool(url);
    try {
      const rows = await pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows.rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      expect(await migratePg(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('refuses a schema newer than this build knows', async () => {
    const url = await fresh();
    await (await open(url)).close();
    const pool = createPool(url);
    try {
      await pool.query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')",
      );
    } finally {
      await pool.end();
    }
    await expect(openPostgresRepository(url)).rejects.toBeInstanceOf(SchemaTooNewError);
  });

  it('keeps the audit log append-only, whoever issues the UPDATE or DELETE', async () => {
    const url = await fresh();
    const repo = await open(url);
    await repo.createZone('example.com');
    const pool = createPool(url);
    try {
      await expect(pool.query("UPDATE audit_log SET actor = 'mallory'")).rejects.toThrow(
        /append-only: entries cannot be changed/,
      );
      await expect(pool.query('DELETE FROM audit_log')).rejects.toThrow(
        /append-only: entries cannot be deleted/,
      );
      await expect(pool.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    } finally {
      await pool.end();
    }
    expect(await repo.listAudit()).toHaveLength(1);
  });

  it('read cache: own writes at once; another instance within 100 ms, or at once after the version poll', async () => {
    const url = await fresh();
    const a1 = await open(url);
    const a2 = await open(url);
    const zone = await a1.createZone('example.com');
    expect((await a2.getZone(zone.id))?.version).toBe(0); // cached on a2
    expect(await a2.getHealth(['hc-1'])).toEqual(new Map([['hc-1', true]]));
    expect(
      (
        await a1.applyChangeBatch(zone.id, {
          Changes: [{ Action: 'CREATE', ResourceRecordSet: a(1) }],
        })
      ).ok,
    ).toBe(true);
    await a1.setHealth('hc-1', false);
    // a1 wrote: it reads its own writes back at once.
    expect((await a1.getZone(zone.id))?.version).toBe(1);
    expect(await a1.getHealth(['hc-1'])).toEqual(new Map([['hc-1', false]]));
    // a2's DNS poll reads every zone's version: a cached row it shows stale is dropped at once.
    expect((await a2.listZoneVersions()).find((z) => z.id === zone.id)?.version).toBe(1);
    expect((await a2.getZone(zone.id))?.version).toBe(1);
    // Health has no such poll: it is at most 100 ms behind.
    await new Promise((r) => setTimeout(r, 110));
    expect(await a2.getHealth(['hc-1'])).toEqual(new Map([['hc-1', false]]));
    // Handed-out values are copies: changing one changes nothing cached.
    const settings = await a2.getZoneSettings(zone.id);
    if (settings) settings.routingModel = 'measured';
    expect((await a2.getZoneSettings(zone.id))?.routingModel).toBe('distance');
  });

  it('zone versions: the same list while LISTEN vouches for it; fresh after a notification or without LISTEN', async () => {
    const url = await fresh();
    const a1 = await open(url);
    const a2 = await open(url);
    const zone = await a1.createZone('example.com');
    const notified: (string | null)[] = [];
    const unwatch = await a2.watchZones?.((id) => notified.push(id));
    try {
      const first = await a2.listZoneVersions();
      expect(await a2.listZoneVersions()).toBe(first); // idle: no query at all
      expect(first.find((z) => z.id === zone.id)?.version).toBe(0);
      const ok = await a1.applyChangeBatch(zone.id, {
        Changes: [{ Action: 'CREATE', ResourceRecordSet: a(1) }],
      });
      expect(ok.ok).toBe(true);
      for (let i = 0; i < 100 && !notified.includes(zone.id); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(notified).toContain(zone.id);
      // Patched from the notification (<id>:<version>), not re-read: the same as storage.
      const after = await a2.listZoneVersions();
      expect(after).not.toBe(first);
      expect(after.find((z) => z.id === zone.id)?.version).toBe(1);
      const stored = await new pg.Client({ connectionString: url });
      await stored.connect();
      try {
        const rows = (await stored.query('SELECT id, version FROM zones')).rows;
        expect([...after].sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
          rows.sort((x, y) => (x.id < y.id ? -1 : 1)),
        );
      } finally {
        await stored.end();
      }
      // A deleted zone leaves the list at the notification, and its cached row goes.
      const gone = await a1.createZone('gone.example');
      expect((await a2.getZone(gone.id))?.id).toBe(gone.id);
      await a1.deleteZone(gone.id, { force: true });
      for (let i = 0; i < 100 && (await a2.listZoneVersions()).some((z) => z.id === gone.id); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect((await a2.listZoneVersions()).some((z) => z.id === gone.id)).toBe(false);
      expect(await a2.getZone(gone.id)).toBeNull();

      // LISTEN cut: nothing vouches for the list, so every call reads storage.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN latency_atlas_zones' AND pid <> pg_backend_pid()",
        );
      } finally {
        await admin.end();
      }
      await new Promise((r) => setTimeout(r, 50));
      const z2 = await a1.createZone('example.org');
      expect((await a2.listZoneVersions()).map((z) => z.id)).toContain(z2.id);
    } finally {
      await unwatch?.();
    }
  });
});
