import { execFile, execFileSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGIONS } from '../../engine/regions';
import type { TestDnsAnswerResponse } from '../../shared/routing';
import { loadGeo } from '../geo/load-geo';
import { call, startTestServer, type TestServer } from '../test-server';
import { startDnsServer } from './dns-server';
import { buildQuery, dig, ecsOf, exchangeTcp, exchangeUdp, parse } from './dns-test-kit';

/**
 * The DNS server against real clients over loopback (dig, kdig, Node's resolver, raw packets),
 * and against TestDNSAnswer: the same question must get the same records.
 */

const runFile = promisify(execFile);
let server: TestServer;
let port: number;
let demoZone: string;
let wideZone: string;

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
};

async function testDnsAnswer(zone: string, params: Record<string, string>) {
  const q = new URLSearchParams(params).toString();
  const res = await call(server.base, 'GET', `/api/zones/${zone}/testdnsanswer?${q}`);
  expect(res.status).toBe(200);
  return res.body as TestDnsAnswerResponse;
}

beforeAll(async () => {
  server = await startTestServer({ demo: true, dns: true });
  port = server.dns?.port ?? 0;
  const zones = (await call(server.base, 'GET', '/api/zones')).body as {
    id: string;
    name: string;
  }[];
  demoZone = zones.find((z) => z.name === 'example.com')?.id ?? '';
  // A name with a latency record in every region.
  const created = await call(
    server.base,
    'POST',
    '/api/zones',
    { name: 'wide.test' },
    server.adminHeaders,
  );
  wideZone = (created.body as { id: string }).id;
  const changes = REGIONS.map((r, i) => ({
    Action: 'CREATE',
    ResourceRecordSet: {
      Name: 'all.wide.test',
      Type: 'A',
      SetIdentifier: r.code,
      Region: r.code,
      TTL: 30,
      ResourceRecords: [{ Value: `192.0.2.${i + 1}` }],
    },
  }));
  changes.push(
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'all.wide.test',
        Type: 'AAAA',
        SetIdentifier: 'v6-east',
        Region: 'us-east-1',
        TTL: 30,
        ResourceRecords: [{ Value: '2001:db8::1' }],
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'all.wide.test',
        Type: 'AAAA',
        SetIdentifier: 'v6-tokyo',
        Region: 'ap-northeast-1',
        TTL: 30,
        ResourceRecords: [{ Value: '2001:db8::2' }],
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'txt.wide.test',
        Type: 'TXT',
        TTL: 300,
        ResourceRecords: [{ Value: '"v=spf1 -all" "second \\"quoted\\" string"' }],
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'mail.wide.test',
        Type: 'MX',
        TTL: 300,
        ResourceRecords: [{ Value: '10 mx1.wide.test.' }, { Value: '20 mx2.wide.test.' }],
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'www.wide.test',
        Type: 'CNAME',
        TTL: 300,
        ResourceRecords: [{ Value: 'all.wide.test' }],
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: '*.apps.wide.test',
        Type: 'A',
        TTL: 60,
        ResourceRecords: [{ Value: '198.51.100.99' }],
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'deep.below.wide.test',
        Type: 'A',
        TTL: 60,
        ResourceRecords: [{ Value: '198.51.100.98' }],
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'alias.wide.test',
        Type: 'A',
        AliasTarget: {
          HostedZoneId: 'ZSELF',
          DNSName: 'all.wide.test',
          EvaluateTargetHealth: false,
        },
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'elb.wide.test',
        Type: 'A',
        AliasTarget: {
          HostedZoneId: 'Z35SXDOTRQ7X7K',
          DNSName: 'dualstack.my-lb-1.us-east-1.elb.amazonaws.com',
          EvaluateTargetHealth: false,
        },
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'sub.wide.test',
        Type: 'NS',
        TTL: 3600,
        ResourceRecords: [{ Value: 'ns.sub.wide.test.' }],
      },
    } as never,
    {
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'ns.sub.wide.test',
        Type: 'A',
        TTL: 3600,
        ResourceRecords: [{ Value: '192.0.2.53' }],
      },
    } as never,
  );
  const applied = await call(
    server.base,
    'POST',
    `/api/zones/${wideZone}/rrsets`,
    { Changes: changes },
    server.adminHeaders,
  );
  expect(applied.status).toBe(200);
  await server.dns?.refresh();
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('real clients', () => {
  it.skipIf(!has('dig'))(
    'dig gets the latency answer TestDNSAnswer gives, authoritative, with the subnet echoed',
    async () => {
      const out = await dig(port, ['app.example.com', 'A', '+subnet=81.2.69.0/24']);
      expect(out).toMatch(/status: NOERROR/);
      expect(out).toMatch(/flags: qr aa;/);
      const expected = await testDnsAnswer(demoZone, {
        recordname: 'app.example.com',
        recordtype: 'A',
        edns0clientsubnetip: '81.2.69.0',
        edns0clientsubnetmask: '24',
      });
      const answer = /^app\.example\.com\.\s+60\s+IN\s+A\s+(\S+)$/m.exec(out)?.[1];
      expect([answer]).toEqual(expected.RecordData);
      const scope = /CLIENT-SUBNET: 81\.2\.69\.0\/24\/(\d+)/.exec(out)?.[1];
      expect(Number(scope)).toBeGreaterThan(0);
    },
  );

  it.skipIf(!has('dig'))('dig over TCP, and the zone apex answers SOA and NS', async () => {
    const soa = await dig(port, ['+tcp', 'example.com', 'SOA']);
    expect(soa).toMatch(
      /example\.com\.\s+900\s+IN\s+SOA\s+ns1\.example\.com\. hostmaster\.example\.com\. \d+ 7200 900 1209600 86400/,
    );
    const ns = await dig(port, ['example.com', 'NS']);
    expect(ns).toMatch(/example\.com\.\s+172800\s+IN\s+NS\s+ns1\.example\.com\./);
    expect(ns).toMatch(/IN\s+NS\s+ns2\.example\.com\./);
  });

  it.skipIf(!has('kdig'))('kdig (Knot) agrees, over UDP and TCP', async () => {
    for (const proto of ['+notcp', '+tcp']) {
      // Async: the server answers from this process's event loop.
      const { stdout: out } = await runFile('kdig', [
        '@127.0.0.1',
        '-p',
        String(port),
        proto,
        '+norec',
        '+subnet=2a02:26f0::/48',
        'all.wide.test',
        'AAAA',
      ]);
      expect(out).toMatch(/status: NOERROR/);
      expect(out).toMatch(/all\.wide\.test\.\s+30\s+IN\s+AAAA\s+2001:db8::/);
    }
  });

  it("Node's dns.Resolver pointed at the port resolves A, AAAA, TXT, MX and CNAME", async () => {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    // No client subnet and a loopback source: the default resolver location (us-east-1).
    const expected = await testDnsAnswer(demoZone, {
      recordname: 'api.example.com',
      recordtype: 'A',
    });
    expect(await resolver.resolve4('api.example.com')).toEqual(expected.RecordData);
    expect(await resolver.resolve6('all.wide.test')).toEqual(['2001:db8::1']);
    expect(await resolver.resolveTxt('txt.wide.test')).toEqual([
      ['v=spf1 -all', 'second "quoted" string'],
    ]);
    expect(
      (await resolver.resolveMx('mail.wide.test')).sort((a, b) => a.priority - b.priority),
    ).toEqual([
      { exchange: 'mx1.wide.test', priority: 10 },
      { exchange: 'mx2.wide.test', priority: 20 },
    ]);
    expect(await resolver.resolveCname('www.wide.test')).toEqual(['all.wide.test']);
    await expect(resolver.resolve4('nothing-here.wide.test')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });
});

describe('agreement with TestDNSAnswer', () => {
  it('answers ≥1,000 random IPv4 and IPv6 client subnets exactly as TestDNSAnswer does', async () => {
    const geo = loadGeo();
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const cases: {
      name: string;
      zone: string;
      type: string;
      family: 1 | 2;
      address: string;
      prefix: number;
    }[] = [];
    const names: [string, string, string][] = [
      ['app.example.com', demoZone, 'A'],
      ['api.example.com', demoZone, 'A'],
      ['all.wide.test', wideZone, 'A'],
      ['alias.wide.test', wideZone, 'A'],
      ['all.wide.test', wideZone, 'AAAA'],
    ];
    while (cases.length < 1200) {
      const v6 = cases.length % 3 === 2;
      const [name, zone, type] = names[cases.length % names.length] as [string, string, string];
      if (v6) {
        const r = rand();
        const addr = `2${(r >>> 20).toString(16).padStart(3, '0')}:${(rand() >>> 16).toString(16)}::`;
        const prefix = [32, 48, 56][rand() % 3] as number;
        const located = geo.ip(addr);
        if (!located) continue;
        // Zero the host bits the way a resolver does before sending the subnet.
        const truncated = await testDnsAnswer(zone, {
          recordname: name,
          recordtype: type,
          edns0clientsubnetip: addr,
          edns0clientsubnetmask: String(prefix),
        });
        const net = truncated.Routing.client.address ?? addr;
        cases.push({ name, zone, type, family: 2, address: net, prefix });
      } else {
        const r = rand();
        const addr = `${(r >>> 24) % 224 || 1}.${(r >>> 16) & 255}.${(r >>> 8) & 255}.0`;
        if (!geo.ip(addr)) continue;
        cases.push({ name, zone, type, family: 1, address: addr, prefix: 24 });
      }
    }
    let compared = 0;
    const mismatches: string[] = [];
    for (let i = 0; i < cases.length; i += 50) {
      await Promise.all(
        cases.slice(i, i + 50).map(async (c, k) => {
          const expected = await testDnsAnswer(c.zone, {
            recordname: c.name,
            recordtype: c.type,
            edns0clientsubnetip: c.address,
            edns0clientsubnetmask: String(c.prefix),
          });
          const reply = parse(
            await exchangeUdp(
              port,
              buildQuery(c.name, {
                id: i + k,
                type: c.type,
                subnet: { family: c.family, source: c.prefix, address: c.address },
              }),
            ),
          );
          const data = (reply.answers ?? []).map((a) => String(a.data));
          compared++;
          if (JSON.stringify(data) !== JSON.stringify(expected.RecordData)) {
            mismatches.push(
              `${c.name} ${c.type} ${c.address}/${c.prefix}: dns ${data} api ${expected.RecordData}`,
            );
          }
          const ecs = ecsOf(reply);
          expect(ecs?.source).toBe(c.prefix);
        }),
      );
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(1000);
  }, 120_000);
});

describe('RFC behaviour', () => {
  const ask = async (name: string, opts: Parameters<typeof buildQuery>[1] = {}) =>
    parse(await exchangeUdp(port, buildQuery(name, opts)));

  it('NXDOMAIN carries the SOA with the negative TTL, AA set, and ECS scope 0', async () => {
    const r = await ask('missing.example.com', {
      subnet: { family: 1, source: 24, address: '81.2.69.0' },
    });
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.flags & 0x0400).toBeTruthy();
    expect(r.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'example.com', ttl: 900 });
    expect(ecsOf(r)).toEqual({ family: 1, source: 24, scope: 0 });
  });

  it('NODATA (name exists, type does not; empty non-terminal) is NOERROR with the SOA', async () => {
    for (const name of ['app.example.com', 'below.wide.test']) {
      const r = await ask(name, { type: 'MX' });
      expect(r.rcode).toBe('NOERROR');
      expect(r.answers).toEqual([]);
      expect(r.authorities?.[0]?.type).toBe('SOA');
    }
    // An empty non-terminal blocks nothing but exists: A there is NODATA, not NXDOMAIN.
    expect((await ask('below.wide.test')).rcode).toBe('NOERROR');
  });

  it('REFUSED for names outside every served zone, without AA', async () => {
    const r = await ask('www.example.org');
    expect(r.rcode).toBe('REFUSED');
    expect(r.flags & 0x0400).toBe(0);
  });

  it('an IPv4-mapped IPv6 client subnet is answered as the IPv4 subnet, scope in IPv6 terms', async () => {
    const v4 = await ask('all.wide.test', {
      subnet: { family: 1, source: 24, address: '81.2.69.0' },
    });
    const mapped = await ask('all.wide.test', {
      subnet: { family: 2, source: 120, address: '::ffff:81.2.69.0' },
    });
    expect(mapped.answers.map((a) => a.data)).toEqual(v4.answers.map((a) => a.data));
    expect(ecsOf(mapped)).toEqual({ family: 2, source: 120, scope: 96 + (ecsOf(v4)?.scope ?? 0) });
  });

  it('echoes the question byte for byte (0x20 mixed case)', async () => {
    const q = buildQuery('ApP.ExAmPlE.cOm', { id: 7 });
    const reply = await exchangeUdp(port, q);
    expect(reply?.subarray(12, q.length)).toEqual(q.subarray(12));
    expect(parse(reply).answers?.[0]?.data).toBe('192.0.2.10');
  });

  it('wildcards answer with the query name as owner; an alias inside the zone answers its target', async () => {
    const w = await ask('x.apps.wide.test');
    expect(w.answers?.[0]).toMatchObject({
      name: 'x.apps.wide.test',
      type: 'A',
      data: '198.51.100.99',
    });
    const a = await ask('alias.wide.test', {
      subnet: { family: 1, source: 24, address: '81.2.69.0' },
    });
    const direct = await ask('all.wide.test', {
      subnet: { family: 1, source: 24, address: '81.2.69.0' },
    });
    expect(a.answers?.map((x) => x.data)).toEqual(direct.answers?.map((x) => x.data));
    expect(a.answers?.[0]?.type).toBe('A');
    const outside = await ask('elb.wide.test');
    expect(outside.answers?.[0]).toMatchObject({
      type: 'CNAME',
      data: 'dualstack.my-lb-1.us-east-1.elb.amazonaws.com',
    });
  });

  it('a CNAME answers every other type; a delegation gets a referral with glue', async () => {
    const c = await ask('www.wide.test', { type: 'AAAA' });
    expect(c.answers?.[0]).toMatchObject({ type: 'CNAME', data: 'all.wide.test' });
    const ref = await ask('host.sub.wide.test');
    expect(ref.rcode).toBe('NOERROR');
    expect(ref.flags & 0x0400).toBe(0);
    expect(ref.answers).toEqual([]);
    expect(ref.authorities?.[0]).toMatchObject({
      type: 'NS',
      name: 'sub.wide.test',
      data: 'ns.sub.wide.test',
    });
    expect(ref.additionals?.find((x) => x.type === 'A')).toMatchObject({
      name: 'ns.sub.wide.test',
      data: '192.0.2.53',
    });
  });

  it('FORMERR for malformed client-subnet options and for two OPT records', async () => {
    const bad: [string, Buffer][] = [
      ['bits set beyond SOURCE', Buffer.from('00080007000114000a0b0f', 'hex')],
      ['address longer than SOURCE needs', Buffer.from('0008000800011800c0000201', 'hex')],
      ['unknown family', Buffer.from('00080007000318000a0b0c', 'hex')],
      ['SOURCE beyond 32 bits', Buffer.from('0008000800012100c0000201', 'hex')],
      ['non-zero SCOPE in a query', Buffer.from('00080007000118100a0b0c', 'hex')],
      ['option shorter than 4 bytes', Buffer.from('000800020001', 'hex')],
      ['option longer than the OPT', Buffer.from('0008001000011800', 'hex')],
    ];
    for (const [label, raw] of bad) {
      const r = await ask('app.example.com', { edns: true, rawOption: raw });
      expect(r.rcode, label).toBe('FORMERR');
    }
    const q = buildQuery('app.example.com', { edns: true });
    const opt = q.subarray(q.length - 11);
    const two = Buffer.concat([q, opt]);
    two.writeUInt16BE(2, 10);
    expect(parse(await exchangeUdp(port, two)).rcode).toBe('FORMERR');
  });

  it('BADVERS for EDNS version 1, NOTIMP for other opcodes', async () => {
    const v1 = await ask('app.example.com', { edns: true, ednsVersion: 1 });
    expect(v1.rcodeValue).toBe(16);
    expect((v1.additionals ?? []).find((a) => a.type === 'OPT')).toMatchObject({ ednsVersion: 0 });
    const notify = await ask('example.com', { opcode: 4 });
    expect(notify.rcode).toBe('NOTIMP');
  });

  it('caps UDP answers at 512 bytes without EDNS and at the EDNS size, with TC; TCP gets it all', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ Value: `"${'x'.repeat(40)} ${i}"` }));
    const res = await call(
      server.base,
      'POST',
      `/api/zones/${wideZone}/rrsets`,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'big.wide.test',
              Type: 'TXT',
              TTL: 60,
              ResourceRecords: many,
            },
          },
        ],
      },
      server.adminHeaders,
    );
    expect(res.status).toBe(200);
    await server.dns?.refresh();
    const plain = await exchangeUdp(
      port,
      buildQuery('big.wide.test', { type: 'TXT', edns: false }),
    );
    expect(plain?.length).toBeLessThanOrEqual(512);
    expect(parse(plain).flags & 0x0200).toBeTruthy();
    const small = await exchangeUdp(
      port,
      buildQuery('big.wide.test', { type: 'TXT', udpSize: 1000 }),
    );
    expect(parse(small).flags & 0x0200).toBeTruthy();
    expect(small?.length).toBeLessThanOrEqual(1000);
    const [tcp] = await exchangeTcp(port, [buildQuery('big.wide.test', { type: 'TXT' })]);
    const full = parse(tcp);
    expect(full.flags & 0x0200).toBe(0);
    expect(full.answers).toHaveLength(40);
  });

  it('TCP: pipelined queries are all answered, in order, on one connection', async () => {
    const queries = [
      'app.example.com',
      'api.example.com',
      'missing.example.com',
      'www.example.org',
    ].map((n, i) => buildQuery(n, { id: 100 + i }));
    const replies = await exchangeTcp(port, queries);
    expect(replies.map((r) => parse(r).id)).toEqual([100, 101, 102, 103]);
    expect(replies.map((r) => parse(r).rcode)).toEqual([
      'NOERROR',
      'NOERROR',
      'NXDOMAIN',
      'REFUSED',
    ]);
  });
});

