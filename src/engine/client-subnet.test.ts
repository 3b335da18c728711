import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SUBNET_PREFIX,
  describeNonPublicAddress,
  isPublicAddress,
  parseIpAddress,
  truncateClientSubnet,
} from './client-subnet';

describe('parseIpAddress', () => {
  it.each([
    ['81.2.69.160', 4, '81.2.69.160'],
    [' 8.8.8.8 ', 4, '8.8.8.8'],
    ['0.0.0.0', 4, '0.0.0.0'],
    ['2001:DB8::1', 6, '2001:db8::1'],
    ['2001:db8:0:0:0:0:0:1', 6, '2001:db8::1'],
    ['2001:0db8:0001:0000:0000:0000:0000:0001', 6, '2001:db8:1::1'],
    ['::', 6, '::'],
    ['::ffff:81.2.69.160', 4, '81.2.69.160'], // IPv4-mapped IPv6 is the IPv4 address
    ['::FFFF:5102:45a0', 4, '81.2.69.160'],
  ])('%j → IPv%i %s', (text, family, address) => {
    expect(parseIpAddress(text)).toEqual({ family, address });
  });

  it.each([
    '',
    'garbage',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4', // leading zero: octal or decimal? ambiguous, rejected
    '1.2.3.04',
    '0x7f.0.0.1',
    '2130706433',
    '-1.2.3.4',
    '1::2::3',
    '2001:db8::g',
    'fe80::1%eth0',
    '[2001:db8::1]',
    '::ffff:1.2.3.04',
    '12345::1',
  ])('rejects %j', (text) => {
    expect(parseIpAddress(text)).toBeNull();
  });
});

describe('truncateClientSubnet', () => {
  it('defaults to /24 for IPv4 and /64 for IPv6, as Route 53', () => {
    expect(DEFAULT_SUBNET_PREFIX).toEqual({ 4: 24, 6: 64 });
  });

  it.each([
    ['81.2.69.160', undefined, '81.2.69.0', 24, 4],
    ['81.2.69.160', 24, '81.2.69.0', 24, 4],
    ['81.2.69.160', 20, '81.2.64.0', 20, 4],
    ['81.2.69.160', 32, '81.2.69.160', 32, 4],
    ['81.2.69.160', 0, '0.0.0.0', 0, 4],
    ['81.2.69.161', 31, '81.2.69.160', 31, 4],
    ['2001:db8:1:2:3::', undefined, '2001:db8:1:2::', 64, 6],
    ['2001:db8:1:2:3::', 48, '2001:db8:1::', 48, 6],
    ['2001:db8:1:2:3::ff', 128, '2001:db8:1:2:3::ff', 128, 6],
    ['2001:db8:abcd:1234::', 52, '2001:db8:abcd:1000::', 52, 6],
    ['::ffff:81.2.69.160', undefined, '81.2.69.0', 24, 4], // mapped → IPv4 rules
    ['::ffff:81.2.69.160', 120, '81.2.69.0', 24, 4], // an IPv6-style mask counts from bit 96
  ])('%s/%s → %s/%i', (address, prefix, expected, bits, family) => {
    expect(truncateClientSubnet(address, prefix)).toEqual({
      ok: true,
      address: expected,
      prefix: bits,
      family,
      cidr: `${expected}/${bits}`,
    });
  });

  it.each([
    ['81.2.69.160', 33, 'prefix', 'prefix 33 is out of range for an IPv4 address (0–32)'],
    ['81.2.69.160', -1, 'prefix', 'prefix -1 is out of range for an IPv4 address (0–32)'],
    ['81.2.69.160', 24.5, 'prefix', 'prefix 24.5 is out of range for an IPv4 address (0–32)'],
    ['2001:db8::', 129, 'prefix', 'prefix 129 is out of range for an IPv6 address (0–128)'],
    ['::ffff:81.2.69.160', 64, 'prefix', 'prefix 64 is out of range for an IPv4 address (0–32)'],
    ['999.1.1.1', 24, 'address', '"999.1.1.1" is not a valid IPv4 or IPv6 address'],
    ['not-an-ip', undefined, 'address', '"not-an-ip" is not a valid IPv4 or IPv6 address'],
  ])('%s/%s fails on %s', (address, prefix, field, message) => {
    expect(truncateClientSubnet(address, prefix)).toEqual({ ok: false, field, message });
  });
});

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '81.2.69.160', '1.1.1.1', '2a00:1450:4009::1', '2600::1'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
      expect(describeNonPublicAddress(address)).toBeNull();
    },
  );

  it.each([
    ['10.1.2.3', 'a private range (RFC 1918)'],
    ['172.16.0.1', 'a private range (RFC 1918)'],
    ['192.168.1.1', 'a private range (RFC 1918)'],
    ['127.0.0.1', 'the loopback range'],
    ['169.254.1.1', 'a link-local range'],
    ['224.0.0.251', 'a multicast range'],
    ['192.0.2.1', 'a reserved or documentation range'],
    ['198.51.100.7', 'a reserved or documentation range'],
    ['203.0.113.9', 'a reserved or documentation range'],
    ['0.0.0.0', 'the unspecified address'],
    ['100.64.0.1', 'the carrier-grade NAT range (100.64.0.0/10)'],
    ['255.255.255.255', 'the broadcast address'],
    ['240.0.0.1', 'a reserved or documentation range'],
    ['::1', 'the loopback range'],
    ['::', 'the unspecified address'],
    ['fe80::1', 'a link-local range'],
    ['fd00::1', 'a unique-local range (fc00::/7)'],
    ['ff02::1', 'a multicast range'],
    ['2001:db8::1', 'a reserved or documentation range'],
    ['::ffff:10.0.0.1', 'a private range (RFC 1918)'],
  ])('%s is not public: %s', (address, why) => {
    expect(isPublicAddress(address)).toBe(false);
    expect(describeNonPublicAddress(address)).toBe(why);
  });

  it('is false for text that is not an address', () => {
    expect(isPublicAddress('example.com')).toBe(false);
  });
});
