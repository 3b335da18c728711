import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { type DecodedPacket, decode, encode, type Packet } from 'dns-packet';

/**
 * A tiny scripted DNS peer for tests (UDP and TCP on one loopback port): each query is decoded
 * and handed to `answer`, which returns the response packet, raw bytes, or null to stay silent.
 * Tests only.
 */

export interface TestResponder {
  host: string;
  port: number;
  /** Every query received, decoded, with the transport it came over. */
  queries: { packet: DecodedPacket; protocol: 'UDP' | 'TCP'; bytes: Buffer }[];
  close(): Promise<void>;
}

export type ScriptedAnswer = (
  query: DecodedPacket,
  protocol: 'UDP' | 'TCP',
) => Packet | Buffer | null;

/** The usual reply skeleton: same id and question, QR + AA, RD copied. */
export function replyTo(query: DecodedPacket, extra: Partial<Packet> = {}): Packet {
  return {
    type: 'response',
    id: query.id ?? 0,
    flags: 0x0400 | (query.flag_rd ? 0x0100 : 0),
    questions: query.questions ?? [],
    answers: [],
    authorities: [],
    additionals: [],
    ...extra,
  };
}

function toBytes(out: Packet | Buffer): Buffer {
  return Buffer.isBuffer(out) ? out : encode(out);
}

export async function startTestResponder(
  answer: ScriptedAnswer,
  host: '127.0.0.1' | '::1' = '127.0.0.1',
): Promise<TestResponder> {
  const queries: TestResponder['queries'] = [];
  // Bind UDP on a free port, then TCP on the same number (retry if TCP finds it taken).
  for (let attempt = 0; attempt < 10; attempt++) {
    const udp: Socket = createSocket(host === '::1' ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve());
    });
    const port = udp.address().port;
    const tcp: Server = createServer((conn) => {
      let buf = Buffer.alloc(0);
      conn.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          const bytes = buf.subarray(2, 2 + len);
          buf = buf.subarray(2 + len);
          const packet = decode(bytes);
          queries.push({ packet, protocol: 'TCP', bytes: Buffer.from(bytes) });
          const out = answer(packet, 'TCP');
          if (out === null) continue;
          const body = toBytes(out);
          const framed = Buffer.alloc(2 + body.length);
          framed.writeUInt16BE(body.length, 0);
          body.copy(framed, 2);
          conn.write(framed);
        }
      });
      conn.on('error', () => {});
    });
    const tcpOk = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    if (!tcpOk) {
      udp.close();
      continue;
    }
    udp.on('message', (msg, rinfo) => {
      const packet = decode(msg);
      queries.push({ packet, protocol: 'UDP', bytes: Buffer.from(msg) });
      const out = answer(packet, 'UDP');
      if (out !== null) udp.send(toBytes(out), rinfo.port, rinfo.address);
    });
    return {
      host,
      port,
      queries,
      close: async () => {
        await new Promise<void>((resolve) => udp.close(() => resolve()));
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
      },
    };
  }
  throw new Error('could not bind a UDP and TCP port pair for the test responder');
}
