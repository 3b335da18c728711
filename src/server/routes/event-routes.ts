import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { EventsQuerySchema, type EventTicketResponse } from '../../shared/health';
import type { EventTicketStore } from '../auth/event-tickets';
import { hashTokenSecret, parseBearer } from '../auth/token-secret';
import type { ServerEvent, ServerEvents } from '../domain/events';
import type { Repository } from '../storage/repository';
import { invalidInput } from './api-error';

/** A comment line every 15 s keeps proxies and the browser from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

/**
 * GET /api/events: server-sent events. `event: health` on every effective status change,
 * `event: zone` when a zone's version changes; `?zoneId=` keeps that zone's events and the
 * health events of checks its record sets name. Streams end on client disconnect and when the
 * server closes. `?ticket=` (from POST /api/events/tickets) stands in for the Authorization
 * header, which EventSource cannot send; it is checked at connect only (auth-hook).
 */
export function registerEventRoutes(
  app: FastifyInstance,
  events: ServerEvents,
  repository: Repository,
  tickets: EventTicketStore,
  opts: { heartbeatMs?: number } = {},
): void {
  const open = new Set<ServerResponse>();

  app.addHook('preClose', (done) => {
    for (const res of open) res.end();
    open.clear();
    done();
  });

  // Anyone who may read the stream may ask (`read`: a viewer token when reads are private).
  app.post(
    '/api/events/tickets',
    { config: { access: 'read' } },
    async (req, reply): Promise<EventTicketResponse> => {
      const bearer = parseBearer(req.headers.authorization);
      const tokenHash = bearer && 'token' in bearer ? hashTokenSecret(bearer.token) : null;
      const entry = tickets.issue(req.principal, tokenHash);
      reply.code(201).header('cache-control', 'no-store');
      return { ticket: entry.ticket, expiresAt: new Date(entry.expiresAt).toISOString() };
    },
  );

  app.get('/api/events', { config: { acceptsEventTicket: true } }, (req, reply) => {
    const query = EventsQuerySchema.safeParse(req.query ?? {});
    if (!query.success) throw invalidInput(query.error);
    const zoneId = query.data.zoneId;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    open.add(res);

    const send = (event: ServerEvent) => {
      if (!res.writableEnded)
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    const unsubscribe = events.subscribe((event) => {
      if (zoneId === undefined) return send(event);
      if (event.type === 'zone') {
        if (event.data.zoneId === zoneId) send(event);
        return;
      }
      void repository
        .healthCheckReferences([event.data.HealthCheckId])
        .then((refs) => {
          if ((refs.get(event.data.HealthCheckId) ?? []).some((r) => r.zoneId === zoneId))
            send(event);
        })
        .catch(() => {});
    });
    const heartbeat = setInterval(() => {
      if (!res.writableEnded) res.write(': heartbeat\n\n');
    }, opts.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    };
    req.raw.on('close', cleanup);
    res.on('close', cleanup);
  });
}
