/**
 * The server side of bench/http.ts, in its own process so that its CPU time can be measured
 * apart from the load generator's. Talks to the parent over the fork IPC channel.
 */

import { createDnsAnswerer } from '../src/server/domain/answerer';
import { loadGeo } from '../src/server/geo/load-geo';
import { call, startTestServer } from '../src/server/test-server';
import { parseTestDnsAnswerQueryFast } from '../src/shared/routing';
import { ZoneListResponseSchema } from '../src/shared/zones';

type Message = { type: 'cpu' } | { type: 'stop' } | { type: 'misses' };

const MISS_COUNT = 20_000;

const server = await startTestServer({ demo: true });
const zones = ZoneListResponseSchema.parse((await call(server.base, 'GET', '/api/zones')).body);
const zone = zones.find((z) => z.name === 'example.com')?.id;
process.send?.({ type: 'ready', base: server.base, zone });

/** A fresh answerer (empty caches) answering MISS_COUNT clients it has never seen. */
async function measureMisses(): Promise<{ microsPerAnswer: number; count: number }> {
  const geo = loadGeo();
  const z = zone ? await server.repository.getZone(zone) : null;
  if (!z) throw new Error('demo zone missing');
  const subnets: string[] = [];
  for (let i = 0; subnets.length < MISS_COUNT; i++) {
    const a = Math.imul(i + 1, 2654435761) >>> 0;
    const ip = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.0`;
    if (geo.ip(ip)) subnets.push(ip);
  }
  const answerer = createDnsAnswerer(server.repository, geo);
  const queries = subnets.map((ip) =>
    parseTestDnsAnswerQueryFast({
      recordname: 'api.example.com',
      recordtype: 'A',
      edns0clientsubnetip: ip,
    }),
  );
  let answered = 0;
  const start = process.hrtime.bigint();
  for (const q of queries) {
    if (!q) continue;
    try {
      await answerer.answerJson(z, q);
      answered++;
    } catch {
      // a special-range address: not counted
    }
  }
  const micros = Number(process.hrtime.bigint() - start) / 1e3;
  return { microsPerAnswer: micros / Math.max(1, answered), count: answered };
}

process.on('message', async (message: Message) => {
  if (message.type === 'cpu') {
    process.send?.({ type: 'cpu', usage: process.cpuUsage() });
  } else if (message.type === 'misses') {
    process.send?.({ type: 'misses', ...(await measureMisses()) });
  } else if (message.type === 'stop') {
    await server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => {
  void server.close().finally(() => process.exit(0));
});
