import type { FastifyInstance } from 'fastify';
import type { ResponderList } from '../../shared/dns';
import type { ResponderRegistry } from '../domain/responders';
import type { Repository } from '../storage/repository';

export interface ResponderRoutesOptions {
  repository: Repository;
  /** This process's registry; null when it runs without DNS (it lists the others still). */
  registry: ResponderRegistry | null;
  /** The live window, ms, when there is no registry; default 5 s. */
  liveMs?: number;
}

/** GET /api/responders: every DNS responder registered on this database, live or not. */
export function registerResponderRoutes(app: FastifyInstance, opts: ResponderRoutesOptions): void {
  const liveMs = opts.registry?.liveMs ?? opts.liveMs ?? 5_000;
  app.get('/api/responders', async (): Promise<ResponderList> => {
    const since = new Date(Date.now() - liveMs).toISOString();
    const all = await opts.repository.listResponders();
    return {
      responders: all.map((r) => ({
        instance: r.id,
        address: r.address,
        startedAt: r.startedAt,
        lastSeen: r.lastSeen,
        live: r.lastSeen >= since,
        self: opts.registry !== null && r.id === opts.registry.id,
        versions: r.versions,
      })),
    };
  });
}
