/**
 * The server side of bench/http.ts, in its own process so that its CPU time can be measured
 * apart from the load generator's. Talks to the parent over the fork IPC channel.
 */
import { call, startTestServer } from '../src/server/test-server';
import { ZoneListResponseSchema } from '../src/shared/zones';

type Message = { type: 'cpu' } | { type: 'stop' };

const server = await startTestServer({ demo: true });
const zones = ZoneListResponseSchema.parse((await call(server.base, 'GET', '/api/zones')).body);
const zone = zones.find((z) => z.name === 'example.com')?.id;
process.send?.({ type: 'ready', base: server.base, zone });

process.on('message', async (message: Message) => {
  if (message.type === 'cpu') {
    process.send?.({ type: 'cpu', usage: process.cpuUsage() });
  } else if (message.type === 'stop') {
    await server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => {
  void server.close().finally(() => process.exit(0));
});
