import { isIpv4Address, isIpv6Address } from './client-subnet';
import { decodeNameLabels, isInZone, normalizeName } from './names';
import { isRegionCode } from './regions';
import {
  type ChangeAction,
  LATENCY_RECORD_TYPES,
  RECORD_TYPES,
  type ResourceRecordSet,
} from './types';

export interface FieldError {
  /** Dotted path, e.g. `ResourceRecordSet.ResourceRecords[1].Value`. */
  field: string;
  message: string;
}

const P = 'ResourceRecordSet';
/** Route 53 limits: TTL is a signed 32-bit value; one value at most 4,000 characters. */
export const MAX_TTL = 2147483647;
export const MAX_VALUE_LENGTH = 4000;
const MAX_NAME_LENGTH = 255;
const MAX_LABEL_LENGTH = 63;
const MAX_SET_IDENTIFIER_LENGTH = 128;
const MAX_HEALTH_CHECK_ID_LENGTH = 64;

/** Types an alias record can have (not NS or SOA). */
const ALIAS_TYPES: readonly string[] = [...LATENCY_RECORD_TYPES, 'DS'];
/** Routing policies other than latency: present in Route 53's API, not supported here. */
const OTHER_POLICY_FIELDS = [
  'Weight',
  'Failover',
  'GeoLocation',
  'GeoProximityLocation',
  'MultiValueAnswer',
  'CidrRoutingConfig',
] as const;

const q = (v: unknown): string => JSON.stringify(v) ?? String(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a record name's syntax (labels ≤ 63, total ≤ 255 including the final dot, printable
 * ASCII only) and that it lies in the zone. Returns a sentence naming the value, or null.
 */
export function validateRecordName(name: string, zoneName: string): string | null {
  if (name.trim() === '') return 'Name is required';
  const labels = decodeNameLabels(name);
  if (labels === null) {
    return `${q(name)} has a broken escape: write \\ followed by three octal digits, e.g. \\052`;
  }
  if (labels.length === 0) return `${q(name)} is the root, not a name in zone ${zoneName}`;
  for (const label of labels) {
    if (label === '') return `${q(name)} has an empty label (two dots in a row, or a leading dot)`;
    if (label.length > MAX_LABEL_LENGTH) {
      return `label ${q(label)} in ${q(name)} is ${label.length} characters long; the maximum is 63`;
    }
    for (const ch of label) {
      const code = ch.codePointAt(0) ?? 0;
      if (code < 33 || code > 126) {
        return code > 126
          ? `${q(name)} contains ${q(ch)}: write international names in punycode (xn--...)`
          : `${q(name)} contains a space or control character`;
      }
    }
  }
  const length = labels.reduce((n, l) => n + l.length + 1, 0);
  if (length > MAX_NAME_LENGTH) {
    return `${q(name)} is ${length} characters long including the final dot; the maximum is 255`;
  }
  if (!isInZone(name, zoneName)) {
    return `${q(name)} is not in zone ${normalizeName(zoneName)}`;
  }
  return null;
}

/** A host name as a record value: letters, digits, hyphen, underscore; trailing dot optional. */
export function isDomainName(text: string): boolean {
  const t = text.endsWith('.') ? text.slice(0, -1) : text;
  if (t === '' || t.length > 253) return false;
  return t
    .split('.')
    .every((l) => l.length >= 1 && l.length <= MAX_LABEL_LENGTH && /^[A-Za-z0-9_-]+$/.test(l));
}

const isTarget = (t: string): boolean => t === '.' || isDomainName(t);
const uint = (t: string | undefined, max: number): boolean =>
  t !== undefined && /^\d{1,10}$/.test(t) && Number(t) <= max;
const isHex = (t: string | undefined): boolean =>
  t !== undefined && /^[0-9A-Fa-f]+$/.test(t) && t.length % 2 === 0;

/** Splits `"a" "b\"c"` into its character-strings; null when anything is outside quotes. */
export function parseQuotedStrings(value: string): string[] | null {
  const re = /\s*"((?:[^"\\]|\\.)*)"\s*/y;
  const out: string[] = [];
  let pos = 0;
  while (pos < value.length) {
    re.lastIndex = pos;
    const m = re.exec(value);
    if (m === null) return null;
    out.push((m[1] ?? '').replace(/\\(\d{3}|.)/g, 'x'));
    pos = re.lastIndex;
  }
  return out.length === 0 ? null : out;
}

/**
 * Checks one value of a record of `type` (A = dotted IPv4, MX = `priority host`, TXT = quoted
 * strings of ≤ 255 characters, ...). Returns a sentence naming the bad value, or null.
 */
