import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { decodeNameLabels } from '../../engine/names';

/**
 * Route 53 presentation values (as stored and listed) → DNS wire RDATA. Runs when answer tables
 * are compiled, never per query. Names inside RDATA are written uncompressed (RFC 3597 §4 asks
 * that for newer types; for the old ones it is always allowed).
 */

/** DNS type codes for every type the store holds, plus those the wire path names itself. */
export const TYPE_CODES: Readonly<Record<string, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  OPT: 41,
  DS: 43,
  SSHFP: 44,
  TLSA: 52,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  ANY: 255,
  CAA: 257,
};

export const TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(TYPE_CODES).map(([name, code]) => [code, name]),
);

export class RdataError extends Error {}

/** A presentation name (`www.example.com.`, Route 53 escapes allowed) → wire labels, lower case kept as given. */
export function encodeName(name: string): Buffer {
  if (name === '.' || name === '') return Buffer.from([0]);
  const labels = decodeNameLabels(name);
  if (labels === null) throw new RdataError(`"${name}" has a broken escape`);
  const parts: Buffer[] = [];
  let total = 1;
  for (const label of labels) {
    if (label === '') continue;
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length > 63) throw new RdataError(`label "${label}" is longer than 63 bytes`);
    parts.push(Buffer.from([bytes.length]), bytes);
    total += bytes.length + 1;
  }
  if (total > 255) throw new RdataError(`"${name}" is longer than 255 bytes on the wire`);
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Wire name, lower-cased (the key form the lookup tables use). */
export function encodeNameLower(name: string): Buffer {
  const wire = encodeName(name);
  lowerWireName(wire, 0);
  return wire;
}

/** Lower-cases A-Z in a wire name in place (label length bytes are left alone). */
export function lowerWireName(buf: Buffer, start: number): void {
  let i = start;
  while (i < buf.length) {
    const len = buf[i] as number;
    if (len === 0) return;
    for (let j = i + 1; j <= i + len; j++) {
      const c = buf[j] as number;
      if (c >= 65 && c <= 90) buf[j] = c + 32;
    }
    i += len + 1;
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function uint(text: string | undefined, max: number, what: string): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) > max) {
    throw new RdataError(`${what} "${text ?? ''}" is not a whole number from 0 to ${max}`);
  }
  return Number(text);
}

/** A character-string's content with `\"`, `\\` and `\ddd` (decimal, as in zone files) decoded. */
function unescapeText(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 92 /* \ */ && i + 1 < text.length) {
      const digits = text.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        out.push(Number(digits) & 0xff);
        i += 3;
      } else {
        out.push(text.charCodeAt(i + 1) & 0xff);
        i += 1;
      }
      continue;
    }
    if (ch > 0xff) for (const b of Buffer.from(text[i] as string, 'utf8')) out.push(b);
    else out.push(ch);
  }
  return Buffer.from(out);
}

/** `"a" "b\"c"` → the character-strings; an unquoted value counts as one string. */
export function parseCharacterStrings(value: string): Buffer[] {
  const re = /\s*"((?:[^"\\]|\\.)*)"\s*/y;
  const out: Buffer[] = [];
  let pos = 0;
  const trimmed = value.trim();
  if (!trimmed.startsWith('"')) return [unescapeText(trimmed)];
  while (pos < trimmed.length) {
    re.lastIndex = pos;
    const m = re.exec(trimmed);
    if (m === null) throw new RdataError(`${JSON.stringify(value)} has text outside quotes`);
    out.push(unescapeText(m[1] ?? ''));
    pos = re.lastIndex;
  }
  return out;
}

function characterString(content: Buffer): Buffer {
  if (content.length > 255) throw new RdataError('a character-string is longer than 255 bytes');
  return Buffer.concat([Buffer.from([content.length]), content]);
}

function hex(text: string | undefined, what: string): Buffer {
  if (text === undefined || !/^([0-9A-Fa-f]{2})+$/.test(text)) {
    throw new RdataError(`${what} "${text ?? ''}" is not hexadecimal`);
  }
  return Buffer.from(text, 'hex');
}

const SVC_KEYS: Readonly<Record<string, number>> = {
  mandatory: 0,
  alpn: 1,
  'no-default-alpn': 2,
  port: 3,
  ipv4hint: 4,
  ech: 5,
  ipv6hint: 6,
};

function svcParam(key: string, raw: string | undefined): [number, Buffer] {
  const known = SVC_KEYS[key];
  const code = known ?? (/^key\d+$/.test(key) ? Number(key.slice(3)) : -1);
  if (code < 0 || code > 65535) throw new RdataError(`unknown SvcParam key "${key}"`);
  const value = raw === undefined ? '' : raw.replace(/^"(.*)"$/, '$1');
  const list = value === '' ? [] : value.split(',');
  switch (key) {
    case 'mandatory':
      return [
        code,
        Buffer.concat(
          list.map((k) => {
            const c = SVC_KEYS[k] ?? (/^key\d+$/.test(k) ? Number(k.slice(3)) : -1);
            if (c < 0) throw new RdataError(`unknown mandatory key "${k}"`);
            return u16(c);
          }),
        ),
      ];
    case 'alpn':
      return [code, Buffer.concat(list.map((id) => characterString(Buffer.from(id, 'latin1'))))];
    case 'no-default-alpn':
      return [code, Buffer.alloc(0)];
    case 'port':
      return [code, u16(uint(value, 65535, 'port'))];
    case 'ipv4hint':
      return [
        code,
        Buffer.concat(
          list.map((a) => {
            if (!isIPv4(a)) throw new RdataError(`ipv4hint "${a}" is not an IPv4 address`);
            return Buffer.from(ipaddr.parse(a).toByteArray());
          }),
        ),
      ];
    case 'ipv6hint':
      return [
        code,
        Buffer.concat(
          list.map((a) => {
            if (!isIPv6(a)) throw new RdataError(`ipv6hint "${a}" is not an IPv6 address`);
            return Buffer.from(ipaddr.parse(a).toByteArray());
          }),
        ),
      ];
    case 'ech':
      return [code, Buffer.from(value, 'base64')];
    default:
      return [code, unescapeText(value)];
  }
}

