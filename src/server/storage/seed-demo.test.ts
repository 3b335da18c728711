import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRepository } from './open-repository';
import type { Repository } from './repository';
import { seedDemo } from './seed-demo';

describe('seedDemo', () => {
  let repo: Repository;

  beforeEach(async () => {
    repo = await openRepository('sqlite::memory:');
  });

  afterEach(async () => {
    await repo.close();
  });

  it('creates example.com with the demo latency records, through history', async () => {
    expect(await seedDemo(repo)).toBe(true);
    const [zone, ...others] = await repo.listZones();
    expect(others).toEqual([]);
    // The eight demo records and the zone's own apex NS and SOA.
    expect(zone).toMatchObject({ name: 'example.com', recordCount: 10 });
    if (!zone) return;
    expect(await repo.recordSetsByName(zone.id, 'example.com.')).toEqual([
      expect.objectContaining({
        Type: 'NS',
        ResourceRecords: [{ Value: 'ns1.example.com.' }, { Value: 'ns2.example.com.' }],
      }),
      expect.objectContaining({ Type: 'SOA' }),
    ]);
    expect(await repo.getZone(zone.id)).toMatchObject({ version: 1, serial: 2 });

    const app = await repo.recordSetsByName(zone.id, 'app.example.com.');
    expect(app.map((r) => [r.SetIdentifier, r.Region, r.TTL, r.ResourceRecords])).toEqual(
      expect.arrayContaining([
        ['oregon', 'us-west-2', 60, [{ Value: '192.0.2.10' }]],
        ['singapore', 'ap-southeast-1', 60, [{ Value: '192.0.2.20' }]],
      ]),
    );
    expect(app).toHaveLength(2);
    const api = await repo.recordSetsByName(zone.id, 'api.example.com.');
    expect(api.map((r) => r.Region).sort()).toEqual([
      'ap-northeast-1',
      'ap-southeast-2',
      'eu-central-1',
      'eu-west-1',
      'sa-east-1',
      'us-east-1',
    ]);
    expect(api.every((r) => r.Type === 'A' && r.TTL === 60)).toBe(true);
    expect(api.map((r) => r.ResourceRecords?.[0]?.Value).sort()).toEqual([
      '198.51.100.10',
      '198.51.100.20',
      '198.51.100.30',
      '198.51.100.40',
      '198.51.100.50',
      '198.51.100.60',
    ]);

    const history = await repo.listChanges(zone.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ comment: 'Demo data', version: 1 });
    expect(history[0]?.changes).toHaveLength(8);
  });

  it('gives the demo zone the name servers it is told to use', async () => {
    expect(await seedDemo(repo, { nameServers: ['ns1.atlas.example', 'ns2.atlas.example'] })).toBe(
      true,
    );
    const [zone] = await repo.listZones();
    const [ns, soa] = await repo.recordSetsByName(zone?.id ?? '', 'example.com.');
    expect(ns?.ResourceRecords).toEqual([
      { Value: 'ns1.atlas.example.' },
      { Value: 'ns2.atlas.example.' },
    ]);
    expect(soa?.ResourceRecords?.[0]?.Value).toMatch(
      /^ns1\.atlas\.example\. hostmaster\.example\.com\. 2 /,
    );
  });

  it('does nothing when the database already holds a zone', async () => {
    expect(await seedDemo(repo)).toBe(true);
    expect(await seedDemo(repo)).toBe(false);
    const zones = await repo.listZones();
    expect(zones).toHaveLength(1);
    expect(await repo.listChanges(zones[0]?.id ?? '')).toHaveLength(1);
  });

  it('leaves an operator’s database alone even without example.com', async () => {
    await repo.createZone('corp.example');
    expect(await seedDemo(repo)).toBe(false);
    expect((await repo.listZones()).map((z) => z.name)).toEqual(['corp.example']);
  });
});
