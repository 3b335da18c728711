import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerQuery, setsForName } from './answer';
import type { ClientLocation, ResourceRecordSet } from './types';

const { ResourceRecordSets: SAMPLE } = JSON.parse(
  readFileSync(
    new URL('../../e2e/fixtures/route53-list-resource-record-sets.json', import.meta.url),
    'utf8',
  ),
) as { ResourceRecordSets: ResourceRecordSet[] };
const ZONE = 'shop.example.net.';

const at = (lat: number, lon: number, label: string): ClientLocation => ({
  lat,
  lon,
  label,
  source: 'coordinates',
});
const BERLIN = at(52.52, 13.4, 'Berlin');
const NEW_YORK = at(40.71, -74.01, 'New York');
const SEOUL = at(37.57, 126.98, 'Seoul');
const LIMA = at(-12.05, -77.04, 'Lima');
const PERTH = at(-31.95, 115.86, 'Perth');

const ask = (
  name: string,
  type: string,
  client = BERLIN,
  isHealthy?: (r: ResourceRecordSet) => boolean,
) =>
  answerQuery({
    zoneName: ZONE,
    name,
    type,
    recordSets: SAMPLE,
    client,
    ...(isHealthy ? { isHealthy } : {}),
  });

describe('answerQuery on the sample zone', () => {
  it.each([
    [
      'latency A from Berlin → frankfurt',
      'www.shop.example.net',
      'A',
      BERLIN,
      ['203.0.113.21'],
      'frankfurt',
    ],
    [
      'latency A from New York → virginia (both values)',
      'www.shop.example.net.',
      'A',
      NEW_YORK,
      ['198.51.100.11', '198.51.100.12'],
      'virginia',
    ],
    ['latency A from Seoul → tokyo', 'WWW.shop.example.net', 'A', SEOUL, ['192.0.2.31'], 'tokyo'],
    [
      'latency AAAA has one region only',
      'www.shop.example.net',
      'AAAA',
      SEOUL,
      ['2001:db8:10::11'],
      'virginia-v6',
    ],
    [
      'latency alias from Lima → São Paulo ALB',
      'api.shop.example.net',
      'A',
      LIMA,
      ['dualstack.api-alb-987654321.sa-east-1.elb.amazonaws.com.'],
      'saopaulo-alb',
    ],
    [
      'latency alias from Perth → Sydney ALB',
      'api.shop.example.net',
      'A',
      PERTH,
      ['dualstack.api-alb-123456789.ap-southeast-2.elb.amazonaws.com.'],
      'sydney-alb',
    ],
  ])('%s', (_label, name, type, client, data, setId) => {
    const a = ask(name, type, client);
    expect(a.ResponseCode).toBe('NOERROR');
    expect(a.RecordData).toEqual(data);
    expect(a.decision?.chosen?.setIdentifier).toBe(setId);
  });

  it.each([
    [
      'simple TXT at the apex keeps its quotes',
      'shop.example.net',
      'TXT',
      ['"v=spf1 include:_spf.example.net ~all"'],
    ],
    [
      'simple NS at the apex',
      'shop.example.net.',
      'NS',
      ['ns-1536.awsdns-00.co.uk.', 'ns-0.awsdns-00.com.'],
    ],
    [
      'wildcard CNAME answers an unknown name',
      'anything.shop.example.net',
      'CNAME',
      ['www.shop.example.net'],
    ],
    [
      'wildcard CNAME answers other types too',
      'deep.er.shop.example.net',
      'A',
      ['www.shop.example.net'],
    ],
    [
      'the wildcard name itself, escaped',
      '\\052.shop.example.net.',
      'CNAME',
      ['www.shop.example.net'],
    ],
    ['the wildcard name itself, as typed', '*.shop.example.net', 'TXT', ['www.shop.example.net']],
  ])('%s', (_label, name, type, data) => {
    const a = ask(name, type);
    expect(a).toEqual({ ResponseCode: 'NOERROR', RecordData: data, decision: null });
  });

  it('answers NOERROR with no data (NODATA) for a name that has other types only', () => {
    expect(ask('www.shop.example.net', 'MX')).toEqual({
      ResponseCode: 'NOERROR',
      RecordData: [],
      decision: null,
    });
    expect(ask('shop.example.net', 'A')).toEqual({
      ResponseCode: 'NOERROR',
      RecordData: [],
      decision: null,
    });
  });

  it('answers NXDOMAIN for a name with no sets and no wildcard, or outside the zone', () => {
    const noWildcard = SAMPLE.filter((r) => !r.Name.startsWith('\\052'));
    const nx = { ResponseCode: 'NXDOMAIN', RecordData: [], decision: null };
    expect(
      answerQuery({
        zoneName: ZONE,
        name: 'nope.shop.example.net',
        type: 'A',
        recordSets: noWildcard,
        client: BERLIN,
      }),
    ).toEqual(nx);
    expect(ask('www.example.org', 'A')).toEqual(nx);
  });

  it('falls back to the next region when the nearest is unhealthy', () => {
    const a = ask(
      'www.shop.example.net',
      'A',
      BERLIN,
      (r) => r.HealthCheckId !== '9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
    );
    expect(a.decision?.chosen?.setIdentifier).toBe('virginia');
    expect(a.decision?.candidates.find((c) => c.setIdentifier === 'frankfurt')?.healthy).toBe(
      false,
    );
  });

  it('routes a latency CNAME when another type is asked', () => {
    const sets: ResourceRecordSet[] = [
      {
        Name: 'cdn.shop.example.net.',
        Type: 'CNAME',
        SetIdentifier: 'eu',
        Region: 'eu-central-1',
        TTL: 60,
        ResourceRecords: [{ Value: 'eu.cdn.example.org' }],
      },
      {
        Name: 'cdn.shop.example.net.',
        Type: 'CNAME',
        SetIdentifier: 'us',
        Region: 'us-east-1',
        TTL: 60,
        ResourceRecords: [{ Value: 'us.cdn.example.org' }],
      },
    ];
    const a = answerQuery({
      zoneName: ZONE,
      name: 'cdn.shop.example.net',
      type: 'AAAA',
      recordSets: sets,
      client: NEW_YORK,
    });
    expect(a.RecordData).toEqual(['us.cdn.example.org']);
    expect(a.decision?.chosen?.region).toBe('us-east-1');
  });
});

describe('setsForName', () => {
  it('prefers an exact name over the wildcard and picks the closest wildcard', () => {
    const sets: ResourceRecordSet[] = [
      { Name: '\\052.shop.example.net.', Type: 'A' },
      { Name: '\\052.eu.shop.example.net.', Type: 'A' },
      { Name: 'x.eu.shop.example.net.', Type: 'A' },
    ];
    const names = (n: string) => setsForName(ZONE, n, sets).map((r) => r.Name);
    expect(names('x.eu.shop.example.net')).toEqual(['x.eu.shop.example.net.']);
    expect(names('y.eu.shop.example.net')).toEqual(['\\052.eu.shop.example.net.']);
    expect(names('y.us.shop.example.net')).toEqual(['\\052.shop.example.net.']);
    expect(names('shop.example.net')).toEqual([]);
  });
});
