import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsAnswerResponseSchema } from '../../shared/routing';
import { call, startTestServer, type TestServer } from '../test-server';
import { buildQuery, ecsOf, exchangeUdp, parse } from './dns-test-kit';

/**
 * Per-network measured routing: a client network (/24, /48) with measurements of its own
 * routes by them, not by what its place's other clients measured. Here London as a whole is
 * fastest to Ireland, while one London network (81.2.69.0/24) and one IPv6 network
 * (2a00:1450:4001::/48) are fastest to Frankfurt. DNS (with ECS) and testdnsanswer give the
 * same answers; a subnet shorter than the network routes by place; health fallback follows
 * the network's own ranking.
 */

const RECORDS: [string, string, string][] = [
  ['ireland', 'eu-west-1', '192.0.2.3'],
  ['frankfurt', 'eu-central-1', '192.0.2.4'],
  ['virginia', 'us-east-1', '192.0.2.1'],
];
const LONDON = 2643743;

describe('routing by a measured client network', () => {
  let s: TestServer;
  let zone = '';
  beforeAll(async () => {
    s = await startTestServer({ dns: true, dnsModelCheckMs: 20 });
    zone = (
      (await call(s.base, 'POST', '/api/zones', { name: 'net.example' }, s.adminHeaders)).body as {
        id: string;
      }
    ).id;
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Changes: RECORDS.map(([id, region, ip]) => ({
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'app.net.example',
            Type: 'A',
            SetIdentifier: id,
            Region: region,
            TTL: 60,
            ResourceRecords: [{ Value: ip }],
            ...(id === 'frankfurt' ? { HealthCheckId: 'hc-frankfurt' } : {}),
          },
        })),
      },
      s.adminHeaders,
    );
    expect(res.status, res.text).toBe(200);
    const rows: unknown[] = [];
    const add = (client: unknown, region: string, rttMs: number, n: number) => {
      for (let k = 0; k < n; k++) rows.push({ region, rttMs: rttMs + k * 0.1, client });
    };
    // London (city clients, no network): Ireland fastest, by many samples.
    add({ city: LONDON }, 'eu-west-1', 8, 60);
    add({ city: LONDON }, 'eu-central-1', 25, 60);
    add({ city: LONDON }, 'us-east-1', 75, 60);
    // One London network, and one IPv6 network: Frankfurt fastest for them.
    for (const ip of ['81.2.69.10', '81.2.69.160']) {
      add({ ip }, 'eu-central-1', 9, 5);
      add({ ip }, 'eu-west-1', 40, 5);
      add({ ip }, 'us-east-1', 90, 5);
    }
    add({ ip: '2a00:1450:4001:81c::200e' }, 'eu-central-1', 7, 6);
    add({ ip: '2a00:1450:4001:81c::200e' }, 'eu-west-1', 30, 6);
    const posted = await call(
      s.base,
      'POST',
      '/api/measurements',
      { measurements: rows },
      s.adminHeaders,
    );
    expect((posted.body as { accepted: number }).accepted, posted.text).toBe(rows.length);
    const put = await call(
      s.base,
      'PUT',
      `/api/zones/${zone}/settings`,
      { routingModel: 'measured' },
      s.adminHeaders,
    );
    expect(put.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await s.close();
  });

  const api = async (address: string, prefix: number) => {
    const res = await call(
      s.base,
      'GET',
      `/api/zones/${zone}/testdnsanswer?recordname=app.net.example&recordtype=A&edns0clientsubnetip=${encodeURIComponent(address)}&edns0clientsubnetmask=${prefix}`,
    );
    expect(res.status, res.text).toBe(200);
    return TestDnsAnswerResponseSchema.parse(res.body);
  };
  const dns = async (address: string, source: number) => {
    const reply = parse(
      await exchangeUdp(
        s.dns?.port ?? 0,
        buildQuery('app.net.example', {
          subnet: { family: address.includes(':') ? 2 : 1, source, address },
        }),
      ),
    );
    return { data: reply.answers.map((a) => String(a.data)), scope: ecsOf(reply)?.scope };
  };
  /** Until DNS serves the zone on the measured model (its network answer shows). */
  const settled = async () => {
    for (let i = 0; i < 100; i++) {
      await s.dns?.refresh();
      if ((await dns('81.2.69.0', 24)).data[0] === '192.0.2.4') return;
      await new Promise((r) => setTimeout(r, 30));
    }
  };

  it('a measured network routes by its own measurements, in testdnsanswer and DNS alike', async () => {
    await settled();
    const net = await api('81.2.69.0', 24);
    expect(net.Routing.model).toBe('measured');
    expect(net.Routing.network).toBe('81.2.69.0/24');
    expect(net.RecordData).toEqual(['192.0.2.4']);
    expect(net.Routing.candidates[0]).toMatchObject({ region: 'eu-central-1', source: 'measured' });
    expect(await dns('81.2.69.0', 24)).toEqual({ data: ['192.0.2.4'], scope: 24 });
    // A longer subnet inside the network is the network too.
    expect((await api('81.2.69.160', 32)).RecordData).toEqual(['192.0.2.4']);
    expect(await dns('81.2.69.160', 32)).toEqual({ data: ['192.0.2.4'], scope: 24 });

    // The city as a whole, and a subnet too short to name the network, route by place.
    const city = await call(
      s.base,
      'GET',
      `/api/zones/${zone}/testdnsanswer?recordname=app.net.example&recordtype=A&city=${LONDON}`,
    );
    const cityAnswer = TestDnsAnswerResponseSchema.parse(city.body);
    expect(cityAnswer.RecordData).toEqual(['192.0.2.3']);
    expect(cityAnswer.Routing.network).toBeUndefined();
    const short = await api('81.2.0.0', 16);
    expect(short.Routing.network).toBeUndefined();
    expect((await dns('81.2.0.0', 16)).data).toEqual(short.RecordData);

    // IPv6: the /48.
    const v6 = await api('2a00:1450:4001::', 48);
    expect(v6.Routing.network).toBe('2a00:1450:4001::/48');
    expect(v6.RecordData).toEqual(['192.0.2.4']);
    expect(await dns('2a00:1450:4001::', 48)).toEqual({ data: ['192.0.2.4'], scope: 48 });
    const v6short = await api('2a00:1450::', 32);
    expect(v6short.Routing.network).toBeUndefined();
  });

  it('an unhealthy record yields to the next best by the network’s own ranking', async () => {
    await settled();
    const down = await call(
      s.base,
      'PUT',
      '/api/health-checks/hc-frankfurt',
      { healthy: false },
      s.adminHeaders,
    );
    expect(down.status, down.text).toBe(200);
    // Ireland (40 ms for the network) before Virginia (90 ms).
    expect((await api('81.2.69.0', 24)).RecordData).toEqual(['192.0.2.3']);
    let answer: string[] = [];
    for (let i = 0; i < 100 && answer[0] !== '192.0.2.3'; i++) {
      await s.dns?.refresh();
      answer = (await dns('81.2.69.0', 24)).data;
      if (answer[0] !== '192.0.2.3') await new Promise((r) => setTimeout(r, 30));
    }
    expect(answer).toEqual(['192.0.2.3']);
    const up = await call(
      s.base,
      'PUT',
      '/api/health-checks/hc-frankfurt',
      { healthy: true },
      s.adminHeaders,
    );
    expect(up.status).toBe(200);
    for (let i = 0; i < 100 && answer[0] !== '192.0.2.4'; i++) {
      await s.dns?.refresh();
      answer = (await dns('81.2.69.0', 24)).data;
      if (answer[0] !== '192.0.2.4') await new Promise((r) => setTimeout(r, 30));
    }
    expect(answer).toEqual(['192.0.2.4']);
  });
});
