import { describe, expect, it } from 'vitest';
import batchText from '../../../../../e2e/fixtures/route53-change-batch.json?raw';
import listingText from '../../../../../e2e/fixtures/route53-list-resource-record-sets.json?raw';
import { apexRecordSets, withSoaSerial } from '../../../../engine/apex-records';
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
/** The zone as latency-atlas holds it: its own apex NS and SOA (not the file's) and the rest. */
const ownApex = apexRecordSets(ZONE);
const imported = [...ownApex, ...noApex];
const isApex = (r: ResourceRecordSet, zone: string) =>
  (r.Type === 'NS' || r.Type === 'SOA') && r.Name === `${zone}.`;

describe('planImport', () => {
  it('a listing into a new zone adds every set but the apex NS/SOA, and is valid', () => {
    const plan = planImport(ZONE, ownApex, listing, { deleteMissing: false, comment: 'Import' });
    expect(plan.errors).toEqual([]);
    expect(plan.diff.added).toHaveLength(8);
    expect(plan.batch?.Comment).toBe('Import');
    expect(plan.batch?.Changes.every((c) => c.Action === 'UPSERT')).toBe(true);
  });

  it('the same listing again changes nothing, though its NS and SOA differ from the zone’s', () => {
    for (const deleteMissing of [false, true]) {
      const plan = planImport(ZONE, imported, listing, { deleteMissing });
      expect(plan.batch).toBeNull();
      expect(plan.kept).toBe(0);
      expect(plan.diff.unchanged).toHaveLength(10);
    }
  });

  it('an exported listing of the zone imports back without touching its apex', () => {
    // What the listing export gives for a zone whose serial has moved on since.
    const later = imported.map((r) =>
      r.Type === 'SOA'
        ? {
            ...r,
            ResourceRecords: [{ Value: withSoaSerial(r.ResourceRecords?.[0]?.Value ?? '', 9) }],
          }
        : r,
    );
    const file = parseRoute53Json(exportListing(later));
    if (file.kind !== 'listing') throw new Error('export did not parse');
    const plan = planImport(ZONE, imported, file, { deleteMissing: true });
    expect(plan.batch).toBeNull();
  });

  it('never applies another zone’s apex NS and SOA', () => {
    const other = planImport('example.com', apexRecordSets('example.com'), listing, {
      deleteMissing: true,
    });
    expect(other.batch?.Changes.some((c) => isApex(c.ResourceRecordSet, ZONE))).toBe(false);
    expect(other.batch?.Changes.some((c) => isApex(c.ResourceRecordSet, 'example.com'))).toBe(
      false,
    );
  });

  it('a set missing from the file stays unless asked, then is deleted', () => {
    const extra: ResourceRecordSet = {
      Name: 'old.shop.example.net.',
      Type: 'A',
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.99' }],
    };
    const keep = planImport(ZONE, [...imported, extra], listing, { deleteMissing: false });
    expect(keep.batch).toBeNull();
    expect(keep.kept).toBe(1);
    const del = planImport(ZONE, [...imported, extra], listing, { deleteMissing: true });
    expect(del.diff.removed.map((r) => r.Name)).toEqual(['old.shop.example.net.']);
    expect(del.batch?.Changes).toEqual([{ Action: 'DELETE', ResourceRecordSet: extra }]);
  });

  it('the sample change batch against the imported zone: one added, one changed, one deleted', () => {
    const plan = planImport(ZONE, imported, batch, { deleteMissing: false });
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
    const plan = planImport(ZONE, ownApex, batch, { deleteMissing: false });
    expect(plan.errors.map((e) => e.change)).toContain(2);
  });

  it('a listing of another zone is refused record by record', () => {
    const plan = planImport('example.com', apexRecordSets('example.com'), listing, {
      deleteMissing: false,
    });
    expect(plan.errors.length).toBeGreaterThanOrEqual(8);
    // Its apex NS and SOA are left out rather than refused.
    expect(plan.batch?.Changes).toHaveLength(8);
  });
});

describe('export', () => {
  it('the listing export is list-resource-record-sets JSON that parses back to the same sets', () => {
    const back = parseRoute53Json(exportListing(stored));
    expect(back.kind === 'listing' && back.records).toEqual(stored);
  });

  it('the change-batch export upserts every set but the apex NS/SOA and is valid on a new zone', () => {
    const b = exportChangeBatch(imported, ZONE);
    expect(b.Changes).toHaveLength(8);
    expect(b.Changes.every((c) => c.Action === 'UPSERT')).toBe(true);
    expect(b.Changes.some((c) => isApex(c.ResourceRecordSet, ZONE))).toBe(false);
    const lookup = (name: string, type: string) =>
      ownApex.filter((r) => r.Name === name && r.Type === type);
    expect(planChangeBatch(ZONE, b, lookup).ok).toBe(true);
    // The zone name may come with its trailing dot.
    expect(exportChangeBatch(imported, `${ZONE}.`).Changes).toHaveLength(8);
  });
});
