import dgram from 'node:dgram';
import { decode } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeo } from '../geo/load-geo';
import { startTestServer, type TestServer } from '../test-server';
import { type DnsServer, startDnsServer } from './dns-server';
import { buildQuery, ecsOf, exchangeUdp, parse } from './dns-test-kit';
import type { DnsResponder } from './responder';
import { batchedSockets, nativeUdpAvailable, startBatchedUdp } from './udp-batch';

/**
 * UDP through the native batching addon (native/udp-batch): the same answers as node:dgram,
 * bursts, and datagrams no server should trip over.
 */

let server: TestServer;
let native: DnsServer;
let node: DnsServer;

/** Send every message from one socket, collect replies until `quietMs` pass without one. */
function burst(port: number, messages: Buffer[], quietMs = 500): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
    const replies: Buffer[] = [];
    let timer: NodeJS.Timeout;
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        socket.close();
        resolve(replies);
      }, quietMs);
    };
    socket.on('message', (msg) => {
      replies.push(msg);
      quiet();
    });
    socket.bind(0, '127.0.0.1', () => {
      for (const m of messages) socket.send(m, port, '127.0.0.1');
      quiet();
    });
  });
}

describe.skipIf(!nativeUdpAvailable())('native UDP batching', () => {
  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    const before = batchedSockets();
    const base = { repository: server.repository, geo: loadGeo(), host: '127.0.0.1', port: 0 };
    native = await startDnsServer({ ...base, udp: 'native' });
    expect(batchedSockets()).toBe(before + 1);
    node = await startDnsServer({ ...base, udp: 'node' });
    expect(batchedSockets()).toBe(before + 1);
  });

  afterAll(async () => {
    await native?.close();
    await node?.close();
    await server?.close();
  });

  it('answers exactly as node:dgram does, ECS echoed with the same scope', async () => {
    const cases: Parameters<typeof buildQuery>[] = [
      ['app.example.com', {}],
      ['app.example.com', { edns: true }],
      ['example.com', { type: 'SOA' }],
      ['example.com', { type: 'NS', edns: true }],
      ['missing.example.com', { subnet: { family: 1, source: 24, address: '81.2.69.0' } }],
      ['www.example.org', {}],
      ['example.com', { type: 'ANY' }],
    ];
    for (const a of ['81.2.69.0', '96.239.250.0', '1.0.16.0', '203.0.113.0', '5.62.56.0']) {
      cases.push(['app.example.com', { subnet: { family: 1, source: 24, address: a } }]);
    }
    cases.push(['app.example.com', { subnet: { family: 2, source: 48, address: '2a02:2e0::' } }]);
    cases.push(['app.example.com', { subnet: { family: 1, source: 0, address: '0.0.0.0' } }]);
    for (const [i, [name, opts]] of cases.entries()) {
      const q = buildQuery(name, { ...opts, id: 500 + i });
      const [a, b] = await Promise.all([exchangeUdp(native.port, q), exchangeUdp(node.port, q)]);
      expect(a, `${name} ${JSON.stringify(opts)}`).not.toBeNull();
      expect(a?.toString('hex'), `${name} ${JSON.stringify(opts)}`).toBe(b?.toString('hex'));
    }
    const r = parse(
      await exchangeUdp(
        native.port,
        buildQuery('app.example.com', {
          id: 77,
          subnet: { family: 1, source: 24, address: '81.2.69.0' },
        }),
      ),
    );
    expect(r.id).toBe(77);
    expect(r.rcode).toBe('NOERROR');
    expect(r.answers.length).toBeGreaterThan(0);
    expect(ecsOf(r)).toMatchObject({ family: 1, source: 24 });
  });

  it('IPv6 sockets: the source address (no ECS) picks the same answer as node:dgram', async () => {
    const base = { repository: server.repository, geo: loadGeo(), host: '::1', port: 0 };
    const v6native = await startDnsServer({ ...base, udp: 'native' });
    const v6node = await startDnsServer({ ...base, udp: 'node' });
    const ask = (port: number, q: Buffer) =>
      new Promise<Buffer | null>((resolve) => {
        const socket = dgram.createSocket('udp6');
        const timer = setTimeout(() => {
          socket.close();
          resolve(null);
        }, 1000);
        socket.on('message', (msg) => {
          clearTimeout(timer);
          socket.close();
          resolve(msg);
        });
        socket.send(q, port, '::1');
      });
    try {
      for (const q of [
        buildQuery('app.example.com'),
        buildQuery('app.example.com', { edns: true }),
      ]) {
        const [a, b] = await Promise.all([ask(v6native.port, q), ask(v6node.port, q)]);
        expect(a).not.toBeNull();
        expect(a?.toString('hex')).toBe(b?.toString('hex'));
      }
    } finally {
      await v6native.close();
      await v6node.close();
    }
  });

  it('FORMERR for a malformed client subnet', async () => {
    const bad = Buffer.from([0, 8, 0, 5, 0, 1, 33, 0, 1]); // source 33 > 32
    const r = parse(
      await exchangeUdp(native.port, buildQuery('app.example.com', { edns: true, rawOption: bad })),
    );
    expect(r.rcode).toBe('FORMERR');
  });

  it('a burst of 5,000 datagrams from one socket gets at least 4,000 replies, all decodable', async () => {
    const messages = Array.from({ length: 5000 }, (_, i) =>
      buildQuery(i % 2 ? 'app.example.com' : 'missing.example.com', {
        id: i,
        subnet: { family: 1, source: 24, address: `81.2.${i % 250}.0` },
      }),
    );
    const replies = await burst(native.port, messages);
    expect(replies.length).toBeGreaterThanOrEqual(4000);
    const ids = new Set<number>();
    for (const r of replies) {
      const p = decode(r);
      expect(p.type).toBe('response');
      ids.add(p.id ?? -1);
    }
    expect(ids.size).toBe(replies.length);
  }, 30_000);

  it('survives malformed, empty and oversized (> 4096 bytes) datagrams', async () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed;
    };
    const junk: Buffer[] = [Buffer.alloc(0), Buffer.alloc(1), Buffer.alloc(11, 0xff)];
    for (const size of [4097, 5000, 9000, 65000]) junk.push(Buffer.alloc(size, 0x41));
    const good = buildQuery('app.example.com', { edns: true });
    junk.push(Buffer.concat([good, Buffer.alloc(5000)]));
    for (let i = 0; i < 3000; i++) {
      const m = Buffer.from(good);
      for (let k = 0; k < 1 + (rand() % 6); k++) m[rand() % m.length] = rand() & 0xff;
      junk.push(i % 3 === 0 ? m.subarray(0, rand() % m.length) : m);
    }
    for (let i = 0; i < 500; i++) {
      junk.push(Buffer.from(Array.from({ length: rand() % 600 }, () => rand() & 0xff)));
    }
    const replies = await burst(native.port, junk, 300);
    for (const r of replies) expect(r.length).toBeLessThanOrEqual(1232);
    // Still answering, and the oversized datagram got no reply (it was dropped, not cut).
    const after = parse(await exchangeUdp(native.port, buildQuery('app.example.com', { id: 9 })));
    expect(after.id).toBe(9);
    expect(after.rcode).toBe('NOERROR');
    const big = await exchangeUdp(native.port, Buffer.concat([good, Buffer.alloc(5000)]), 300);
    expect(big).toBeNull();
  }, 30_000);

  it('a responder that throws loses only that reply', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const responder = {
      answerBytes(req: Buffer, out: Buffer) {
        calls++;
        if (req[0] === 0xee) throw new Error('boom');
        req.copy(out);
        out[2] = (out[2] as number) | 0x80;
        return req.length;
      },
    } as unknown as DnsResponder;
    const udp = startBatchedUdp({
      host: '127.0.0.1',
      port: 0,
      responder,
      onError: (e) => errors.push(e),
    });
    try {
      const q = buildQuery('app.example.com', { id: 0xee01 });
      expect(await exchangeUdp(udp.port, q, 300)).toBeNull();
      const ok = await exchangeUdp(udp.port, buildQuery('app.example.com', { id: 0x1201 }));
      expect(ok?.readUInt16BE(0)).toBe(0x1201);
      expect(errors.length).toBe(1);
      expect(calls).toBe(2);
    } finally {
      udp.close();
      udp.close();
    }
  });

  it('an exception escaping the batch callback is caught in the addon: that batch gets no replies', async () => {
    const responder = {
      answerBytes(req: Buffer, out: Buffer) {
        if (req[0] === 0xee) throw new Error('boom');
        req.copy(out);
        return req.length;
      },
    } as unknown as DnsResponder;
    const udp = startBatchedUdp({
      host: '127.0.0.1',
      port: 0,
      responder,
      onError: () => {
        throw new Error('onError throws too');
      },
    });
    try {
      expect(await exchangeUdp(udp.port, buildQuery('a.example', { id: 0xee02 }), 300)).toBeNull();
      const ok = await exchangeUdp(udp.port, buildQuery('a.example', { id: 0x1202 }));
      expect(ok?.readUInt16BE(0)).toBe(0x1202);
    } finally {
      udp.close();
    }
  });
});
