import { describe, expect, it } from 'vitest';
import { MAX_LATENCY_RECORDS_PER_NAME, type PlanResult, planChangeBatch } from './change-batch';
import { normalizeRecordSet } from './names';
import type { Change, ChangeAction, ResourceRecordSet } from './types';

const ZONE = 'example.com.';
const APEX_NS: ResourceRecordSet = {
  Name: 'example.com.',
  Type: 'NS',
  TTL: 172800,
  ResourceRecords: [{ Value: 'ns-1.awsdns-00.com.' }],
};
const OREGON: ResourceRecordSet = {
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: 'oregon',
  Region: 'us-west-2',
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.10' }, { Value: '192.0.2.11' }],
  HealthCheckId: 'hc-oregon',
};
const SINGAPORE: ResourceRecordSet = {
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: 'singapore',
  Region: 'ap-southeast-1',
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.20' }],
};
const WWW_CNAME: ResourceRecordSet = {
  Name: 'www.example.com.',
  Type: 'CNAME',
  TTL: 300,
  ResourceRecords: [{ Value: 'app.example.com' }],
};

/** A zone held in memory, looked up the way storage does: by normalised name and type. */
function zone(...sets: ResourceRecordSet[]) {
  const stored = sets.map(normalizeRecordSet);
  const calls: string[] = [];
  return {
    calls,
    existing: (name: string, type: string) => {
      calls.push(`${name}|${type}`);
      return stored.filter((s) => s.Name === name && s.Type === type);
    },
  };
}
const change = (Action: ChangeAction, ResourceRecordSet: ResourceRecordSet): Change => ({
  Action,
  ResourceRecordSet,
});
const plan = (changes: Change[], ...stored: ResourceRecordSet[]): PlanResult =>
  planChangeBatch(ZONE, { Changes: changes }, zone(APEX_NS, ...stored).existing);
const errorsOf = (r: PlanResult) => (r.ok ? [] : r.errors);

describe('valid batches', () => {
  it('plans CREATE, UPSERT and DELETE with normalised before/after', () => {
    const frankfurt = {
      ...SINGAPORE,
      Name: 'APP.example.com',
      SetIdentifier: 'frankfurt',
      Region: 'eu-central-1',
    };
    const r = plan(
      [
        change('CREATE', frankfurt),
        change('UPSERT', { ...SINGAPORE, TTL: 30 }),
        change('DELETE', {
          ...OREGON,
          ResourceRecords: [...(OREGON.ResourceRecords ?? [])].reverse(),
        }),
      ],
      OREGON,
      SINGAPORE,
    );
    expect(r).toEqual({
      ok: true,
      plan: [
        { action: 'CREATE', before: null, after: normalizeRecordSet(frankfurt) },
        { action: 'UPSERT', before: SINGAPORE, after: { ...SINGAPORE, TTL: 30 } },
        { action: 'DELETE', before: OREGON, after: null },
      ],
    });
  });

  it('sees its own earlier changes: DELETE then CREATE of the same set works', () => {
    const r = plan([change('DELETE', OREGON), change('CREATE', { ...OREGON, TTL: 120 })], OREGON);
    expect(r.ok).toBe(true);
  });

  it('CREATE then DELETE of the same set in one batch works', () => {
    expect(plan([change('CREATE', SINGAPORE), change('DELETE', SINGAPORE)]).ok).toBe(true);
  });

  it('UPSERT is idempotent: the same UPSERT twice, or of an identical stored set', () => {
    const twice = plan([change('UPSERT', SINGAPORE), change('UPSERT', SINGAPORE)]);
    expect(twice.ok && twice.plan.map((p) => p.before)).toEqual([null, SINGAPORE]);
    const same = plan([change('UPSERT', SINGAPORE)], SINGAPORE);
    expect(same.ok && same.plan[0]).toEqual({
      action: 'UPSERT',
      before: SINGAPORE,
      after: SINGAPORE,
    });
  });

  it('a region can move between set ids when the old set is deleted first', () => {
    const r = plan(
      [change('DELETE', OREGON), change('CREATE', { ...OREGON, SetIdentifier: 'oregon-2' })],
      OREGON,
    );
    expect(r.ok).toBe(true);
  });

  it('replaces a simple record with latency records when it is deleted first', () => {
    const simpleA = {
      Name: 'app.example.com.',
      Type: 'A',
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.1' }],
    };
    expect(plan([change('DELETE', simpleA), change('CREATE', SINGAPORE)], simpleA).ok).toBe(true);
  });

  it('accepts names with and without the trailing dot (as the CLI does)', () => {
    expect(plan([change('DELETE', { ...OREGON, Name: 'app.example.com' })], OREGON).ok).toBe(true);
  });

  it('asks storage with normalised names', () => {
    const z = zone(APEX_NS);
    planChangeBatch(
      ZONE,
      { Changes: [change('CREATE', { ...SINGAPORE, Name: 'App.Example.com' })] },
      z.existing,
    );
    expect(z.calls).toContain('app.example.com.|A');
    expect(z.calls.every((c) => c.startsWith('app.example.com.|'))).toBe(true);
  });
});

