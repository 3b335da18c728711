import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChangeInfoResponse } from '../../shared/rrset';
import { changeInfoOf, type ServedVersions } from '../domain/change-status';
import type { Repository } from '../storage/repository';
import { ApiHttpError, invalidInput } from './api-error';

export const ChangeParamsSchema = z.strictObject({
  id: z
    .string()
    .regex(/^(\/change\/)?C[A-Z0-9]{1,31}$/, {
      error: 'a change id looks like C2682N5HXP0BZ4 (or /change/C2682N5HXP0BZ4)',
    })
    .meta({ description: 'Change id: `C…` as ChangeInfo.Id prints it without `/change/`.' }),
});

/** GET /api/changes/:id: Route 53's GetChange — PENDING until DNS serves the batch, then INSYNC. */
export function registerChangeRoutes(
  app: FastifyInstance,
  opts: { repository: Repository; dns: ServedVersions | null },
): void {
  app.get('/api/changes/:id', async (req): Promise<ChangeInfoResponse> => {
    const params = ChangeParamsSchema.safeParse(req.params);
    if (!params.success) throw invalidInput(params.error);
    const raw = params.data.id;
    const id = raw.startsWith('/change/') ? raw : `/change/${raw}`;
    const change = await opts.repository.findChange(id);
    if (change === null) throw new ApiHttpError(404, 'NoSuchChange', `no change with id ${raw}`);
    await opts.dns?.settle?.();
    const info = changeInfoOf(change, opts.dns);
    const up = await opts.repository.getUpstreamChange(change.id);
    if (up === null) return { ChangeInfo: info };
    // In sync only when this server's DNS serves it and upstream Route 53 says INSYNC.
    return {
      ChangeInfo: {
        ...info,
        Status: info.Status === 'INSYNC' && up.status === 'INSYNC' ? 'INSYNC' : 'PENDING',
      },
      Upstream: {
        ChangeInfo: { Id: up.upstreamChangeId, Status: up.status, SubmittedAt: up.submittedAt },
      },
    };
  });
}