/** RDATA of one value of `type`; throws RdataError for a value the wire cannot carry. */
export function encodeRdata(type: string, value: string): Buffer {
  const v = value.trim();
  const parts = v.split(/\s+/);
  switch (type) {
    case 'A':
      if (!isIPv4(v)) throw new RdataError(`"${v}" is not an IPv4 address`);
      return Buffer.from(ipaddr.parse(v).toByteArray());
    case 'AAAA':
      if (!isIPv6(v)) throw new RdataError(`"${v}" is not an IPv6 address`);
      return Buffer.from(ipaddr.parse(v).toByteArray());
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return encodeName(v);
    case 'MX':
      return Buffer.concat([u16(uint(parts[0], 65535, 'MX priority')), encodeName(parts[1] ?? '')]);
    case 'SRV':
      return Buffer.concat([
        u16(uint(parts[0], 65535, 'SRV priority')),
        u16(uint(parts[1], 65535, 'SRV weight')),
        u16(uint(parts[2], 65535, 'SRV port')),
        encodeName(parts[3] ?? ''),
      ]);
    case 'TXT':
    case 'SPF':
      return Buffer.concat(parseCharacterStrings(v).map(characterString));
    case 'CAA': {
      const m = /^(\d{1,3})\s+([A-Za-z0-9]+)\s+(.*)$/.exec(v);
      if (m === null) throw new RdataError(`"${v}" is not a CAA value`);
      const tag = Buffer.from(m[2] ?? '', 'latin1');
      const [content] = parseCharacterStrings(m[3] ?? '""');
      return Buffer.concat([
        Buffer.from([uint(m[1], 255, 'CAA flags'), tag.length]),
        tag,
        content ?? Buffer.alloc(0),
      ]);
    }
    case 'NAPTR': {
      const m =
        /^(\d+)\s+(\d+)\s+("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")\s+(\S+)$/.exec(
          v,
        );
      if (m === null) throw new RdataError(`"${v}" is not a NAPTR value`);
      const strings = [m[3], m[4], m[5]].map(
        (s) => parseCharacterStrings(s ?? '""')[0] ?? Buffer.alloc(0),
      );
      return Buffer.concat([
        u16(uint(m[1], 65535, 'NAPTR order')),
        u16(uint(m[2], 65535, 'NAPTR preference')),
        ...strings.map(characterString),
        encodeName(m[6] ?? '.'),
      ]);
    }
    case 'SOA':
      if (parts.length !== 7) throw new RdataError(`"${v}" is not an SOA value`);
      return Buffer.concat([
        encodeName(parts[0] ?? ''),
        encodeName(parts[1] ?? ''),
        ...parts.slice(2).map((p, i) => u32(uint(p, 4294967295, `SOA field ${i + 3}`))),
      ]);
    case 'DS':
      return Buffer.concat([
        u16(uint(parts[0], 65535, 'DS key tag')),
        Buffer.from([uint(parts[1], 255, 'DS algorithm'), uint(parts[2], 255, 'DS digest type')]),
        hex(parts.slice(3).join(''), 'DS digest'),
      ]);
    case 'SSHFP':
      return Buffer.concat([
        Buffer.from([uint(parts[0], 255, 'SSHFP algorithm'), uint(parts[1], 255, 'SSHFP type')]),
        hex(parts.slice(2).join(''), 'SSHFP fingerprint'),
      ]);
    case 'TLSA':
      return Buffer.concat([
        Buffer.from([
          uint(parts[0], 255, 'TLSA usage'),
          uint(parts[1], 255, 'TLSA selector'),
          uint(parts[2], 255, 'TLSA matching type'),
        ]),
        hex(parts.slice(3).join(''), 'TLSA data'),
      ]);
    case 'HTTPS':
    case 'SVCB': {
      const params = parts
        .slice(2)
        .map((p) => {
          const eq = p.indexOf('=');
          return eq === -1 ? svcParam(p, undefined) : svcParam(p.slice(0, eq), p.slice(eq + 1));
        })
        .sort((a, b) => a[0] - b[0]);
      return Buffer.concat([
        u16(uint(parts[0], 65535, `${type} priority`)),
        encodeName(parts[1] ?? '.'),
        ...params.flatMap(([code, data]) => [u16(code), u16(data.length), data]),
      ]);
    }
    default:
      throw new RdataError(`type ${type} cannot be served`);
  }
}
