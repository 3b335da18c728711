import { describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from '../../../../engine/types';
import type { DriftDifference } from '../../../../shared/upstream';
import {
  connectFieldErrors,
  diffRowsOfBatch,
  driftKind,
  maskedSecret,
  takeUpstreamBatch,
} from './upstream-batches';

const a = (value: string, ttl = 60): ResourceRecordSet => ({
  Name: 'www.example.com.',
  Type: 'A',
  TTL: ttl,
  ResourceRecords: [{ Value: value }],
});
const txt: ResourceRecordSet = {
  Name: 'example.com.',
  Type: 'TXT',
  TTL: 300,
  ResourceRecords: [{ Value: '"hello"' }],
};
const latency: ResourceRecordSet = {
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: 'oregon',
  Region: 'us-west-2',
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.10' }],
};

describe('diffRowsOfBatch', () => {
  it('shows a CREATE as added, an UPSERT of an existing set as changed, a DELETE as deleted', () => {
    const rows = diffRowsOfBatch([a('192.0.2.1'), txt], {
      Changes: [
        { Action: 'CREATE', ResourceRecordSet: latency },
        { Action: 'UPSERT', ResourceRecordSet: a('192.0.2.2') },
        { Action: 'DELETE', ResourceRecordSet: txt },
      ],
    });
    expect(rows.map((r) => r.kind)).toEqual(['added', 'changed', 'removed']);
    expect(rows[1]?.before).toEqual(a('192.0.2.1'));
    expect(rows[2]?.after).toBeNull();
  });

  it('shows an UPSERT of a set the zone lacks as added, and an identical UPSERT as unchanged', () => {
    const rows = diffRowsOfBatch([a('192.0.2.1')], {
      Changes: [
        { Action: 'UPSERT', ResourceRecordSet: latency },
        { Action: 'UPSERT', ResourceRecordSet: a('192.0.2.1') },
      ],
    });
    expect(rows.map((r) => r.kind)).toEqual(['added', 'unchanged']);
  });

  it('matches names whatever their trailing dot', () => {
    const rows = diffRowsOfBatch([a('192.0.2.1')], {
      Changes: [
        { Action: 'UPSERT', ResourceRecordSet: { ...a('192.0.2.9'), Name: 'www.example.com' } },
      ],
    });
    expect(rows[0]?.kind).toBe('changed');
  });
});

describe('takeUpstreamBatch', () => {
  const diffs: DriftDifference[] = [
    { Name: 'www.example.com.', Type: 'A', local: a('192.0.2.1'), upstream: a('192.0.2.2') },
    { Name: 'example.com.', Type: 'TXT', local: null, upstream: txt },
    {
      Name: 'app.example.com.',
      Type: 'A',
      SetIdentifier: 'oregon',
      local: latency,
      upstream: null,
    },
  ];

  it("UPSERTs upstream's set where upstream has one and DELETEs the set only this zone has", () => {
    expect(takeUpstreamBatch(diffs)).toEqual({
      Comment: 'Take upstream Route 53',
      Changes: [
        { Action: 'UPSERT', ResourceRecordSet: a('192.0.2.2') },
        { Action: 'UPSERT', ResourceRecordSet: txt },
        { Action: 'DELETE', ResourceRecordSet: latency },
      ],
    });
  });

  it('is null when nothing differs', () => {
    expect(takeUpstreamBatch([])).toBeNull();
  });

  it('names each side', () => {
    expect(diffs.map(driftKind)).toEqual(['differs', 'only-upstream', 'only-local']);
  });
});

describe('connect form helpers', () => {
  it('puts each API problem at its field, the rest at the form', () => {
    expect(
      connectFieldErrors([
        { field: 'hostedZoneId', message: 'upstream has no hosted zone Z1' },
        { field: 'accessKeyId', message: 'refused' },
        { field: 'provider', message: 'provider must be "route53"' },
        { message: 'no field' },
      ]),
    ).toEqual({
      hostedZoneId: ['upstream has no hosted zone Z1'],
      accessKeyId: ['refused'],
      form: ['provider must be "route53"', 'no field'],
    });
  });

  it('masks a secret to its last four characters', () => {
    expect(maskedSecret('1234')).toBe('••••1234');
  });
});
