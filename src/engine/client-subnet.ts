import ipaddr from 'ipaddr.js';
import type { ClientLocation, LatencyModel } from './types';

export type IpFamily = 4 | 6;

/** Dotted-quad IPv4, each octet 0–255 in plain decimal: no leading zeros (is 010 octal?). */
const IPV4_STRICT =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** True for a strict dotted-quad IPv4 address (`192.0.2.1`; not `192.0.2.01`, `1.2.3`, `0x7f.1`). */
export function isIpv4Address(text: string): boolean {
  return IPV4_STRICT.test(text);
}

function parseIpv6(text: string): ipaddr.IPv6 | null {
  // No zone ids (fe80::1%eth0), no brackets; an embedded IPv4 tail must itself be strict.
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.') && !IPV4_STRICT.test(tail)) return null;
  if (!ipaddr.IPv6.isValid(text)) return null;
  try {
    return ipaddr.IPv6.parse(text);
  } catch {
    return null;
  }
}

/** True for an IPv6 address in any valid text form (`2001:db8::1`, `::ffff:192.0.2.1`). */
export function isIpv6Address(text: string): boolean {
  return parseIpv6(text) !== null;
}

function parseAny(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const t = text.trim();
  if (IPV4_STRICT.test(t)) return ipaddr.IPv4.parse(t);
  const v6 = parseIpv6(t);
  if (v6 === null) return null;
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/**
 * Parse an IP address to canonical text (IPv4 dotted quad; IPv6 RFC 5952, lower case, `::`).
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes the IPv4 address, which is what geo data holds.
 * Null for anything else, including leading-zero octets and zone ids.
 */
export function parseIpAddress(text: string): { family: IpFamily; address: string } | null {
  const ip = parseAny(text);
  if (ip === null) return null;
  return ip.kind() === 'ipv4'
    ? { family: 4, address: ip.toString() }
    : { family: 6, address: (ip as ipaddr.IPv6).toRFC5952String() };
}

/** Route 53's default EDNS client-subnet prefix lengths, bits. */
export const DEFAULT_SUBNET_PREFIX = { 4: 24, 6: 64 } as const;

export type TruncateResult =
  | { ok: true; address: string; prefix: number; family: IpFamily; cidr: string }
  | { ok: false; field: 'address' | 'prefix'; message: string };

function zeroHostBits(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return keep === 0 ? 0 : b & ((0xff << (8 - keep)) & 0xff);
  });
}

/**
 * Zero the host bits of an address, as a resolver does before sending EDNS client subnet
 * (81.2.69.160/24 → 81.2.69.0). Prefix in bits: 0–32 IPv4, 0–128 IPv6; default /24 and /64.
 * An IPv4-mapped IPv6 address is treated as IPv4; a prefix of 96–128 then counts from bit 96.
 */
export function truncateClientSubnet(address: string, prefix?: number): TruncateResult {
  const text = typeof address === 'string' ? address.trim() : '';
  const ip = parseAny(text);
  if (ip === null) {
    return {
      ok: false,
      field: 'address',
      message: `"${text}" is not a valid IPv4 or IPv6 address`,
    };
  }
  const family: IpFamily = ip.kind() === 'ipv4' ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let bits = prefix ?? DEFAULT_SUBNET_PREFIX[family];
  const mappedV4 = family === 4 && !IPV4_STRICT.test(text);
  if (mappedV4 && prefix !== undefined && prefix >= 96 && prefix <= 128) bits = prefix - 96;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) {
    return {
      ok: false,
      field: 'prefix',
      message: `prefix ${String(prefix)} is out of range for an IPv${family} address (0–${max})`,
    };
  }
  const masked = zeroHostBits(ip.toByteArray(), bits);
  const out = ipaddr.fromByteArray(masked);
  const text2 = out.kind() === 'ipv4' ? out.toString() : (out as ipaddr.IPv6).toRFC5952String();
  return { ok: true, address: text2, prefix: bits, family, cidr: `${text2}/${bits}` };
}

/**
 * The network a client stands for in measured routing: the /24 (IPv4) or /48 (IPv6) holding
 * `address`, as `81.2.69.0/24` or `2001:db8:1::/48`; null when only a shorter prefix is known
 * (`prefix` bits of the address are significant; default all) or the address does not parse.
 */
export function clientNetwork(address: string, prefix?: number): string | null {
  const t = truncateClientSubnet(address, prefix);
  if (!t.ok) return null;
  const want = t.family === 4 ? 24 : 48;
  if (t.prefix < want) return null;
  const n = truncateClientSubnet(t.address, want);
  return n.ok ? n.cidr : null;
}

/**
 * The model to route `client` with: the model of the client's network when the zone's model
 * has measurements of that network (`forNetwork`), else `model` itself. Only clients given by
 * address (ip, subnet, resolver) have a network.
 */
export function modelForClient(
  model: LatencyModel,
  client: Pick<ClientLocation, 'source' | 'address' | 'prefix'>,
): { model: LatencyModel; network: string | null } {
  if (model.forNetwork === undefined || client.address === undefined) {
    return { model, network: null };
  }
  if (client.source !== 'ip' && client.source !== 'subnet' && client.source !== 'resolver') {
    return { model, network: null };
  }
  const network = clientNetwork(client.address, client.prefix);
  const own = network === null ? null : model.forNetwork(network);
  return own === null ? { model, network: null } : { model: own, network };
}

/** Human names of the non-public ranges, for "why has this address no location" messages. */
const RANGE_DESCRIPTIONS: Record<string, string> = {
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast range',
  linkLocal: 'a link-local range',
  loopback: 'the loopback range',
  carrierGradeNat: 'the carrier-grade NAT range (100.64.0.0/10)',
  private: 'a private range (RFC 1918)',
  uniqueLocal: 'a unique-local range (fc00::/7)',
  reserved: 'a reserved or documentation range',
  benchmarking: 'the benchmarking range',
  deprecatedSiteLocal: 'the deprecated site-local range',
  discard: 'the discard range (100::/64)',
  as112: 'an AS112 range',
  as112v6: 'an AS112 range',
  amt: 'the AMT range',
  orchid2: 'an ORCHID range',
  deprecatedOrchid: 'an ORCHID range',
  droneRemoteIdProtocolEntityTags: 'the DRIP range',
  segmentRouting: 'the segment-routing range',
  rfc6145: 'an IPv4-translated range',
  rfc6052: 'a NAT64 range',
  '6to4': 'the 6to4 range',
  teredo: 'the Teredo range',
};

/**
 * Why an address cannot be on the public internet ("a private range (RFC 1918)"), or null when
 * it is public unicast (or not an address at all).
 */
export function describeNonPublicAddress(address: string): string | null {
  const ip = parseAny(address);
  if (ip === null) return null;
  const range = ip.range();
  if (range === 'unicast') return null;
  return RANGE_DESCRIPTIONS[range] ?? `the ${range} range`;
}

/**
 * False for private, loopback, link-local, multicast, documentation, unspecified, reserved,
 * CGNAT and other special ranges (and for non-addresses): such an address has no location.
 */
export function isPublicAddress(address: string): boolean {
  const ip = parseAny(address);
  return ip !== null && ip.range() === 'unicast';
}
