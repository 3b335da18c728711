import autocannon from 'autocannon';
import { startTestServer, call } from '../src/server/test-server';
import { ZoneListResponseSchema } from '../src/shared/zones';
const server = await startTestServer({ demo: true });
const zone = ZoneListResponseSchema.parse((await call(server.base, 'GET', '/api/zones')).body)[0]?.id;
for (const path of ['/api/health', `/api/zones/${zone}/testdnsanswer?recordname=api.example.com&recordtype=A&city=2643743`, '/api/health', `/api/zones/${zone}/testdnsanswer?recordname=api.example.com&recordtype=A&city=2643743`]) {
  const c0 = process.cpuUsage();
  const r = await autocannon({ url: server.base, connections: 50, duration: 4, workers: 1, requests: [{ method: 'GET', path }] });
  const c = process.cpuUsage(c0);
  console.log(path.slice(0, 40), Math.round(r.requests.average), 'req/s p50', r.latency.p50, 'p99', r.latency.p99, 'cpu µs/req (both threads)', ((c.user + c.system) / r.requests.total).toFixed(1));
}
await server.close();
process.exit(0);
