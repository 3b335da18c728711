import { describeNonPublicAddress, parseIpAddress } from '../../engine/client-subnet';

/** Cloud metadata services (AWS IMDS over IPv4 and IPv6), named in refusals. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

/**
 * Why the checker must not probe this address (SSRF: a health check must not be a way into
 * the internal network), or null when it may. Everything but public unicast is refused:
 * loopback, RFC 1918, ULA, link-local, CGNAT, multicast, unspecified, documentation, metadata.
 * `allowPrivate` (LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE=1) allows them all.
 */
export function healthTargetRefusal(address: string, allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  const ip = parseIpAddress(address);
  if (ip === null) return `${address} is not an IP address`;
  if (METADATA_ADDRESSES.has(ip.address)) return 'the cloud metadata service';
  return describeNonPublicAddress(ip.address);
}
