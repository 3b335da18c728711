/**
 * Control API throughput: testdnsanswer under autocannon on loopback, against the real app on a
 * temp SQLite file with the demo data. autocannon runs in a worker thread so that the load
 * generator and the server each get one of the two cores.
 */
import autocannon from 'autocannon';
import { call, startTestServer } from '../src/server/test-server';
import { ZoneListResponseSchema } from '../src/shared/zones';

const DURATION_S = 5;
const CONNECTIONS = 50;

/** GeoNames ids: London, Tokyo, Sydney, São Paulo, New York, Mumbai. */
const CITIES = ['2643743', '1850147', '2147714', '3448439', '5128581', '1275339'];
/** Client subnets in several countries (looked up after truncation to /24). */
const SUBNETS = [
  '81.2.69.160',
  '8.8.8.8',
  '1.1.1.1',
  '133.242.0.1',
  '200.160.2.3',
  '2a00:1450:4001:81c::200e',
];

export async function benchHttp(): Promise<{ label: string; value: string }[]> {
  const server = await startTestServer({ demo: true });
  try {
    const zones = ZoneListResponseSchema.parse((await call(server.base, 'GET', '/api/zones')).body);
    const zone = zones.find((z) => z.name === 'example.com')?.id;
    if (!zone) throw new Error('demo zone missing');
    const path = (q: string) =>
      `/api/zones/${zone}/testdnsanswer?recordname=api.example.com&recordtype=A&${q}`;
    const variants: [string, string[]][] = [
      ['city=', CITIES.map((c) => path(`city=${c}`))],
      [
        'edns0clientsubnetip=',
        SUBNETS.map((ip) => path(`edns0clientsubnetip=${encodeURIComponent(ip)}`)),
      ],
    ];
    // Every path must answer 200 before it is measured.
    for (const [, paths] of variants) {
      for (const p of paths) {
        const res = await call(server.base, 'GET', p);
        if (res.status !== 200) throw new Error(`${p} answered ${res.status}: ${res.text}`);
      }
    }
    const figures: { label: string; value: string }[] = [];
    for (const [name, paths] of variants) {
      const result = await autocannon({
        url: server.base,
        connections: CONNECTIONS,
        duration: DURATION_S,
        workers: 1,
        requests: paths.map((p) => ({ method: 'GET', path: p })),
      });
      const bad = result.errors + result.timeouts + result.non2xx;
      figures.push({
        label: `testdnsanswer ${name} req/s (target >= 20k)`,
        value: `${Math.round(result.requests.average).toLocaleString('en-US')} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (${CONNECTIONS} conns, ${DURATION_S} s${bad ? `, ${bad} errors/non-2xx` : ''})`,
      });
    }
    return figures;
  } finally {
    await server.close();
  }
}
