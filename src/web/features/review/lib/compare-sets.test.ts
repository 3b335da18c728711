import { describe, expect, it } from 'vitest';
import type { PlannedChange } from '../../../../engine/change-batch';
import type { ResourceRecordSet } from '../../../../engine/types';
import { compareSets, touchedNames } from './compare-sets';

const a = (id: string, region: string, value: string): ResourceRecordSet => ({
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: id,
  Region: region,
  TTL: 60,
  ResourceRecords: [{ Value: value }],
});
const oregon = a('oregon', 'us-west-2', '192.0.2.10');
const singapore = a('singapore', 'ap-southeast-1', '192.0.2.20');
const txt: ResourceRecordSet = {
  Name: 'example.com.',
  Type: 'TXT',
  TTL: 300,
  ResourceRecords: [{ Value: '"v=1"' }],
};
const retire: PlannedChange[] = [
  { action: 'DELETE', before: singapore, after: null },
  { action: 'CREATE', before: null, after: txt },
];

describe('before/after sets of a proposal', () => {
  it('lists touched names, latency names first', () => {
    expect(touchedNames(retire)).toEqual([
      { name: 'app.example.com.', type: 'A', latency: true },
      { name: 'example.com.', type: 'TXT', latency: false },
    ]);
  });

  it('applies an open proposal forward from the zone as it is', () => {
    const { before, after } = compareSets(
      [oregon, singapore],
      retire,
      false,
      'app.example.com',
      'A',
    );
    expect(before.map((r) => r.SetIdentifier)).toEqual(['oregon', 'singapore']);
    expect(after.map((r) => r.SetIdentifier)).toEqual(['oregon']);
  });

  it('undoes an applied proposal backwards from the zone as it is', () => {
    const { before, after } = compareSets([oregon, txt], retire, true, 'app.example.com.', 'A');
    expect(before.map((r) => r.SetIdentifier).sort()).toEqual(['oregon', 'singapore']);
    expect(after.map((r) => r.SetIdentifier)).toEqual(['oregon']);
  });
});
