import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsQueryResultSchema, DnsStatusSchema, formatDigCommand } from '../../shared/dns';
import { ApiErrorSchema, fieldErrors } from '../../shared/errors';
import { buildApp, registeredRoutes } from '../app';
import { replyTo, startTestResponder, type TestResponder } from '../dns-client/test-responder';
import type { ServerGeo } from '../geo/load-geo';
import { openRepository } from '../storage/open-repository';
import type { Repository } from '../storage/repository';
import { seedDemo } from '../storage/seed-demo';
import { call } from '../test-server';
import { type DnsEndpoint, loopbackTarget, recordDataOf } from './dns-routes';
import { buildOpenApiDocument } from './openapi';

/**
 * The JSON front door to the DNS endpoint, against a scripted UDP/TCP peer standing in for the
 * authoritative server (the peer records what was asked, so the wire query is checked too).
 */

// The routes here never locate clients; the app only needs a geo object to build.
const NO_GEO = {} as ServerGeo;

interface Harness {
  base: string;
  app: FastifyInstance;
  repository: Repository;
  close(): Promise<void>;
}

async function startApp(dns: DnsEndpoint | null, timeoutMs?: number): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'latency-atlas-dns-'));
  const repository = await openRepository(`sqlite:${join(dir, 'test.db')}`);
  await seedDemo(repository);
  const app = buildApp({
    repository,
    geo: NO_GEO,
    dns,
    ...(timeoutMs !== undefined ? { dnsQueryTimeoutMs: timeoutMs } : {}),
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base,
    app,
    repository,
    async close() {
      await app.close();
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A scripted authoritative peer for example.com. */
function answerExample(q: Parameters<Parameters<typeof startTestResponder>[0]>[0]) {
  const question = q.questions?.[0];
  const name = question?.name.toLowerCase() ?? '';
  const opt = q.additionals?.find((a) => a.type === 'OPT') as
    | { options: { code: number; sourcePrefixLength?: number; family?: number; ip?: string }[] }
    | undefined;
  const ecs = opt?.options.find((o) => o.code === 8);
  const echo = ecs
    ? [
        {
          type: 'OPT' as const,
          name: '.',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          // Echo FAMILY, SOURCE and ADDRESS (not the raw bytes, which would win over the fields).
          options: [
            {
              code: 8 as const,
              family: ecs.family,
              sourcePrefixLength: ecs.sourcePrefixLength,
              ip: ecs.ip ?? '',
              scopePrefixLength: 16,
            },
          ],
        },
      ]
    : [];
  const soa = {
    type: 'SOA' as const,
    name: 'example.com',
    ttl: 900,
    data: {
      mname: 'ns-1.latency-atlas.local',
      rname: 'hostmaster.example.com',
      serial: 3,
      refresh: 7200,
      retry: 900,
      expire: 1209600,
      minimum: 86400,
    },
  };
  if (!name.endsWith('example.com')) return replyTo(q, { flags: 5 });
  if (name === 'app.example.com' && question?.type === 'A') {
    // London-ish subnets get Oregon's address in this script, everything else Singapore's.
    const data = ecs?.ip?.startsWith('81.2.') ? '192.0.2.10' : '192.0.2.20';
    return replyTo(q, {
      answers: [{ type: 'A', name: question.name, ttl: 60, data }],
      additionals: echo,
    });
  }
  if (name === 'www.example.com') {
    return replyTo(q, {
      answers: [
        { type: 'CNAME', name: 'www.example.com', ttl: 300, data: 'app.example.com' },
        { type: 'A', name: 'app.example.com', ttl: 60, data: '192.0.2.20' },
      ],
      additionals: echo,
    });
  }
  if (name === '*.example.com') {
    return replyTo(q, { answers: [{ type: 'TXT', name, ttl: 60, data: ['v=spf1 -all'] }] });
  }
  if (name === 'slow.example.com') return null;
  return replyTo(q, { flags: 0x0400 | 3, authorities: [soa], additionals: echo });
}

let peer: TestResponder;
let h: Harness;
let zoneId: string;
let served = 1;
beforeAll(async () => {
  peer = await startTestResponder(answerExample);
  h = await startApp(
    {
      host: '0.0.0.0',
      port: peer.port,
      nameservers: ['ns-1.latency-atlas.local'],
      responders: () => 2,
      servedVersion: () => served,
    },
    300,
  );
  const zones = await h.repository.listZones();
  zoneId = zones[0]?.id ?? '';
});
afterAll(async () => {
  await h?.close();
  await peer?.close();
});

async function ask(query: string) {
  const res = await call(h.base, 'GET', `/api/zones/${zoneId}/dns-query?${query}`);
  return res;
}

describe('GET /api/dns', () => {
  it('says where the server listens and, per zone, whether every responder serves the latest version', async () => {
    const zone = await h.repository.getZone(zoneId);
    served = (zone?.version ?? 0) - 1;
    const behind = DnsStatusSchema.parse((await call(h.base, 'GET', '/api/dns')).body);
    expect(behind).toMatchObject({
      enabled: true,
      host: '0.0.0.0',
      port: peer.port,
      responders: 2,
      nameservers: ['ns-1.latency-atlas.local'],
    });
    expect(behind.zones).toEqual([
      {
        id: zoneId,
        name: 'example.com',
        version: zone?.version,
        serial: zone?.serial,
        servedVersion: (zone?.version ?? 0) - 1,
        inSync: false,
      },
    ]);
    served = zone?.version ?? 0;
    const caughtUp = DnsStatusSchema.parse((await call(h.base, 'GET', '/api/dns')).body);
    expect(caughtUp.zones[0]).toMatchObject({ servedVersion: zone?.version, inSync: true });
  });

  it('?zone= lists only that zone (either id form); a malformed id is a 400 naming zone', async () => {
    const other = await h.repository.createZone('example.org');
    const all = DnsStatusSchema.parse((await call(h.base, 'GET', '/api/dns')).body);
    expect(all.zones.map((z) => z.name)).toEqual(['example.com', 'example.org']);
    for (const id of [other.id, `/hostedzone/${other.id}`]) {
      const one = DnsStatusSchema.parse(
        (await call(h.base, 'GET', `/api/dns?zone=${encodeURIComponent(id)}`)).body,
      );
      expect(one.zones.map((z) => z.id)).toEqual([other.id]);
    }
    const unknown = DnsStatusSchema.parse(
      (await call(h.base, 'GET', '/api/dns?zone=ZNOSUCHZONE')).body,
    );
    expect(unknown.zones).toEqual([]);
    const bad = await call(h.base, 'GET', '/api/dns?zone=not-a-zone');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { details: [{ field: 'zone' }] } });
  });
});

describe('GET /api/zones/:id/dns-query', () => {
  it('asks over loopback with the subnet and answers with the records, ECS scope and the dig line', async () => {
    const before = peer.queries.length;
    const res = await ask(
      'recordname=app.example.com&recordtype=a&edns0clientsubnetip=81.2.69.160&edns0clientsubnetmask=24',
    );
    expect(res.status, res.text).toBe(200);
    const body = DnsQueryResultSchema.parse(res.body);
    expect(body).toEqual({
      server: `127.0.0.1:${peer.port}`,
      dig: `dig @127.0.0.1 -p ${peer.port} +norec +subnet=81.2.69.0/24 app.example.com A`,
      ResponseCode: 'NOERROR',
      RecordData: ['192.0.2.10'],
      answers: [{ name: 'app.example.com.', type: 'A', ttl: 60, data: '192.0.2.10' }],
      authority: [],
      aa: true,
      truncated: false,
      ecsScope: 16,
      rttMs: expect.any(Number),
      protocol: 'UDP',
    });
    // What went over the wire: one UDP query, RD clear, the subnet with its host bits zeroed.
    const sent = peer.queries.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.packet.flag_rd).toBe(false);
    const opt = sent[0]?.packet.additionals?.find((a) => a.type === 'OPT') as
      | {
          udpPayloadSize: number;
          options: { code: number; ip?: string; sourcePrefixLength?: number }[];
        }
      | undefined;
    expect(opt?.udpPayloadSize).toBe(1232);
    expect(opt?.options[0]).toMatchObject({ code: 8, ip: '81.2.69.0', sourcePrefixLength: 24 });
  });

  it('without a mask the subnet is /24 (IPv4), as testdnsanswer has it; no subnet, no option', async () => {
    const v4 = DnsQueryResultSchema.parse(
      (await ask('recordname=app.example.com&recordtype=A&edns0clientsubnetip=8.8.8.8')).body,
    );
    expect(v4.dig).toContain('+subnet=8.8.8.0/24 ');
    expect(v4.RecordData).toEqual(['192.0.2.20']);
    const none = DnsQueryResultSchema.parse(
      (await ask('recordname=app.example.com.&recordtype=A')).body,
    );
    expect(none.dig).toBe(`dig @127.0.0.1 -p ${peer.port} +norec app.example.com A`);
    expect(none.ecsScope).toBeNull();
  });

  it('NXDOMAIN comes with the SOA in authority; RecordData is empty', async () => {
    const body = DnsQueryResultSchema.parse(
      (await ask('recordname=nope.example.com&recordtype=A')).body,
    );
    expect(body.ResponseCode).toBe('NXDOMAIN');
    expect(body.RecordData).toEqual([]);
    expect(body.authority).toEqual([
      {
        name: 'example.com.',
        type: 'SOA',
        ttl: 900,
        data: 'ns-1.latency-atlas.local. hostmaster.example.com. 3 7200 900 1209600 86400',
      },
    ]);
  });

  it('a CNAME answer: RecordData holds the records of the type asked, else the CNAME', async () => {
    const a = DnsQueryResultSchema.parse(
      (await ask('recordname=www.example.com&recordtype=A')).body,
    );
    expect(a.RecordData).toEqual(['192.0.2.20']);
    expect(a.answers.map((r) => r.type)).toEqual(['CNAME', 'A']);
    expect(
      recordDataOf(
        [{ name: 'www.example.com.', type: 'CNAME', ttl: 1, data: 'app.example.com.' }],
        'TXT',
      ),
    ).toEqual(['app.example.com.']);
  });

  it('a Route 53 wildcard name (\\052) is asked as *, and quoted in the dig line', async () => {
    const body = DnsQueryResultSchema.parse(
      (await ask(`recordname=${encodeURIComponent('\\052.example.com')}&recordtype=TXT`)).body,
    );
    expect(body.RecordData).toEqual(['"v=spf1 -all"']);
    expect(body.dig).toBe(`dig @127.0.0.1 -p ${peer.port} +norec '*.example.com' TXT`);
  });

  it('an answer that never comes → 504 DnsTimeout', async () => {
    const res = await ask('recordname=slow.example.com&recordtype=A');
    expect(res.status).toBe(504);
    expect(ApiErrorSchema.parse(res.body).error).toMatchObject({
      code: 'DnsTimeout',
      message: expect.stringContaining(`127.0.0.1 port ${peer.port}`),
    });
  });

  it.each([
    ['recordtype=A', 'recordname'],
    ['recordname=app.example.com', 'recordtype'],
    ['recordname=app.example.com&recordtype=BOGUS', 'recordtype'],
    [
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=999.1.1.1',
      'edns0clientsubnetip',
    ],
    [
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.1&edns0clientsubnetmask=33',
      'edns0clientsubnetmask',
    ],
    [
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.1&edns0clientsubnetmask=x',
      'edns0clientsubnetmask',
    ],
    ['recordname=app.example.com&recordtype=A&edns0clientsubnetmask=24', 'edns0clientsubnetmask'],
    ['recordname=app.example.com&recordtype=A&city=2643743', 'city'],
    ['recordname=a..example.com&recordtype=A', 'recordname'],
    [`recordname=${'x'.repeat(64)}.example.com&recordtype=A`, 'recordname'],
    [`recordname=${encodeURIComponent('a\\.b.example.com')}&recordtype=A`, 'recordname'],
  ])('%s → 400 naming %s', async (query, field) => {
    const res = await ask(query);
    expect(res.status, res.text).toBe(400);
    const error = ApiErrorSchema.parse(res.body).error;
    expect(error.code).toBe('InvalidInput');
    expect(fieldErrors(error).map((d) => d.field)).toContain(field);
  });

  it('an unknown zone → 404 NoSuchHostedZone; nothing is sent', async () => {
    const before = peer.queries.length;
    const res = await call(
      h.base,
      'GET',
      '/api/zones/ZNOSUCHZONE000000000/dns-query?recordname=app.example.com&recordtype=A',
    );
    expect(res.status).toBe(404);
    expect(ApiErrorSchema.parse(res.body).error.code).toBe('NoSuchHostedZone');
    expect(peer.queries.length).toBe(before);
  });
});

