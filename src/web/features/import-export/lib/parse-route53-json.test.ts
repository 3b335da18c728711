import { describe, expect, it } from 'vitest';
import batchText from '../../../../../e2e/fixtures/route53-change-batch.json?raw';
import listingText from '../../../../../e2e/fixtures/route53-list-resource-record-sets.json?raw';
import { parseRoute53Json } from './parse-route53-json';

describe('parseRoute53Json', () => {
  it('reads list-resource-record-sets output as a listing', () => {
    const r = parseRoute53Json(listingText);
    expect(r.kind).toBe('listing');
    if (r.kind === 'listing') expect(r.records).toHaveLength(10);
  });

  it('accepts the CLI paging fields next to the listing and a bare array of sets', () => {
    const sets = JSON.parse(listingText).ResourceRecordSets;
    expect(
      parseRoute53Json(
        JSON.stringify({ ResourceRecordSets: sets, IsTruncated: false, MaxItems: '300' }),
      ).kind,
    ).toBe('listing');
    expect(parseRoute53Json(JSON.stringify(sets)).kind).toBe('listing');
  });

  it('reads a change batch, plain or wrapped as {ChangeBatch} (with HostedZoneId)', () => {
    const plain = parseRoute53Json(batchText);
    expect(plain.kind === 'batch' && plain.batch.Changes.map((c) => c.Action)).toEqual([
      'CREATE',
      'UPSERT',
      'DELETE',
    ]);
    const wrapped = parseRoute53Json(
      JSON.stringify({ HostedZoneId: 'Z123', ChangeBatch: JSON.parse(batchText) }),
    );
    expect(wrapped.kind === 'batch' && wrapped.batch.Comment).toBe(
      'Add Singapore and move Frankfurt to new addresses',
    );
  });

  it('says where JSON syntax breaks', () => {
    const r = parseRoute53Json('{\n  "Changes": [\n    }\n');
    expect(r.kind).toBe('error');
    if (r.kind === 'error') {
      expect(r.problems[0]?.message).toMatch(/^Not valid JSON/);
      expect(r.problems[0]?.where).toMatch(/^line 3, column \d+$|^JSON$/);
    }
  });

  it('names the field of a shape error, inside a wrapper too', () => {
    const bad = parseRoute53Json(
      JSON.stringify({
        ChangeBatch: { Changes: [{ Action: 'MOVE', ResourceRecordSet: { Name: 'a', Type: 'A' } }] },
      }),
    );
    expect(bad.kind === 'error' && bad.problems.map((p) => p.where)).toEqual([
      'ChangeBatch.Changes[0].Action',
    ]);
    const unknown = parseRoute53Json(
      JSON.stringify({
        ResourceRecordSets: [{ Name: 'a.', Type: 'A', Weight: 10, TTL: 1, ResourceRecords: [] }],
      }),
    );
    expect(unknown.kind === 'error' && unknown.problems[0]?.where).toBe(
      'ResourceRecordSets[0].Weight',
    );
  });

  it('rejects JSON that is neither a listing nor a batch, and treats blank input as empty', () => {
    const r = parseRoute53Json('{"HostedZones": []}');
    expect(r.kind === 'error' && r.problems[0]?.message).toMatch(
      /expected "ResourceRecordSets".*or "Changes"/,
    );
    expect(parseRoute53Json('  \n').kind).toBe('empty');
    expect(parseRoute53Json('42').kind).toBe('error');
  });
});
