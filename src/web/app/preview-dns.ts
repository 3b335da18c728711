import type { DnsClient } from '../features/dns/lib/dns-endpoint';
import type { PreviewQuery } from '../features/preview/api/get-test-dns-answer';

/**
 * The preview's client as a DNS question can carry it: EDNS Client Subnet is the only client a
 * query names, so an IP goes as a /32 (/128) subnet and a subnet as it is; a city or a point
 * has no DNS equivalent, and a resolver cannot be impersonated (the question comes from this
 * server over loopback). Precedence as the engine's: city > point > IP > subnet > resolver.
 */
export function dnsClientForPreview(q: PreviewQuery): DnsClient {
  if (q.city)
    return { kind: 'unsupported', reason: 'DNS can’t be asked for a city; pick an IP or subnet.' };
  if (q.lat !== undefined && q.lon !== undefined) {
    return {
      kind: 'unsupported',
      reason: 'DNS can’t be asked for a map point; pick an IP or subnet.',
    };
  }
  if (q.ip) {
    // An IPv6 address (IPv4-mapped ones too) has a colon; an IPv4 address never does.
    return { kind: 'subnet', cidr: `${q.ip}/${q.ip.includes(':') ? 128 : 32}` };
  }
  if (q.subnet) return { kind: 'subnet', cidr: q.subnet };
  if (q.resolver) {
    return {
      kind: 'unsupported',
      reason: `DNS can’t be asked as the resolver ${q.resolver}: the question comes from this server over loopback. Pick an IP or subnet.`,
    };
  }
  return { kind: 'none' };
}
