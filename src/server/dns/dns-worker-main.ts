/**
 * One DNS responder process (DNS_WORKERS > 1): opens the same database, compiles the zones and
 * answers on the port the primary shares (node:cluster hands every worker the same UDP socket
 * and balances TCP connections). Reports the zone versions it serves to the primary, which
 * counts a change INSYNC once every live responder serves it.
 */
import { loadGeo } from '../geo/load-geo';
import { openRepository } from '../storage/open-repository';
import { startDnsServer } from './dns-server';
import type { PrimaryToWorker, WorkerToPrimary } from './dns-workers';

const send = (message: WorkerToPrimary) => process.send?.(message);

async function main(): Promise<void> {
  const databaseUrl = process.env.LATENCY_ATLAS_DNS_WORKER_DB ?? '';
  const host = process.env.LATENCY_ATLAS_DNS_WORKER_HOST ?? '127.0.0.1';
  const port = Number(process.env.LATENCY_ATLAS_DNS_WORKER_PORT ?? 0);
  // It only reads (one poll at a time, testdnsanswer is the primary's): a small pool.
  const repository = await openRepository(databaseUrl, { poolSize: 2 });
  const dns = await startDnsServer({
    repository,
    geo: loadGeo(),
    host,
    port,
    onServed: (versions) => send({ type: 'served', versions }),
  });
  send({ type: 'ready', port: dns.port, versions: dns.servedVersions() });
  process.on('message', (message: PrimaryToWorker) => {
    if (message.type === 'refresh') {
      dns.refresh().catch((err: unknown) => console.error('latency-atlas dns worker:', err));
    } else if (message.type === 'stop') {
      void dns
        .close()
        .then(() => repository.close())
        .finally(() => process.exit(0));
    }
  });
  // The primary went away (kill -9): nothing to report to, stop answering.
  process.on('disconnect', () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error('latency-atlas dns worker: failed to start', err);
  process.exit(1);
});
