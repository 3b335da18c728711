import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apexRecordSets } from './apex-records';
import { planChangeBatch } from './change-batch';
import { batchFromListing, diffRecordSets, sortRecordSets } from './listing';
import { normalizeRecordSet } from './names';
import type { ResourceRecordSet } from './types';

const SAMPLE = JSON.parse(
  readFileSync(
    new URL('../../e2e/fixtures/route53-list-resource-record-sets.json', import.meta.url),
    'utf8',
  ),
) as { ResourceRecordSets: ResourceRecordSet[] };
const listing = SAMPLE.ResourceRecordSets;
const ZONE = 'shop.example.net.';
const EMPTY_ZONE_APEX: ResourceRecordSet[] = listing.filter(
  (r) => r.Name === ZONE && (r.Type === 'NS' || r.Type === 'SOA'),
);

const summary = (changes: { Action: string; ResourceRecordSet: ResourceRecordSet }[]) =>
  changes.map((c) =>
    `${c.Action} ${c.ResourceRecordSet.Name} ${c.ResourceRecordSet.Type} ${c.ResourceRecordSet.SetIdentifier ?? ''}`.trim(),
  );

describe('batchFromListing on the sample listing', () => {
  it('into an empty zone: UPSERTs everything except the apex NS and SOA', () => {
    const batch = batchFromListing([], listing);
    expect(summary(batch.Changes)).toEqual([
      'UPSERT shop.example.net. TXT',
      'UPSERT \\052.shop.example.net. CNAME',
      'UPSERT api.shop.example.net. A saopaulo-alb',
      'UPSERT api.shop.example.net. A sydney-alb',
      'UPSERT www.shop.example.net. A frankfurt',
      'UPSERT www.shop.example.net. A tokyo',
      'UPSERT www.shop.example.net. A virginia',
      'UPSERT www.shop.example.net. AAAA virginia-v6',
    ]);
  });

  it('produces a batch that the planner accepts against a zone holding only its apex', () => {
    const stored = EMPTY_ZONE_APEX.map(normalizeRecordSet);
    const batch = batchFromListing(stored, listing, { zoneName: ZONE, deleteMissing: true });
    const r = planChangeBatch(ZONE, batch, (name, type) =>
      stored.filter((s) => s.Name === name && s.Type === type),
    );
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it('against a partially equal zone: only new and changed sets, DELETEs first when asked', () => {
    const current: ResourceRecordSet[] = listing
      // tokyo, the AAAA and the TXT are missing from the zone: added
      .filter((r) => r.SetIdentifier !== 'tokyo' && r.Type !== 'AAAA' && r.Type !== 'TXT')
      // frankfurt is stored with an old address: changed
      .map((r) =>
        r.SetIdentifier === 'frankfurt'
          ? { ...r, ResourceRecords: [{ Value: '203.0.113.99' }] }
          : r,
      )
      // and the zone holds a set the listing does not have: removed
      .concat({
        Name: 'old.shop.example.net.',
        Type: 'A',
        TTL: 60,
        ResourceRecords: [{ Value: '192.0.2.99' }],
      });

    const diff = diffRecordSets(current, listing);
    expect(diff.changed.map((c) => c.after.SetIdentifier)).toEqual(['frankfurt']);
    expect(summary(batchFromListing(current, listing).Changes)).toEqual([
      'UPSERT shop.example.net. TXT',
      'UPSERT www.shop.example.net. A frankfurt',
      'UPSERT www.shop.example.net. A tokyo',
      'UPSERT www.shop.example.net. AAAA virginia-v6',
    ]);
    expect(summary(batchFromListing(current, listing, { deleteMissing: true }).Changes)).toEqual([
      'DELETE old.shop.example.net. A',
      'UPSERT shop.example.net. TXT',
      'UPSERT www.shop.example.net. A frankfurt',
      'UPSERT www.shop.example.net. A tokyo',
      'UPSERT www.shop.example.net. AAAA virginia-v6',
    ]);
  });

  it('is empty when the zone already equals the listing (values in any order, names in any form)', () => {
    const same = listing.map((r) => ({
      ...r,
      Name: r.Name.replace(/\.$/, '').toUpperCase(),
      ...(r.ResourceRecords ? { ResourceRecords: [...r.ResourceRecords].reverse() } : {}),
    }));
    expect(batchFromListing(same, listing, { deleteMissing: true }).Changes).toEqual([]);
  });

  it('never deletes the apex NS and SOA, even with deleteMissing', () => {
    const batch = batchFromListing(listing, [], { deleteMissing: true, comment: 'wipe' });
    expect(batch.Comment).toBe('wipe');
    expect(batch.Changes).toHaveLength(listing.length - 2);
    expect(batch.Changes.every((c) => c.Action === 'DELETE')).toBe(true);
    expect(
      batch.Changes.some(
        (c) => c.ResourceRecordSet.Type === 'SOA' || c.ResourceRecordSet.Type === 'NS',
      ),
    ).toBe(false);
  });
});

describe('batchFromListing keeps the zone its own apex', () => {
  const ownApex = apexRecordSets('shop.example.net');

  it('keeps the zone’s NS and SOA when the file brings other ones for the same apex', () => {
    const batch = batchFromListing(ownApex, listing, { zoneName: ZONE, deleteMissing: true });
    expect(summary(batch.Changes)).not.toContain('UPSERT shop.example.net. NS');
    expect(summary(batch.Changes)).not.toContain('UPSERT shop.example.net. SOA');
    expect(batch.Changes).toHaveLength(listing.length - 2);
  });

  it('never takes the apex NS and SOA of another zone’s listing', () => {
    const other: ResourceRecordSet[] = [
      ...apexRecordSets('other.example', ['ns-9.awsdns-01.net']),
      { Name: 'www.other.example.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] },
    ];
    const batch = batchFromListing(ownApex, other, { zoneName: ZONE });
    expect(summary(batch.Changes)).toEqual(['UPSERT www.other.example. A']);
  });

  it('leaves a delegation (NS below the apex) to the import like any other set', () => {
    const delegation: ResourceRecordSet = {
      Name: 'eu.shop.example.net.',
      Type: 'NS',
      TTL: 3600,
      ResourceRecords: [{ Value: 'ns1.eu.example.' }],
    };
    const batch = batchFromListing(ownApex, [...ownApex, delegation], { zoneName: ZONE });
    expect(summary(batch.Changes)).toEqual(['UPSERT eu.shop.example.net. NS']);
  });
});

describe('diffRecordSets', () => {
  it('sorts sets into added, removed, changed and unchanged', () => {
    const [ns, soa, txt, cname] = listing as [
      ResourceRecordSet,
      ResourceRecordSet,
      ResourceRecordSet,
      ResourceRecordSet,
    ];
    const d = diffRecordSets([ns, soa, txt], [ns, { ...soa, TTL: 60 }, cname]);
    expect(d.unchanged).toEqual([ns]);
    expect(d.changed).toEqual([{ before: soa, after: { ...soa, TTL: 60 } }]);
    expect(d.added).toEqual([cname]);
    expect(d.removed).toEqual([txt]);
  });
});

describe('sortRecordSets', () => {
  it('orders by reversed-label name, then type, then set id (Route 53 listing order)', () => {
    const names = sortRecordSets([...listing].reverse()).map((r) =>
      `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`.trim(),
    );
    expect(names).toEqual([
      'shop.example.net. NS',
      'shop.example.net. SOA',
      'shop.example.net. TXT',
      '\\052.shop.example.net. CNAME',
      'api.shop.example.net. A saopaulo-alb',
      'api.shop.example.net. A sydney-alb',
      'www.shop.example.net. A frankfurt',
      'www.shop.example.net. A tokyo',
      'www.shop.example.net. A virginia',
      'www.shop.example.net. AAAA virginia-v6',
    ]);
  });

  it('puts a parent before its children and compares labels from the right', () => {
    const mk = (Name: string): ResourceRecordSet => ({ Name, Type: 'A' });
    expect(
      sortRecordSets([
        mk('b.a.example.com.'),
        mk('a.b.example.com.'),
        mk('a.example.com.'),
        mk('example.com.'),
      ]).map((r) => r.Name),
    ).toEqual(['example.com.', 'a.example.com.', 'b.a.example.com.', 'a.b.example.com.']);
  });

  it('does not modify its input', () => {
    const copy = [...listing];
    sortRecordSets(listing);
    expect(listing).toEqual(copy);
  });
});
