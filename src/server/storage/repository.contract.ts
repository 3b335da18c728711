import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apexRecordSets, withSoaSerial } from '../../engine/apex-records';
import { MAX_CHANGES_PER_BATCH } from '../../engine/change-batch';
import { sortRecordSets } from '../../engine/listing';
import { normalizeRecordSet } from '../../engine/names';
import { invertPlan, rollbackConflicts } from '../../engine/rollback';
import type { Change, ResourceRecordSet } from '../../engine/types';
import {
  InvalidZoneNameError,
  type Repository,
  ZoneExistsError,
  ZoneNotEmptyError,
  ZoneNotFoundError,
} from './repository';
import { describeAwsKeyStorageContract } from './repository-aws-keys.contract';
import { describeHealthStorageContract } from './repository-health.contract';
import { describeMeasurementStorageContract } from './repository-measurements.contract';
import { describeResponderStorageContract } from './repository-responders.contract';
import { describeReviewStorageContract } from './repository-reviews.contract';
import { describeRoute53StorageContract } from './repository-route53.contract';
import { describeUpstreamStorageContract } from './repository-upstream.contract';

/**
 * What a storage implementation hands the contract: a fresh, empty repository; `reopen` opens
 * ANOTHER repository on the same underlying store (same file / database) without closing the
 * first; `cleanup` removes the store after every repository has been closed.
 */
export interface RepositoryHarness {
  repo: Repository;
  reopen: () => Promise<Repository>;
  cleanup: () => Promise<void>;
  /**
   * How far per-query reads (zone row, settings, health) may lag a commit made through another
   * repository on the same store, ms (default 0: SQLite sees it at once; PostgreSQL's read
   * cache keeps them up to 100 ms). A repository's own writes are read back at once on both.
   */
  readLagMs?: number;
}

function latencyA(name: string, setIdentifier: string, region: string, value: string, ttl = 60) {
  return {
    Name: name,
    Type: 'A',
    SetIdentifier: setIdentifier,
    Region: region,
    TTL: ttl,
    ResourceRecords: [{ Value: value }],
  } satisfies ResourceRecordSet;
}

const create = (r: ResourceRecordSet): Change => ({ Action: 'CREATE', ResourceRecordSet: r });
const del = (r: ResourceRecordSet): Change => ({ Action: 'DELETE', ResourceRecordSet: r });
const upsert = (r: ResourceRecordSet): Change => ({ Action: 'UPSERT', ResourceRecordSet: r });

const OREGON = latencyA('app.example.com.', 'oregon', 'us-west-2', '192.0.2.10');
const SINGAPORE = latencyA('app.example.com.', 'singapore', 'ap-southeast-1', '192.0.2.20');

/** A new zone's own apex NS and SOA (as Route 53 makes them), the SOA at `serial`. */
function apexSets(zoneName: string, serial = 1, nameServers?: string[]): ResourceRecordSet[] {
  return apexRecordSets(zoneName, nameServers).map((r) =>
    r.Type === 'SOA'
      ? {
          ...r,
          ResourceRecords: [{ Value: withSoaSerial(r.ResourceRecords?.[0]?.Value ?? '', serial) }],
        }
      : r,
  );
}

const isApex = (r: ResourceRecordSet, zoneName: string): boolean =>
  (r.Type === 'NS' || r.Type === 'SOA') && r.Name === `${zoneName}.`;

/**
 * The behaviour every Repository must show (SQLite today, PostgreSQL later). Each
 * implementation calls this from its own test file with a real store.
 */
