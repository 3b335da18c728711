import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ImpactCity } from '../../engine/impact';
import { requireRole } from '../auth/auth-hook';
import { changeInfoOf, type ServedVersions } from '../domain/change-status';
import type { MeasurementService } from '../domain/measurements';
import type { UpstreamService } from '../domain/upstream';
import { applyWithImpact } from '../reviews/apply-with-impact';
import type { SecretBox } from '../secrets/secret-box';
import type { Repository, UpstreamConnection } from '../storage/repository';
import { DEFAULT_ROUTE53_ENDPOINT } from '../upstream/route53-client';
import { ApiHttpError, invalidChangeBatch, invalidInput } from './api-error';
import { findZone } from './zone-routes';

export const UpstreamImportRequestSchema = z.strictObject({
  dryRun: z.boolean({ error: 'dryRun is true or false' }).optional(),
});

/** The connection as the API shows it: never the secret, only its key id and last 4 characters. */
export function upstreamView(conn: UpstreamConnection, box: SecretBox) {
  const drift = conn.drift as {
    drifted?: boolean;
    checkedAt?: string;
    differences?: unknown[];
  } | null;
  return {
    provider: conn.provider,
    hostedZoneId: conn.hostedZoneId,
    region: conn.region,
    accessKeyId: conn.accessKeyId,
    secretAccessKey: { keyId: box.keyId, last4: conn.secretLast4 },
    endpoint: conn.endpoint ?? DEFAULT_ROUTE53_ENDPOINT,
    connectedAt: conn.createdAt,
    updatedAt: conn.updatedAt,
    health: {
      ok: conn.checkedAt === null ? null : conn.checkError === null,
      checkedAt: conn.checkedAt,
      error: conn.checkError,
    },
    drift:
      drift === null
        ? null
        : {
            drifted: drift.drifted ?? false,
            checkedAt: drift.checkedAt ?? conn.driftCheckedAt,
            differences: drift.differences?.length ?? 0,
          },
  };
}

/**
 * /api/zones/:id/upstream: connect a zone to a Route 53 hosted zone (admin), show it, disconnect,
 * import (dry run: the batch; else applied locally, audited), and drift.
 */
export function registerUpstreamRoutes(
  app: FastifyInstance,
  deps: {
    repository: Repository;
    upstream: UpstreamService;
    box: SecretBox;
    cities: () => readonly ImpactCity[];
    measurements: MeasurementService;
    dns: ServedVersions | null;
  },
): void {
  const { repository, upstream, box } = deps;
  const noUpstream = (name: string) =>
    new ApiHttpError(404, 'NoUpstream', `zone ${name} is not connected to an upstream hosted zone`);

  app.put('/api/zones/:id/upstream', { config: { access: 'admin' } }, async (req) => {
    const principal = requireRole(req, 'admin', 'connecting a zone to upstream');
    const zone = await findZone(repository, req.params);
    const conn = await upstream.connect(zone.id, req.body ?? {}, principal.name);
    return upstreamView(conn, box);
  });

  app.get('/api/zones/:id/upstream', async (req) => {
    const zone = await findZone(repository, req.params);
    const conn = await repository.getUpstream(zone.id);
    if (conn === null) throw noUpstream(zone.name);
    return upstreamView(conn, box);
  });

  app.delete('/api/zones/:id/upstream', { config: { access: 'admin' } }, async (req, reply) => {
    const principal = requireRole(req, 'admin', 'disconnecting a zone from upstream');
    const zone = await findZone(repository, req.params);
    if (!(await repository.deleteUpstream(zone.id, { actor: principal.name })))
      throw noUpstream(zone.name);
    return reply.code(204).send();
  });

  app.post('/api/zones/:id/upstream/import', { config: { access: 'admin' } }, async (req) => {
    const principal = requireRole(req, 'admin', 'importing from upstream');
    const zone = await findZone(repository, req.params);
    const body = UpstreamImportRequestSchema.safeParse(req.body ?? {});
    if (!body.success) throw invalidInput(body.error);
    if ((await repository.getUpstream(zone.id)) === null) throw noUpstream(zone.name);
    const plan = await upstream.importPlan(zone.id);
    if (body.data.dryRun === true) return { ChangeBatch: plan.batch, skipped: plan.skipped };
    if (plan.batch.Changes.length === 0)
      return { ChangeInfo: null, skipped: plan.skipped, unchanged: true };
    // Local only: this makes the zone what upstream already is.
    const zm = await deps.measurements.zoneModel(zone.id);
    const result = await applyWithImpact(repository, zone.id, plan.batch, {
      author: principal.name,
      cities: deps.cities,
      model: zm.model,
    });
    if (!result.ok) throw invalidChangeBatch(result.errors, 'nothing was imported');
    return { ChangeInfo: changeInfoOf(result.change, deps.dns), skipped: plan.skipped };
  });

  app.post('/api/zones/:id/upstream/push', { config: { access: 'admin' } }, async (req) => {
    const principal = requireRole(req, 'admin', 'pushing this zone upstream');
    const zone = await findZone(repository, req.params);
    const body = UpstreamImportRequestSchema.safeParse(req.body ?? {});
    if (!body.success) throw invalidInput(body.error);
    if ((await repository.getUpstream(zone.id)) === null) throw noUpstream(zone.name);
    const out = await upstream.pushLocal(zone.id, {
      dryRun: body.data.dryRun === true,
      actor: principal.name,
    });
    return { ChangeBatch: out.batch, upstreamChangeId: out.upstreamChangeId };
  });

  app.get('/api/zones/:id/upstream/drift', async (req) => {
    const zone = await findZone(repository, req.params);
    if ((await repository.getUpstream(zone.id)) === null) throw noUpstream(zone.name);
    return upstream.drift(zone.id);
  });
}