export function validateRecordValue(type: string, value: string): string | null {
  if (value.trim() === '') return 'Value is empty';
  if (value.length > MAX_VALUE_LENGTH) {
    return `value is ${value.length} characters long; the maximum is ${MAX_VALUE_LENGTH}`;
  }
  const parts = value.trim().split(/\s+/);
  switch (type) {
    case 'A':
      return isIpv4Address(value) ? null : `${q(value)} is not a valid IPv4 address`;
    case 'AAAA':
      return isIpv6Address(value) ? null : `${q(value)} is not a valid IPv6 address`;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return isDomainName(value) ? null : `${q(value)} is not a valid domain name`;
    case 'MX':
      return parts.length === 2 && uint(parts[0], 65535) && isTarget(parts[1] ?? '')
        ? null
        : `${q(value)} is not a valid MX value: expected "priority host", e.g. "10 mail.example.com"`;
    case 'SRV':
      return parts.length === 4 &&
        uint(parts[0], 65535) &&
        uint(parts[1], 65535) &&
        uint(parts[2], 65535) &&
        isTarget(parts[3] ?? '')
        ? null
        : `${q(value)} is not a valid SRV value: expected "priority weight port host", e.g. "1 10 5269 xmpp.example.com"`;
    case 'TXT':
    case 'SPF': {
      const strings = parseQuotedStrings(value);
      if (strings === null) {
        return `${q(value)} is not a valid ${type} value: enclose each string in double quotes, e.g. "v=spf1 -all"`;
      }
      const long = strings.find((s) => s.length > 255);
      return long === undefined
        ? null
        : `a string in ${type} value ${q(value.slice(0, 40))}... is ${long.length} characters long; the maximum per string is 255 (split it into several quoted strings)`;
    }
    case 'CAA': {
      const m = /^(\d{1,3})\s+([A-Za-z0-9]+)\s+("(?:[^"\\]|\\.)*")$/.exec(value.trim());
      return m !== null && uint(m[1], 255)
        ? null
        : `${q(value)} is not a valid CAA value: expected 'flags tag "value"', e.g. '0 issue "amazon.com"'`;
    }
    case 'NAPTR': {
      const m = /^(\d+)\s+(\d+)\s+"([A-Za-z0-9]*)"\s+"([^"]*)"\s+"((?:[^"\\]|\\.)*)"\s+(\S+)$/.exec(
        value.trim(),
      );
      return m !== null && uint(m[1], 65535) && uint(m[2], 65535) && isTarget(m[6] ?? '')
        ? null
        : `${q(value)} is not a valid NAPTR value: expected 'order preference "flags" "service" "regexp" replacement'`;
    }
    case 'SOA':
      return parts.length === 7 &&
        isDomainName(parts[0] ?? '') &&
        isDomainName(parts[1] ?? '') &&
        parts.slice(2).every((p) => uint(p, 4294967295))
        ? null
        : `${q(value)} is not a valid SOA value: expected "mname rname serial refresh retry expire minimum"`;
    case 'DS':
      return parts.length === 4 &&
        uint(parts[0], 65535) &&
        uint(parts[1], 255) &&
        uint(parts[2], 255) &&
        isHex(parts[3])
        ? null
        : `${q(value)} is not a valid DS value: expected "keytag algorithm digesttype hexdigest"`;
    case 'SSHFP':
      return parts.length === 3 && uint(parts[0], 255) && uint(parts[1], 255) && isHex(parts[2])
        ? null
        : `${q(value)} is not a valid SSHFP value: expected "algorithm fptype hexfingerprint"`;
    case 'TLSA':
      return parts.length === 4 &&
        uint(parts[0], 255) &&
        uint(parts[1], 255) &&
        uint(parts[2], 255) &&
        isHex(parts[3])
        ? null
        : `${q(value)} is not a valid TLSA value: expected "usage selector matchingtype hexdata"`;
    case 'HTTPS':
    case 'SVCB':
      return parts.length >= 2 &&
        uint(parts[0], 65535) &&
        isTarget(parts[1] ?? '') &&
        parts.slice(2).every((p) => /^[a-z0-9-]+(=\S*)?$/.test(p))
        ? null
        : `${q(value)} is not a valid ${type} value: expected "priority target key=value...", e.g. '1 . alpn="h2"'`;
    default:
      return null;
  }
}

/**
 * Single-record checks the browser form runs live and the batch planner runs per change:
 * name, type, latency fields, TTL, values per type, alias, health check. For DELETE the value
 * syntax is not checked: a DELETE only has to match the stored record.
 */
