import { describe, expect, it } from 'vitest';
import {
  candidateBars,
  describeClient,
  digCommand,
  fieldForApiError,
  parseAddressInput,
  parseResolverInput,
  toggleUnhealthy,
  withClient,
} from './client-input';

describe('parseAddressInput', () => {
  it.each([
    ['81.2.69.160', { ok: true, kind: 'ip', value: '81.2.69.160', note: null }],
    ['  2001:DB8::1 ', { ok: true, kind: 'ip', value: '2001:db8::1' }],
    ['81.2.69.160/24', { ok: true, kind: 'subnet', value: '81.2.69.0/24' }],
    ['81.2.69.0/24', { ok: true, kind: 'subnet', value: '81.2.69.0/24', note: null }],
    ['2001:db8:1:2:3::/64', { ok: true, kind: 'subnet', value: '2001:db8:1:2::/64' }],
  ])('accepts %s', (text, expected) => {
    expect(parseAddressInput(text)).toMatchObject(expected);
  });

  it('says what it changed', () => {
    const r = parseAddressInput('81.2.69.160/24');
    expect(r.ok && r.note).toBe('sent as 81.2.69.0/24 (host bits zeroed)');
  });

  it.each([
    ['', /Enter an IPv4 or IPv6 address/],
    ['999.1.1.1', /"999.1.1.1" is not a valid IPv4 or IPv6 address/],
    ['81.2.69.0/33', /prefix 33 is out of range for an IPv4 address \(0–32\)/],
    ['81.2.69.0/x', /is not a prefix length/],
    ['london', /not a valid/],
  ])('rejects %j with a message for the field', (text, message) => {
    const r = parseAddressInput(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe('parseResolverInput', () => {
  it('takes one address, not a subnet', () => {
    expect(parseResolverInput('8.8.8.8')).toEqual({ ok: true, value: '8.8.8.8' });
    expect(parseResolverInput('8.8.8.0/24')).toMatchObject({ ok: false });
    expect(parseResolverInput('8.8.8')).toMatchObject({ ok: false });
  });
});

describe('describeClient', () => {
  it('names where the location came from', () => {
    expect(
      describeClient({
        lat: 51.5,
        lon: -0.1,
        label: 'London, GB',
        source: 'ip',
        address: '81.2.69.160',
      }),
    ).toBe('London, GB (from IP 81.2.69.160)');
    expect(
      describeClient({
        lat: 51.5,
        lon: -0.1,
        label: 'London, GB',
        source: 'subnet',
        address: '81.2.69.0',
        prefix: 24,
      }),
    ).toBe('London, GB (from subnet 81.2.69.0/24)');
    expect(describeClient({ lat: 1, lon: 2, label: 'Tokyo, JP', source: 'city' })).toBe(
      'Tokyo, JP (city)',
    );
  });
});

describe('digCommand', () => {
  it('writes the EDNS client subnet dig would send', () => {
    expect(digCommand('app.example.com.', 'A', { subnet: '81.2.69.0/24' })).toBe(
      'dig +subnet=81.2.69.0/24 app.example.com A',
    );
    expect(digCommand('app.example.com', 'A', { ip: '81.2.69.160' })).toBe(
      'dig +subnet=81.2.69.160/32 app.example.com A',
    );
    expect(digCommand('app.example.com', 'AAAA', { ip: '2001:db8::1' })).toBe(
      'dig +subnet=2001:db8::1/128 app.example.com AAAA',
    );
    expect(digCommand('app.example.com', 'A', { city: '2643743' })).toBeNull();
  });
});

describe('fieldForApiError', () => {
  it('maps API parameter names to the form fields', () => {
    expect(fieldForApiError('edns0clientsubnetmask')).toBe('address');
    expect(fieldForApiError('ip')).toBe('address');
    expect(fieldForApiError('resolverip')).toBe('resolver');
    expect(fieldForApiError('lat')).toBe('coordinates');
    expect(fieldForApiError('city')).toBe('city');
    expect(fieldForApiError('recordtype')).toBe('general');
  });
});

describe('candidateBars', () => {
  it('puts every candidate on one scale ending at the slowest high estimate', () => {
    const bars = candidateBars([
      {
        setIdentifier: 'a',
        region: 'x',
        rttMs: 50,
        rttLowMs: 25,
        rttHighMs: 100,
        distanceKm: 1,
        healthy: true,
        source: 'distance',
        samples: 0,
      },
      {
        setIdentifier: 'b',
        region: 'y',
        rttMs: 100,
        rttLowMs: 50,
        rttHighMs: 200,
        distanceKm: 2,
        healthy: true,
        source: 'distance',
        samples: 0,
      },
    ]);
    expect(bars[0]).toMatchObject({ lowPct: 12.5, rttPct: 25, highPct: 50 });
    expect(bars[1]).toMatchObject({ lowPct: 25, rttPct: 50, highPct: 100 });
  });
});

describe('query edits', () => {
  it('toggles simulated failures and keeps them when the client changes', () => {
    const q1 = toggleUnhealthy({ city: '1' }, 'oregon', true);
    expect(q1).toEqual({ city: '1', unhealthy: ['oregon'] });
    const q2 = withClient(q1, { ip: '81.2.69.160' });
    expect(q2).toEqual({ ip: '81.2.69.160', unhealthy: ['oregon'] });
    expect(toggleUnhealthy(q2, 'oregon', false)).toEqual({ ip: '81.2.69.160' });
  });
});
