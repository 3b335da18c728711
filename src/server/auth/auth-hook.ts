import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Role, roleAtLeast } from '../../shared/auth';
import { reviewError } from '../routes/review-errors';
import type { Repository } from '../storage/repository';
import { createAuthenticator, type Principal } from './authenticate';
import type { EventTicketStore } from './event-tickets';

/**
 * Who may call a route, set per route as `{ config: { access } }`:
 * - `public`: anyone; the Authorization header is not even looked at (health, API docs);
 * - `read`: anyone unless reads are private (then viewer); a token, if sent, must be valid;
 * - `token`: any valid token (GET /api/me);
 * - a Role: a valid token with at least that role.
 * Defaults: GET/HEAD → `read`, every other method → `editor`, so a write route that forgets
 * to say still needs a token that may write.
 */
export type Access = 'public' | 'read' | 'token' | Role;

declare module 'fastify' {
  interface FastifyRequest {
    /** The token's owner, or null for an anonymous read. Set by registerAuth. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    /**
     * `?ticket=` (an event ticket) may stand in for the Authorization header: only
     * GET /api/events, which browsers open with EventSource and so cannot send headers.
     */
    acceptsEventTicket?: boolean;
  }
}

export interface AuthOptions {
  /** LATENCY_ATLAS_PRIVATE=1: reads need a viewer token too. */
  privateReads?: boolean;
  /** Where `?ticket=` is looked up on routes that accept one (acceptsEventTicket). */
  eventTickets?: EventTicketStore;
}

/** Always open, whatever the route says: liveness and the API reference. */
const PUBLIC_PATHS = new Set(['/api/health', '/api/openapi.json', '/api/docs']);

const ROLE_ARTICLE: Record<Role, string> = {
  reporter: 'a reporter',
  viewer: 'a viewer',
  editor: 'an editor',
  approver: 'an approver',
  admin: 'an admin',
};

export const TOKEN_HELP =
  'send "Authorization: Bearer <token>" (an admin creates tokens with `npm run token -- create --name <name> --role <role>`)';

function unauthorized(message: string, field = 'Authorization') {
  return reviewError(401, 'Unauthorized', message, [{ field, message }]);
}

const TICKET_HELP = 'ask for a new one with POST /api/events/tickets';

/** The caller, or 401 without a token / 403 when its role is below `needed`. */
export function requireRole(req: FastifyRequest, needed: Role, action?: string): Principal {
  const principal = req.principal;
  if (!principal) {
    throw unauthorized(`${action ?? 'this request'} needs an API token: ${TOKEN_HELP}`);
  }
  if (!roleAtLeast(principal.role, needed)) {
    const message =
      `${principal.name} is ${ROLE_ARTICLE[principal.role]}; ${action ?? 'this request'} needs ` +
      `the ${needed} role${needed === 'admin' ? '' : ' or higher'}`;
    throw reviewError(403, 'Forbidden', message, [{ field: 'role', message }]);
  }
  return principal;
}

/**
 * Resolves `Authorization: Bearer` on every /api request (req.principal) and enforces each
 * route's access before its body is even parsed. A token that is sent must be valid, even on
 * reads that do not need one, so a revoked token is noticed at once. On routes that accept one
 * (GET /api/events), `?ticket=` stands in for the header: checked when the request arrives, and
 * against its token, so a revoked token's tickets stop opening streams too.
 */
export function registerAuth(
  app: FastifyInstance,
  repository: Repository,
  opts: AuthOptions = {},
): void {
  const authenticate = createAuthenticator(repository);
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    // No route (404 answers as usual) or not the API (the SPA's static files).
    if (url === undefined || !(url === '/api' || url.startsWith('/api/'))) return;
    if (PUBLIC_PATHS.has(url)) return;
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    const access: Access = req.routeOptions.config.access ?? (isRead ? 'read' : 'editor');
    if (access === 'public') return;
    const ticket = req.routeOptions.config.acceptsEventTicket ? ticketOf(req.query) : undefined;
    if (ticket !== undefined) {
      req.principal = await redeemTicket(ticket);
    } else {
      const result = await authenticate(req.headers.authorization);
      if (!result.ok) throw unauthorized(result.message);
      req.principal = result.principal;
    }
    if (access === 'read') {
      if (opts.privateReads)
        requireRole(req, 'viewer', 'reading (this server keeps reads private)');
      return;
    }
    if (access === 'token') {
      if (!req.principal) throw unauthorized(`this request needs an API token: ${TOKEN_HELP}`);
      return;
    }
    requireRole(req, access);
  });

  /** The ticket's principal, checked again against its token so a revocation counts at once. */
  async function redeemTicket(ticket: string): Promise<Principal | null> {
    const found = opts.eventTickets?.lookup(ticket) ?? { ok: false, reason: 'unknown' };
    if (!found.ok) {
      throw unauthorized(
        `the event ticket is ${found.reason === 'expired' ? 'expired' : 'not valid'}: ${TICKET_HELP}`,
        'ticket',
      );
    }
    const { entry } = found;
    if (entry.tokenHash === null) return entry.principal;
    const token = await repository.findApiTokenByHash(entry.tokenHash);
    if (!token || token.revokedAt !== null) {
      throw unauthorized(
        `the event ticket's API token${token ? ` "${token.name}" was revoked at ${token.revokedAt}` : ' no longer exists'}`,
        'ticket',
      );
    }
    return { tokenId: token.id, name: token.name, role: token.role };
  }

  app.addHook('onSend', async (_req, reply, payload) => {
    if (reply.statusCode === 401) {
      reply.header('www-authenticate', 'Bearer realm="latency-atlas"');
    }
    return payload;
  });
}

function ticketOf(query: unknown): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const t = (query as Record<string, unknown>).ticket;
  return typeof t === 'string' ? t : undefined;
}
