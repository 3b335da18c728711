import { describe, expect, it } from 'vitest';
import { type PlannedChange, planChangeBatch } from './change-batch';
import { applyPlanToRecordSets } from './impact';
import { sortRecordSets } from './listing';
import { invertPlan, rollbackConflicts } from './rollback';
import type { ChangeBatch, ResourceRecordSet } from './types';

function latencyA(setIdentifier: string, region: string, value: string, ttl = 60) {
  return {
    Name: 'app.example.com.',
    Type: 'A',
    SetIdentifier: setIdentifier,
    Region: region,
    TTL: ttl,
    ResourceRecords: [{ Value: value }],
  } satisfies ResourceRecordSet;
}

const OREGON = latencyA('oregon', 'us-west-2', '192.0.2.10');
const SINGAPORE = latencyA('singapore', 'ap-southeast-1', '192.0.2.20');
const TOKYO = latencyA('tokyo', 'ap-northeast-1', '192.0.2.30');

function plan(zone: ResourceRecordSet[], batch: ChangeBatch): PlannedChange[] {
  const result = planChangeBatch('example.com', batch, (name, type) =>
    zone.filter((r) => r.Name === name && r.Type === type),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

describe('invertPlan', () => {
  it('turns created into DELETE, deleted into CREATE, replaced into UPSERT of before, reversed', () => {
    const moved = { ...OREGON, TTL: 30, ResourceRecords: [{ Value: '192.0.2.11' }] };
    const steps = plan([OREGON, SINGAPORE], {
      Changes: [
        { Action: 'UPSERT', ResourceRecordSet: moved },
        { Action: 'DELETE', ResourceRecordSet: SINGAPORE },
        { Action: 'CREATE', ResourceRecordSet: TOKYO },
      ],
    });
    expect(invertPlan(steps, 'Roll back')).toEqual({
      Comment: 'Roll back',
      Changes: [
        { Action: 'DELETE', ResourceRecordSet: TOKYO },
        { Action: 'CREATE', ResourceRecordSet: SINGAPORE },
        { Action: 'UPSERT', ResourceRecordSet: OREGON },
      ],
    });
    expect(invertPlan([])).toEqual({ Changes: [] });
  });

  it('an UPSERT that created a set is undone with a DELETE', () => {
    const steps = plan([OREGON], { Changes: [{ Action: 'UPSERT', ResourceRecordSet: TOKYO }] });
    expect(invertPlan(steps).Changes).toEqual([{ Action: 'DELETE', ResourceRecordSet: TOKYO }]);
  });

  it.each<[string, ResourceRecordSet[], ChangeBatch]>([
    [
      'create, delete and replace',
      [OREGON, SINGAPORE],
      {
        Changes: [
          { Action: 'CREATE', ResourceRecordSet: TOKYO },
          { Action: 'DELETE', ResourceRecordSet: SINGAPORE },
          { Action: 'UPSERT', ResourceRecordSet: { ...OREGON, TTL: 300 } },
        ],
      },
    ],
    [
      'delete then re-create the same set (a replace in two steps)',
      [OREGON],
      {
        Changes: [
          { Action: 'DELETE', ResourceRecordSet: OREGON },
          {
            Action: 'CREATE',
            ResourceRecordSet: { ...OREGON, ResourceRecords: [{ Value: '192.0.2.99' }] },
          },
        ],
      },
    ],
    [
      'move a region from one set id to another',
      [OREGON, SINGAPORE],
      {
        Changes: [
          { Action: 'DELETE', ResourceRecordSet: SINGAPORE },
          { Action: 'CREATE', ResourceRecordSet: { ...SINGAPORE, SetIdentifier: 'sg-2' } },
        ],
      },
    ],
  ])('applying the batch then its inverse restores the zone exactly: %s', (_label, zone, batch) => {
    const forward = plan(zone, batch);
    const changed = applyPlanToRecordSets(zone, forward);
    expect(sortRecordSets(changed)).not.toEqual(sortRecordSets(zone));
    // The inverse is a valid batch against the changed zone (planChangeBatch accepts it) ...
    const backward = plan(changed, invertPlan(forward));
    // ... and brings every set back as it was.
    expect(sortRecordSets(applyPlanToRecordSets(changed, backward))).toEqual(sortRecordSets(zone));
  });
});

describe('rollbackConflicts', () => {
  const moved = { ...OREGON, TTL: 300 };
  const steps = () =>
    plan([OREGON, SINGAPORE], {
      Changes: [
        { Action: 'UPSERT', ResourceRecordSet: moved },
        { Action: 'DELETE', ResourceRecordSet: SINGAPORE },
        { Action: 'CREATE', ResourceRecordSet: TOKYO },
      ],
    });

  it('finds none when the zone still holds what the batch wrote', () => {
    expect(rollbackConflicts(steps(), [moved, TOKYO])).toEqual([]);
    // Values in another order are the same set.
    expect(rollbackConflicts(steps(), [moved, { ...TOKYO, Name: 'APP.example.com' }])).toEqual([]);
  });

  it('names each set changed, deleted or re-created since, by its index in the inverse batch', () => {
    const errors = rollbackConflicts(steps(), [
      { ...moved, ResourceRecords: [{ Value: '192.0.2.99' }] },
      SINGAPORE,
    ]);
    // The inverse batch is [DELETE tokyo, CREATE singapore, UPSERT oregon].
    expect(errors).toEqual([
      {
        change: 2,
        field: 'ResourceRecordSet.ResourceRecords',
        message: expect.stringContaining('app.example.com A (set "oregon") was changed after'),
      },
      { change: 1, field: 'ResourceRecordSet', message: expect.stringContaining('created again') },
      {
        change: 0,
        field: 'ResourceRecordSet',
        message: expect.stringContaining('was deleted after'),
      },
    ]);
  });
});

describe('rollbackConflicts on the apex SOA', () => {
  const soa = (serial: number, ttl = 900): ResourceRecordSet => ({
    Name: 'example.com.',
    Type: 'SOA',
    TTL: ttl,
    ResourceRecords: [
      { Value: `ns1.example.com. hostmaster.example.com. ${serial} 7200 900 1209600 86400` },
    ],
  });
  const steps = () =>
    plan([soa(1)], { Changes: [{ Action: 'UPSERT', ResourceRecordSet: soa(1, 300) }] });

  it('ignores the serial, which the zone moves on with every batch', () => {
    expect(rollbackConflicts(steps(), [soa(7, 300)])).toEqual([]);
  });

  it('still sees a change to what people wrote into the SOA', () => {
    expect(rollbackConflicts(steps(), [soa(7, 60)])).toEqual([
      { change: 0, field: 'ResourceRecordSet.TTL', message: expect.stringContaining('SOA') },
    ]);
  });
});
