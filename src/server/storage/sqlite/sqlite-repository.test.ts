import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apexRecordSets, withSoaSerial } from '../../../engine/apex-records';
import { normalizeRecordSet } from '../../../engine/names';
import type { ResourceRecordSet } from '../../../engine/types';
import { openRepository } from '../open-repository';
import { describeRepositoryContract } from '../repository.contract';
import { MIGRATIONS, migrate, SchemaTooNewError } from './migrations';
import { BUSY_TIMEOUT_MS, openSqliteDatabase } from './open-sqlite-database';
import { SqliteRepository } from './sqlite-repository';

async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'latency-atlas-sqlite-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

describeRepositoryContract('SQLite (temp file)', async () => {
  const { dir, cleanup } = await tempDir();
  const url = `sqlite:${join(dir, 'contract.db')}`;
  return { repo: await openRepository(url), reopen: () => openRepository(url), cleanup };
});

/** A new zone's apex NS and SOA (engine/apex-records.ts) with the SOA at `serial`. */
function apexAt(zoneName: string, serial: number): ResourceRecordSet[] {
  return apexRecordSets(zoneName).map((r) =>
    r.Type === 'SOA'
      ? {
          ...r,
          ResourceRecords: [{ Value: withSoaSerial(r.ResourceRecords?.[0]?.Value ?? '', serial) }],
        }
      : r,
  );
}

const OREGON: ResourceRecordSet = {
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: 'oregon',
  Region: 'us-west-2',
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.10' }],
};