export function describeRepositoryContract(
  name: string,
  open: () => Promise<RepositoryHarness>,
): void {
  describe(`Repository contract: ${name}`, () => {
    let harness: RepositoryHarness;
    let repo: Repository;
    const others: Repository[] = [];

    beforeEach(async () => {
      harness = await open();
      repo = harness.repo;
    });

    afterEach(async () => {
      for (const other of others.splice(0)) await other.close();
      await repo.close();
      await harness.cleanup();
    });

    /** Close the current repository and open the same store again (a restart). */
    async function restart(): Promise<Repository> {
      await repo.close();
      repo = await harness.reopen();
      return repo;
    }

    /** Waits out the engine's read lag after a write through another repository. */
    const lag = () => new Promise((r) => setTimeout(r, (harness.readLagMs ?? 0) + 10));

    async function secondRepository(): Promise<Repository> {
      const other = await harness.reopen();
      others.push(other);
      return other;
    }

    async function zoneWith(records: ResourceRecordSet[], zoneName = 'example.com') {
      const zone = await repo.createZone(zoneName);
      if (records.length > 0) {
        const result = await repo.applyChangeBatch(zone.id, { Changes: records.map(create) });
        expect(result).toMatchObject({ ok: true });
      }
      return zone;
    }

    /** The zone's record sets without its own apex NS and SOA. */
    async function recordsOf(zoneId: string, zoneName = 'example.com') {
      return (await repo.listRecordSets(zoneId)).filter((r) => !isApex(r, zoneName));
    }

    /** Everything a failed batch must leave untouched (the SOA serial included). */
    async function snapshot(zoneId: string) {
      return {
        records: await repo.listRecordSets(zoneId),
        version: (await repo.getZone(zoneId))?.version,
        serial: (await repo.getZone(zoneId))?.serial,
        history: await repo.listChanges(zoneId),
        zones: await repo.listZones(),
      };
    }

    describe('zones', () => {
      it('creates a zone with a Route 53 style id, normalised name and version 0', async () => {
        const zone = await repo.createZone('Example.COM.');
        expect(zone.id).toMatch(/^Z[0-9A-Z]{20}$/);
        expect(zone.name).toBe('example.com');
        expect(zone.version).toBe(0);
        expect(zone.serial).toBe(1);
        expect(new Date(zone.createdAt).toISOString()).toBe(zone.createdAt);
        expect(await repo.getZone(zone.id)).toEqual(zone);
        expect(await repo.listZones()).toEqual([
          { id: zone.id, name: 'example.com', recordCount: 2 },
        ]);
      });

      it('gives a new zone its apex NS and SOA, as Route 53 does, with no history', async () => {
        const zone = await repo.createZone('example.com');
        const listed = await repo.listRecordSets(zone.id);
        expect(listed).toEqual([
          {
            Name: 'example.com.',
            Type: 'NS',
            TTL: 172800,
            ResourceRecords: [{ Value: 'ns1.example.com.' }, { Value: 'ns2.example.com.' }],
          },
          {
            Name: 'example.com.',
            Type: 'SOA',
            TTL: 900,
            ResourceRecords: [
              { Value: 'ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 86400' },
            ],
          },
        ]);
        // The engine's stored form, key order included.
        expect(listed.map((r) => JSON.stringify(r))).toEqual(
          apexRecordSets('example.com').map((r) => JSON.stringify(r)),
        );
        expect(await repo.recordSetsByName(zone.id, 'example.com.')).toEqual(listed);
        expect(await repo.listChanges(zone.id)).toEqual([]);
      });

      it('writes the name servers it is given into the apex NS and the SOA', async () => {
        const servers = ['NS-1536.awsdns-00.co.uk', 'ns-0.awsdns-00.com.'];
        const zone = await repo.createZone('shop.example.net', { nameServers: servers });
        expect(await repo.listRecordSets(zone.id)).toEqual(
          apexSets('shop.example.net', 1, servers),
        );
        const [ns, soa] = await repo.listRecordSets(zone.id);
        expect(ns?.ResourceRecords).toEqual([
          { Value: 'ns-1536.awsdns-00.co.uk.' },
          { Value: 'ns-0.awsdns-00.com.' },
        ]);
        expect(soa?.ResourceRecords?.[0]?.Value).toBe(
          'ns-1536.awsdns-00.co.uk. hostmaster.shop.example.net. 1 7200 900 1209600 86400',
        );
        await expect(
          repo.createZone('bad.example', { nameServers: ['not a host'] }),
        ).rejects.toBeInstanceOf(RangeError);
        expect((await repo.listZones()).map((z) => z.name)).toEqual(['shop.example.net']);
      });

      it('lists every zone id with its version, and the version moves with a batch', async () => {
        const a = await repo.createZone('versions-a.example');
        const b = await repo.createZone('versions-b.example');
        const before = new Map((await repo.listZoneVersions()).map((z) => [z.id, z.version]));
        expect(before.get(a.id)).toBe(0);
        expect(before.get(b.id)).toBe(0);
        const applied = await repo.applyChangeBatch(a.id, {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'www.versions-a.example',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.1' }],
              },
            },
          ],
        });
        expect(applied.ok).toBe(true);
        const after = new Map((await repo.listZoneVersions()).map((z) => [z.id, z.version]));
        expect(after.get(a.id)).toBe(1);
        expect(after.get(b.id)).toBe(0);
      });

      it('lists zones by name with their record counts', async () => {
        const b = await zoneWith([OREGON, SINGAPORE], 'example.com');
        const a = await repo.createZone('alpha.example');
        expect(a.id).not.toBe(b.id);
        expect(await repo.listZones()).toEqual([
          { id: a.id, name: 'alpha.example', recordCount: 2 },
          { id: b.id, name: 'example.com', recordCount: 4 },
        ]);
      });

      it('refuses a second zone of the same name, whatever its case or trailing dot', async () => {
        await repo.createZone('example.com');
        await expect(repo.createZone('EXAMPLE.com.')).rejects.toBeInstanceOf(ZoneExistsError);
        expect(await repo.listZones()).toHaveLength(1);
      });

      it.each(['', '.', 'bad name.com', 'a..b', '-lead.example', `${'x'.repeat(64)}.example`])(
        'refuses the malformed zone name %j',
        async (bad) => {
          await expect(repo.createZone(bad)).rejects.toBeInstanceOf(InvalidZoneNameError);
          expect(await repo.listZones()).toEqual([]);
        },
      );

      it('returns null / false / [] for an unknown zone id', async () => {
        expect(await repo.getZone('ZNOSUCHZONE0000000000')).toBeNull();
        expect(await repo.deleteZone('ZNOSUCHZONE0000000000')).toBe(false);
        expect(await repo.listRecordSets('ZNOSUCHZONE0000000000')).toEqual([]);
        expect(await repo.recordSetsByName('ZNOSUCHZONE0000000000', 'a.example.com.')).toEqual([]);
        expect(await repo.listChanges('ZNOSUCHZONE0000000000')).toEqual([]);
        await expect(
          repo.applyChangeBatch('ZNOSUCHZONE0000000000', { Changes: [create(OREGON)] }),
        ).rejects.toBeInstanceOf(ZoneNotFoundError);
      });

      it('deletes an empty zone', async () => {
        const zone = await repo.createZone('example.com');
        expect(await repo.deleteZone(zone.id)).toBe(true);
        expect(await repo.getZone(zone.id)).toBeNull();
        expect(await repo.listZones()).toEqual([]);
      });

      it('refuses to delete a zone holding records unless forced, then drops everything', async () => {
        const zone = await zoneWith([OREGON, SINGAPORE]);
        await expect(repo.deleteZone(zone.id)).rejects.toBeInstanceOf(ZoneNotEmptyError);
        expect(await repo.listRecordSets(zone.id)).toHaveLength(4);
        expect(await repo.getZone(zone.id)).not.toBeNull();

        expect(await repo.deleteZone(zone.id, { force: true })).toBe(true);
        expect(await repo.getZone(zone.id)).toBeNull();
        expect(await repo.listRecordSets(zone.id)).toEqual([]);
        expect(await repo.listChanges(zone.id)).toEqual([]);
        // The name is free again and the new zone starts afresh: its own apex, serial 1.
        const again = await repo.createZone('example.com');
        expect(again.id).not.toBe(zone.id);
        expect(again.serial).toBe(1);
        expect(await repo.listRecordSets(again.id)).toEqual(apexSets('example.com'));
      });

      it('deletes a zone holding only its apex NS and SOA (as Route 53 does)', async () => {
        const fresh = await repo.createZone('fresh.example');
        expect(await repo.deleteZone(fresh.id)).toBe(true);
        // Also after a batch changed both (other name servers, Route 53's SOA).
        const zone = await repo.createZone('example.com');
        const changed = await repo.applyChangeBatch(zone.id, {
          Changes: [
            upsert({
              Name: 'example.com.',
              Type: 'NS',
              TTL: 172800,
              ResourceRecords: [
                { Value: 'ns-1536.awsdns-00.co.uk.' },
                { Value: 'ns-0.awsdns-00.com.' },
              ],
            }),
            upsert({
              Name: 'example.com.',
              Type: 'SOA',
              TTL: 900,
              ResourceRecords: [
                {
                  Value:
                    'ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400',
                },
              ],
            }),
          ],
        });
        expect(changed.ok).toBe(true);
        expect((await repo.listRecordSets(zone.id)).map((r) => r.Type)).toEqual(['NS', 'SOA']);
        expect(await repo.deleteZone(zone.id)).toBe(true);
        expect(await repo.getZone(zone.id)).toBeNull();
      });
    });

    describe('change batches', () => {
      it('applies a valid batch: records listed, version bumped, history written', async () => {
        const zone = await repo.createZone('example.com');
        const result = await repo.applyChangeBatch(
          zone.id,
          { Comment: 'two regions', Changes: [create(SINGAPORE), create(OREGON)] },
          { author: 'alice' },
        );
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        expect(result.change).toMatchObject({
          zoneId: zone.id,
          version: 1,
          comment: 'two regions',
          author: 'alice',
        });
        expect(result.change.id).toMatch(/^\/change\/C[0-9A-Z]+$/);
        expect(new Date(result.change.submittedAt).toISOString()).toBe(result.change.submittedAt);

        expect(await repo.listRecordSets(zone.id)).toEqual(
          sortRecordSets([...apexSets('example.com', 2), OREGON, SINGAPORE]),
        );
        expect(await repo.getZone(zone.id)).toMatchObject({ version: 1, serial: 2 });
        expect(await repo.listZones()).toEqual([
          { id: zone.id, name: 'example.com', recordCount: 4 },
        ]);
        expect(await repo.listChanges(zone.id)).toEqual([result.change]);
      });

      it('stores names normalised and lists each set with a fixed field order', async () => {
        const zone = await repo.createZone('example.com');
        // Fields deliberately out of order, name without the trailing dot and in upper case.
        const scrambled = {
          ResourceRecords: [{ Value: '192.0.2.30' }],
          TTL: 300,
          Region: 'eu-west-1',
          SetIdentifier: 'ireland',
          Type: 'A',
          Name: 'Web.Example.COM',
        } as ResourceRecordSet;
        const alias = {
          HealthCheckId: '4a7b0c1e-5f2d-4e8a-9b3c-0d1e2f3a4b5c',
          AliasTarget: {
            EvaluateTargetHealth: true,
            DNSName: 'dualstack.api-alb-1.us-east-1.elb.amazonaws.com.',
            HostedZoneId: 'Z35SXDOTRQ7X7K',
          },
          Region: 'us-east-1',
          SetIdentifier: 'virginia-alb',
          Type: 'A',
          Name: 'alias.example.com',
        } as ResourceRecordSet;
        const result = await repo.applyChangeBatch(zone.id, {
          Changes: [create(scrambled), create(alias)],
        });
        expect(result.ok).toBe(true);
        // Exactly the engine's stored form (normalizeRecordSet), key order included.
        const listed = await recordsOf(zone.id);
        expect(listed.map((r) => JSON.stringify(r))).toEqual(
          [alias, scrambled].map((r) => JSON.stringify(normalizeRecordSet(r))),
        );
        expect(listed[1]?.Name).toBe('web.example.com.');
        expect(Object.keys(listed[1] ?? {})).toEqual([
          'Name',
          'Type',
          'SetIdentifier',
          'Region',
          'TTL',
          'ResourceRecords',
        ]);
        expect(Object.keys(listed[0]?.AliasTarget ?? {})).toEqual([
          'HostedZoneId',
          'DNSName',
          'EvaluateTargetHealth',
        ]);
        // History keeps the changes in the same normalised form.
        const [applied] = await repo.listChanges(zone.id);
        expect(applied?.changes.map((c) => c.ResourceRecordSet.Name)).toEqual([
          'web.example.com.',
          'alias.example.com.',
        ]);
      });

      it('finds record sets by exact name, every type, wildcards under their \\052 form', async () => {
        const zone = await zoneWith([
          OREGON,
          SINGAPORE,
          {
            Name: 'app.example.com.',
            Type: 'AAAA',
            SetIdentifier: 'oregon-v6',
            Region: 'us-west-2',
            TTL: 60,
            ResourceRecords: [{ Value: '2001:db8::10' }],
          },
          {
            Name: 'other.example.com.',
            Type: 'TXT',
            TTL: 300,
            ResourceRecords: [{ Value: '"x"' }],
          },
          {
            Name: '*.example.com',
            Type: 'A',
            TTL: 300,
            ResourceRecords: [{ Value: '192.0.2.99' }],
          },
        ]);
        const app = await repo.recordSetsByName(zone.id, 'app.example.com.');
        expect(app.map((r) => `${r.Type}/${r.SetIdentifier}`).sort()).toEqual([
          'A/oregon',
          'A/singapore',
          'AAAA/oregon-v6',
        ]);
        expect(await repo.recordSetsByName(zone.id, 'missing.example.com.')).toEqual([]);
        const wildcard = await repo.recordSetsByName(zone.id, '\\052.example.com.');
        expect(wildcard.map((r) => r.Name)).toEqual(['\\052.example.com.']);
      });

      it('reads are fresh after another repository on the same store writes', async () => {
        const zone = await zoneWith([OREGON]);
        const other = await secondRepository();
        // Warm whatever the implementation caches, then change the data from elsewhere.
        expect(await repo.recordSetsByName(zone.id, 'app.example.com.')).toEqual([OREGON]);
        expect((await repo.getZone(zone.id))?.version).toBe(1);
        const moved = { ...OREGON, ResourceRecords: [{ Value: '192.0.2.11' }] };
        expect((await other.applyChangeBatch(zone.id, { Changes: [upsert(moved)] })).ok).toBe(true);
        await lag();
        expect(await repo.recordSetsByName(zone.id, 'app.example.com.')).toEqual([moved]);
        expect((await repo.getZone(zone.id))?.version).toBe(2);
        expect(await other.deleteZone(zone.id, { force: true })).toBe(true);
        await lag();
        expect(await repo.getZone(zone.id)).toBeNull();
        expect(await repo.recordSetsByName(zone.id, 'app.example.com.')).toEqual([]);
      });

      it('hands out sets that callers cannot use to change what is stored', async () => {
        const zone = await zoneWith([OREGON]);
        const [first] = await repo.recordSetsByName(zone.id, 'app.example.com.');
        const listed = await recordsOf(zone.id);
        for (const r of [first, listed[0]]) {
          try {
            if (r) r.TTL = 1;
            r?.ResourceRecords?.push({ Value: '203.0.113.1' });
          } catch {
            // frozen: refusing the change is as good as ignoring it
          }
        }
        expect(await repo.recordSetsByName(zone.id, 'app.example.com.')).toEqual([OREGON]);
        expect(await recordsOf(zone.id)).toEqual([OREGON]);
      });

      it('an invalid batch changes nothing: records, version and history stay as they were', async () => {
        const zone = await zoneWith([OREGON]);
        const before = await snapshot(zone.id);
        const result = await repo.applyChangeBatch(zone.id, {
          Comment: 'half good',
          Changes: [
            create(SINGAPORE),
            create(latencyA('app.example.com.', 'ireland', 'eu-west-1', '999.1.1.1')),
          ],
        });
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.errors.length).toBeGreaterThan(0);
        for (const error of result.errors) expect(error.change).toBe(1);
        expect(result.errors.some((e) => e.field.includes('ResourceRecords'))).toBe(true);
        expect(await snapshot(zone.id)).toEqual(before);
      });

      it('a batch whose last change conflicts with the zone changes nothing', async () => {
        const zone = await zoneWith([OREGON, SINGAPORE]);
        const before = await snapshot(zone.id);
        const result = await repo.applyChangeBatch(zone.id, {
          Changes: [del(SINGAPORE), create(OREGON)], // OREGON exists: CREATE must fail
        });
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.errors.map((e) => e.change)).toContain(1);
        expect(await snapshot(zone.id)).toEqual(before);
      });

      it('DELETE must repeat the stored record exactly', async () => {
        const two = {
          ...OREGON,
          ResourceRecords: [{ Value: '192.0.2.10' }, { Value: '192.0.2.11' }],
        };
        const zone = await zoneWith([two]);
        const before = await snapshot(zone.id);
        for (const wrong of [
          { ...two, TTL: 300 },
          { ...two, ResourceRecords: [{ Value: '192.0.2.10' }] },
          { ...two, Region: 'us-west-1' },
          { ...two, HealthCheckId: '4a7b0c1e-5f2d-4e8a-9b3c-0d1e2f3a4b5c' },
        ]) {
          const result = await repo.applyChangeBatch(zone.id, { Changes: [del(wrong)] });
          expect(result.ok, JSON.stringify(wrong)).toBe(false);
        }
        expect(await snapshot(zone.id)).toEqual(before);

        // Same record, values in another order, name in another case: a match.
        const exact = {
          ...two,
          Name: 'APP.example.com',
          ResourceRecords: [{ Value: '192.0.2.11' }, { Value: '192.0.2.10' }],
        };
        const result = await repo.applyChangeBatch(zone.id, { Changes: [del(exact)] });
        expect(result).toMatchObject({ ok: true, change: { version: 2 } });
        expect(await recordsOf(zone.id)).toEqual([]);
      });

      it('UPSERT replaces a set and CREATE of an existing set fails', async () => {
        const zone = await zoneWith([OREGON]);
        const moved = { ...OREGON, TTL: 30, ResourceRecords: [{ Value: '192.0.2.11' }] };
        expect(await repo.applyChangeBatch(zone.id, { Changes: [upsert(moved)] })).toMatchObject({
          ok: true,
        });
        expect(await recordsOf(zone.id)).toEqual([moved]);
        const again = await repo.applyChangeBatch(zone.id, { Changes: [create(OREGON)] });
        expect(again.ok).toBe(false);
        expect(await recordsOf(zone.id)).toEqual([moved]);
      });

      it('validates each change against the zone as the batch has changed it so far', async () => {
        const zone = await zoneWith([OREGON]);
        const replaced = { ...OREGON, ResourceRecords: [{ Value: '192.0.2.12' }] };
        const result = await repo.applyChangeBatch(zone.id, {
          Changes: [del(OREGON), create(replaced), create(SINGAPORE)],
        });
        expect(result.ok).toBe(true);
        expect(await recordsOf(zone.id)).toEqual(sortRecordSets([replaced, SINGAPORE]));
      });

      it('keeps history newest first with author, comment and limit', async () => {
        const zone = await repo.createZone('example.com');
        const first = await repo.applyChangeBatch(
          zone.id,
          { Comment: 'first', Changes: [create(OREGON)] },
          { author: 'alice' },
        );
        const second = await repo.applyChangeBatch(zone.id, {
          Changes: [create(SINGAPORE)],
        });
        if (!first.ok || !second.ok) throw new Error('setup batches were refused');
        const history = await repo.listChanges(zone.id);
        expect(history.map((c) => [c.version, c.comment, c.author])).toEqual([
          [2, null, null],
          [1, 'first', 'alice'],
        ]);
        expect(history[1]?.changes).toEqual([{ Action: 'CREATE', ResourceRecordSet: OREGON }]);
        expect(history[0]?.id).not.toBe(history[1]?.id);
        expect(await repo.listChanges(zone.id, { limit: 1 })).toEqual([second.change]);
      });

      it('keeps zones apart: the same name in two zones, history per zone', async () => {
        const a = await zoneWith([OREGON], 'example.com');
        const b = await repo.createZone('app.example.com');
        const inB = latencyA('app.example.com.', 'oregon', 'us-west-2', '192.0.2.77');
        expect((await repo.applyChangeBatch(b.id, { Changes: [create(inB)] })).ok).toBe(true);
        expect(await repo.recordSetsByName(a.id, 'app.example.com.')).toEqual([OREGON]);
        // In zone b, app.example.com is the apex: its own NS and SOA live there too.
        expect(await repo.recordSetsByName(b.id, 'app.example.com.')).toEqual(
          sortRecordSets([inB, ...apexSets('app.example.com', 2)]),
        );
        expect((await repo.listChanges(a.id)).map((c) => c.version)).toEqual([1]);
        expect((await repo.getZone(b.id))?.version).toBe(1);
      });

      it('holds a 10,000-record zone, applied in as few batches as the engine allows', async () => {
        const zone = await repo.createZone('big.example');
        const regions: [string, string][] = [
          ['virginia', 'us-east-1'],
          ['oregon', 'us-west-2'],
          ['ireland', 'eu-west-1'],
          ['tokyo', 'ap-northeast-1'],
          ['sydney', 'ap-southeast-2'],
        ];
        const records: ResourceRecordSet[] = [];
        for (let i = 0; i < 2000; i++) {
          for (const [setId, region] of regions) {
            const value = `10.${i >> 8}.${i & 255}.${records.length % 250}`;
            records.push(latencyA(`svc-${i}.big.example.`, setId, region, value));
          }
        }
        // Route 53 caps a batch (engine: MAX_CHANGES_PER_BATCH); one batch when it allows.
        const perBatch = Math.min(records.length, MAX_CHANGES_PER_BATCH);
        if (perBatch < records.length) {
          const tooBig = await repo.applyChangeBatch(zone.id, {
            Changes: records.slice(0, perBatch + 1).map(create),
          });
          expect(tooBig.ok).toBe(false);
          expect(await recordsOf(zone.id, 'big.example')).toEqual([]);
        }
        for (let start = 0; start < records.length; start += perBatch) {
          const result = await repo.applyChangeBatch(zone.id, {
            Comment: `bulk from ${start}`,
            Changes: records.slice(start, start + perBatch).map(create),
          });
          if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
        }
        expect((await repo.getZone(zone.id))?.version).toBe(Math.ceil(records.length / perBatch));

        const listed = await repo.listRecordSets(zone.id);
        expect(listed).toHaveLength(10_002);
        const batches = Math.ceil(records.length / perBatch);
        expect(listed).toEqual(
          sortRecordSets([...records, ...apexSets('big.example', 1 + batches)].reverse()),
        );
        expect(await repo.listZones()).toEqual([
          { id: zone.id, name: 'big.example', recordCount: 10_002 },
        ]);
        expect(await repo.recordSetsByName(zone.id, 'svc-1234.big.example.')).toHaveLength(5);
      }, 60_000);

      it('serialises concurrent batches from two repositories on one store without loss', async () => {
        const zone = await repo.createZone('example.com');
        const other = await secondRepository();
        const [a, b] = await Promise.all([
          repo.applyChangeBatch(zone.id, { Comment: 'a', Changes: [create(OREGON)] }),
          other.applyChangeBatch(zone.id, { Comment: 'b', Changes: [create(SINGAPORE)] }),
        ]);
        if (!a.ok || !b.ok) throw new Error('a concurrent batch was refused');
        expect([a.change.version, b.change.version].sort()).toEqual([1, 2]);
        expect(await other.getZone(zone.id)).toMatchObject({ version: 2, serial: 3 });
        expect(await recordsOf(zone.id)).toEqual(sortRecordSets([OREGON, SINGAPORE]));
        expect((await other.listChanges(zone.id)).map((c) => c.version)).toEqual([2, 1]);
      });

      it('lets exactly one of two concurrent identical CREATEs win', async () => {
        const zone = await repo.createZone('example.com');
        const other = await secondRepository();
        const results = await Promise.all([
          repo.applyChangeBatch(zone.id, { Changes: [create(OREGON)] }),
          other.applyChangeBatch(zone.id, { Changes: [create(OREGON)] }),
        ]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(await recordsOf(zone.id)).toEqual([OREGON]);
        expect(await repo.getZone(zone.id)).toMatchObject({ version: 1, serial: 2 });
      });
    });

    describe('apex SOA serial', () => {
      const soaOf = async (zoneId: string) =>
        (await repo.listRecordSets(zoneId)).find((r) => r.Type === 'SOA');
      const serialOf = async (zoneId: string) => {
        const zone = await repo.getZone(zoneId);
        const soa = await soaOf(zoneId);
        // getZone's serial (cached, no parsing) is always the one in the stored SOA.
        expect(soa?.ResourceRecords?.[0]?.Value.split(' ')[2]).toBe(String(zone?.serial));
        return zone?.serial;
      };
      const soaWith = (serial: number, ttl = 900): ResourceRecordSet => ({
        ...(apexSets('example.com', serial)[1] as ResourceRecordSet),
        TTL: ttl,
      });

      it('goes up by one with every applied batch; a refused batch leaves it', async () => {
        const zone = await repo.createZone('example.com');
        expect(await serialOf(zone.id)).toBe(1);
        expect((await repo.applyChangeBatch(zone.id, { Changes: [create(OREGON)] })).ok).toBe(true);
        expect(await serialOf(zone.id)).toBe(2);
        expect((await repo.applyChangeBatch(zone.id, { Changes: [del(OREGON)] })).ok).toBe(true);
        expect(await serialOf(zone.id)).toBe(3);

        const refused = await repo.applyChangeBatch(zone.id, {
          Changes: [create(SINGAPORE), del(OREGON)],
        });
        expect(refused.ok).toBe(false);
        expect(await serialOf(zone.id)).toBe(3);
        expect(await soaOf(zone.id)).toEqual(apexSets('example.com', 3)[1]);
      });

      it('takes a higher serial from a batch that UPSERTs the SOA, never a lower one', async () => {
        const zone = await repo.createZone('example.com');
        const up = await repo.applyChangeBatch(zone.id, {
          Changes: [upsert(soaWith(2026010100, 300))],
        });
        expect(up.ok).toBe(true);
        expect(await serialOf(zone.id)).toBe(2026010100);
        expect(await soaOf(zone.id)).toEqual(soaWith(2026010100, 300));

        const down = await repo.applyChangeBatch(zone.id, { Changes: [upsert(soaWith(5, 600))] });
        if (!down.ok) throw new Error(JSON.stringify(down.errors));
        expect(await serialOf(zone.id)).toBe(2026010101);
        expect(await soaOf(zone.id)).toEqual(soaWith(2026010101, 600));
        // History and plan keep the batch as it was sent; the serial rewrite is the zone's own.
        expect(down.change.changes).toEqual([upsert(soaWith(5, 600))]);
        const detail = await repo.getChange(zone.id, down.change.id);
        expect(detail?.plan).toEqual([
          { action: 'UPSERT', before: soaWith(2026010100, 300), after: soaWith(5, 600) },
        ]);
      });

      it('lets a batch change the name servers but not delete or duplicate the apex', async () => {
        const zone = await repo.createZone('example.com');
        const [ns, soa] = apexSets('example.com') as [ResourceRecordSet, ResourceRecordSet];
        const servers = { ...ns, ResourceRecords: [{ Value: 'ns-0.awsdns-00.com.' }] };
        expect((await repo.applyChangeBatch(zone.id, { Changes: [upsert(servers)] })).ok).toBe(
          true,
        );
        expect(await repo.listRecordSets(zone.id)).toEqual([
          servers,
          apexSets('example.com', 2)[1],
        ]);

        const before = await snapshot(zone.id);
        for (const change of [
          del(servers),
          del(apexSets('example.com', 2)[1] as ResourceRecordSet),
        ]) {
          const result = await repo.applyChangeBatch(zone.id, { Changes: [change] });
          expect(result).toMatchObject({
            ok: false,
            errors: [{ change: 0, field: 'ResourceRecordSet.Type' }],
          });
        }
        const second = await repo.applyChangeBatch(zone.id, { Changes: [create(soa)] });
        expect(second).toMatchObject({
          ok: false,
          errors: [
            {
              change: 0,
              field: 'ResourceRecordSet.Name',
              message: expect.stringContaining('already exists'),
            },
          ],
        });
        expect(await snapshot(zone.id)).toEqual(before);
      });

      it('goes up with an applied proposal and with a rollback, not with a pending one', async () => {
        const zone = await repo.createZone('example.com');
        const proposed = await repo.createProposal(
          zone.id,
          { Comment: 'add oregon', Changes: [create(OREGON)] },
          { author: 'alice' },
        );
        if (!proposed.ok) throw new Error(JSON.stringify(proposed.errors));
        expect(await serialOf(zone.id)).toBe(1);
        const applied = await repo.applyProposal(proposed.proposal.id, { actor: 'bob' });
        expect(await serialOf(zone.id)).toBe(2);

        const detail = await repo.getChange(zone.id, applied.change.id);
        if (!detail) throw new Error('applied change not found');
        const rollback = await repo.createProposal(zone.id, invertPlan(detail.plan, 'undo'), {
          author: 'bob',
          rollbackOf: applied.change.id,
        });
        if (!rollback.ok) throw new Error(JSON.stringify(rollback.errors));
        await repo.applyProposal(rollback.proposal.id, { actor: 'bob' });
        expect(await serialOf(zone.id)).toBe(3);
        expect(await repo.listRecordSets(zone.id)).toEqual(apexSets('example.com', 3));
      });

      it('rolls back a batch that changed the SOA: its fields come back, the serial goes on', async () => {
        const zone = await repo.createZone('example.com');
        const changed = await repo.applyChangeBatch(zone.id, { Changes: [upsert(soaWith(1, 60))] });
        if (!changed.ok) throw new Error(JSON.stringify(changed.errors));
        expect((await repo.applyChangeBatch(zone.id, { Changes: [create(OREGON)] })).ok).toBe(true);
        const detail = await repo.getChange(zone.id, changed.change.id);
        if (!detail) throw new Error('applied change not found');
        // The serial moved on twice since, yet nobody else changed the SOA: no conflict.
        expect(rollbackConflicts(detail.plan, await repo.listRecordSets(zone.id))).toEqual([]);
        const undone = await repo.applyChangeBatch(zone.id, invertPlan(detail.plan));
        expect(undone.ok).toBe(true);
        expect(await soaOf(zone.id)).toEqual(soaWith(4, 900));
      });

      it('keeps the serial across a restart and counts on from it', async () => {
        const zone = await zoneWith([OREGON]);
        await repo.applyChangeBatch(zone.id, { Changes: [upsert(soaWith(100))] });
        const reopened = await restart();
        expect(await reopened.getZone(zone.id)).toMatchObject({ version: 2, serial: 100 });
        expect((await reopened.applyChangeBatch(zone.id, { Changes: [del(OREGON)] })).ok).toBe(
          true,
        );
        expect(await serialOf(zone.id)).toBe(101);
      });

      it('keeps the serial in step when another repository on the store applies', async () => {
        const zone = await repo.createZone('example.com');
        expect(await serialOf(zone.id)).toBe(1); // warm any cache
        const other = await secondRepository();
        expect((await other.applyChangeBatch(zone.id, { Changes: [create(OREGON)] })).ok).toBe(
          true,
        );
        await lag();
        expect(await serialOf(zone.id)).toBe(2);
      });
    });

    describe('health checks', () => {
      it('treats unknown ids as healthy and remembers what is set', async () => {
        expect(await repo.getHealth([])).toEqual(new Map());
        expect(await repo.getHealth(['hc-a', 'hc-b'])).toEqual(
          new Map([
            ['hc-a', true],
            ['hc-b', true],
          ]),
        );
        await repo.setHealth('hc-a', false);
        expect(await repo.getHealth(['hc-a', 'hc-b'])).toEqual(
          new Map([
            ['hc-a', false],
            ['hc-b', true],
          ]),
        );
        await repo.setHealth('hc-a', true);
        await repo.setHealth('hc-b', false);
        expect(await repo.getHealth(['hc-b', 'hc-a'])).toEqual(
          new Map([
            ['hc-b', false],
            ['hc-a', true],
          ]),
        );
      });
    });

    describe('durability', () => {
      it('keeps zones, records, history, versions and health across a restart', async () => {
        const zone = await zoneWith([OREGON, SINGAPORE]);
        await repo.applyChangeBatch(
          zone.id,
          { Comment: 'drop singapore', Changes: [del(SINGAPORE)] },
          { author: 'bob' },
        );
        await repo.setHealth('hc-oregon', false);
        const before = { ...(await snapshot(zone.id)), zone: await repo.getZone(zone.id) };

        const reopened = await restart();
        expect({ ...(await snapshot(zone.id)), zone: await reopened.getZone(zone.id) }).toEqual(
          before,
        );
        expect(await reopened.getHealth(['hc-oregon'])).toEqual(new Map([['hc-oregon', false]]));
        expect(before.zone?.serial).toBe(3);
        // Versions and serials continue where they stopped.
        const next = await reopened.applyChangeBatch(zone.id, { Changes: [create(SINGAPORE)] });
        expect(next).toMatchObject({ ok: true, change: { version: 3 } });
        expect(await reopened.getZone(zone.id)).toMatchObject({ version: 3, serial: 4 });
        expect((await reopened.listRecordSets(zone.id)).find((r) => r.Type === 'SOA')).toEqual(
          apexSets('example.com', 4)[1],
        );
      });

      it('close is idempotent', async () => {
        await repo.close();
        await expect(repo.close()).resolves.toBeUndefined();
      });
    });
  });
  describeReviewStorageContract(name, open);
  describeHealthStorageContract(name, open);
  describeAwsKeyStorageContract(name, open);
  describeMeasurementStorageContract(name, open);
  describeRoute53StorageContract(name, open);
  describeUpstreamStorageContract(name, open);
  describeResponderStorageContract(name, open);
}
