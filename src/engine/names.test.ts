import { describe, expect, it } from 'vitest';
import {
  decodeNameLabels,
  displayName,
  isInZone,
  normalizeName,
  normalizeRecordSet,
  recordSetKey,
  recordSetMismatch,
  recordSetsEqual,
} from './names';

describe('normalizeName', () => {
  it.each([
    ['www.example.com', 'www.example.com.'],
    ['www.example.com.', 'www.example.com.'],
    ['WWW.Example.COM', 'www.example.com.'],
    ['*.shop.example.net', '\\052.shop.example.net.'],
    ['\\052.shop.example.net.', '\\052.shop.example.net.'],
    ['_sip._tcp.example.com', '_sip._tcp.example.com.'],
    ['a-b.example.com', 'a-b.example.com.'],
    ['\\101pp.example.com', 'app.example.com.'], // \101 octal = "A", then lower-cased
    ['\\*.example.com', '\\052.example.com.'],
    ['odd!name.example.com', 'odd\\041name.example.com.'],
    ['', '.'],
    ['.', '.'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
    expect(normalizeName(expected)).toBe(expected); // idempotent
  });
});

describe('displayName', () => {
  it.each([
    ['\\052.shop.example.net.', '*.shop.example.net'],
    ['www.example.com.', 'www.example.com'],
    ['WWW.example.com', 'www.example.com'],
    ['odd\\041name.example.com.', 'odd!name.example.com'],
    ['dot\\056inside.example.com.', 'dot\\056inside.example.com'],
    ['.', '.'],
  ])('%j → %j', (input, expected) => {
    expect(displayName(input)).toBe(expected);
  });

  it.each([
    '\\052.shop.example.net.',
    'www.example.com.',
    'odd\\041name.example.com.',
    'dot\\056inside.example.com.',
    'x\\134y.example.com.',
  ])('round-trips %j through normalizeName', (name) => {
    expect(normalizeName(displayName(name))).toBe(name);
  });
});

describe('decodeNameLabels', () => {
  it('splits into raw labels and rejects broken escapes', () => {
    expect(decodeNameLabels('\\052.a.b.')).toEqual(['*', 'a', 'b']);
    expect(decodeNameLabels('a..b')).toEqual(['a', '', 'b']);
    expect(decodeNameLabels('a\\05')).toBeNull();
    expect(decodeNameLabels('a\\')).toBeNull();
    expect(decodeNameLabels('a\\777')).toBeNull();
  });
});

describe('isInZone', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['www.example.com.', 'example.com', true],
    ['a.b.EXAMPLE.com', 'example.com.', true],
    ['*.example.com', 'example.com', true],
    ['badexample.com', 'example.com', false],
    ['example.org', 'example.com', false],
    ['com', 'example.com', false],
  ])('%s in %s: %s', (name, zone, expected) => {
    expect(isInZone(name, zone)).toBe(expected);
  });
});

describe('record set identity and equality', () => {
  const a = {
    Name: 'WWW.example.com',
    Type: 'A',
    SetIdentifier: 'virginia',
    Region: 'us-east-1',
    TTL: 60,
    ResourceRecords: [{ Value: '192.0.2.1' }, { Value: '192.0.2.2' }],
  };

  it('keys by normalised name, type and set id', () => {
    expect(recordSetKey(a)).toBe('www.example.com.|A|virginia');
    expect(recordSetKey({ Name: 'example.com', Type: 'MX' })).toBe('example.com.|MX|');
  });

  it('compares values as a set, and names in any form', () => {
    const b = { ...a, Name: 'www.example.com.', ResourceRecords: [...a.ResourceRecords].reverse() };
    expect(recordSetsEqual(a, b)).toBe(true);
  });

  it.each([
    ['TTL', { TTL: 300 }],
    ['Region', { Region: 'us-east-2' }],
    ['ResourceRecords', { ResourceRecords: [{ Value: '192.0.2.1' }] }],
    ['HealthCheckId', { HealthCheckId: 'abc' }],
    ['SetIdentifier', { SetIdentifier: 'other' }],
  ])('names the first differing field: %s', (field, patch) => {
    expect(recordSetMismatch(a, { ...a, ...patch })).toBe(field);
  });

  it('normalises a set to stored form: name and alias target dotted, fields in order', () => {
    const r = normalizeRecordSet({
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'LB.example.net', EvaluateTargetHealth: false },
      Region: 'sa-east-1',
      SetIdentifier: 'sp',
      Type: 'A',
      Name: 'API.example.com',
    });
    expect(r).toEqual({
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: 'sp',
      Region: 'sa-east-1',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'lb.example.net.', EvaluateTargetHealth: false },
    });
    expect(Object.keys(r)).toEqual(['Name', 'Type', 'SetIdentifier', 'Region', 'AliasTarget']);
  });
});
