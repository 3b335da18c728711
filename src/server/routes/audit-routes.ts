import type { FastifyInstance } from 'fastify';
import type { MeResponse } from '../../shared/auth';
import { type AuditListResponse, AuditQuerySchema } from '../../shared/proposals';
import { normalizeZoneId } from '../../shared/zones';
import { requireRole } from '../auth/auth-hook';
import { toAuditWire } from '../reviews/wire';
import type { Repository } from '../storage/repository';
import { ApiHttpError, invalidField, invalidInput } from './api-error';

/** Methods that would change the audit log: none exists, for anyone. */
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** GET /api/audit (append-only log; every write method answers 405) and GET /api/me. */
export function registerAuditRoutes(app: FastifyInstance, repository: Repository): void {
  app.get('/api/audit', async (req): Promise<AuditListResponse> => {
    const query = AuditQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    let zoneId: string | undefined;
    if (query.data.zone !== undefined) {
      const id = normalizeZoneId(query.data.zone);
      if (id === null) {
        throw invalidField(
          'zone',
          `"${query.data.zone}" is not a hosted zone id (Z… or /hostedzone/Z…)`,
        );
      }
      zoneId = id;
    }
    const entries = await repository.listAudit({
      limit: query.data.limit ?? 100,
      ...(zoneId ? { zoneId } : {}),
      ...(query.data.before !== undefined ? { beforeId: query.data.before } : {}),
    });
    return { entries: entries.map(toAuditWire) };
  });

  for (const url of ['/api/audit', '/api/audit/:entryId']) {
    app.route({
      method: [...WRITE_METHODS],
      url,
      config: { access: 'public' },
      handler: async (req, reply) => {
        reply.header('allow', url === '/api/audit' ? 'GET, HEAD' : '');
        throw new ApiHttpError(
          405,
          'MethodNotAllowed',
          `${req.method} is not allowed: the audit log is append-only; entries can be read (GET /api/audit) but never changed or deleted`,
        );
      },
    });
  }

  app.get('/api/me', { config: { access: 'token' } }, async (req): Promise<MeResponse> => {
    const principal = requireRole(req, 'viewer', 'GET /api/me');
    return { name: principal.name, role: principal.role };
  });
}
