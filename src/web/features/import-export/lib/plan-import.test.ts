import { describe, expect, it } from 'vitest';
import batchText from '../../../../../e2e/fixtures/route53-change-batch.json?raw';
import listingText from '../../../../../e2e/fixtures/route53-list-resource-record-sets.json?raw';
import { planChangeBatch } from '../../../../engine/change-batch';
import { normalizeRecordSet } from '../../../../engine/names';
import type { ResourceRecordSet } from '../../../../engine/types';
import { exportChangeBatch, exportListing } from './export-zone';
import { parseRoute53Json } from './parse-route53-json';
import { planImport } from './plan-import';

const listing = parseRoute53Json(listingText);
const batch = parseRoute53Json(batchText);
if (listing.kind !== 'listing' || batch.kind !== 'batch') throw new Error('samples did not parse');
const ZONE = 'shop.example.net';
const stored = listing.records.map(normalizeRecordSet);
const noApex = stored.filter((r) => r.Type !== 'NS' && r.Type !== 'SOA');

describe('planImport', () => {
  it('a listing into an empty zone adds every set but the apex NS/SOA, and is valid', () => {
    const plan = planImport(ZONE, [], listing, { deleteMissing: false, comment: 'Import' });
    expect(plan.errors).toEqual([]);
    expect(plan.diff.added).toHaveLength(8);
    expect(plan.batch?.Comment).toBe('Import');
    expect(plan.batch?.Changes.every((c) => c.Action === 'UPSERT')).toBe(true);
  });

  it('the same listing again changes nothing', () => {
    const plan = planImport(ZONE, noApex, listing, { deleteMissing: false });
    expect(plan.batch).toBeNull();
    expect(plan.diff.unchanged).toHaveLength(8);
  });

  it('a set missing from the file stays unless asked, then is deleted', () => {
    const extra: ResourceRecordSet = {
      Name: 'old.shop.example.net.',
      Type: 'A',
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.99' }],
    };
    const keep = planImport(ZONE, [...noApex, extra], listing, { deleteMissing: false });
    expect(keep.batch).toBeNull();
    expect(keep.kept).toBe(1);
    const del = planImport(ZONE, [...noApex, extra], listing, { deleteMissing: true });
    expect(del.diff.removed.map((r) => r.Name)).toEqual(['old.shop.example.net.']);
    expect(del.batch?.Changes).toEqual([{ Action: 'DELETE', ResourceRecordSet: extra }]);
  });

  it('the sample change batch against the imported zone: one added, one changed, one deleted', () => {
    const plan = planImport(ZONE, noApex, batch, { deleteMissing: false });
    expect(plan.errors).toEqual([]);
    expect(plan.diff.added.map((r) => r.SetIdentifier)).toEqual(['singapore']);
    expect(
      plan.diff.changed.map((c) => [c.before.ResourceRecords, c.after.ResourceRecords]),
    ).toEqual([
      [[{ Value: '203.0.113.21' }], [{ Value: '203.0.113.22' }, { Value: '203.0.113.23' }]],
    ]);
    expect(plan.diff.removed.map((r) => r.SetIdentifier)).toEqual(['tokyo']);
  });

  it('the change batch against an empty zone fails on the DELETE, naming the change', () => {
    const plan = planImport(ZONE, [], batch, { deleteMissing: false });
    expect(plan.errors.map((e) => e.change)).toContain(2);
  });

  it('a listing of another zone is refused record by record', () => {
    const plan = planImport('example.com', [], listing, { deleteMissing: false });
    expect(plan.errors.length).toBeGreaterThanOrEqual(8);
  });
});

describe('export', () => {
  it('the listing export is list-resource-record-sets JSON that parses back to the same sets', () => {
    const back = parseRoute53Json(exportListing(stored));
    expect(back.kind === 'listing' && back.records).toEqual(stored);
  });

  it('the change-batch export upserts every set but the apex NS/SOA and is valid on an empty zone', () => {
    const b = exportChangeBatch(stored, ZONE);
    expect(b.Changes).toHaveLength(8);
    expect(b.Changes.every((c) => c.Action === 'UPSERT')).toBe(true);
    expect(planChangeBatch(ZONE, b, () => []).ok).toBe(true);
  });
});