describe('TC set over UDP → asked again over TCP', () => {
  it('reports TCP and the truncation, with the whole answer', async () => {
    const tcPeer = await startTestResponder((q, protocol) =>
      protocol === 'UDP'
        ? replyTo(q, { flags: 0x0400 | 0x0200 })
        : replyTo(q, {
            answers: Array.from({ length: 30 }, (_, i) => ({
              type: 'A' as const,
              name: 'app.example.com',
              ttl: 60,
              data: `192.0.2.${i + 1}`,
            })),
          }),
    );
    const app = await startApp({
      host: '127.0.0.1',
      port: tcPeer.port,
      responders: () => 1,
      servedVersion: () => 0,
    });
    try {
      const zone = (await app.repository.listZones())[0]?.id ?? '';
      const res = await call(
        app.base,
        'GET',
        `/api/zones/${zone}/dns-query?recordname=app.example.com&recordtype=A`,
      );
      const body = DnsQueryResultSchema.parse(res.body);
      expect(body).toMatchObject({ protocol: 'TCP', truncated: true, ResponseCode: 'NOERROR' });
      expect(body.RecordData).toHaveLength(30);
      expect(tcPeer.queries.map((q) => q.protocol)).toEqual(['UDP', 'TCP']);
    } finally {
      await app.close();
      await tcPeer.close();
    }
  });
});

