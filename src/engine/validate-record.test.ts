import { describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from './types';
import { validateRecordSet, validateRecordValue } from './validate-record';

const ZONE = 'example.com';
const LATENCY: ResourceRecordSet = {
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: 'oregon',
  Region: 'us-west-2',
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.10' }],
};
const ALIAS: ResourceRecordSet = {
  Name: 'api.example.com',
  Type: 'A',
  SetIdentifier: 'sydney-alb',
  Region: 'ap-southeast-2',
  AliasTarget: {
    HostedZoneId: 'Z1GM3OXH4ZPM65',
    DNSName: 'dualstack.api-alb-123456789.ap-southeast-2.elb.amazonaws.com.',
    EvaluateTargetHealth: true,
  },
};
const simple = (Type: string, ...values: string[]): ResourceRecordSet => ({
  Name: 'x.example.com',
  Type,
  TTL: 300,
  ResourceRecords: values.map((Value) => ({ Value })),
});
const long = (n: number) => 'a'.repeat(n);

describe('valid record sets pass', () => {
  it.each([
    ['a latency A record', LATENCY],
    ['a latency alias', ALIAS],
    [
      'a latency record with a health check',
      { ...LATENCY, HealthCheckId: '4a7b0c1e-5f2d-4e8a-9b3c-0d1e2f3a4b5c' },
    ],
    ['a wildcard CNAME', { ...simple('CNAME', 'www.example.com'), Name: '*.example.com' }],
    ['the escaped wildcard', { ...simple('TXT', '"x"'), Name: '\\052.shop.example.com.' }],
    ['the apex MX', { ...simple('MX', '10 mail.example.com.'), Name: 'example.com.' }],
    ['a 63-character label', { ...LATENCY, Name: `${long(63)}.example.com` }],
    ['a 128-character set id', { ...LATENCY, SetIdentifier: long(128) }],
    ['TTL 0', { ...LATENCY, TTL: 0 }],
    ['the largest TTL', { ...LATENCY, TTL: 2147483647 }],
    ['a latency record in a China region', { ...LATENCY, Region: 'cn-north-1' }],
    [
      'the apex SOA',
      {
        ...simple('SOA', 'ns-1.awsdns-00.com. hostmaster.example.com. 1 7200 900 1209600 86400'),
        Name: 'example.com',
      },
    ],
  ])('%s', (_label, r) => {
    expect(validateRecordSet(ZONE, r)).toEqual([]);
  });
});

describe('every rule, each error naming its field', () => {
  it.each<[string, ResourceRecordSet, string, string]>([
    ['missing name', { ...LATENCY, Name: '' }, 'Name', 'Name is required'],
    [
      'empty label',
      { ...LATENCY, Name: 'a..example.com' },
      'Name',
      '"a..example.com" has an empty label',
    ],
    [
      'label over 63',
      { ...LATENCY, Name: `${long(64)}.example.com` },
      'Name',
      'is 64 characters long; the maximum is 63',
    ],
    [
      'name over 255',
      { ...LATENCY, Name: `${Array.from({ length: 5 }, () => long(60)).join('.')}.example.com` },
      'Name',
      'characters long including the final dot; the maximum is 255',
    ],
    ['space in name', { ...LATENCY, Name: 'my app.example.com' }, 'Name', 'contains a space'],
    ['non-ASCII name', { ...LATENCY, Name: 'café.example.com' }, 'Name', 'punycode'],
    ['broken escape', { ...LATENCY, Name: 'a\\05.example.com' }, 'Name', 'broken escape'],
    [
      'outside the zone',
      { ...LATENCY, Name: 'app.example.org' },
      'Name',
      '"app.example.org" is not in zone example.com.',
    ],
    [
      'look-alike zone',
      { ...LATENCY, Name: 'app.badexample.com' },
      'Name',
      'is not in zone example.com.',
    ],
    [
      'CNAME at the apex',
      { ...simple('CNAME', 'x.example.net'), Name: 'example.com' },
      'Name',
      "a CNAME can't be at the zone apex",
    ],
    [
      'SOA below the apex',
      simple('SOA', 'a. b. 1 2 3 4 5'),
      'Name',
      'SOA records can only be at the zone apex',
    ],
    [
      'wildcard NS',
      { ...simple('NS', 'ns1.example.net'), Name: '*.example.com' },
      'Name',
      "NS records can't have a wildcard name",
    ],
    ['missing type', { ...LATENCY, Type: '' }, 'Type', 'Type is required'],
    [
      'unknown type',
      { ...LATENCY, Type: 'AXFR' },
      'Type',
      '"AXFR" is not a record type Route 53 supports',
    ],
    ['lower-case type', { ...LATENCY, Type: 'a' }, 'Type', '"a" is not a record type'],
    [
      'latency NS',
      { ...LATENCY, Type: 'NS', ResourceRecords: [{ Value: 'ns.example.net' }] },
      'Type',
      "NS records can't use latency routing",
    ],
    [
      'latency SOA',
      {
        ...LATENCY,
        Name: 'example.com',
        Type: 'SOA',
        ResourceRecords: [{ Value: 'a. b. 1 2 3 4 5' }],
      },
      'Type',
      "SOA records can't use latency routing",
    ],
    [
      'empty set id',
      { ...LATENCY, SetIdentifier: '' },
      'SetIdentifier',
      'SetIdentifier "" must be 1–128 characters',
    ],
    [
      'set id over 128',
      { ...LATENCY, SetIdentifier: long(129) },
      'SetIdentifier',
      'must be 1–128 characters',
    ],
    [
      'region without set id',
      { ...LATENCY, SetIdentifier: undefined },
      'SetIdentifier',
      'SetIdentifier is required with Region',
    ],
    [
      'set id without region',
      { ...LATENCY, Region: undefined },
      'Region',
      'Region is required with SetIdentifier "oregon"',
    ],
    [
      'unknown region',
      { ...LATENCY, Region: 'us-east-9' },
      'Region',
      '"us-east-9" is not an AWS region that can hold a latency record',
    ],
    [
      'weighted routing',
      { ...LATENCY, Weight: 10 } as ResourceRecordSet,
      'Weight',
      'Weight routing is not supported',
    ],
    [
      'missing TTL',
      { ...LATENCY, TTL: undefined },
      'TTL',
      'TTL is required (or give an AliasTarget)',
    ],
    [
      'negative TTL',
      { ...LATENCY, TTL: -1 },
      'TTL',
      'TTL -1 must be a whole number of seconds from 0 to 2147483647',
    ],
    ['fractional TTL', { ...LATENCY, TTL: 1.5 }, 'TTL', 'TTL 1.5 must be a whole number'],
    [
      'TTL too large',
      { ...LATENCY, TTL: 2147483648 },
      'TTL',
      'TTL 2147483648 must be a whole number',
    ],
    [
      'TTL as a string',
      { ...LATENCY, TTL: '60' as unknown as number },
      'TTL',
      'TTL "60" must be a whole number',
    ],
    [
      'no values',
      { ...LATENCY, ResourceRecords: [] },
      'ResourceRecords',
      'at least one value is required',
    ],
    [
      'values missing',
      { ...LATENCY, ResourceRecords: undefined },
      'ResourceRecords',
      'at least one value is required',
    ],
    [
      'two CNAME values',
      simple('CNAME', 'a.example.net', 'b.example.net'),
      'ResourceRecords',
      'a CNAME record has exactly one value, not 2',
    ],
    [
      'duplicate value',
      simple('A', '192.0.2.1', '192.0.2.1'),
      'ResourceRecords[1].Value',
      '"192.0.2.1" is listed twice',
    ],
    [
      'value not an object',
      { ...LATENCY, ResourceRecords: ['192.0.2.1'] as unknown as { Value: string }[] },
      'ResourceRecords[0].Value',
      'each value must be {"Value": "..."}',
    ],
    [
      'bad A value',
      simple('A', '192.0.2.1', '999.1.1.1'),
      'ResourceRecords[1].Value',
      '"999.1.1.1" is not a valid IPv4 address',
    ],
    [
      'bad health check id',
      { ...LATENCY, HealthCheckId: 'not valid!' },
      'HealthCheckId',
      '"not valid!" is not a health check id',
    ],
    [
      'health check id over 64',
      { ...LATENCY, HealthCheckId: long(65) },
      'HealthCheckId',
      'is not a health check id',
    ],
    ['alias with TTL', { ...ALIAS, TTL: 60 }, 'TTL', 'TTL is not allowed with AliasTarget'],
    [
      'alias with values',
      { ...ALIAS, ResourceRecords: [{ Value: '192.0.2.1' }] },
      'ResourceRecords',
      'ResourceRecords are not allowed with AliasTarget',
    ],
    [
      'alias without zone id',
      {
        ...ALIAS,
        AliasTarget: { HostedZoneId: '', DNSName: 'a.example.net', EvaluateTargetHealth: false },
      },
      'AliasTarget.HostedZoneId',
      '"" is not a hosted zone id',
    ],
    [
      'alias with a bad DNS name',
      {
        ...ALIAS,
        AliasTarget: { HostedZoneId: 'Z1', DNSName: 'bad name', EvaluateTargetHealth: false },
      },
      'AliasTarget.DNSName',
      '"bad name" is not a valid domain name',
    ],
    [
      'alias without EvaluateTargetHealth',
      {
        ...ALIAS,
        AliasTarget: {
          HostedZoneId: 'Z1',
          DNSName: 'a.example.net',
        } as ResourceRecordSet['AliasTarget'],
      },
      'AliasTarget.EvaluateTargetHealth',
      'EvaluateTargetHealth must be true or false',
    ],
    [
      'NS alias',
      { ...ALIAS, SetIdentifier: undefined, Region: undefined, Type: 'NS' },
      'Type',
      "NS records can't be aliases",
    ],
  ])('%s', (_label, r, field, message) => {
    const errors = validateRecordSet(ZONE, r);
    const hit = errors.find((e) => e.field === `ResourceRecordSet.${field}`);
    expect(hit, JSON.stringify(errors)).toBeDefined();
    expect(hit?.message).toContain(message);
  });

  it('reports every problem of a record, not just the first', () => {
    const errors = validateRecordSet(ZONE, {
      Name: 'app.example.org',
      Type: 'A',
      Region: 'mars-1',
      TTL: -5,
      ResourceRecords: [{ Value: '1.2.3' }],
    });
    expect(errors.map((e) => e.field)).toEqual([
      'ResourceRecordSet.Name',
      'ResourceRecordSet.Region',
      'ResourceRecordSet.SetIdentifier',
      'ResourceRecordSet.TTL',
      'ResourceRecordSet.ResourceRecords[0].Value',
    ]);
  });

  it('refuses to delete the zone apex SOA and NS', () => {
    const ns = { ...simple('NS', 'ns-1.awsdns-00.com.'), Name: 'example.com.' };
    expect(validateRecordSet(ZONE, ns, { action: 'DELETE' })).toEqual([
      {
        field: 'ResourceRecordSet.Type',
        message: "the zone's own NS record at example.com. can't be deleted",
      },
    ]);
    expect(validateRecordSet(ZONE, ns, { action: 'UPSERT' })).toEqual([]);
  });

  it('does not check value syntax on DELETE (it only has to match what is stored)', () => {
    expect(validateRecordSet(ZONE, simple('A', 'legacy'), { action: 'DELETE' })).toEqual([]);
    expect(validateRecordSet(ZONE, simple('A', 'legacy'), { action: 'CREATE' })).toHaveLength(1);
  });

  it('survives input that is not an object', () => {
    expect(validateRecordSet(ZONE, null as unknown as ResourceRecordSet)).toEqual([
      { field: 'ResourceRecordSet', message: 'ResourceRecordSet must be an object' },
    ]);
  });
});

describe('values per type', () => {
  it.each([
    ['A', '192.0.2.1'],
    ['AAAA', '2001:db8::1'],
    ['AAAA', '::ffff:192.0.2.1'],
    ['CNAME', 'www.example.com'],
    ['CNAME', 'www.example.com.'],
    ['PTR', 'host.example.com.'],
    ['NS', 'ns-1536.awsdns-00.co.uk.'],
    ['MX', '10 mail.example.com'],
    ['MX', '0 .'],
    ['SRV', '1 10 5269 xmpp-server.example.com.'],
    ['TXT', '"v=spf1 include:_spf.example.net ~all"'],
    ['TXT', '"part one" "part two"'],
    ['TXT', '"say \\"hi\\""'],
    ['TXT', `"${long(255)}"`],
    ['TXT', '"<img src=x onerror=alert(1)>"'],
    ['SPF', '"v=spf1 -all"'],
    ['CAA', '0 issue "amazon.com"'],
    ['CAA', '128 iodef "mailto:security@example.com"'],
    ['NAPTR', '100 50 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .'],
    ['SOA', 'ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'],
    ['DS', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118'],
    ['SSHFP', '1 1 123456789abcdef67890123456789abcdef67890'],
    ['TLSA', '3 1 1 0123456789abcdef'],
    ['HTTPS', '1 . alpn=h2,h3'],
    ['SVCB', '0 svc.example.com.'],
  ])('%s %j is valid', (type, value) => {
    expect(validateRecordValue(type, value)).toBeNull();
  });

  it.each([
    ['A', '999.1.1.1', '"999.1.1.1" is not a valid IPv4 address'],
    ['A', '2001:db8::1', 'is not a valid IPv4 address'],
    ['A', '192.0.2.01', 'is not a valid IPv4 address'],
    ['AAAA', '192.0.2.1', '"192.0.2.1" is not a valid IPv6 address'],
    ['AAAA', '2001:db8::zz', 'is not a valid IPv6 address'],
    ['CNAME', 'not a host', '"not a host" is not a valid domain name'],
    ['CNAME', 'a..b', 'is not a valid domain name'],
    ['CNAME', `${long(64)}.example.com`, 'is not a valid domain name'],
    ['MX', 'mail.example.com', 'expected "priority host"'],
    ['MX', '70000 mail.example.com', 'expected "priority host"'],
    ['SRV', '1 10 mail.example.com', 'expected "priority weight port host"'],
    ['SRV', '1 10 99999 mail.example.com', 'expected "priority weight port host"'],
    ['TXT', 'v=spf1 -all', 'enclose each string in double quotes'],
    ['TXT', '"unterminated', 'enclose each string in double quotes'],
    ['TXT', `"${long(256)}"`, 'is 256 characters long; the maximum per string is 255'],
    ['SPF', 'no quotes', 'is not a valid SPF value'],
    ['CAA', '0 issue amazon.com', 'expected \'flags tag "value"\''],
    ['CAA', '256 issue "amazon.com"', 'expected \'flags tag "value"\''],
    ['NAPTR', '100 50 u E2U+sip x .', 'is not a valid NAPTR value'],
    ['SOA', 'ns1.example.com. hostmaster.example.com. 1 2 3', 'is not a valid SOA value'],
    ['DS', '60485 5 1 XYZ', 'is not a valid DS value'],
    ['SSHFP', '1 1', 'is not a valid SSHFP value'],
    ['TLSA', '3 1 1 abc', 'is not a valid TLSA value'],
    ['HTTPS', 'x .', 'is not a valid HTTPS value'],
    ['A', '   ', 'Value is empty'],
    ['TXT', `"${long(4001)}"`, 'value is 4003 characters long; the maximum is 4000'],
  ])('%s %j: %s', (type, value, message) => {
    expect(validateRecordValue(type, value)).toContain(message);
  });
});
