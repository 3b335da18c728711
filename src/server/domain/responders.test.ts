import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../storage/sqlite/open-sqlite-database';
import { SqliteRepository } from '../storage/sqlite/sqlite-repository';
import { type LocalDnsResponder, ResponderRegistry } from './responders';

/** The registry over a real SQLite file, with this process's DNS server as a plain object. */

class Served implements LocalDnsResponder {
  host = '127.0.0.1';
  port = 8053;
  versions = new Map<string, number>();
  servedVersion(zoneId: string): number {
    return this.versions.get(zoneId) ?? -1;
  }
  servedVersions(): [string, number][] {
    return [...this.versions];
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ResponderRegistry', () => {
  let dir: string;
  let file: string;
  let repo: SqliteRepository;
  const registries: ResponderRegistry[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'latency-atlas-responders-'));
    file = join(dir, 'db.sqlite');
    repo = new SqliteRepository(openSqliteDatabase(file), { storeKey: file });
  });
  afterEach(async () => {
    for (const r of registries.splice(0)) await r.stop();
    await repo.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const registry = (dns: Served, opts: ConstructorParameters<typeof ResponderRegistry>[2] = {}) => {
    const r = new ResponderRegistry(repo, dns, { heartbeatMs: 600_000, ...opts });
    registries.push(r);
    return r;
  };

  it('served() reports a new version at once, not at the next heartbeat', async () => {
    const dns = new Served();
    const r = registry(dns, { id: 'a' });
    await r.start();
    dns.versions.set('Z1', 3);
    r.served();
    r.served(); // folded into the one under way, or one more after it
    let row = (await repo.listResponders())[0];
    for (let i = 0; i < 50 && row?.versions.Z1 !== 3; i++) {
      await sleep(10);
      row = (await repo.listResponders())[0];
    }
    expect(row?.versions).toEqual({ Z1: 3 });
  });

  it('fresh() sees another responder report within its max age; the cached view does not', async () => {
    const dnsA = new Served();
    const dnsB = new Served();
    dnsA.versions.set('Z1', 2);
    dnsB.versions.set('Z1', 1);
    const a = registry(dnsA, { id: 'a' });
    const b = registry(dnsB, { id: 'b' });
    await b.start();
    await a.start();
    expect(a.servedVersion('Z1')).toBe(1);
    dnsB.versions.set('Z1', 2);
    await b.beat();
    expect(a.servedVersion('Z1')).toBe(1); // as of A's last heartbeat
    await sleep(5);
    await a.fresh(0);
    expect(a.servedVersion('Z1')).toBe(2);
  });

  it('forgets a responder silent for longer than forgetAfterMs, and keeps the live ones', async () => {
    const old = new SqliteRepository(openSqliteDatabase(file), {
      storeKey: file,
      now: () => new Date(Date.now() - 2 * 86_400_000),
    });
    await old.heartbeatResponder({ id: 'gone', address: '127.0.0.1:1', versions: {} });
    await old.close();
    const b = registry(new Served(), { id: 'b' });
    await b.start();
    const a = registry(new Served(), { id: 'a', forgetAfterMs: 86_400_000 });
    await a.start();
    expect((await repo.listResponders()).map((r) => r.id).sort()).toEqual(['a', 'b']);
  });

  it('stop() removes its own row', async () => {
    const a = registry(new Served(), { id: 'a' });
    await a.start();
    expect((await repo.listResponders()).map((r) => r.id)).toEqual(['a']);
    await a.stop();
    expect(await repo.listResponders()).toEqual([]);
  });
});