describe('DNS off', () => {
  it('GET /api/dns says so; a query → 503 DnsDisabled', async () => {
    const off = await startApp(null);
    try {
      const status = DnsStatusSchema.parse((await call(off.base, 'GET', '/api/dns')).body);
      expect(status).toMatchObject({ enabled: false, host: null, port: null, responders: 0 });
      expect(status.zones[0]).toMatchObject({
        name: 'example.com',
        servedVersion: -1,
        inSync: false,
      });
      const zone = status.zones[0]?.id ?? '';
      const res = await call(
        off.base,
        'GET',
        `/api/zones/${zone}/dns-query?recordname=app.example.com&recordtype=A`,
      );
      expect(res.status).toBe(503);
      expect(ApiErrorSchema.parse(res.body).error).toMatchObject({
        code: 'DnsDisabled',
        message: expect.stringContaining('DNS_PORT'),
      });
    } finally {
      await off.close();
    }
  });
});

describe('loopback only', () => {
  it.each([
    ['0.0.0.0', '127.0.0.1'],
    ['::', '::1'],
    ['[::]', '::1'],
    ['localhost', '127.0.0.1'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
  ])('%s is asked on %s', (host, target) => {
    expect(loopbackTarget(host)).toBe(target);
  });

  it('dig lines name the server and port, and quote what a shell would expand', () => {
    expect(
      formatDigCommand({
        server: '::1',
        port: 53,
        name: 'app.example.com',
        type: 'AAAA',
        subnet: '2001:db8::/48',
      }),
    ).toBe('dig @::1 -p 53 +norec +subnet=2001:db8::/48 app.example.com AAAA');
    expect(
      formatDigCommand({ server: '127.0.0.1', port: 8053, name: "it's.example", type: 'A' }),
    ).toBe("dig @127.0.0.1 -p 8053 +norec 'it'\\''s.example' A");
  });
});

describe('OpenAPI', () => {
  it('documents both routes, with the query parameters and the DNS error codes', () => {
    const doc = buildOpenApiDocument() as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: object }>>;
    };
    const mine = registeredRoutes(h.app).filter(
      (r) => r.method !== 'HEAD' && (r.url === '/api/dns' || r.url.endsWith('/dns-query')),
    );
    expect(mine).toHaveLength(2);
    for (const r of mine) {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
    const query = doc.paths['/api/zones/{id}/dns-query']?.get;
    expect(query?.parameters?.map((p) => p.name)).toEqual([
      'id',
      'recordname',
      'recordtype',
      'edns0clientsubnetip',
      'edns0clientsubnetmask',
    ]);
    expect(Object.keys(query?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '404', '502', '503', '504']),
    );
    expect(doc.paths['/api/dns']?.get).toBeDefined();
  });
});
