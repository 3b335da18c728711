import { describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from '../../../../engine/types';
import { groupRecordSets, latencySetsOf, relativeName } from './record-groups';

const a = (name: string, setId?: string, region?: string, type = 'A'): ResourceRecordSet => ({
  Name: name,
  Type: type,
  ...(setId ? { SetIdentifier: setId, Region: region } : {}),
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.1' }],
});

describe('relativeName', () => {
  it.each([
    ['app.example.com.', 'example.com', 'app'],
    ['example.com.', 'example.com', '@'],
    ['\\052.example.com.', 'example.com', '*'],
    ['a.b.example.com.', 'example.com.', 'a.b'],
    ['other.org.', 'example.com', 'other.org'],
  ])('%s in %s → %s', (name, zone, rel) => {
    expect(relativeName(name, zone)).toBe(rel);
  });
});

describe('groupRecordSets', () => {
  const records = [
    a('www.example.com.', 'tokyo', 'ap-northeast-1'),
    a('api.example.com.', 'virginia', 'us-east-1'),
    a('www.example.com.', 'oregon', 'us-west-2'),
    a('example.com.', undefined, undefined, 'TXT'),
    a('www.example.com.', 'v6', 'us-east-1', 'AAAA'),
    a('API.example.com', 'ireland', 'eu-west-1'),
  ];

  it('groups by name and type, counts regions, and sorts apex first then by name and type', () => {
    expect(
      groupRecordSets(records, 'example.com').map((g) => [
        g.relative,
        g.type,
        g.latencyCount,
        g.regions.join(','),
      ]),
    ).toEqual([
      ['@', 'TXT', 0, ''],
      ['api', 'A', 2, 'eu-west-1,us-east-1'],
      ['www', 'A', 2, 'ap-northeast-1,us-west-2'],
      ['www', 'AAAA', 1, 'us-east-1'],
    ]);
  });

  it('latencySetsOf picks the latency sets of one name and type, name in any form', () => {
    expect(latencySetsOf(records, 'www.example.com', 'A').map((r) => r.SetIdentifier)).toEqual([
      'tokyo',
      'oregon',
    ]);
    expect(latencySetsOf(records, 'example.com.', 'TXT')).toEqual([]);
  });
});