describe('TCP connections', () => {
  it('closes idle connections, and idle ones (even past the connection limit) never block UDP or new TCP', async () => {
    const geo = loadGeo();
    const dns = await startDnsServer({
      repository: server.repository,
      geo,
      host: '127.0.0.1',
      port: 0,
      tcpIdleMs: 300,
      // Fewer than the idle connections below: the longest idle make room for new ones.
      maxTcpConnections: 64,
    });
    try {
      const net = await import('node:net');
      const idle = await Promise.all(
        Array.from(
          { length: 200 },
          () =>
            new Promise<import('node:net').Socket>((resolve) => {
              const s = net.connect(dns.port, '127.0.0.1', () => resolve(s));
              s.on('error', () => {});
            }),
        ),
      );
      // Half a message (a length prefix promising more) on some of them.
      for (const s of idle.slice(0, 50)) s.write(Buffer.from([0x00, 0x40, 0x12]));
      const udp = parse(await exchangeUdp(dns.port, buildQuery('app.example.com')));
      expect(udp.rcode).toBe('NOERROR');
      const [tcp] = await exchangeTcp(dns.port, [buildQuery('app.example.com')]);
      expect(parse(tcp).rcode).toBe('NOERROR');
      const closed = await Promise.all(
        idle.map(
          (s) =>
            new Promise<boolean>((resolve) => {
              if (s.destroyed) resolve(true);
              s.on('close', () => resolve(true));
              setTimeout(() => resolve(false), 3000);
            }),
        ),
      );
      expect(closed.every(Boolean)).toBe(true);
    } finally {
      await dns.close();
    }
  });
});

