import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { DnsEndpoint } from '../routes/dns-routes';

/**
 * DNS_WORKERS > 1: that many responder processes (dns-worker-main.ts) on one port, for the QPS
 * one event loop cannot give. The HTTP API stays in this (primary) process; a change counts as
 * served when every live worker reports the zone version.
 */

export type WorkerToPrimary =
  | { type: 'ready'; port: number; versions: [string, number][] }
  | { type: 'served'; versions: [string, number][] };
export type PrimaryToWorker = { type: 'refresh' } | { type: 'stop' };

export interface DnsWorkers extends DnsEndpoint {
  /** Every zone id some worker serves, with the lowest version every worker serves (-1: not all). */
  servedVersions(): [zoneId: string, version: number][];
  /** Ask every worker to look for changes now (after a write through this process). */
  refresh(): void;
  close(): Promise<void>;
}

export async function startDnsWorkers(opts: {
  count: number;
  databaseUrl: string;
  host: string;
  port: number;
  /** After a worker reports a change in what it serves. */
  onServed?: () => void;
  /** Worker start-up time limit, ms. */
  startTimeoutMs?: number;
}): Promise<DnsWorkers> {
  const served = new Map<number, Map<string, number>>();
  let port = opts.port;
  let closing = false;
  let started = false;
  let restarts: number[] = [];
  cluster.setupPrimary({
    exec: fileURLToPath(new URL('./dns-worker-main.ts', import.meta.url)),
    args: [],
    silent: false,
  });
  const env = (p: number) => ({
    LATENCY_ATLAS_DNS_WORKER_DB: opts.databaseUrl,
    LATENCY_ATLAS_DNS_WORKER_HOST: opts.host,
    LATENCY_ATLAS_DNS_WORKER_PORT: String(p),
  });

  const fork = (p: number): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(env(p));
      const timer = setTimeout(
        () =>
          reject(
            new Error(`a DNS worker did not start within ${opts.startTimeoutMs ?? 60_000} ms`),
          ),
        opts.startTimeoutMs ?? 60_000,
      );
      worker.on('message', (message: WorkerToPrimary) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          port = message.port;
          served.set(worker.id, new Map(message.versions));
          resolve(worker);
        } else if (message.type === 'served') {
          served.set(worker.id, new Map(message.versions));
          opts.onServed?.();
        }
      });
      worker.on('exit', (code) => {
        clearTimeout(timer);
        served.delete(worker.id);
        if (closing) return;
        if (!started) {
          reject(new Error(`a DNS worker exited with code ${code} while starting`));
          return;
        }
        // A responder died: start another on the same port so DNS keeps its capacity, backing
        // off when they keep dying.
        const now = Date.now();
        restarts = restarts.filter((t) => now - t < 60_000);
        restarts.push(now);
        const delay = Math.min(30_000, 250 * 2 ** (restarts.length - 1));
        console.error(
          `latency-atlas dns: worker ${worker.id} exited (${code}); starting another in ${delay} ms`,
        );
        setTimeout(() => {
          if (!closing)
            fork(opts.port).catch((err: unknown) => console.error('latency-atlas dns:', err));
        }, delay);
      });
    });

  // Every worker asks for the same address and port: node:cluster binds it once (port 0: one
  // free port for all) and shares that socket.
  await fork(opts.port);
  await Promise.all(Array.from({ length: opts.count - 1 }, () => fork(opts.port)));
  started = true;

  return {
    host: opts.host,
    get port() {
      return port;
    },
    responders: () => served.size,
    servedVersion(zoneId) {
      let min = Number.POSITIVE_INFINITY;
      for (const versions of served.values()) min = Math.min(min, versions.get(zoneId) ?? -1);
      return Number.isFinite(min) ? min : -1;
    },
    servedVersions() {
      const ids = new Set<string>();
      for (const versions of served.values()) for (const id of versions.keys()) ids.add(id);
      return [...ids].map((id): [string, number] => {
        let min = Number.POSITIVE_INFINITY;
        for (const versions of served.values()) min = Math.min(min, versions.get(id) ?? -1);
        return [id, Number.isFinite(min) ? min : -1];
      });
    },
    refresh() {
      for (const w of Object.values(cluster.workers ?? {}))
        w?.send({ type: 'refresh' } satisfies PrimaryToWorker);
    },
    async close() {
      closing = true;
      const workers = Object.values(cluster.workers ?? {}).filter(
        (w): w is Worker => w !== undefined,
      );
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              const t = setTimeout(() => {
                w.kill('SIGKILL');
                resolve();
              }, 3000);
              w.once('exit', () => {
                clearTimeout(t);
                resolve();
              });
              w.send({ type: 'stop' } satisfies PrimaryToWorker);
            }),
        ),
      );
    },
  };
}
