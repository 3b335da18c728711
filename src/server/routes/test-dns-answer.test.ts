import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, fieldErrors } from '../../shared/errors';
import { type TestDnsAnswerResponse, TestDnsAnswerResponseSchema } from '../../shared/routing';
import { ZoneListResponseSchema } from '../../shared/zones';
import { call, startTestServer, type TestServer } from '../test-server';

const TOKYO = '1850147';
const LONDON = '2643743';
const SYDNEY = '2147714';

let s: TestServer;
let demo: string;
beforeAll(async () => {
  s = await startTestServer({ demo: true });
  const zones = ZoneListResponseSchema.parse((await call(s.base, 'GET', '/api/zones')).body);
  demo = zones.find((z) => z.name === 'example.com')?.id ?? '';
});
afterAll(async () => {
  await s.close();
});

async function answer(zone: string, query: string): Promise<TestDnsAnswerResponse> {
  const res = await call(s.base, 'GET', `/api/zones/${zone}/testdnsanswer?${query}`);
  expect(res.status, res.text).toBe(200);
  return TestDnsAnswerResponseSchema.parse(res.body);
}

async function refused(zone: string, query: string) {
  const res = await call(s.base, 'GET', `/api/zones/${zone}/testdnsanswer?${query}`);
  expect(res.status, res.text).toBe(400);
  return ApiErrorSchema.parse(res.body).error;
}

