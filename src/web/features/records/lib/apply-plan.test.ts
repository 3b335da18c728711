import { describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from '../../../../engine/types';
import { applyBatchOptimistically, existingLookup } from './apply-plan';

const rec = (setId: string, value: string): ResourceRecordSet => ({
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: setId,
  Region: setId === 'oregon' ? 'us-west-2' : 'ap-southeast-1',
  TTL: 60,
  ResourceRecords: [{ Value: value }],
});

describe('applyBatchOptimistically', () => {
  const current = [rec('oregon', '192.0.2.10'), rec('singapore', '192.0.2.20')];

  it('replaces on UPSERT, removes on DELETE, adds on CREATE with the name normalised', () => {
    const next = applyBatchOptimistically(current, {
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: { ...rec('oregon', '192.0.2.11'), Name: 'APP.example.com' },
        },
        { Action: 'DELETE', ResourceRecordSet: rec('singapore', '192.0.2.20') },
        {
          Action: 'CREATE',
          ResourceRecordSet: { ...rec('tokyo', '192.0.2.30'), Name: 'app.example.com' },
        },
      ],
    });
    expect(next.map((r) => [r.Name, r.SetIdentifier, r.ResourceRecords?.[0]?.Value])).toEqual([
      ['app.example.com.', 'oregon', '192.0.2.11'],
      ['app.example.com.', 'tokyo', '192.0.2.30'],
    ]);
    expect(current).toHaveLength(2);
  });

  it('existingLookup finds sets by name in any form', () => {
    const find = existingLookup(current);
    expect(find('App.Example.com', 'A')).toHaveLength(2);
    expect(find('app.example.com.', 'AAAA')).toEqual([]);
  });
});
