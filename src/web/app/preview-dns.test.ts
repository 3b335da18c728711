import { describe, expect, it } from 'vitest';
import { dnsClientForPreview } from './preview-dns';

describe('dnsClientForPreview: the preview client as EDNS Client Subnet', () => {
  it.each([
    [{ subnet: '81.2.69.0/24' }, { kind: 'subnet', cidr: '81.2.69.0/24' }],
    [{ ip: '81.2.69.160' }, { kind: 'subnet', cidr: '81.2.69.160/32' }],
    [{ ip: '2001:db8::1' }, { kind: 'subnet', cidr: '2001:db8::1/128' }],
    [
      { subnet: '81.2.69.0/24', resolver: '8.8.8.8' },
      { kind: 'subnet', cidr: '81.2.69.0/24' },
    ],
    [{}, { kind: 'none' }],
    [{ unhealthy: ['oregon'] }, { kind: 'none' }],
  ])('%j → %j', (query, client) => {
    expect(dnsClientForPreview(query)).toEqual(client);
  });

  it('a city, a map point or a resolver alone cannot be asked, and it says so plainly', () => {
    expect(dnsClientForPreview({ city: '2643743', ip: '8.8.8.8' })).toEqual({
      kind: 'unsupported',
      reason: 'DNS can’t be asked for a city; pick an IP or subnet.',
    });
    expect(dnsClientForPreview({ lat: 51.5, lon: -0.12 })).toMatchObject({ kind: 'unsupported' });
    expect(dnsClientForPreview({ resolver: '8.8.8.8' })).toMatchObject({
      kind: 'unsupported',
      reason: expect.stringContaining('resolver 8.8.8.8'),
    });
  });
});