describe('every batch rule names the change index and the field', () => {
  // 34 real regions can't reach the limit with one record per region; storage is not
  // re-validated here, so stand-in region codes fill the name up to 100.
  const hundred = Array.from({ length: MAX_LATENCY_RECORDS_PER_NAME }, (_, i) => ({
    ...SINGAPORE,
    SetIdentifier: `s${i}`,
    Region: `r${i}`,
  }));
  it.each<[string, Change[], ResourceRecordSet[], number, string, string]>([
    [
      'single-record checks are prefixed and indexed',
      [change('CREATE', SINGAPORE), change('CREATE', { ...OREGON, TTL: -1 })],
      [],
      1,
      'ResourceRecordSet.TTL',
      'TTL -1 must be a whole number',
    ],
    [
      'unknown action',
      [{ Action: 'MERGE' as ChangeAction, ResourceRecordSet: SINGAPORE }],
      [],
      0,
      'Action',
      'Action "MERGE" must be CREATE, DELETE or UPSERT',
    ],
    [
      'CREATE of an existing set',
      [change('CREATE', OREGON)],
      [OREGON],
      0,
      'ResourceRecordSet.SetIdentifier',
      'can\'t create app.example.com. A set "oregon": it already exists',
    ],
    [
      'CREATE of an existing simple set',
      [change('CREATE', WWW_CNAME)],
      [WWW_CNAME],
      0,
      'ResourceRecordSet.Name',
      "can't create www.example.com. CNAME: it already exists",
    ],
    [
      'DELETE of a missing set',
      [change('DELETE', SINGAPORE)],
      [],
      0,
      'ResourceRecordSet.SetIdentifier',
      'it does not exist',
    ],
    [
      'DELETE with another TTL',
      [change('DELETE', { ...OREGON, TTL: 300 })],
      [OREGON],
      0,
      'ResourceRecordSet.TTL',
      'TTL does not match the stored record',
    ],
    [
      'DELETE with other values',
      [change('DELETE', { ...OREGON, ResourceRecords: [{ Value: '192.0.2.10' }] })],
      [OREGON],
      0,
      'ResourceRecordSet.ResourceRecords',
      'ResourceRecords does not match',
    ],
    [
      'DELETE without the health check',
      [change('DELETE', { ...OREGON, HealthCheckId: undefined })],
      [OREGON],
      0,
      'ResourceRecordSet.HealthCheckId',
      'HealthCheckId does not match',
    ],
    [
      'DELETE with another region',
      [change('DELETE', { ...OREGON, Region: 'us-west-1' })],
      [OREGON],
      0,
      'ResourceRecordSet.Region',
      'Region does not match',
    ],
    [
      'DELETE of the apex NS',
      [change('DELETE', APEX_NS)],
      [],
      0,
      'ResourceRecordSet.Type',
      "the zone's own NS record at example.com. can't be deleted",
    ],
    [
      'two latency records in one region',
      [change('CREATE', { ...SINGAPORE, SetIdentifier: 'oregon-2', Region: 'us-west-2' })],
      [OREGON],
      0,
      'ResourceRecordSet.Region',
      'already has a latency record in us-west-2 (set "oregon"); one per region',
    ],
    [
      'latency next to a simple set',
      [change('CREATE', SINGAPORE)],
      [{ Name: 'app.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] }],
      0,
      'ResourceRecordSet.SetIdentifier',
      "latency and simple records can't share a name and type",
    ],
    [
      'simple next to latency sets',
      [
        change('CREATE', {
          Name: 'app.example.com',
          Type: 'A',
          TTL: 60,
          ResourceRecords: [{ Value: '192.0.2.1' }],
        }),
      ],
      [OREGON],
      0,
      'ResourceRecordSet.Name',
      "a simple record can't share their name and type",
    ],
    [
      'a CNAME where other types exist',
      [change('CREATE', { ...WWW_CNAME, Name: 'app.example.com' })],
      [OREGON],
      0,
      'ResourceRecordSet.Type',
      "app.example.com. already has A records; a CNAME can't coexist with other types",
    ],
    [
      'another type where a CNAME exists',
      [change('CREATE', { ...SINGAPORE, Name: 'www.example.com' })],
      [WWW_CNAME],
      0,
      'ResourceRecordSet.Type',
      'www.example.com. has a CNAME; no other record type can exist at that name',
    ],
    [
      'a CNAME at the apex',
      [change('CREATE', { ...WWW_CNAME, Name: 'example.com' })],
      [],
      0,
      'ResourceRecordSet.Name',
      "a CNAME can't be at the zone apex",
    ],
    [
      'more than 100 latency records',
      [change('CREATE', { ...SINGAPORE, SetIdentifier: 'one-too-many' })],
      hundred,
      0,
      'ResourceRecordSet.SetIdentifier',
      'would have more than 100 latency records',
    ],
  ])('%s', (_label, changes, stored, index, field, message) => {
    const errors = errorsOf(plan(changes, ...stored));
    const hit = errors.find((e) => e.change === index && e.field === field);
    expect(hit, JSON.stringify(errors)).toBeDefined();
    expect(hit?.message).toContain(message);
  });

  it('reports every bad change, and judges later changes without the bad ones', () => {
    const r = plan([
      change('CREATE', { ...SINGAPORE, TTL: -1 }), // 0: bad, not applied
      change('DELETE', SINGAPORE), //                  1: so this DELETE finds nothing
      change('CREATE', OREGON), //                     2: fine
      change('CREATE', OREGON), //                     3: already created by change 2
      change('UPSERT', { ...OREGON, Region: 'mars' }), // 4: bad region
    ]);
    expect(errorsOf(r).map((e) => e.change)).toEqual([0, 1, 3, 4]);
  });

  it('rejects an empty batch as a whole (change -1)', () => {
    expect(plan([])).toEqual({
      ok: false,
      errors: [
        { change: -1, field: 'Changes', message: 'a change batch needs at least one change' },
      ],
    });
  });

  it('rejects a change without a record set', () => {
    const errors = errorsOf(plan([{ Action: 'CREATE' } as Change]));
    expect(errors).toEqual([
      { change: 0, field: 'ResourceRecordSet', message: 'ResourceRecordSet must be an object' },
    ]);
  });
});