describe('testdnsanswer on the demo zone', () => {
  it('London → us-west-2 (oregon, 192.0.2.10), in the exact Route 53 shape plus Routing', async () => {
    const res = await call(
      s.base,
      'GET',
      `/api/zones/${demo}/testdnsanswer?recordname=app.example.com&recordtype=A&city=${LONDON}`,
    );
    expect(res.status).toBe(200);
    const body = res.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        'Nameserver',
        'Protocol',
        'RecordData',
        'RecordName',
        'RecordType',
        'ResponseCode',
        'Routing',
      ].sort(),
    );
    const a = TestDnsAnswerResponseSchema.parse(body);
    expect(a).toMatchObject({
      Nameserver: 'ns-1.latency-atlas.local',
      RecordName: 'app.example.com',
      RecordType: 'A',
      RecordData: ['192.0.2.10'],
      ResponseCode: 'NOERROR',
      Protocol: 'UDP',
    });
    expect(a.Routing.client).toEqual({
      lat: 51.50853,
      lon: -0.12574,
      label: 'London, GB',
      source: 'city',
    });
    expect(a.Routing.chosen).toMatchObject({ setIdentifier: 'oregon', region: 'us-west-2' });
    expect(a.Routing.candidates.map((c) => c.region)).toEqual(['us-west-2', 'ap-southeast-1']);
    const [best, second] = a.Routing.candidates;
    expect(best?.rttMs).toBe(a.Routing.chosen?.rttMs);
    expect(best?.rttMs).toBeLessThan(second?.rttMs ?? 0);
    expect(best?.rttLowMs).toBeLessThan(best?.rttMs ?? 0);
    expect(best?.rttHighMs).toBeGreaterThan(best?.rttMs ?? 0);
    // London–Boardman is about 7,800 km great-circle.
    expect(best?.distanceKm).toBeGreaterThan(7500);
    expect(best?.distanceKm).toBeLessThan(8200);
    expect(a.Routing.candidates.every((c) => c.healthy)).toBe(true);
  });

  it.each([
    ['Tokyo', `city=${TOKYO}`, 'ap-southeast-1', '192.0.2.20'],
    ['Sydney', `city=${SYDNEY}`, 'ap-southeast-1', '192.0.2.20'],
    ['coordinates near Seattle', 'lat=47.6&lon=-122.3', 'us-west-2', '192.0.2.10'],
    ['ip 8.8.8.8 (Mountain View)', 'ip=8.8.8.8', 'us-west-2', '192.0.2.10'],
    ['resolver in Tokyo (133.242.0.1)', 'resolverip=133.242.0.1', 'ap-southeast-1', '192.0.2.20'],
    ['no client at all: default us-east-1 resolver', '', 'us-west-2', '192.0.2.10'],
  ])('%s → %s', async (_label, q, region, value) => {
    const a = await answer(demo, `recordname=app.example.com&recordtype=A&${q}`);
    expect(a.Routing.chosen?.region).toBe(region);
    expect(a.RecordData).toEqual([value]);
  });

  it('reports the client source for each way of giving it', async () => {
    const base = 'recordname=app.example.com&recordtype=A';
    expect((await answer(demo, `${base}&lat=47.6&lon=-122.3`)).Routing.client).toMatchObject({
      source: 'coordinates',
      lat: 47.6,
      lon: -122.3,
    });
    expect((await answer(demo, `${base}&ip=8.8.8.8`)).Routing.client).toMatchObject({
      source: 'ip',
      address: '8.8.8.8',
      label: 'Mountain View, US',
    });
    expect((await answer(demo, `${base}&resolverip=133.242.0.1`)).Routing.client).toMatchObject({
      source: 'resolver',
      address: '133.242.0.1',
    });
    expect((await answer(demo, base)).Routing.client).toMatchObject({
      source: 'resolver',
      label: expect.stringContaining('us-east-1'),
    });
    // city wins over everything else
    const both = await answer(demo, `${base}&city=${TOKYO}&ip=8.8.8.8&resolverip=81.2.69.160`);
    expect(both.Routing.client.source).toBe('city');
  });

  it('EDNS client subnet 81.2.69.160/24 is truncated to 81.2.69.0 before lookup: London', async () => {
    const a = await answer(
      demo,
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.160&edns0clientsubnetmask=24&resolverip=133.242.0.1',
    );
    expect(a.Routing.client).toMatchObject({
      source: 'subnet',
      address: '81.2.69.0',
      prefix: 24,
      label: 'London, GB',
    });
    expect(a.Routing.chosen?.region).toBe('us-west-2');
    // Default mask is /24 for IPv4 and /64 for IPv6.
    const v4 = await answer(
      demo,
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.160',
    );
    expect(v4.Routing.client).toMatchObject({ address: '81.2.69.0', prefix: 24 });
    const v6 = await answer(
      demo,
      `recordname=api.example.com&recordtype=A&edns0clientsubnetip=${encodeURIComponent('2a00:1450:4001:81c::200e')}`,
    );
    expect(v6.Routing.client).toMatchObject({
      source: 'subnet',
      address: '2a00:1450:4001:81c::',
      prefix: 64,
      label: 'Frankfurt am Main, DE',
    });
    expect(v6.Routing.chosen?.region).toBe('eu-central-1');
    expect(v6.RecordData).toEqual(['198.51.100.30']);
  });

  it('api.example.com picks the nearest of six regions', async () => {
    const cases: [string, string][] = [
      [LONDON, 'eu-west-1'],
      [TOKYO, 'ap-northeast-1'],
      [SYDNEY, 'ap-southeast-2'],
    ];
    for (const [city, region] of cases) {
      const a = await answer(demo, `recordname=api.example.com&recordtype=A&city=${city}`);
      expect(a.Routing.chosen?.region, city).toBe(region);
      expect(a.Routing.candidates).toHaveLength(6);
    }
  });

  it('a name outside the zone is NXDOMAIN; a name without that type is NOERROR with no data', async () => {
    const outside = await answer(demo, `recordname=www.example.org&recordtype=A&city=${LONDON}`);
    expect(outside).toMatchObject({ ResponseCode: 'NXDOMAIN', RecordData: [] });
    expect(outside.Routing.chosen).toBeNull();
    const missing = await answer(
      demo,
      `recordname=nothing.example.com&recordtype=A&city=${LONDON}`,
    );
    expect(missing.ResponseCode).toBe('NXDOMAIN');
    const nodata = await answer(demo, `recordname=app.example.com&recordtype=AAAA&city=${LONDON}`);
    expect(nodata).toMatchObject({ ResponseCode: 'NOERROR', RecordData: [] });
    expect(nodata.Routing).toMatchObject({ chosen: null, candidates: [] });
    // trailing dot and case do not matter; lower-case type is accepted
    const dotted = await answer(demo, `recordname=APP.example.com.&recordtype=a&city=${LONDON}`);
    expect(dotted.RecordData).toEqual(['192.0.2.10']);
    expect(dotted.RecordType).toBe('A');
  });

  it.each([
    ['', ['recordname', 'recordtype']],
    ['recordname=app.example.com', ['recordtype']],
    ['recordtype=A', ['recordname']],
    ['recordname=app.example.com&recordtype=BOGUS', ['recordtype']],
    ['recordname=app.example.com&recordtype=A&ip=999.1.1.1', ['ip']],
    ['recordname=app.example.com&recordtype=A&ip=10.0.0.1', ['ip']],
    ['recordname=app.example.com&recordtype=A&resolverip=nope', ['resolverip']],
    ['recordname=app.example.com&recordtype=A&resolverip=192.168.0.1', ['resolverip']],
    [
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.160&edns0clientsubnetmask=33',
      ['edns0clientsubnetmask'],
    ],
    [
      'recordname=app.example.com&recordtype=A&edns0clientsubnetip=81.2.69.160&edns0clientsubnetmask=x',
      ['edns0clientsubnetmask'],
    ],
    ['recordname=app.example.com&recordtype=A&edns0clientsubnetmask=24', ['edns0clientsubnetmask']],
    ['recordname=app.example.com&recordtype=A&edns0clientsubnetip=1.2.3', ['edns0clientsubnetip']],
    ['recordname=app.example.com&recordtype=A&lat=91&lon=0', ['lat']],
    ['recordname=app.example.com&recordtype=A&lat=10&lon=181', ['lon']],
    ['recordname=app.example.com&recordtype=A&lat=10', ['lon']],
    ['recordname=app.example.com&recordtype=A&lat=abc&lon=1', ['lat']],
    ['recordname=app.example.com&recordtype=A&city=999999999', ['city']],
    ['recordname=app.example.com&recordtype=A&recordName=x', ['recordName']],
    ['recordname=app.example.com&recordtype=A&recordtype=AAAA', ['recordtype']],
    ['recordname=bad%5C&recordtype=A', ['recordname']],
  ])('?%s → 400 naming %j', async (q, fields) => {
    const error = await refused(demo, q);
    expect(error.code).toBe('InvalidInput');
    expect(
      fieldErrors(error)
        .map((d) => d.field)
        .sort(),
    ).toEqual([...fields].sort());
    expect(error.message.length).toBeGreaterThan(5);
  });

  it('unknown zone → 404 NoSuchHostedZone', async () => {
    const res = await call(
      s.base,
      'GET',
      '/api/zones/ZNOSUCH1/testdnsanswer?recordname=a.example.com&recordtype=A',
    );
    expect(res.status).toBe(404);
    expect(ApiErrorSchema.parse(res.body).error.code).toBe('NoSuchHostedZone');
  });
});

