import { describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from '../../engine/types';
import {
  countDiff,
  describeRecordSet,
  diffRowsFromHistory,
  diffRowsFromPlan,
  recordValuesText,
} from './record-diff';

const oregon: ResourceRecordSet = {
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: 'oregon',
  Region: 'us-west-2',
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.10' }],
};
const oregon2 = { ...oregon, ResourceRecords: [{ Value: '192.0.2.11' }] };
const singapore: ResourceRecordSet = {
  ...oregon,
  SetIdentifier: 'singapore',
  Region: 'ap-southeast-1',
  ResourceRecords: [{ Value: '192.0.2.20' }],
};

describe('record diffs', () => {
  it('classifies a planned batch record by record', () => {
    const rows = diffRowsFromPlan([
      { action: 'DELETE', before: singapore, after: null },
      { action: 'UPSERT', before: oregon, after: oregon2 },
      { action: 'UPSERT', before: oregon2, after: oregon2 },
      { action: 'CREATE', before: null, after: singapore },
    ]);
    expect(rows.map((r) => r.kind)).toEqual(['removed', 'changed', 'unchanged', 'added']);
    expect(countDiff(rows)).toEqual({ added: 1, changed: 1, removed: 1, unchanged: 1 });
  });

  it('replays history so an UPSERT shows the set the batch before left', () => {
    // Newest first, as GET /api/zones/:id/changes lists them.
    const rows = diffRowsFromHistory([
      { Changes: [{ Action: 'DELETE', ResourceRecordSet: singapore }] },
      { Changes: [{ Action: 'UPSERT', ResourceRecordSet: oregon2 }] },
      {
        Changes: [
          { Action: 'CREATE', ResourceRecordSet: oregon },
          { Action: 'CREATE', ResourceRecordSet: singapore },
        ],
      },
    ]);
    expect(rows[2]?.map((r) => r.kind)).toEqual(['added', 'added']);
    expect(rows[1]).toEqual([{ kind: 'changed', before: oregon, after: oregon2 }]);
    expect(rows[0]).toEqual([{ kind: 'removed', before: singapore, after: null }]);
  });

  it('leaves before empty for an UPSERT of a set older than the listed history', () => {
    const [rows] = diffRowsFromHistory([
      { Changes: [{ Action: 'UPSERT', ResourceRecordSet: oregon2 }] },
    ]);
    expect(rows).toEqual([{ kind: 'changed', before: null, after: oregon2 }]);
  });

  it('describes a set and its values in one line', () => {
    expect(describeRecordSet(singapore)).toBe('app.example.com A · singapore · ap-southeast-1');
    expect(recordValuesText({ ...oregon, HealthCheckId: 'hc-1' })).toBe(
      '192.0.2.10 (TTL 60, health hc-1)',
    );
  });
});
