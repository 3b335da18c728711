import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssuePath, issuesToChangeDetails, issuesToDetails } from './errors';
import {
  parseTestDnsAnswerQueryFast,
  parseUnhealthyList,
  TestDnsAnswerQuerySchema,
} from './routing';
import {
  ChangeBatchRequestSchema,
  ChangeBatchSchema,
  ListResourceRecordSetsResponseSchema,
  ResourceRecordSetSchema,
  unwrapChangeBatch,
} from './rrset';
import { normalizeZoneId } from './zones';

const SAMPLES = new URL('../../e2e/fixtures', import.meta.url).pathname;
const read = (f: string) => JSON.parse(readFileSync(`${SAMPLES}/${f}`, 'utf8')) as unknown;

describe('Route 53 wire shapes', () => {
  it('parse the aws CLI sample files unchanged', () => {
    const listing = read('route53-list-resource-record-sets.json');
    expect(ListResourceRecordSetsResponseSchema.parse(listing)).toEqual(listing);
    const batch = read('route53-change-batch.json');
    expect(ChangeBatchSchema.parse(batch)).toEqual(batch);
    expect(ChangeBatchRequestSchema.parse({ ChangeBatch: batch })).toEqual({ ChangeBatch: batch });
  });

  it('unwraps {"ChangeBatch":…} and leaves anything else alone', () => {
    const batch = { Changes: [] };
    expect(unwrapChangeBatch({ ChangeBatch: batch })).toBe(batch);
    expect(unwrapChangeBatch(batch)).toBe(batch);
    expect(unwrapChangeBatch(null)).toBeNull();
    expect(unwrapChangeBatch([1])).toEqual([1]);
    // both keys: not unwrapped, so the schema reports ChangeBatch as unknown
    const both = { ChangeBatch: {}, Changes: [] };
    expect(unwrapChangeBatch(both)).toBe(both);
  });

  it('rejects fields Route 53 latency records do not have, naming them', () => {
    const r = ResourceRecordSetSchema.safeParse({
      Name: 'a.example.com',
      Type: 'A',
      Weight: 5,
      Failover: 'PRIMARY',
    });
    expect(r.success).toBe(false);
    expect(
      issuesToDetails(r.error?.issues ?? [])
        .map((d) => d.field)
        .sort(),
    ).toEqual(['Failover', 'Weight']);
  });

  it('maps batch problems to change index + field relative to the change', () => {
    const r = ChangeBatchSchema.safeParse({
      Comment: 5,
      Changes: [
        { Action: 'CREATE', ResourceRecordSet: { Name: 'a.example.com', Type: 'A', TTL: '60' } },
        'nope',
        { Action: 'MOVE', ResourceRecordSet: { Name: 'b.example.com', Type: 'A', SetId: 'x' } },
      ],
    });
    expect(r.success).toBe(false);
    const details = issuesToChangeDetails(r.error?.issues ?? []);
    expect(details).toEqual(
      expect.arrayContaining([
        { field: 'Comment', message: expect.any(String) },
        { change: 0, field: 'ResourceRecordSet.TTL', message: expect.any(String) },
        { change: 1, field: 'Changes[1]', message: expect.any(String) },
        { change: 2, field: 'Action', message: expect.any(String) },
        { change: 2, field: 'ResourceRecordSet.SetId', message: 'unknown field "SetId"' },
      ]),
    );
  });

  it('formats paths like the engine', () => {
    expect(
      formatIssuePath(['Changes', 0, 'ResourceRecordSet', 'ResourceRecords', 1, 'Value']),
    ).toBe('Changes[0].ResourceRecordSet.ResourceRecords[1].Value');
    expect(formatIssuePath([])).toBe('');
  });
});

describe('zone ids', () => {
  it.each([
    ['Z0A1B2C3D4E5F6G7H8I9J', 'Z0A1B2C3D4E5F6G7H8I9J'],
    ['/hostedzone/Z1GM3OXH4ZPM65', 'Z1GM3OXH4ZPM65'],
    ['z1gm3oxh4zpm65', null],
    ['/hostedzone/', null],
    ['Z', null],
    ['Z1/../Z2', null],
    [`Z${'A'.repeat(32)}`, null],
  ])('%j → %j', (raw, id) => {
    expect(normalizeZoneId(raw)).toBe(id);
  });
});

describe('TestDNSAnswer query', () => {
  it('upper-cases the type and names missing fields', () => {
    expect(
      TestDnsAnswerQuerySchema.parse({ recordname: ' app.example.com ', recordtype: 'aaaa' }),
    ).toEqual({
      recordname: 'app.example.com',
      recordtype: 'AAAA',
    });
    const r = TestDnsAnswerQuerySchema.safeParse({});
    expect(issuesToDetails(r.error?.issues ?? []).map((d) => d.field)).toEqual([
      'recordname',
      'recordtype',
    ]);
  });

  it('splits the unhealthy list', () => {
    expect(parseUnhealthyList('a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(parseUnhealthyList(undefined)).toEqual([]);
  });
});

describe('the fast TestDNSAnswer query parser', () => {
  it.each([
    [{ recordname: 'app.example.com', recordtype: 'A' }],
    [{ recordname: ' app.example.com. ', recordtype: ' aaaa ', city: '2643743' }],
    [
      {
        recordname: 'a',
        recordtype: 'TXT',
        edns0clientsubnetip: '81.2.69.160',
        edns0clientsubnetmask: '24',
        resolverip: '',
        unhealthy: 'a,b',
      },
    ],
    [{ recordname: 'a', recordtype: 'A', lat: '1', lon: '2', ip: '::1' }],
    [{}],
    [{ recordname: 'a' }],
    [{ recordtype: 'A' }],
    [{ recordname: '   ', recordtype: 'A' }],
    [{ recordname: 'a'.repeat(1025), recordtype: 'A' }],
    [{ recordname: 'a', recordtype: 'BOGUS' }],
    [{ recordname: 'a', recordtype: 'A', extra: '1' }],
    [{ recordname: 'a', recordtype: 'A', city: ['1', '2'] }],
    [{ recordname: 'a', recordtype: 'A', edns0clientsubnetmask: '123456789' }],
    [{ recordname: ['a', 'b'], recordtype: 'A' }],
    [null],
    ['recordname=a'],
  ])('agrees with the schema on %j', (raw) => {
    const slow = TestDnsAnswerQuerySchema.safeParse(raw);
    expect(parseTestDnsAnswerQueryFast(raw)).toEqual(slow.success ? slow.data : null);
  });
});
