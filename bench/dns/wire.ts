/**
 * DNS wire format for the DNS benchmark: queries are encoded by hand (header, one question, an
 * OPT RR with an optional EDNS Client Subnet option, RFC 1035 / 6891 / 7871), replies are
 * decoded with dns-packet and reduced to comparable strings. Also the dnsperf `-B` file format:
 * each message preceded by its length as a 2-byte big-endian integer (RFC 1035 4.2.2 framing).
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import dnsPacket from 'dns-packet';
import ipaddr from 'ipaddr.js';

export const QTYPE = { A: 1, NS: 2, SOA: 6, MX: 15, TXT: 16, AAAA: 28 } as const;
export type QueryType = keyof typeof QTYPE;

/** EDNS Client Subnet (RFC 7871): `address` must already have its host bits zeroed. */
export interface ClientSubnet {
  address: string;
  prefix: number;
}

export interface QuerySpec {
  name: string;
  type: QueryType;
  /** An OPT RR is always sent (payload 1232); the ECS option only when given. */
  ecs?: ClientSubnet;
}

const OPT_TYPE = 41;
const ECS_CODE = 8;
const UDP_PAYLOAD = 1232;

function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'ascii');
    if (bytes.length > 63) throw new Error(`label too long in ${name}`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * ECS option data: FAMILY (1 = IPv4, 2 = IPv6), SOURCE PREFIX-LENGTH, SCOPE PREFIX-LENGTH = 0,
 * then the address truncated to ceil(SOURCE / 8) bytes (RFC 7871 section 6).
 */
export function encodeClientSubnetOption(ecs: ClientSubnet): Buffer {
  const v4 = isIPv4(ecs.address);
  const bytes = ipaddr.parse(ecs.address).toByteArray();
  const max = v4 ? 32 : 128;
  if (!Number.isInteger(ecs.prefix) || ecs.prefix < 0 || ecs.prefix > max) {
    throw new Error(`bad ECS prefix /${ecs.prefix} for ${ecs.address}`);
  }
  const keep = Math.ceil(ecs.prefix / 8);
  const address = Buffer.from(bytes.slice(0, keep));
  // Bits beyond SOURCE must be zero (else a FORMERR): the caller passes a network address.
  if (keep > 0 && ecs.prefix % 8 !== 0) {
    const last = address[keep - 1] as number;
    if ((last & (0xff >> (ecs.prefix % 8))) !== 0)
      throw new Error(`host bits set in ${ecs.address}/${ecs.prefix}`);
  }
  const option = Buffer.alloc(4 + 4 + keep);
  option.writeUInt16BE(ECS_CODE, 0);
  option.writeUInt16BE(4 + keep, 2);
  option.writeUInt16BE(v4 ? 1 : 2, 4);
  option.writeUInt8(ecs.prefix, 6);
  option.writeUInt8(0, 7);
  address.copy(option, 8);
  return option;
}

/** A full query message: no RD (an authoritative server is asked), one question, one OPT RR. */
export function encodeQuery(q: QuerySpec, id = 0): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id & 0xffff, 0);
  header.writeUInt16BE(0x0000, 2); // QR=0, OPCODE=QUERY, RD=0
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(0, 6); // ANCOUNT
  header.writeUInt16BE(0, 8); // NSCOUNT
  header.writeUInt16BE(1, 10); // ARCOUNT: the OPT RR
  const question = Buffer.alloc(4);
  question.writeUInt16BE(QTYPE[q.type], 0);
  question.writeUInt16BE(1, 2); // IN
  const rdata = q.ecs ? encodeClientSubnetOption(q.ecs) : Buffer.alloc(0);
  const opt = Buffer.alloc(11);
  opt.writeUInt8(0, 0); // owner: root
  opt.writeUInt16BE(OPT_TYPE, 1);
  opt.writeUInt16BE(UDP_PAYLOAD, 3); // CLASS = requestor's UDP payload size
  opt.writeUInt32BE(0, 5); // TTL = extended RCODE 0, VERSION 0, DO 0, Z 0
  opt.writeUInt16BE(rdata.length, 9);
  return Buffer.concat([header, encodeName(q.name), question, opt, rdata]);
}

