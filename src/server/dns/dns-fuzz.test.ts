import dgram from 'node:dgram';
import net from 'node:net';
import { decode } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-server';
import { buildQuery, exchangeTcp, exchangeUdp, parse } from './dns-test-kit';

/**
 * ≥100,000 malformed and mutated messages over UDP and TCP: the server must never crash, never
 * send a malformed message, keep answering well-formed queries, and keep its memory bounded.
 */

let server: TestServer;
let port: number;

beforeAll(async () => {
  server = await startTestServer({ demo: true, dns: true });
  port = server.dns?.port ?? 0;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

let seed = 0x9e3779b9;
function rand(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

const CORPUS: Buffer[] = [
  buildQuery('app.example.com'),
  buildQuery('api.example.com', { subnet: { family: 1, source: 24, address: '81.2.69.0' } }),
  buildQuery('api.example.com', {
    type: 'AAAA',
    subnet: { family: 2, source: 56, address: '2a00:1450:4000::' },
  }),
  buildQuery('example.com', { type: 'SOA', edns: true }),
  buildQuery('missing.example.com', { udpSize: 4096 }),
  buildQuery('x.example.org'),
];

/** One mutated message: bit flips, byte rewrites, truncation, extension, or pure noise. */
function mutate(): Buffer {
  const base = CORPUS[rand(CORPUS.length)] as Buffer;
  const kind = rand(6);
  if (kind === 0) {
    const noise = Buffer.alloc(rand(80));
    for (let i = 0; i < noise.length; i++) noise[i] = rand(256);
    return noise;
  }
  let m = Buffer.from(base);
  if (kind === 1) return m.subarray(0, rand(m.length));
  if (kind === 2) {
    const extra = Buffer.alloc(1 + rand(40));
    for (let i = 0; i < extra.length; i++) extra[i] = rand(256);
    m = Buffer.concat([m, extra]);
  }
  const edits = 1 + rand(4);
  for (let e = 0; e < edits; e++) {
    const at = rand(m.length);
    if (kind === 3) m[at] = (m[at] as number) ^ (1 << rand(8));
    else m[at] = rand(256);
  }
  // Keep it a query most of the time, so the deeper paths are reached.
  if (rand(4) !== 0) m[2] = (m[2] as number) & 0x7f;
  return m;
}

/** A reply must decode whole (nothing missing, nothing left over) and be a response. */
function checkReply(reply: Buffer, problems: string[]): void {
  try {
    const p = decode(reply);
    if (p.type !== 'response' && problems.length < 20) problems.push('reply without QR');
    if (decode.bytes !== reply.length)
      problems.push(`reply with ${reply.length - decode.bytes} trailing bytes`);
  } catch (err) {
    if (problems.length < 20)
      problems.push(`undecodable reply ${reply.toString('hex')}: ${String(err)}`);
  }
}

describe('fuzz', () => {
  it('survives 100,000 mutated UDP and 20,000 mutated TCP messages, answering well-formed queries throughout', async () => {
    const problems: string[] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    const socket = dgram.createSocket('udp4');
    let replies = 0;
    socket.on('message', (msg) => {
      replies++;
      if (msg.length > 65535) problems.push('oversized reply');
      checkReply(msg, problems);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    let sent = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 1000; i++) {
        socket.send(mutate(), port, '127.0.0.1');
        sent++;
        // Server and fuzzer share this event loop: pause so the server can drain its socket.
        if (i % 100 === 99) await new Promise((r) => setTimeout(r, 2));
      }
      // Check that a well-formed query is still answered (a datagram may be dropped under load).
      let reply: Buffer | null = null;
      for (let attempt = 0; attempt < 3 && reply === null; attempt++) {
        reply = await exchangeUdp(port, buildQuery('app.example.com', { id: round }), 1000);
      }
      const canary = parse(reply);
      expect(canary.rcode).toBe('NOERROR');
      expect(canary.answers[0]?.data).toBe('192.0.2.10');
    }
    await new Promise((r) => setTimeout(r, 200));
    socket.close();
    expect(sent).toBe(100_000);
    // Loopback may drop some datagrams under load, but most get an answer.
    expect(replies).toBeGreaterThan(10_000);

    // TCP: mutated messages inside correct framing, on a few connections.
    for (let c = 0; c < 10; c++) {
      const messages = Array.from({ length: 2000 }, () => mutate()).filter((m) => m.length >= 12);
      // Answers come in order: the reply to a last, well-formed query means all were handled.
      messages.push(buildQuery('app.example.com', { id: 0xbeef }));
      const got = await exchangeTcp(
        port,
        messages,
        messages.length,
        10_000,
        (r) => r.readUInt16BE(0) === 0xbeef,
      );
      expect(got.at(-1)?.readUInt16BE(0)).toBe(0xbeef);
      for (const r of got) checkReply(r, problems);
    }
    // TCP: broken framing (random bytes as the stream) just closes that connection.
    for (let c = 0; c < 50; c++) {
      await new Promise<void>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          const noise = Buffer.alloc(1 + rand(300));
          for (let i = 0; i < noise.length; i++) noise[i] = rand(256);
          s.end(noise);
        });
        s.on('data', (d) => {
          if (d.length < 2) problems.push('short TCP reply');
        });
        s.on('error', () => resolve());
        s.on('close', () => resolve());
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 500);
      });
    }
    const [after] = await exchangeTcp(port, [buildQuery('api.example.com')]);
    expect(parse(after).rcode).toBe('NOERROR');
    expect(problems).toEqual([]);
    globalThis.gc?.();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(grown).toBeLessThan(200 * 1024 * 1024);
  }, 180_000);
});