describe('changes reach answers', () => {
  it('a change batch is answered within 1 s', async () => {
    const before = parse(await exchangeUdp(port, buildQuery('fresh.wide.test')));
    expect(before.rcode).toBe('NXDOMAIN');
    const started = Date.now();
    const res = await call(
      server.base,
      'POST',
      `/api/zones/${wideZone}/rrsets`,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'fresh.wide.test',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '203.0.113.7' }],
            },
          },
        ],
      },
      server.adminHeaders,
    );
    expect(res.status).toBe(200);
    let data: unknown[] = [];
    while (Date.now() - started < 1000) {
      data = (parse(await exchangeUdp(port, buildQuery('fresh.wide.test'))).answers ?? []).map(
        (a) => a.data,
      );
      if (data.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(data).toEqual(['203.0.113.7']);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('change status', () => {
  it('ChangeInfo is PENDING until the DNS server serves the batch, then INSYNC (GET /api/changes/:id)', async () => {
    // A server whose DNS looks for changes only when told to, so PENDING can be seen for sure.
    const slow = await startTestServer({ demo: true, dns: true, dnsRefreshMs: 600_000 });
    try {
      const zones = (await call(slow.base, 'GET', '/api/zones')).body as {
        id: string;
        name: string;
      }[];
      const zone = zones.find((z) => z.name === 'example.com')?.id ?? '';
      const res = await call(
        slow.base,
        'POST',
        `/api/zones/${zone}/rrsets`,
        {
          Comment: 'new',
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'new.example.com',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '203.0.113.8' }],
              },
            },
          ],
        },
        slow.adminHeaders,
      );
      expect(res.status).toBe(200);
      const info = (res.body as { ChangeInfo: { Id: string; Status: string } }).ChangeInfo;
      expect(info.Status).toBe('PENDING');
      const id = info.Id.replace('/change/', '');
      const pending = await call(slow.base, 'GET', `/api/changes/${id}`);
      expect(pending.body).toMatchObject({
        ChangeInfo: { Id: info.Id, Status: 'PENDING', Comment: 'new' },
      });
      const port2 = slow.dns?.port ?? 0;
      expect(parse(await exchangeUdp(port2, buildQuery('new.example.com'))).rcode).toBe('NXDOMAIN');
      await slow.dns?.refresh();
      expect(parse(await exchangeUdp(port2, buildQuery('new.example.com'))).answers[0]?.data).toBe(
        '203.0.113.8',
      );
      const insync = await call(slow.base, 'GET', `/api/changes/${encodeURIComponent(info.Id)}`);
      expect(insync.body).toMatchObject({ ChangeInfo: { Status: 'INSYNC' } });
      expect((await call(slow.base, 'GET', '/api/changes/CNOSUCHCHANGE')).status).toBe(404);
      const bad = await call(slow.base, 'GET', '/api/changes/not-a-change');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: { details: [{ field: 'id' }] } });
    } finally {
      await slow.close();
    }
  });
});

