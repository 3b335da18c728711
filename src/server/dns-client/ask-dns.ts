import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6, connect as tcpConnect } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  type Answer,
  type DecodedPacket,
  decode,
  encode,
  type Packet,
  type Question,
} from 'dns-packet';
import { wireTypeName } from './record-presentation';

/**
 * A small stub client for asking one DNS server one question, the way `dig +norec` does: over
 * UDP with EDNS0 (payload 1232, an optional client subnet), again over TCP when the UDP answer
 * is truncated. What the dashboard uses to ask its own DNS endpoint over loopback.
 */

/** EDNS0 payload size offered, bytes (the DNS Flag Day 2020 value). */
export const EDNS_PAYLOAD_SIZE = 1232;
/** How long each leg (UDP, then TCP) waits for an answer, milliseconds. */
export const DEFAULT_TIMEOUT_MS = 2000;

export interface DnsQuestion {
  /** Labels as raw text (`*` for a wildcard), joined by dots; no escapes. */
  name: string;
  /** A type name the engine knows (`A`, `HTTPS`, …). */
  type: string;
  /** Sent as EDNS CLIENT_SUBNET: the address with its host bits already zeroed. */
  subnet?: { address: string; prefix: number; family: 4 | 6 };
}

export interface DnsReply {
  packet: DecodedPacket;
  protocol: 'UDP' | 'TCP';
  /** The UDP answer had TC set (so the final one came over TCP). */
  udpTruncated: boolean;
  /** RCODE name, the 4 header bits plus the OPT's extended bits (`BADVERS`). */
  rcode: string;
  /** SCOPE PREFIX-LENGTH of the echoed client-subnet option; null when none came back. */
  ecsScope: number | null;
  /** From sending the first datagram to decoding the final answer, milliseconds. */
  rttMs: number;
}

/** Nothing answered in time (or nothing listens: the port is closed). */
export class DnsTimeoutError extends Error {}

/** An answer came back that is not a DNS response to the question asked. */
export class DnsBadResponseError extends Error {}

const RCODE_NAMES = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
  'DSOTYPENI',
];
const EXTENDED_RCODE_NAMES: Readonly<Record<number, string>> = {
  16: 'BADVERS',
  17: 'BADKEY',
  18: 'BADTIME',
  19: 'BADMODE',
  20: 'BADNAME',
  21: 'BADALG',
  22: 'BADTRUNC',
  23: 'BADCOOKIE',
};

/** RCODE number → name (RFC 6895 registry), `RCODE<n>` for unassigned ones. */
export function rcodeName(code: number): string {
  return RCODE_NAMES[code] ?? EXTENDED_RCODE_NAMES[code] ?? `RCODE${code}`;
}

type OptRecord = Extract<Answer, { type: 'OPT' }>;

function optOf(packet: Packet): OptRecord | undefined {
  return (packet.additionals ?? []).find((a): a is OptRecord => a.type === 'OPT');
}

/** The query as bytes: RD clear, one question, an OPT with the payload size and the subnet. */
export function encodeQuery(question: DnsQuestion, id: number): Buffer {
  const options = question.subnet
    ? [
        {
          code: 8 as const,
          family: question.subnet.family === 4 ? 1 : 2,
          sourcePrefixLength: question.subnet.prefix,
          scopePrefixLength: 0,
          ip: question.subnet.address,
        },
      ]
    : [];
  return encode({
    type: 'query',
    id,
    flags: 0,
    // dns-packet's type list lacks HTTPS/SVCB; it takes them by number (`UNKNOWN_65`).
    questions: [
      { type: wireTypeName(question.type), name: question.name, class: 'IN' } as Question,
    ],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: EDNS_PAYLOAD_SIZE,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        flag_do: false,
        options,
      },
    ],
  });
}

/** A name without its trailing dot, lower case; the root is ``. */
function bareName(name: string): string {
  return name === '.' ? '' : name.replace(/\.$/, '').toLowerCase();
}

