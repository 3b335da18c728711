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
    expect(zone).toMatchObject({ name: 'example.com', recordCount: 8 });
    if (!zone) return;

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