describe('health', () => {
  it('an unhealthy record moves its users to the next-best region in DNS, as in the preview, and back', async () => {
    const hc = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const sets = [
      ['virginia', 'us-east-1', '198.51.100.1', hc],
      ['ireland', 'eu-west-1', '198.51.100.2', undefined],
    ] as const;
    const res = await call(
      server.base,
      'POST',
      `/api/zones/${wideZone}/rrsets`,
      {
        Changes: sets.map(([id, region, value, check]) => ({
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'hc.wide.test',
            Type: 'A',
            SetIdentifier: id,
            Region: region,
            TTL: 60,
            ResourceRecords: [{ Value: value }],
            ...(check ? { HealthCheckId: check } : {}),
          },
        })),
      },
      server.adminHeaders,
    );
    expect(res.status).toBe(200);
    await server.dns?.refresh();
    // New York: nearest is us-east-1.
    const q = () =>
      exchangeUdp(
        port,
        buildQuery('hc.wide.test', { subnet: { family: 1, source: 24, address: '96.239.250.0' } }),
      );
    const api = async () =>
      (
        await testDnsAnswer(wideZone, {
          recordname: 'hc.wide.test',
          recordtype: 'A',
          edns0clientsubnetip: '96.239.250.0',
        })
      ).RecordData;
    expect((await api())[0]).toBe('198.51.100.1');
    expect(parse(await q()).answers[0]?.data).toBe('198.51.100.1');
    const down = await call(
      server.base,
      'PUT',
      `/api/health-checks/${hc}`,
      { healthy: false },
      server.adminHeaders,
    );
    expect(down.status).toBe(200);
    await server.dns?.refresh();
    expect(parse(await q()).answers[0]?.data).toBe('198.51.100.2');
    expect(await api()).toEqual(['198.51.100.2']);
    await call(
      server.base,
      'PUT',
      `/api/health-checks/${hc}`,
      { healthy: true },
      server.adminHeaders,
    );
    await server.dns?.refresh();
    expect(parse(await q()).answers[0]?.data).toBe('198.51.100.1');
  });
});
