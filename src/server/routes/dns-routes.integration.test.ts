import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameRecordData } from '../../engine/record-data';
import { DnsQueryResultSchema, DnsStatusSchema } from '../../shared/dns';
import { TestDnsAnswerResponseSchema } from '../../shared/routing';
import { buildApp } from '../app';
import { type DnsServer, startDnsServer } from '../dns/dns-server';
import { ZoneIndex } from '../domain/zone-index';
import { loadGeo } from '../geo/load-geo';
import { openRepository } from '../storage/open-repository';
import type { Repository } from '../storage/repository';
import { seedDemo } from '../storage/seed-demo';
import { call } from '../test-server';

/**
 * The JSON API, the real authoritative DNS server and the engine together on the demo zone:
 * dns-query asks the server over loopback, testdnsanswer asks the engine, and they must agree.
 */

let dir: string;
let repository: Repository;
let dns: DnsServer;
let app: FastifyInstance;
let base: string;
let zoneId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latency-atlas-dns-it-'));
  repository = await openRepository(`sqlite:${join(dir, 'test.db')}`);
  await seedDemo(repository);
  const geo = loadGeo();
  const zoneIndex = new ZoneIndex(repository);
  dns = await startDnsServer({ repository, geo, host: '127.0.0.1', port: 0, index: zoneIndex });
  app = buildApp({ repository, geo, zoneIndex, dns });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  zoneId = (await repository.listZones())[0]?.id ?? '';
});
afterAll(async () => {
  await app?.close();
  await dns?.close();
  await repository?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function dnsQuery(query: string) {
  const res = await call(base, 'GET', `/api/zones/${zoneId}/dns-query?${query}`);
  expect(res.status, res.text).toBe(200);
  return DnsQueryResultSchema.parse(res.body);
}

async function engine(query: string) {
  const res = await call(base, 'GET', `/api/zones/${zoneId}/testdnsanswer?${query}`);
  expect(res.status, res.text).toBe(200);
  return TestDnsAnswerResponseSchema.parse(res.body);
}

/** testdnsanswer, or null when it refuses the client (a subnet with no location: 400). */
async function engineOrRefused(query: string) {
  const res = await call(base, 'GET', `/api/zones/${zoneId}/testdnsanswer?${query}`);
  if (res.status === 400) return null;
  expect(res.status, res.text).toBe(200);
  return TestDnsAnswerResponseSchema.parse(res.body);
}

async function status() {
  return DnsStatusSchema.parse((await call(base, 'GET', '/api/dns')).body);
}

describe('the real DNS server through the JSON API', () => {
  it('/api/dns: the demo zone is served at its latest version', async () => {
    const s = await status();
    const zone = await repository.getZone(zoneId);
    expect(s).toMatchObject({ enabled: true, host: '127.0.0.1', port: dns.port, responders: 1 });
    expect(s.zones).toEqual([
      expect.objectContaining({
        id: zoneId,
        name: 'example.com',
        version: zone?.version,
        servedVersion: zone?.version,
        inSync: true,
      }),
    ]);
    expect(s.zones[0]?.serial).toBe(zone?.serial);
    expect(zone?.serial).toBeGreaterThan(0);
  });

  it.each([
    ['81.2.69.0', '24'], // London
    ['8.8.8.0', '24'], // Mountain View
    ['203.0.113.0', '24'], // documentation range: no location
    ['1.0.0.0', '24'],
    ['2001:4860::', '32'],
  ])('subnet %s/%s: the DNS answer agrees with testdnsanswer', async (ip, mask) => {
    for (const name of ['app.example.com', 'api.example.com']) {
      const q = `recordname=${name}&recordtype=A&edns0clientsubnetip=${encodeURIComponent(ip)}&edns0clientsubnetmask=${mask}`;
      const fromDns = await dnsQuery(q);
      const fromEngine = await engineOrRefused(q);
      expect(fromDns.aa).toBe(true);
      expect(fromDns.dig).toBe(
        `dig @127.0.0.1 -p ${dns.port} +norec +subnet=${ip}/${mask} ${name} A`,
      );
      // A subnet without a location is an input error for testdnsanswer, an answer for DNS.
      if (fromEngine === null) continue;
      expect(fromDns.ResponseCode).toBe(fromEngine.ResponseCode);
      expect(
        sameRecordData(fromEngine.RecordData, fromDns.RecordData),
        `${name} ${ip}/${mask}: engine ${fromEngine.RecordData} DNS ${fromDns.RecordData}`,
      ).toBe(true);
      expect(fromDns.ecsScope).not.toBeNull();
    }
  });

  it('London gets Oregon (192.0.2.10) for app.example.com, as the preview says', async () => {
    const a = await dnsQuery(
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.0&edns0clientsubnetmask=24',
    );
    expect(a.RecordData).toEqual(['192.0.2.10']);
    expect(a.answers).toEqual([
      { name: 'app.example.com.', type: 'A', ttl: 60, data: '192.0.2.10' },
    ]);
  });

  it('the apex SOA and NS; a missing name is NXDOMAIN with the SOA in authority', async () => {
    const soa = await dnsQuery('recordname=example.com&recordtype=SOA');
    expect(soa.ResponseCode).toBe('NOERROR');
    expect(soa.RecordData).toHaveLength(1);
    expect(soa.RecordData[0]).toMatch(/^\S+\. \S+\. \d+ \d+ \d+ \d+ \d+$/);
    const ns = await dnsQuery('recordname=example.com&recordtype=NS');
    expect(ns.RecordData.length).toBeGreaterThan(0);
    for (const v of ns.RecordData) expect(v).toMatch(/\.$/);
    const engineNs = await engine('recordname=example.com&recordtype=NS');
    expect(sameRecordData(engineNs.RecordData, ns.RecordData)).toBe(true);

    const gone = await dnsQuery('recordname=nope.example.com&recordtype=A');
    expect(gone.ResponseCode).toBe('NXDOMAIN');
    expect(gone.RecordData).toEqual([]);
    expect(gone.authority.map((r) => r.type)).toEqual(['SOA']);
  });

  it('a change is served within moments: syncing, then in sync with the new answer', async () => {
    const result = await repository.applyChangeBatch(
      zoneId,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'txt.example.com',
              Type: 'TXT',
              TTL: 60,
              ResourceRecords: [{ Value: '"v=spf1 -all"' }],
            },
          },
        ],
      },
      { author: 'dns-routes-test' },
    );
    expect(result.ok).toBe(true);
    const version = (await repository.getZone(zoneId))?.version ?? 0;
    // The server checks storage every 100 ms: poll the status as the dashboard does.
    let inSync = false;
    for (let i = 0; i < 50 && !inSync; i++) {
      const z = (await status()).zones.find((x) => x.id === zoneId);
      inSync = z?.inSync === true && z.servedVersion >= version;
      if (!inSync) await new Promise((r) => setTimeout(r, 50));
    }
    expect(inSync).toBe(true);
    const txt = await dnsQuery('recordname=txt.example.com&recordtype=TXT');
    expect(txt.RecordData).toEqual(['"v=spf1 -all"']);
    const fromEngine = await engine('recordname=txt.example.com&recordtype=TXT');
    expect(sameRecordData(fromEngine.RecordData, txt.RecordData)).toBe(true);
  });
});
