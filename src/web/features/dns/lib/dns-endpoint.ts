import { sameRecordData } from '../../../../engine/record-data';
import {
  type DnsQueryResult,
  type DnsStatus,
  type DnsZoneStatus,
  formatDigCommand,
} from '../../../../shared/dns';

/** Pure helpers of the DNS views: what the indicator says, which dig line to copy, agreement. */

export type ZoneDnsState =
  | { kind: 'off' }
  /** The server does not list the zone (yet). */
  | { kind: 'unknown' }
  | { kind: 'in-sync'; zone: DnsZoneStatus }
  | { kind: 'syncing'; zone: DnsZoneStatus };

/** Where the zone stands with the DNS server. */
export function zoneDnsState(status: DnsStatus, zoneId: string | null): ZoneDnsState {
  if (!status.enabled) return { kind: 'off' };
  const zone = status.zones.find((z) => z.id === zoneId);
  if (!zone) return { kind: 'unknown' };
  return zone.inSync ? { kind: 'in-sync', zone } : { kind: 'syncing', zone };
}

/** `127.0.0.1:8053`, `[::1]:8053`. */
export function endpointAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/**
 * The server to name in a dig line the operator runs: the bound address, or, for a wildcard
 * bind (`0.0.0.0`), the host this page came from (that address reaches the same machine).
 */
export function digServer(host: string, pageHostname: string): string {
  if (!isWildcard(host)) return host;
  const page = pageHostname.replace(/^\[|\]$/g, '');
  if (page) return page;
  return host === '::' ? '::1' : '127.0.0.1';
}

/** `dig @127.0.0.1 -p 8053 +norec example.com SOA`; null when DNS is off. */
export function soaDigCommand(
  status: DnsStatus,
  zoneName: string,
  pageHostname: string,
): string | null {
  if (!status.enabled || status.host === null || status.port === null) return null;
  return formatDigCommand({
    server: digServer(status.host, pageHostname),
    port: status.port,
    name: zoneName.replace(/\.$/, '') || '.',
    type: 'SOA',
  });
}

/** The part of a TestDNSAnswer the DNS answer is compared with. */
export interface EngineAnswer {
  RecordData: string[];
  ResponseCode: string;
}

export type Agreement = { agrees: true } | { agrees: false; reasons: string[] };

/** Does the DNS server say what the routing engine says? Record data compared spelling aside. */
export function compareWithEngine(engine: EngineAnswer, dns: DnsQueryResult): Agreement {
  const reasons: string[] = [];
  if (engine.ResponseCode !== dns.ResponseCode) {
    reasons.push(`response code: engine ${engine.ResponseCode}, DNS ${dns.ResponseCode}`);
  }
  if (!sameRecordData(engine.RecordData, dns.RecordData)) {
    const list = (v: string[]) => (v.length ? v.join(', ') : 'no data');
    reasons.push(`records: engine ${list(engine.RecordData)}, DNS ${list(dns.RecordData)}`);
  }
  return reasons.length ? { agrees: false, reasons } : { agrees: true };
}

/**
 * Who the DNS question is asked for: a client subnet (sent as EDNS Client Subnet), nobody (no
 * option: the server answers for its default), or a client DNS cannot express (a city).
 */
export type DnsClient =
  | { kind: 'subnet'; cidr: string }
  | { kind: 'none' }
  | { kind: 'unsupported'; reason: string };
