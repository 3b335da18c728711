import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  HealthCheckIdSchema,
  type HealthCheckListEntry,
  type HealthCheckStatus,
  SetHealthRequestSchema,
} from '../../shared/health';
import { requireRole } from '../auth/auth-hook';
import type { Repository } from '../storage/repository';
import { invalidInput } from './api-error';

export const HealthCheckParamsSchema = z.strictObject({ id: HealthCheckIdSchema });

/**
 * /api/health-checks: the status behind each HealthCheckId. There is no prober yet: operators
 * and tests set a status with PUT to see how routing fails over.
 */
export function registerHealthCheckRoutes(app: FastifyInstance, repository: Repository): void {
  app.get('/api/health-checks', async (): Promise<HealthCheckListEntry[]> => {
    const byId = new Map<string, HealthCheckListEntry['records']>();
    for (const zone of await repository.listZones()) {
      for (const r of await repository.listRecordSets(zone.id)) {
        if (!r.HealthCheckId) continue;
        const refs = byId.get(r.HealthCheckId) ?? [];
        refs.push({
          zoneId: zone.id,
          name: r.Name,
          type: r.Type,
          ...(r.SetIdentifier !== undefined ? { setIdentifier: r.SetIdentifier } : {}),
        });
        byId.set(r.HealthCheckId, refs);
      }
    }
    const health = await repository.getHealth([...byId.keys()]);
    return [...byId]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, records]) => {
        const healthy = health.get(id) ?? true;
        return {
          id,
          healthy,
          Status: {
            Status: healthy ? ('Healthy' as const) : ('Unhealthy' as const),
            Since: null,
            Source: 'none' as const,
          },
          records,
        };
      });
  });

  app.get('/api/health-checks/:id', async (req): Promise<HealthCheckStatus> => {
    const params = HealthCheckParamsSchema.safeParse(req.params);
    if (!params.success) throw invalidInput(params.error);
    const health = await repository.getHealth([params.data.id]);
    return { id: params.data.id, healthy: health.get(params.data.id) ?? true };
  });

  app.put(
    '/api/health-checks/:id',
    { config: { access: 'editor' } },
    async (req): Promise<HealthCheckStatus> => {
      const principal = requireRole(req, 'editor', 'setting a health check status');
      const params = HealthCheckParamsSchema.safeParse(req.params);
      if (!params.success) throw invalidInput(params.error);
      const body = SetHealthRequestSchema.safeParse(req.body ?? {});
      if (!body.success) throw invalidInput(body.error);
      await repository.setHealth(params.data.id, body.data.healthy, { actor: principal.name });
      return { id: params.data.id, healthy: body.data.healthy };
    },
  );
}
