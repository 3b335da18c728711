import { describe, expect, it } from 'vitest';
import {
  getTestDnsAnswerQueryOptions,
  type PreviewQuery,
  previewQueryFromSearch,
  previewQueryToSearch,
  testDnsAnswerParams,
} from './get-test-dns-answer';

describe('preview state in the URL', () => {
  it('round-trips every field and leaves other parameters alone', () => {
    const q: PreviewQuery = {
      city: '2643743',
      cityLabel: 'London, GB',
      subnet: '81.2.69.0/24',
      resolver: '8.8.8.8',
      lat: 51.5,
      lon: -0.12,
      unhealthy: ['oregon', 'singapore'],
    };
    const params = new URLSearchParams('zone=Z1&name=app.example.com&type=A&ip=1.1.1.1');
    previewQueryToSearch(q, params);
    expect(params.get('zone')).toBe('Z1');
    expect(params.get('ip')).toBeNull();
    expect(params.get('fail')).toBe('oregon,singapore');
    expect(previewQueryFromSearch(new URLSearchParams(params.toString()))).toEqual(q);
  });

  it('ignores half or malformed coordinates', () => {
    expect(previewQueryFromSearch(new URLSearchParams('lat=51.5'))).toEqual({});
    expect(previewQueryFromSearch(new URLSearchParams('lat=x&lon=1'))).toEqual({});
  });
});

describe('testDnsAnswerParams', () => {
  it('uses Route 53 parameter names, splitting a subnet into address and mask', () => {
    const p = testDnsAnswerParams('app.example.com', 'A', {
      subnet: '81.2.69.0/24',
      resolver: '8.8.8.8',
      unhealthy: ['oregon'],
    });
    expect(p.toString()).toBe(
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.0&edns0clientsubnetmask=24&resolverip=8.8.8.8&unhealthy=oregon',
    );
    expect(testDnsAnswerParams('a', 'A', { ip: '81.2.69.160' }).get('ip')).toBe('81.2.69.160');
    expect(testDnsAnswerParams('a', 'A', { city: '1', cityLabel: 'X' }).has('cityLabel')).toBe(
      false,
    );
  });

  it('keys the query by what changes the answer (not the display label)', () => {
    const a = getTestDnsAnswerQueryOptions('Z', 'a', 'A', { city: '1', cityLabel: 'One' });
    const b = getTestDnsAnswerQueryOptions('Z', 'a', 'A', { city: '1', cityLabel: 'Uno' });
    expect(a.queryKey).toEqual(b.queryKey);
    expect(getTestDnsAnswerQueryOptions('', 'a', 'A', {}).enabled).toBe(false);
  });
});