export function validateRecordSet(
  zoneName: string,
  r: ResourceRecordSet,
  opts: { action?: ChangeAction } = {},
): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string): void => {
    errors.push({ field: `${P}${field === '' ? '' : `.${field}`}`, message });
  };
  if (!isObject(r)) {
    add('', 'ResourceRecordSet must be an object');
    return errors;
  }
  const rec = r as unknown as Record<string, unknown>;
  const isDelete = opts.action === 'DELETE';
  const zone = normalizeName(zoneName);

  // Name
  const name = rec.Name;
  let apex = false;
  let wildcard = false;
  if (!isString(name) || name.trim() === '') {
    add('Name', 'Name is required');
  } else {
    const problem = validateRecordName(name, zoneName);
    if (problem !== null) add('Name', problem);
    apex = normalizeName(name) === zone;
    wildcard = normalizeName(name).startsWith('\\052.');
  }

  // Type
  const type = rec.Type;
  const knownType = isString(type) && (RECORD_TYPES as readonly string[]).includes(type);
  if (!isString(type) || type === '') {
    add('Type', 'Type is required');
  } else if (!knownType) {
    add('Type', `${q(type)} is not a record type Route 53 supports (${RECORD_TYPES.join(', ')})`);
  }

  // Latency routing: SetIdentifier and Region come together.
  const setId = rec.SetIdentifier;
  const region = rec.Region;
  if (setId !== undefined) {
    if (!isString(setId) || setId.length < 1 || setId.length > MAX_SET_IDENTIFIER_LENGTH) {
      add('SetIdentifier', `SetIdentifier ${q(setId)} must be 1–128 characters`);
    } else if (region === undefined) {
      add('Region', `Region is required with SetIdentifier ${q(setId)} (latency routing)`);
    }
  }
  if (region !== undefined) {
    if (!isString(region) || !isRegionCode(region)) {
      add('Region', `${q(region)} is not an AWS region that can hold a latency record`);
    }
    if (setId === undefined) add('SetIdentifier', 'SetIdentifier is required with Region');
  }
  const latency = setId !== undefined || region !== undefined;
  if (latency && knownType && !(LATENCY_RECORD_TYPES as readonly string[]).includes(type)) {
    add(
      'Type',
      `${type} records can't use latency routing (${LATENCY_RECORD_TYPES.join(', ')} can)`,
    );
  }
  for (const f of OTHER_POLICY_FIELDS) {
    if (rec[f] !== undefined) add(f, `${f} routing is not supported; only latency routing is`);
  }

  // Where a type may live.
  if (knownType && isString(name)) {
    if (type === 'CNAME' && apex) add('Name', `a CNAME can't be at the zone apex ${zone}`);
    if (type === 'SOA' && !apex) add('Name', `SOA records can only be at the zone apex ${zone}`);
    if (type === 'NS' && wildcard) add('Name', `NS records can't have a wildcard name`);
    if (isDelete && apex && (type === 'SOA' || type === 'NS')) {
      add('Type', `the zone's own ${type} record at ${zone} can't be deleted`);
    }
  }

  // Health check
  const hc = rec.HealthCheckId;
  if (hc !== undefined) {
    if (
      !isString(hc) ||
      hc.length < 1 ||
      hc.length > MAX_HEALTH_CHECK_ID_LENGTH ||
      !/^[A-Za-z0-9-]+$/.test(hc)
    ) {
      add('HealthCheckId', `${q(hc)} is not a health check id (letters, digits and -, up to 64)`);
    }
  }

  // Alias or values
  const alias = rec.AliasTarget;
  const ttl = rec.TTL;
  const values = rec.ResourceRecords;
  if (alias !== undefined) {
    if (!isObject(alias)) {
      add(
        'AliasTarget',
        'AliasTarget must be an object {HostedZoneId, DNSName, EvaluateTargetHealth}',
      );
    } else {
      if (!isString(alias.HostedZoneId) || !/^[A-Za-z0-9]{1,32}$/.test(alias.HostedZoneId)) {
        add('AliasTarget.HostedZoneId', `${q(alias.HostedZoneId)} is not a hosted zone id`);
      }
      if (!isString(alias.DNSName) || !isDomainName(alias.DNSName)) {
        add('AliasTarget.DNSName', `${q(alias.DNSName)} is not a valid domain name`);
      }
      if (typeof alias.EvaluateTargetHealth !== 'boolean') {
        add('AliasTarget.EvaluateTargetHealth', 'EvaluateTargetHealth must be true or false');
      }
    }
    if (knownType && !ALIAS_TYPES.includes(type)) {
      add('Type', `${type} records can't be aliases`);
    }
    if (ttl !== undefined) add('TTL', 'TTL is not allowed with AliasTarget (the target sets it)');
    if (values !== undefined)
      add('ResourceRecords', 'ResourceRecords are not allowed with AliasTarget');
    return errors;
  }

  if (ttl === undefined) {
    add('TTL', 'TTL is required (or give an AliasTarget)');
  } else if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    add('TTL', `TTL ${q(ttl)} must be a whole number of seconds from 0 to ${MAX_TTL}`);
  }

  if (values === undefined || (Array.isArray(values) && values.length === 0)) {
    add('ResourceRecords', 'at least one value is required (or give an AliasTarget)');
    return errors;
  }
  if (!Array.isArray(values)) {
    add('ResourceRecords', 'ResourceRecords must be a list of {"Value": ...}');
    return errors;
  }
  if ((type === 'CNAME' || type === 'SOA') && values.length > 1) {
    add('ResourceRecords', `a ${type} record has exactly one value, not ${values.length}`);
  }
  const seen = new Set<string>();
  values.forEach((v: unknown, i) => {
    const field = `ResourceRecords[${i}].Value`;
    if (!isObject(v) || !isString(v.Value)) {
      add(field, 'each value must be {"Value": "..."} with a string');
      return;
    }
    if (seen.has(v.Value)) {
      add(field, `${q(v.Value)} is listed twice`);
      return;
    }
    seen.add(v.Value);
    if (isDelete || !knownType) return;
    const problem = validateRecordValue(type, v.Value);
    if (problem !== null) add(field, problem);
  });
  return errors;
}
