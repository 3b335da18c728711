import type { Answer } from 'dns-packet';
import type { DnsAnswerRecord } from '../../shared/dns';

/**
 * Decoded DNS records (dns-packet) in presentation form, the way Route 53 stores values and
 * TestDNSAnswer returns RecordData: names fully qualified (`mail.example.com.`), TXT strings in
 * their quotes, CAA values quoted, unknown types as RFC 3597 `\# <length> <hex>`.
 */

/** Types the engine knows that dns-packet only knows by number (`UNKNOWN_65`). */
const WIRE_NAME_OF: Readonly<Record<string, string>> = { HTTPS: 'UNKNOWN_65', SVCB: 'UNKNOWN_64' };
const TYPE_NAME_OF: Readonly<Record<string, string>> = { UNKNOWN_65: 'HTTPS', UNKNOWN_64: 'SVCB' };

/** The type name dns-packet encodes a question with (`HTTPS` → `UNKNOWN_65`). */
export function wireTypeName(type: string): string {
  return WIRE_NAME_OF[type] ?? type;
}

/** The type name to show for one dns-packet decodes (`UNKNOWN_65` → `HTTPS`, `UNKNOWN_99` → `TYPE99`). */
export function presentTypeName(type: string): string {
  const known = TYPE_NAME_OF[type];
  if (known !== undefined) return known;
  return type.startsWith('UNKNOWN_') ? `TYPE${type.slice('UNKNOWN_'.length)}` : type;
}

/** `example.com` → `example.com.`; the root stays `.`. */
export function fqdn(name: string): string {
  if (name === '' || name === '.') return '.';
  return name.endsWith('.') ? name : `${name}.`;
}

/** One character-string in quotes, `"` and `\` escaped, other non-printables as `\DDD` (decimal). */
export function quoteCharacterString(bytes: Uint8Array | string): string {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  let out = '"';
  for (const b of data) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) out += `\\${String(b).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

/** RDATA of a type presented generically (RFC 3597): `\# 4 c0000201`. */
function unknownRdata(data: Uint8Array): string {
  return data.length === 0 ? '\\# 0' : `\\# ${data.length} ${Buffer.from(data).toString('hex')}`;
}

/** Character-strings packed in RDATA (TXT, SPF): length byte + bytes, repeated. */
function characterStrings(rdata: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < rdata.length) {
    const len = rdata[i] ?? 0;
    out.push(rdata.subarray(i + 1, i + 1 + len));
    i += 1 + len;
  }
  return out;
}

function txtStrings(data: unknown): string {
  const list = Array.isArray(data) ? data : [data];
  return list.map((s) => quoteCharacterString(s as Uint8Array | string)).join(' ');
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

/** The data of one record as text; `type` is the name dns-packet decoded. */
export function presentRecordData(answer: Answer): string {
  // dns-packet's union does not cover SPF or numbered types, so narrow by hand.
  const a = answer as { type: string; data: unknown };
  const d = a.data as Record<string, unknown>;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return String(a.data);
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return fqdn(String(a.data));
    case 'MX':
      return `${Number(d.preference ?? 0)} ${fqdn(String(d.exchange))}`;
    case 'TXT':
      return txtStrings(a.data);
    case 'SPF':
      return a.data instanceof Uint8Array
        ? characterStrings(a.data)
            .map((s) => quoteCharacterString(s))
            .join(' ')
        : txtStrings(a.data);
    case 'SRV':
      return `${Number(d.priority ?? 0)} ${Number(d.weight ?? 0)} ${Number(d.port)} ${fqdn(String(d.target))}`;
    case 'CAA':
      return `${Number(d.flags ?? 0)} ${String(d.tag)} ${quoteCharacterString(String(d.value))}`;
    case 'SOA':
      return [
        fqdn(String(d.mname)),
        fqdn(String(d.rname)),
        d.serial,
        d.refresh,
        d.retry,
        d.expire,
        d.minimum,
      ].join(' ');
    case 'NAPTR':
      return [
        d.order,
        d.preference,
        quoteCharacterString(String(d.flags)),
        quoteCharacterString(String(d.services)),
        quoteCharacterString(String(d.regexp)),
        fqdn(String(d.replacement)),
      ].join(' ');
    case 'DS':
      return `${d.keyTag} ${d.algorithm} ${d.digestType} ${hex(d.digest as Uint8Array)}`;
    case 'SSHFP':
      return `${d.algorithm} ${d.hash} ${String(d.fingerprint).toUpperCase()}`;
    case 'TLSA':
      return `${d.usage} ${d.selector} ${d.matchingType} ${hex(d.certificate as Uint8Array)}`;
    default:
      return a.data instanceof Uint8Array ? unknownRdata(a.data) : JSON.stringify(a.data);
  }
}

/** A decoded record as the API lists it: owner name with its dot, type, TTL, presented data. */
export function presentRecord(answer: Answer): DnsAnswerRecord {
  const a = answer as { name: string; type: string; ttl?: number };
  return {
    name: fqdn(a.name),
    type: presentTypeName(a.type),
    ttl: a.ttl ?? 0,
    data: presentRecordData(answer),
  };
}
