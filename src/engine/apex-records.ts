import { normalizeName, normalizeRecordSet } from './names';
import type { ResourceRecordSet } from './types';
import { isDomainName } from './validate-record';

/** TTL Route 53 gives the apex NS set of a new hosted zone, seconds (two days). */
export const APEX_NS_TTL = 172800;
/** TTL Route 53 gives the apex SOA set of a new hosted zone, seconds. */
export const APEX_SOA_TTL = 900;
/** Route 53's SOA timers for a new zone, seconds: refresh, retry, expire, minimum (negative TTL). */
export const SOA_TIMERS = { refresh: 7200, retry: 900, expire: 1209600, minimum: 86400 } as const;
/** SOA serials are unsigned 32-bit numbers (RFC 1035). */
export const MAX_SOA_SERIAL = 4294967295;

/** The seven fields of an SOA value, in Route 53's order; timers in seconds. */
export interface SoaFields {
  /** Primary name server, e.g. `ns1.example.com.` */
  mname: string;
  /** Mailbox of the zone's administrator as a name, e.g. `hostmaster.example.com.` */
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** `ns1.<zone>.` and `ns2.<zone>.`: the name servers of a zone when none are configured. */
export function defaultNameServers(zoneName: string): string[] {
  const apex = normalizeName(zoneName);
  return [`ns1.${apex}`, `ns2.${apex}`];
}

/**
 * The apex NS and SOA sets a new hosted zone starts with, as Route 53 makes them (NS TTL 172800,
 * SOA TTL 900, serial 1), in listing order. `nameServers` default to ns1/ns2.<zone>; the first
 * one is the SOA's mname. Throws RangeError for a name server that is not a host name.
 */
export function apexRecordSets(zoneName: string, nameServers?: string[]): ResourceRecordSet[] {
  const apex = normalizeName(zoneName);
  const servers =
    nameServers === undefined || nameServers.length === 0
      ? defaultNameServers(zoneName)
      : nameServers.map((ns) => {
          if (!isDomainName(ns))
            throw new RangeError(`name server ${JSON.stringify(ns)} is not a host name`);
          return normalizeName(ns);
        });
  if (new Set(servers).size !== servers.length) {
    throw new RangeError(`name servers ${servers.join(', ')} list one server twice`);
  }
  const soa = formatSoaValue({
    mname: servers[0] as string,
    rname: `hostmaster.${apex}`,
    serial: 1,
    ...SOA_TIMERS,
  });
  return [
    normalizeRecordSet({
      Name: apex,
      Type: 'NS',
      TTL: APEX_NS_TTL,
      ResourceRecords: servers.map((Value) => ({ Value })),
    }),
    normalizeRecordSet({
      Name: apex,
      Type: 'SOA',
      TTL: APEX_SOA_TTL,
      ResourceRecords: [{ Value: soa }],
    }),
  ];
}

const UINT32 = /^\d{1,10}$/;

/**
 * The fields of an SOA value (`mname rname serial refresh retry expire minimum`, any run of
 * whitespace between them); null when it has not exactly seven fields or a number is not uint32.
 */
export function parseSoaValue(value: string): SoaFields | null {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 7) return null;
  const [mname, rname, ...rest] = parts as [string, string, ...string[]];
  if (!rest.every((p) => UINT32.test(p) && Number(p) <= MAX_SOA_SERIAL)) return null;
  const [serial, refresh, retry, expire, minimum] = rest.map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { mname, rname, serial, refresh, retry, expire, minimum };
}

/** An SOA value in Route 53's layout, single spaces. */
export function formatSoaValue(f: SoaFields): string {
  return `${f.mname} ${f.rname} ${f.serial} ${f.refresh} ${f.retry} ${f.expire} ${f.minimum}`;
}

/** The same SOA value with another serial. Throws RangeError when `value` is not an SOA value. */
export function withSoaSerial(value: string, serial: number): string {
  const fields = parseSoaValue(value);
  if (fields === null) throw new RangeError(`${JSON.stringify(value)} is not an SOA value`);
  if (!Number.isInteger(serial) || serial < 0 || serial > MAX_SOA_SERIAL) {
    throw new RangeError(`SOA serial ${serial} is not an unsigned 32-bit number`);
  }
  return formatSoaValue({ ...fields, serial });
}

/** The serial in an SOA set's value, or null when the set holds no valid SOA value. */
export function soaSerial(soaSet: ResourceRecordSet): number | null {
  const value = soaSet.ResourceRecords?.[0]?.Value;
  return value === undefined ? null : (parseSoaValue(value)?.serial ?? null);
}

/**
 * The set with its SOA serial set to 0 (other sets unchanged): for comparing SOA sets by what
 * people write into them, since the zone rewrites the serial on every applied batch.
 */
export function withoutSoaSerial(r: ResourceRecordSet): ResourceRecordSet {
  const value = r.Type === 'SOA' ? r.ResourceRecords?.[0]?.Value : undefined;
  if (value === undefined || r.ResourceRecords?.length !== 1 || parseSoaValue(value) === null) {
    return r;
  }
  return { ...r, ResourceRecords: [{ Value: withSoaSerial(value, 0) }] };
}

/**
 * The serial an applied change batch gives the zone: one more than before, or the serial the
 * batch itself wrote into the SOA when that is higher. Wraps to 0 after 2^32 - 1 (RFC 1982).
 */
export function nextSoaSerial(previous: number, requested?: number): number {
  const bumped = previous >= MAX_SOA_SERIAL ? 0 : previous + 1;
  return requested !== undefined && requested > bumped ? requested : bumped;
}

/**
 * The TTL of a negative answer (NXDOMAIN / NODATA) from the zone's SOA set, seconds:
 * min(SOA TTL, MINIMUM) as RFC 2308 asks. null when the set holds no valid SOA value or no TTL.
 */
export function negativeTtl(soaSet: ResourceRecordSet): number | null {
  const value = soaSet.ResourceRecords?.[0]?.Value;
  const fields = value === undefined ? null : parseSoaValue(value);
  if (fields === null || soaSet.TTL === undefined) return null;
  return Math.min(soaSet.TTL, fields.minimum);
}

/**
 * The host names in DNS_NAMESERVERS (comma- and/or space-separated), normalised with a trailing
 * dot, in the order given. Throws an Error naming DNS_NAMESERVERS for an empty list, a name that
 * is not a host name, or a name listed twice.
 */
export function parseNameServers(text: string): string[] {
  const names = text.split(/[\s,]+/).filter((n) => n !== '');
  if (names.length === 0) {
    throw new Error(
      'DNS_NAMESERVERS is empty: give one or more host names, e.g. ns1.example.net,ns2.example.net',
    );
  }
  const out: string[] = [];
  for (const name of names) {
    if (!isDomainName(name)) {
      throw new Error(
        `DNS_NAMESERVERS: ${JSON.stringify(name)} is not a host name (letters, digits, "-" and "_" in dot-separated labels)`,
      );
    }
    const normal = normalizeName(name);
    if (out.includes(normal)) {
      throw new Error(`DNS_NAMESERVERS: ${normal} is listed twice`);
    }
    out.push(normal);
  }
  return out;
}