describe('SQLite storage specifics', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  const toClose: { close(): unknown }[] = [];

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    file = join(dir, 'specifics.db');
  });

  afterEach(async () => {
    for (const handle of toClose.splice(0).reverse()) await handle.close();
    await cleanup();
  });

  function rawConnection(): Database.Database {
    const db = new Database(file);
    toClose.push(db);
    return db;
  }

  it('opens with WAL, foreign keys, a busy timeout and synchronous=FULL', () => {
    const db = openSqliteDatabase(file);
    toClose.push(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('looks record sets up by (zone_id, name) through an index, not a scan', () => {
    const db = openSqliteDatabase(file);
    toClose.push(db);
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT json FROM record_sets WHERE zone_id = ? AND name = ?')
      .all('Z', 'a.') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX .*\(zone_id=\? AND name=\?\)/);
  });

  it('migrates once: reopening applies nothing and keeps one row per migration', () => {
    const first = openSqliteDatabase(file);
    const versions = first.prepare('SELECT version FROM schema_migrations').pluck().all();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    first.close();
    const second = openSqliteDatabase(file);
    toClose.push(second);
    expect(migrate(second)).toEqual([]);
    expect(second.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(
      MIGRATIONS.length,
    );
  });

  it('rolls a failing migration back whole and records nothing for it', () => {
    const db = openSqliteDatabase(file);
    toClose.push(db);
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'broken',
        sql: 'CREATE TABLE half_done (a TEXT); INSERT INTO no_such_table VALUES (1);',
      },
    ];
    expect(() => migrate(db, broken)).toThrow(/no_such_table/);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get(),
    ).toBe(0);
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(
      MIGRATIONS.length,
    );
  });

  it('refuses a database written by a newer schema version, with a clear message', async () => {
    openSqliteDatabase(file).close();
    const raw = rawConnection();
    raw
      .prepare(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '')",
      )
      .run();
    raw.close();
    const opening = openRepository(`sqlite:${file}`);
    await expect(opening).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(opening).rejects.toThrow(
      `newer latency-atlas (schema version 999; this build knows versions up to ${MIGRATIONS.length})`,
    );
  });

  it('leaves nothing half-written when a write fails in the middle of a batch', async () => {
    const repo = await openRepository(`sqlite:${file}`);
    toClose.push(repo);
    const zone = await repo.createZone('example.com');
    expect(
      (
        await repo.applyChangeBatch(zone.id, {
          Changes: [{ Action: 'CREATE', ResourceRecordSet: OREGON }],
        })
      ).ok,
    ).toBe(true);
    const before = {
      records: await repo.listRecordSets(zone.id),
      zone: await repo.getZone(zone.id),
      history: await repo.listChanges(zone.id),
    };
    // A real failure inside SQLite after earlier writes of the same batch have happened.
    const raw = rawConnection();
    raw.exec(`CREATE TRIGGER fail_boom BEFORE INSERT ON record_sets
              WHEN NEW.name = 'boom.example.com.'
              BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    const batch = {
      Changes: [
        { Action: 'DELETE' as const, ResourceRecordSet: OREGON },
        {
          Action: 'CREATE' as const,
          ResourceRecordSet: { ...OREGON, ResourceRecords: [{ Value: '192.0.2.11' }] },
        },
        {
          Action: 'CREATE' as const,
          ResourceRecordSet: {
            Name: 'boom.example.com',
            Type: 'A',
            TTL: 60,
            ResourceRecords: [{ Value: '192.0.2.1' }],
          },
        },
      ],
    };
    await expect(repo.applyChangeBatch(zone.id, batch)).rejects.toThrow(/injected failure/);
    expect({
      records: await repo.listRecordSets(zone.id),
      zone: await repo.getZone(zone.id),
      history: await repo.listChanges(zone.id),
    }).toEqual(before);
    // The repository is still usable afterwards.
    raw.exec('DROP TRIGGER fail_boom');
    expect(await repo.applyChangeBatch(zone.id, batch)).toMatchObject({
      ok: true,
      change: { version: 2 },
    });
  });

  it('serialises two processes racing on one file: every batch lands, versions 1..N', async () => {
    const url = `sqlite:${file}`;
    const repo = await openRepository(url);
    toClose.push(repo);
    const zone = await repo.createZone('example.com');
    // Warm the read cache: the children's commits must still show up here afterwards.
    expect(await repo.recordSetsByName(zone.id, 'left-0.example.com.')).toEqual([]);
    expect((await repo.getZone(zone.id))?.version).toBe(0);
    const perChild = 15;
    const child = fileURLToPath(new URL('./concurrent-apply-child.ts', import.meta.url));
    const spawnChild = (label: string) =>
      spawn(process.execPath, ['--import', 'tsx', child, url, zone.id, label, String(perChild)], {
        stdio: 'pipe',
      });
    const children = [spawnChild('left'), spawnChild('right')];
    const outputs = children.map(collectOutput);
    await Promise.all(outputs.map((o) => o.ready));
    for (const c of children) c.stdin.write('go\n'); // start both at once
    const [left, right] = await Promise.all(outputs.map((o) => o.done));
    if (!left || !right) throw new Error('a child printed no versions');

    for (const versions of [left, right]) {
      expect(versions).toHaveLength(perChild);
      expect(versions).toEqual([...versions].sort((a, b) => a - b)); // each in its own order
    }
    const all = [...left, ...right].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 2 * perChild }, (_, i) => i + 1));
    // Every batch moved the SOA serial on by one, from 1 at creation.
    expect(await repo.getZone(zone.id)).toMatchObject({
      version: 2 * perChild,
      serial: 2 * perChild + 1,
    });
    expect(await repo.recordSetsByName(zone.id, 'left-0.example.com.')).toHaveLength(1);
    expect(await repo.listRecordSets(zone.id)).toHaveLength(2 * perChild + 2);
    const history = await repo.listChanges(zone.id);
    expect(history.map((c) => c.version)).toEqual([...all].reverse());
    expect(new Set(history.map((c) => c.author))).toEqual(new Set(['left', 'right']));
  }, 60_000);

  it('keeps the audit log append-only: direct SQL UPDATE and DELETE fail in the trigger', async () => {
    const repo = await openRepository(`sqlite:${file}`);
    toClose.push(repo);
    const zone = await repo.createZone('example.com', { actor: 'alice' });
    const before = await repo.listAudit();
    expect(before).toHaveLength(1);
    const raw = rawConnection();
    expect(() => raw.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(
      /audit_log is append-only: entries cannot be changed/,
    );
    expect(() => raw.prepare('DELETE FROM audit_log').run()).toThrow(
      /audit_log is append-only: entries cannot be deleted/,
    );
    // Deleting the zone (cascades elsewhere) keeps its entries and adds one.
    await repo.deleteZone(zone.id, { actor: 'alice' });
    expect((await repo.listAudit()).slice(1)).toEqual(before);
    expect(raw.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(2);
  });

  it('upgrades a schema-1 database in place: data kept, history without impact', async () => {
    // Rows as the schema-1 build wrote them.
    const v1 = openSqliteDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
    const zone = { id: 'ZOLDZONE0000000000000' };
    v1.prepare(
      "INSERT INTO zones (id, name, version, created_at) VALUES (?, 'example.com', 0, '2026-01-01T00:00:00.000Z')",
    ).run(zone.id);
    v1.prepare(
      `INSERT INTO change_batches (id, zone_id, version, submitted_at, comment, author, changes_json, plan_json)
       VALUES ('/change/COLD', ?, 1, '2026-01-01T00:00:00.000Z', 'old', 'bob', '[]', '[]')`,
    ).run(zone.id);
    v1.prepare(
      `INSERT INTO record_sets (zone_id, name, type, set_identifier, region, json) VALUES (?, ?, 'A', 'oregon', 'us-west-2', ?)`,
    ).run(zone.id, OREGON.Name, JSON.stringify(OREGON));
    v1.prepare('UPDATE zones SET version = 1 WHERE id = ?').run(zone.id);
    v1.close();

    const repo = await openRepository(`sqlite:${file}`);
    toClose.push(repo);
    expect(await repo.listRecordSets(zone.id)).toEqual([...apexAt('example.com', 2), OREGON]);
    expect(await repo.listChanges(zone.id)).toEqual([
      expect.objectContaining({ id: '/change/COLD', author: 'bob', appliedBy: null, impact: null }),
    ]);
    expect(await repo.getZoneSettings(zone.id)).toMatchObject({ requireApproval: false });
  });

  it('migration 4 keeps statuses set by hand as overrides, effective at once', async () => {
    const v3 = openSqliteDatabase(file, { migrations: MIGRATIONS.slice(0, 3) });
    v3.prepare(
      "INSERT INTO health_checks (id, healthy, updated_at) VALUES ('hc-down', 0, '2026-01-01T00:00:00.000Z'), ('hc-up', 1, '2026-01-01T00:00:00.000Z')",
    ).run();
    v3.close();

    const repo = await openRepository(`sqlite:${file}`);
    toClose.push(repo);
    expect(await repo.getHealth(['hc-down', 'hc-up', 'other'])).toEqual(
      new Map([
        ['hc-down', false],
        ['hc-up', true],
        ['other', true],
      ]),
    );
    expect((await repo.getHealthStates(['hc-down'])).get('hc-down')).toMatchObject({
      healthy: false,
      source: 'override',
      since: '2026-01-01T00:00:00.000Z',
      override: { healthy: false, by: null, reason: null },
    });
    expect(await repo.listHealthChecks()).toEqual([]);
  });

  it('works on sqlite::memory: (one connection, nothing on disk)', async () => {
    const repo = await openRepository('sqlite::memory:');
    toClose.push(repo);
    const zone = await repo.createZone('example.com');
    expect(
      await repo.applyChangeBatch(zone.id, {
        Changes: [{ Action: 'CREATE', ResourceRecordSet: OREGON }],
      }),
    ).toMatchObject({ ok: true });
    expect(await repo.listRecordSets(zone.id)).toEqual([...apexAt('example.com', 2), OREGON]);
  });

  it('migration 3 gives every zone its apex NS and SOA, serial = version + 1', async () => {
    // A schema-2 database: zones as the schema-2 build wrote them, none with Route 53's apex.
    const v2 = openSqliteDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
    const insertZone = v2.prepare(
      "INSERT INTO zones (id, name, version, created_at) VALUES (?, ?, ?, '2026-01-01T00:00:00.000Z')",
    );
    const insertSet = v2.prepare(
      'INSERT INTO record_sets (zone_id, name, type, set_identifier, region, json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const put = (zoneId: string, r: ResourceRecordSet) =>
      insertSet.run(
        zoneId,
        r.Name,
        r.Type,
        r.SetIdentifier ?? '',
        r.Region ?? null,
        JSON.stringify(normalizeRecordSet(r)),
      );
    insertZone.run('ZPLAIN000000000000000', 'example.com', 4);
    put('ZPLAIN000000000000000', OREGON);
    insertZone.run('ZEMPTY000000000000000', 'empty.example', 0);
    // One with its own name servers (imported from Route 53) but no SOA ...
    const ownNs: ResourceRecordSet = {
      Name: 'own-ns.example.',
      Type: 'NS',
      TTL: 3600,
      ResourceRecords: [{ Value: 'NS-1536.awsdns-00.co.uk' }, { Value: 'ns-0.awsdns-00.com.' }],
    };
    insertZone.run('ZOWNNS000000000000000', 'own-ns.example', 2);
    put('ZOWNNS000000000000000', ownNs);
    // ... and one with both, its SOA at serial 77 (spaced as someone typed it).
    const ownSoa: ResourceRecordSet = {
      Name: 'own-soa.example.',
      Type: 'SOA',
      TTL: 600,
      ResourceRecords: [{ Value: 'a.example.  b.example.   77 1 2 3 4' }],
    };
    const ownSoaNs = { ...ownNs, Name: 'own-soa.example.' };
    insertZone.run('ZOWNSOA00000000000000', 'own-soa.example', 9);
    put('ZOWNSOA00000000000000', ownSoa);
    put('ZOWNSOA00000000000000', ownSoaNs);
    v2.close();

    const db = openSqliteDatabase(file);
    toClose.push(db);
    const repo = new SqliteRepository(db);
    // Listed exactly as the engine makes them, key order included.
    const json = async (zoneId: string) =>
      (await repo.listRecordSets(zoneId)).map((r) => JSON.stringify(r));
    expect(await json('ZPLAIN000000000000000')).toEqual(
      [...apexAt('example.com', 5), OREGON].map((r) => JSON.stringify(r)),
    );
    expect(await json('ZEMPTY000000000000000')).toEqual(
      apexAt('empty.example', 1).map((r) => JSON.stringify(r)),
    );
    expect(await repo.listRecordSets('ZOWNNS000000000000000')).toEqual([
      ownNs,
      {
        Name: 'own-ns.example.',
        Type: 'SOA',
        TTL: 900,
        ResourceRecords: [
          { Value: 'ns-1536.awsdns-00.co.uk. hostmaster.own-ns.example. 3 7200 900 1209600 86400' },
        ],
      },
    ]);
    expect(await repo.listRecordSets('ZOWNSOA00000000000000')).toEqual([ownSoaNs, ownSoa]);
    expect(
      (
        await Promise.all(
          [
            'ZPLAIN000000000000000',
            'ZEMPTY000000000000000',
            'ZOWNNS000000000000000',
            'ZOWNSOA00000000000000',
          ].map((id) => repo.getZone(id)),
        )
      ).map((z) => [z?.version, z?.serial]),
    ).toEqual([
      [4, 5],
      [0, 1],
      [2, 3],
      [9, 77],
    ]);
    expect((await repo.listZones()).map((z) => [z.name, z.recordCount])).toEqual([
      ['empty.example', 2],
      ['example.com', 3],
      ['own-ns.example', 2],
      ['own-soa.example', 2],
    ]);
    // No history was written for it, and batches count on from the migrated serial.
    expect(await repo.listChanges('ZEMPTY000000000000000')).toEqual([]);
    const next = await repo.applyChangeBatch('ZOWNSOA00000000000000', {
      Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...ownSoa, TTL: 300 } }],
    });
    expect(next.ok).toBe(true);
    expect(await repo.getZone('ZOWNSOA00000000000000')).toMatchObject({ version: 10, serial: 78 });
    expect((await repo.listRecordSets('ZOWNSOA00000000000000'))[1]?.ResourceRecords).toEqual([
      { Value: 'a.example. b.example. 78 1 2 3 4' },
    ]);
  });

  it('is a SqliteRepository behind openRepository', async () => {
    const repo = await openRepository(`sqlite:${file}`);
    toClose.push(repo);
    expect(repo).toBeInstanceOf(SqliteRepository);
  });
});

/** Resolves `ready` at the child's first line and `done` with the versions it prints last. */
function collectOutput(child: ChildProcessWithoutNullStreams) {
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('ready\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`child exited before ready: ${stderr}`)));
  });
  const done = new Promise<number[] | undefined>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${stderr}`));
      const last = stdout.trim().split('\n').at(-1) ?? '';
      resolve(JSON.parse(last) as number[]);
    });
  });
  return { ready, done };
}

