import { afterEach, describe, expect, it } from 'vitest';
import { askDns, DnsBadResponseError, DnsTimeoutError, EDNS_PAYLOAD_SIZE } from './ask-dns';
import { presentRecord } from './record-presentation';
import {
  replyTo,
  type ScriptedAnswer,
  startTestResponder,
  type TestResponder,
} from './test-responder';

let peer: TestResponder | null = null;
afterEach(async () => {
  await peer?.close();
  peer = null;
});

async function peerWith(answer: ScriptedAnswer): Promise<TestResponder> {
  peer = await startTestResponder(answer);
  return peer;
}

describe('askDns over UDP', () => {
  it('sends RD=0, EDNS0 payload 1232 and the client subnet; reads rcode, AA and the ECS scope', async () => {
    const p = await peerWith((q) =>
      replyTo(q, {
        answers: [{ type: 'A', name: 'app.example.com', ttl: 60, data: '192.0.2.10' }],
        additionals: [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 1232,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [
              {
                code: 8,
                family: 1,
                sourcePrefixLength: 24,
                scopePrefixLength: 20,
                ip: '81.2.69.0',
              },
            ],
          },
        ],
      }),
    );
    const reply = await askDns(
      {
        name: 'app.example.com',
        type: 'A',
        subnet: { address: '81.2.69.0', prefix: 24, family: 4 },
      },
      p,
    );
    expect(reply).toMatchObject({
      protocol: 'UDP',
      rcode: 'NOERROR',
      ecsScope: 20,
      udpTruncated: false,
    });
    expect(reply.packet.flag_aa).toBe(true);
    expect(reply.rttMs).toBeGreaterThanOrEqual(0);
    expect(reply.packet.answers?.map(presentRecord)).toEqual([
      { name: 'app.example.com.', type: 'A', ttl: 60, data: '192.0.2.10' },
    ]);

    const [sent] = p.queries;
    expect(sent?.protocol).toBe('UDP');
    expect(sent?.packet.flag_rd).toBe(false);
    expect(sent?.packet.questions).toEqual([{ name: 'app.example.com', type: 'A', class: 'IN' }]);
    const opt = sent?.packet.additionals?.find((a) => a.type === 'OPT') as
      | { udpPayloadSize: number; options: { code: number; data: Buffer }[] }
      | undefined;
    expect(opt?.udpPayloadSize).toBe(EDNS_PAYLOAD_SIZE);
    // family 1, source /24, scope 0, three address bytes (RFC 7871: no bytes past the prefix).
    expect(opt?.options.find((o) => o.code === 8)?.data.toString('hex')).toBe('00011800510245');
  });

  it('sends no client-subnet option without a subnet; ecsScope is null when none comes back', async () => {
    const p = await peerWith((q) => replyTo(q));
    const reply = await askDns({ name: 'example.com', type: 'SOA' }, p);
    expect(reply.ecsScope).toBeNull();
    const opt = p.queries[0]?.packet.additionals?.find((a) => a.type === 'OPT') as
      | { options: unknown[] }
      | undefined;
    expect(opt?.options).toEqual([]);
  });

  it('an IPv6 subnet goes out as family 2 with ceil(prefix/8) address bytes', async () => {
    const p = await peerWith((q) => replyTo(q));
    await askDns(
      {
        name: 'app.example.com',
        type: 'AAAA',
        subnet: { address: '2001:db8::', prefix: 48, family: 6 },
      },
      p,
    );
    const opt = p.queries[0]?.packet.additionals?.find((a) => a.type === 'OPT') as
      | { options: { code: number; data: Buffer }[] }
      | undefined;
    expect(opt?.options[0]?.data.toString('hex')).toBe('0002300020010db80000');
  });

  it('names rcodes, extended ones (BADVERS) included', async () => {
    const p = await peerWith((q) => {
      const name = q.questions?.[0]?.name;
      if (name === 'gone.example.com') return replyTo(q, { flags: 0x0400 | 3 });
      if (name === 'refused.example.org') return replyTo(q, { flags: 5 });
      return replyTo(q, {
        additionals: [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 1232,
            extendedRcode: 1,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ],
      });
    });
    expect((await askDns({ name: 'gone.example.com', type: 'A' }, p)).rcode).toBe('NXDOMAIN');
    expect((await askDns({ name: 'refused.example.org', type: 'A' }, p)).rcode).toBe('REFUSED');
    expect((await askDns({ name: 'example.com', type: 'A' }, p)).rcode).toBe('BADVERS');
  });

  it('asks HTTPS and SVCB by number (dns-packet has no name for them)', async () => {
    const p = await peerWith((q) => replyTo(q));
    await askDns({ name: 'example.com', type: 'HTTPS' }, p);
    await askDns({ name: 'example.com', type: 'SVCB' }, p);
    // QTYPE is the 2 bytes after the question name (7 example 3 com 0 = 13 bytes from offset 12).
    expect(p.queries.map((q) => q.bytes.readUInt16BE(12 + 13))).toEqual([65, 64]);
  });

  it('uses a fresh random id per question', async () => {
    const p = await peerWith((q) => replyTo(q));
    for (let i = 0; i < 5; i++) await askDns({ name: 'example.com', type: 'A' }, p);
    expect(new Set(p.queries.map((q) => q.packet.id)).size).toBeGreaterThan(1);
  });
});

describe('askDns: truncation, silence and nonsense', () => {
  it('asks again over TCP (2-byte length framing) when the UDP answer has TC set', async () => {
    const big = Array.from({ length: 40 }, (_, i) => ({
      type: 'TXT' as const,
      name: 'big.example.com',
      ttl: 300,
      data: [`record ${i} ${'x'.repeat(60)}`],
    }));
    const p = await peerWith((q, protocol) =>
      protocol === 'UDP' ? replyTo(q, { flags: 0x0400 | 0x0200 }) : replyTo(q, { answers: big }),
    );
    const reply = await askDns({ name: 'big.example.com', type: 'TXT' }, p);
    expect(reply).toMatchObject({ protocol: 'TCP', udpTruncated: true, rcode: 'NOERROR' });
    expect(reply.packet.answers).toHaveLength(40);
    expect(p.queries.map((q) => q.protocol)).toEqual(['UDP', 'TCP']);
    expect(p.queries[1]?.packet.id).toBe(p.queries[0]?.packet.id);
  });

  it('gives up after the timeout when nothing answers', async () => {
    const p = await peerWith(() => null);
    const started = Date.now();
    await expect(
      askDns({ name: 'example.com', type: 'A' }, { ...p, timeoutMs: 150 }),
    ).rejects.toThrow(DnsTimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a closed port is reported at once, as no answer', async () => {
    const p = await peerWith(() => null);
    const { port } = p;
    await p.close();
    peer = null;
    await expect(
      askDns({ name: 'example.com', type: 'A' }, { host: '127.0.0.1', port }),
    ).rejects.toThrow(/nothing answers on 127\.0\.0\.1 port \d+/);
  });

  it('refuses an answer with another id, another question or that does not decode', async () => {
    const p = await peerWith((q) => {
      const name = q.questions?.[0]?.name;
      if (name === 'id.example.com') return replyTo(q, { id: ((q.id ?? 0) + 1) & 0xffff });
      if (name === 'other.example.com') {
        return replyTo(q, { questions: [{ name: 'else.example.com', type: 'A', class: 'IN' }] });
      }
      return Buffer.from([1, 2, 3]);
    });
    for (const name of ['id.example.com', 'other.example.com', 'junk.example.com']) {
      await expect(askDns({ name, type: 'A' }, p), name).rejects.toThrow(DnsBadResponseError);
    }
  });
});