describe('testdnsanswer with health checks and wildcards', () => {
  let zone: string;
  beforeAll(async () => {
    const created = await call(
      s.base,
      'POST',
      '/api/zones',
      { name: 'hc.example' },
      s.adminHeaders,
    );
    zone = (created.body as { id: string }).id;
    const rr = (id: string, region: string, value: string, hc?: string) => ({
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'www.hc.example',
        Type: 'A',
        SetIdentifier: id,
        Region: region,
        TTL: 60,
        ResourceRecords: [{ Value: value }],
        ...(hc ? { HealthCheckId: hc } : {}),
      },
    });
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Changes: [
          rr('ireland', 'eu-west-1', '192.0.2.1', 'hc-ireland'),
          rr('frankfurt', 'eu-central-1', '192.0.2.2', 'hc-frankfurt'),
          rr('virginia', 'us-east-1', '192.0.2.3'),
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: '*.hc.example',
              Type: 'CNAME',
              TTL: 300,
              ResourceRecords: [{ Value: 'www.hc.example' }],
            },
          },
        ],
      },
      s.adminHeaders,
    );
    expect(res.status, res.text).toBe(200);
  });

  const q = `recordname=www.hc.example&recordtype=A&city=${LONDON}`;

  it('skips an unhealthy record (PUT /api/health-checks) for the next best, and back', async () => {
    expect((await answer(zone, q)).Routing.chosen?.setIdentifier).toBe('ireland');

    const put = await call(
      s.base,
      'PUT',
      '/api/health-checks/hc-ireland',
      { healthy: false },
      s.adminHeaders,
    );
    expect(put.status).toBe(200);
    const failed = await answer(zone, q);
    expect(failed.Routing.chosen?.setIdentifier).toBe('frankfurt');
    expect(failed.RecordData).toEqual(['192.0.2.2']);
    expect(failed.Routing.candidates.find((c) => c.setIdentifier === 'ireland')?.healthy).toBe(
      false,
    );
    expect(failed.Routing.allUnhealthy).toBe(false);

    await call(s.base, 'PUT', '/api/health-checks/hc-ireland', { healthy: true }, s.adminHeaders);
    expect((await answer(zone, q)).Routing.chosen?.setIdentifier).toBe('ireland');
  });

  it('previews failures with ?unhealthy=, and treats all as healthy when none is', async () => {
    const one = await answer(zone, `${q}&unhealthy=ireland,frankfurt`);
    expect(one.Routing.chosen?.setIdentifier).toBe('virginia');
    const all = await answer(zone, `${q}&unhealthy=ireland,frankfurt,virginia`);
    expect(all.Routing.allUnhealthy).toBe(true);
    expect(all.Routing.chosen?.setIdentifier).toBe('ireland');
    // the preview changed nothing stored
    expect((await answer(zone, q)).Routing.chosen?.setIdentifier).toBe('ireland');
  });

  it('answers a name below the zone from the wildcard CNAME', async () => {
    const a = await answer(zone, `recordname=anything.hc.example&recordtype=A&city=${LONDON}`);
    expect(a).toMatchObject({ ResponseCode: 'NOERROR', RecordData: ['www.hc.example'] });
    const deep = await answer(zone, `recordname=a.b.hc.example&recordtype=TXT&city=${LONDON}`);
    expect(deep.RecordData).toEqual(['www.hc.example']);
  });

  it('sees new records at once (the per-version cache is invalidated by a change)', async () => {
    const before = await answer(zone, `recordname=www.hc.example&recordtype=A&city=${TOKYO}`);
    expect(before.Routing.chosen?.region).not.toBe('ap-northeast-1');
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.hc.example',
              Type: 'A',
              SetIdentifier: 'tokyo',
              Region: 'ap-northeast-1',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.4' }],
            },
          },
        ],
      },
      s.adminHeaders,
    );
    expect(res.status).toBe(200);
    const after = await answer(zone, `recordname=www.hc.example&recordtype=A&city=${TOKYO}`);
    expect(after.Routing.chosen?.region).toBe('ap-northeast-1');
    expect(after.RecordData).toEqual(['192.0.2.4']);
  });
});
