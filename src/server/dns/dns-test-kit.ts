import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { promisify } from 'node:util';
import { decode, encode, type Packet } from 'dns-packet';

/** Tests only: raw DNS exchanges with a server on loopback, and dig. */

const run = promisify(execFile);

/** Send one datagram, wait for one reply (or null after timeoutMs). */
export function exchangeUdp(
  port: number,
  message: Buffer,
  timeoutMs = 1000,
): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(message, port, '127.0.0.1');
  });
}

/** Send framed messages on one TCP connection; collect `expect` framed replies. */
export function exchangeTcp(
  port: number,
  messages: Buffer[],
  expect = messages.length,
  timeoutMs = 2000,
  /** Resolve early once a reply satisfies this (e.g. the reply to a last, well-formed query). */
  stopWhen?: (reply: Buffer) => boolean,
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const replies: Buffer[] = [];
    let pending = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(replies);
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(
        Buffer.concat(
          messages.map((m) => {
            const len = Buffer.alloc(2);
            len.writeUInt16BE(m.length);
            return Buffer.concat([len, m]);
          }),
        ),
      );
    });
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const n = pending.readUInt16BE(0);
        replies.push(pending.subarray(2, 2 + n));
        pending = pending.subarray(2 + n);
      }
      if (
        replies.length >= expect ||
        (stopWhen && replies.length > 0 && stopWhen(replies[replies.length - 1] as Buffer))
      ) {
        clearTimeout(timer);
        socket.destroy();
        resolve(replies);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export interface QueryOptions {
  id?: number;
  type?: string;
  edns?: boolean;
  udpSize?: number;
  ednsVersion?: number;
  subnet?: { family: 1 | 2; source: number; address: string };
  /** Raw option bytes appended to the OPT (e.g. a malformed ECS). */
  rawOption?: Buffer;
  opcode?: number;
}

/** A query message: dns-packet for the well-formed part, raw bytes where a test needs them. */
export function buildQuery(name: string, opts: QueryOptions = {}): Buffer {
  const packet: Packet = {
    type: 'query',
    id: opts.id ?? 0x1234,
    flags: 0,
    questions: [{ type: (opts.type ?? 'A') as 'A', name, class: 'IN' }],
  };
  if (opts.edns !== false && (opts.edns || opts.subnet || opts.rawOption || opts.udpSize)) {
    packet.additionals = [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: opts.udpSize ?? 1232,
        extendedRcode: 0,
        ednsVersion: opts.ednsVersion ?? 0,
        flags: 0,
        options: opts.subnet
          ? [
              {
                code: 8,
                family: opts.subnet.family,
                sourcePrefixLength: opts.subnet.source,
                scopePrefixLength: 0,
                ip: opts.subnet.address,
              },
            ]
          : [],
      } as never,
    ];
  }
  let buf = Buffer.from(encode(packet));
  if (opts.rawOption) {
    const rdlenAt = buf.length - 2;
    const rdlen = buf.readUInt16BE(rdlenAt);
    if (rdlen !== 0) throw new Error('rawOption needs an OPT without options');
    const out = Buffer.concat([buf, opts.rawOption]);
    out.writeUInt16BE(opts.rawOption.length, rdlenAt);
    buf = out;
  }
  if (opts.opcode !== undefined) buf[2] = ((buf[2] as number) & 0x87) | (opts.opcode << 3);
  return buf;
}

/** A decoded reply, loosely typed for assertions. */
export interface Reply {
  id: number;
  flags: number;
  rcode: string;
  /** Header RCODE plus the OPT's extended bits (16 = BADVERS). */
  rcodeValue: number;
  answers: Rec[];
  authorities: Rec[];
  additionals: Rec[];
}

export interface Rec {
  name: string;
  type: string;
  ttl?: number;
  // biome-ignore lint/suspicious/noExplicitAny: decoded test data of every record type
  data?: any;
  ednsVersion?: number;
  options?: {
    code: number;
    family?: number;
    sourcePrefixLength?: number;
    scopePrefixLength?: number;
  }[];
}

export function parse(reply: Buffer | null | undefined): Reply {
  if (!reply) throw new Error('no reply');
  const p = decode(reply) as unknown as Omit<Reply, 'rcodeValue'>;
  const opt = (p.additionals ?? []).find((a) => a.type === 'OPT') as
    | { extendedRcode?: number }
    | undefined;
  return {
    ...p,
    flags: p.flags ?? 0,
    answers: p.answers ?? [],
    authorities: p.authorities ?? [],
    additionals: p.additionals ?? [],
    rcodeValue: ((opt?.extendedRcode ?? 0) << 4) | ((p.flags ?? 0) & 0x0f),
  };
}

/** ECS option of a reply: [family, source, scope] or null. */
export function ecsOf(p: Reply): { family: number; source: number; scope: number } | null {
  const opt = p.additionals.find((a) => a.type === 'OPT');
  const o = opt?.options?.find((x) => x.code === 8);
  if (!o) return null;
  return {
    family: o.family ?? 0,
    source: o.sourcePrefixLength ?? 0,
    scope: o.scopePrefixLength ?? 0,
  };
}

/** `dig +short`-like output lines of a real dig run. */
export async function dig(port: number, args: string[]): Promise<string> {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(port),
    '+norec',
    '+time=2',
    '+tries=1',
    ...args,
  ]);
  return stdout;
}