describe('zone versions for the DNS poll', () => {
  it('hands back the same list until a zone changes, whatever else is written, from any connection', async () => {
    const { dir, cleanup } = await tempDir();
    const file = join(dir, 'stamp.db');
    // Two connections as two processes would have them (no shared commit counter).
    const a = new SqliteRepository(openSqliteDatabase(file));
    const b = new SqliteRepository(openSqliteDatabase(file));
    try {
      const zone = await a.createZone('example.com');
      const first = await a.listZoneVersions();
      expect(await a.listZoneVersions()).toBe(first);
      // Writes that change no zone (health, tokens) keep the list.
      await b.setHealth('hc-1', false);
      await b.createApiToken({ name: 'ci', role: 'viewer', hash: 'ab'.repeat(32) });
      expect(await a.listZoneVersions()).toBe(first);
      // A change through the other connection: a new list, with the new version.
      const applied = await b.applyChangeBatch(zone.id, {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.example.com',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
        ],
      });
      expect(applied.ok).toBe(true);
      const after = await a.listZoneVersions();
      expect(after).not.toBe(first);
      expect(after).toEqual([{ id: zone.id, version: 1 }]);
      // Created and deleted zones too.
      const other = await b.createZone('example.org');
      expect((await a.listZoneVersions()).map((z) => z.id)).toContain(other.id);
      await b.deleteZone(other.id, { force: true });
      expect((await a.listZoneVersions()).map((z) => z.id)).not.toContain(other.id);
    } finally {
      await a.close();
      await b.close();
      await cleanup();
    }
  });
});