/** Decode an answer and check it answers our question; throws DnsBadResponseError. */
function decodeReply(bytes: Buffer, id: number, question: DnsQuestion): DecodedPacket {
  let packet: DecodedPacket;
  try {
    packet = decode(bytes);
  } catch (err) {
    throw new DnsBadResponseError(
      `the answer could not be decoded: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (packet.id !== id || !packet.flag_qr) {
    throw new DnsBadResponseError('the answer does not belong to the question (id or QR flag)');
  }
  const q = packet.questions?.[0];
  // A FORMERR may come back without the question; anything else must repeat it.
  if (q !== undefined) {
    const sameName = bareName(q.name) === bareName(question.name);
    if (!sameName || q.type !== wireTypeName(question.type)) {
      throw new DnsBadResponseError(
        `the answer is for ${q.name} ${q.type}, not ${question.name} ${question.type}`,
      );
    }
  }
  return packet;
}

function askUdp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: Error | null, msg?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(msg as Buffer);
    };
    const timer = setTimeout(
      () =>
        finish(new DnsTimeoutError(`no answer from ${host} port ${port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(
        err.code === 'ECONNREFUSED'
          ? new DnsTimeoutError(`nothing answers on ${host} port ${port} (UDP port closed)`)
          : err,
      ),
    );
    // A connected socket only takes datagrams from that address, and hears ICMP "port closed".
    socket.on('message', (msg) => finish(null, msg));
    socket.connect(port, host, () => {
      socket.send(query, (err) => {
        if (err) finish(err);
      });
    });
  });
}

function askTcp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    let done = false;
    let received = Buffer.alloc(0);
    const finish = (err: Error | null, msg?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(msg as Buffer);
    };
    const timer = setTimeout(
      () =>
        finish(
          new DnsTimeoutError(`no TCP answer from ${host} port ${port} within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(
        err.code === 'ECONNREFUSED'
          ? new DnsTimeoutError(`nothing answers on ${host} port ${port} (TCP connection refused)`)
          : err,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length >= 2 + length) finish(null, received.subarray(2, 2 + length));
    });
    socket.on('end', () =>
      finish(new DnsBadResponseError('the TCP connection closed before a whole answer came')),
    );
    const framed = Buffer.alloc(2 + query.length);
    framed.writeUInt16BE(query.length, 0);
    query.copy(framed, 2);
    socket.write(framed);
  });
}

/**
 * Ask `host:port` one question (a fresh socket, a random id); when the UDP answer has TC set,
 * ask again over TCP. Throws DnsTimeoutError when no answer comes, DnsBadResponseError for an
 * answer that does not fit the question.
 */
export async function askDns(
  question: DnsQuestion,
  server: { host: string; port: number; timeoutMs?: number },
): Promise<DnsReply> {
  const timeoutMs = server.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const id = randomInt(0, 0x10000);
  const query = encodeQuery(question, id);
  const started = performance.now();
  let protocol: DnsReply['protocol'] = 'UDP';
  let packet = decodeReply(await askUdp(server.host, server.port, query, timeoutMs), id, question);
  const udpTruncated = packet.flag_tc;
  if (udpTruncated) {
    protocol = 'TCP';
    packet = decodeReply(await askTcp(server.host, server.port, query, timeoutMs), id, question);
  }
  const rttMs = Math.round((performance.now() - started) * 100) / 100;
  const opt = optOf(packet);
  const code = ((opt?.extendedRcode ?? 0) << 4) | ((packet.flags ?? 0) & 0xf);
  const ecs = opt?.options.find((o) => o.code === 8) as { scopePrefixLength?: number } | undefined;
  return {
    packet,
    protocol,
    udpTruncated,
    rcode: rcodeName(code),
    ecsScope: ecs ? (ecs.scopePrefixLength ?? 0) : null,
    rttMs,
  };
}