/** dnsperf -B input: [u16 length][message] repeated. dnsperf overwrites the ID of each. */
export function writeBinaryQueryFile(path: string, messages: Buffer[]): number {
  const parts: Buffer[] = [];
  for (const m of messages) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(m.length, 0);
    parts.push(len, m);
  }
  const all = Buffer.concat(parts);
  writeFileSync(path, all);
  return all.length;
}

/** Split a -B file back into messages (used to check the file that was written). */
export function readBinaryQueries(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 2 <= data.length) {
    const len = data.readUInt16BE(at);
    out.push(data.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  if (at !== data.length) throw new Error(`trailing ${data.length - at} bytes in query file`);
  return out;
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

export interface Reply {
  id: number;
  rcode: string;
  aa: boolean;
  tc: boolean;
  /** `TYPE TTL data` per answer record of any type, sorted. */
  answers: string[];
  /** `TYPE data` without TTLs: what must match between servers. */
  data: string[];
  ecs: { family: number; source: number; scope: number; address: string } | null;
}

function presentData(type: string, data: unknown): string {
  if (type === 'TXT') {
    const strings = (Array.isArray(data) ? data : [data]) as (Buffer | string)[];
    return strings
      .map((s) => JSON.stringify(Buffer.isBuffer(s) ? s.toString('utf8') : s))
      .join(' ');
  }
  if (type === 'MX') {
    const mx = data as { preference: number; exchange: string };
    return `${mx.preference} ${mx.exchange.replace(/\.$/, '')}.`;
  }
  if (type === 'AAAA') return ipaddr.parse(String(data)).toString();
  if (type === 'CNAME' || type === 'NS') return `${String(data).replace(/\.$/, '')}.`;
  return typeof data === 'string' ? data : JSON.stringify(data);
}

export function decodeReply(buf: Buffer): Reply {
  const p = dnsPacket.decode(buf);
  const flags = p.flags ?? 0;
  let extended = 0;
  let ecs: Reply['ecs'] = null;
  for (const a of p.additionals ?? []) {
    if (a.type !== 'OPT') continue;
    extended = (a as { extendedRcode?: number }).extendedRcode ?? 0;
    for (const o of (a as dnsPacket.OptAnswer).options ?? []) {
      if (o.code !== ECS_CODE) continue;
      const c = o as {
        family?: number;
        sourcePrefixLength?: number;
        scopePrefixLength?: number;
        ip?: string;
      };
      ecs = {
        family: c.family ?? 0,
        source: c.sourcePrefixLength ?? -1,
        scope: c.scopePrefixLength ?? -1,
        address: c.ip ?? '',
      };
    }
  }
  const code = (extended << 4) | (flags & 0x0f);
  const answers: string[] = [];
  const data: string[] = [];
  for (const a of p.answers ?? []) {
    const d = presentData(a.type, (a as { data?: unknown }).data);
    answers.push(`${a.type} ${(a as { ttl?: number }).ttl ?? 0} ${d}`);
    data.push(`${a.type} ${d}`);
  }
  return {
    id: p.id ?? 0,
    rcode: RCODES[code] ?? `RCODE${code}`,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    answers: answers.sort(),
    data: data.sort(),
    ecs,
  };
}

/** Send messages over one UDP socket, one at a time; null where no reply came in time. */
export async function udpExchange(
  port: number,
  messages: Buffer[],
  timeoutMs = 1000,
  host = '127.0.0.1',
): Promise<(Buffer | null)[]> {
  const socket = createSocket(isIPv4(host) ? 'udp4' : 'udp6');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, isIPv4(host) ? '127.0.0.1' : '::1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const out: (Buffer | null)[] = [];
  try {
    for (let i = 0; i < messages.length; i++) {
      const id = (0x1000 + i) & 0xffff;
      const msg = Buffer.from(messages[i] as Buffer);
      msg.writeUInt16BE(id, 0);
      const reply = await new Promise<Buffer | null>((resolve) => {
        const timer = setTimeout(() => {
          socket.off('message', onMessage);
          resolve(null);
        }, timeoutMs);
        const onMessage = (m: Buffer) => {
          if (m.length < 2 || m.readUInt16BE(0) !== id) return;
          clearTimeout(timer);
          socket.off('message', onMessage);
          resolve(m);
        };
        socket.on('message', onMessage);
        socket.send(msg, port, host);
      });
      out.push(reply);
    }
  } finally {
    socket.close();
  }
  return out;
}
