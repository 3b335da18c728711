import { describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from '../../../../engine/types';
import { addToDraft, draftBatch, draftMarks, zoneWithDraft } from './draft';
import { validateDraft } from './validate-draft';

const zone = 'example.com';
const oregon: ResourceRecordSet = {
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: 'oregon',
  Region: 'us-west-2',
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.10' }],
};
const singapore: ResourceRecordSet = {
  ...oregon,
  SetIdentifier: 'singapore',
  Region: 'ap-southeast-1',
  ResourceRecords: [{ Value: '192.0.2.20' }],
};
const tokyo: ResourceRecordSet = {
  ...oregon,
  SetIdentifier: 'tokyo',
  Region: 'ap-northeast-1',
  ResourceRecords: [{ Value: '192.0.2.30' }],
};
const live = [oregon, singapore];

function ids() {
  let n = 0;
  return () => ++n;
}

describe('drafts', () => {
  it('folds edits of a set the draft already touches', () => {
    const next = ids();
    let d = addToDraft([], [{ Action: 'CREATE', ResourceRecordSet: tokyo }], next);
    const tokyo2 = { ...tokyo, TTL: 120 };
    d = addToDraft(d, [{ Action: 'UPSERT', ResourceRecordSet: tokyo2 }], next);
    expect(d).toEqual([{ id: 1, change: { Action: 'CREATE', ResourceRecordSet: tokyo2 } }]);
    d = addToDraft(d, [{ Action: 'DELETE', ResourceRecordSet: singapore }], next);
    d = addToDraft(d, [{ Action: 'DELETE', ResourceRecordSet: tokyo2 }], next);
    expect(d.map((e) => e.change.Action)).toEqual(['DELETE']);
    expect(draftBatch(d, '  Retire Singapore ')).toEqual({
      Comment: 'Retire Singapore',
      Changes: [{ Action: 'DELETE', ResourceRecordSet: singapore }],
    });
  });

  it('shows the zone as drafted and marks the touched sets', () => {
    const d = addToDraft(
      [],
      [
        { Action: 'DELETE', ResourceRecordSet: singapore },
        { Action: 'CREATE', ResourceRecordSet: tokyo },
      ],
      ids(),
    );
    expect(zoneWithDraft(live, d).map((r) => r.SetIdentifier)).toEqual(['oregon', 'tokyo']);
    expect([...draftMarks(d).values()]).toEqual(['DELETE', 'CREATE']);
  });

  it('validates the whole draft in order and pins errors to entries', () => {
    const next = ids();
    const ok = addToDraft([], [{ Action: 'DELETE', ResourceRecordSet: singapore }], next);
    expect(validateDraft(zone, live, ok).size).toBe(0);
    // A second record in us-west-2 is refused, on that entry.
    const bad = addToDraft(
      ok,
      [{ Action: 'CREATE', ResourceRecordSet: { ...tokyo, Region: 'us-west-2' } }],
      next,
    );
    const errors = validateDraft(zone, live, bad);
    expect([...errors.keys()]).toEqual([2]);
    expect(errors.get(2)?.[0]?.field).toMatch(/Region/);
  });
});
