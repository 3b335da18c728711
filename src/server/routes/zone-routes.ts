import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { issuesToChangeDetails } from '../../shared/errors';
import {
  type AppliedChange,
  ChangeBatchSchema,
  ChangeHistoryQuerySchema,
  type ChangeHistoryResponse,
  type ChangeInfoResponse,
  type ListResourceRecordSetsResponse,
  unwrapChangeBatch,
} from '../../shared/rrset';
import {
  CreateZoneRequestSchema,
  type CreateZoneResponse,
  DeleteZoneQuerySchema,
  normalizeZoneId,
  type ZoneDetail,
  type ZoneSummary,
} from '../../shared/zones';
import {
  type AppliedChangeBatch,
  InvalidZoneNameError,
  type Repository,
  type Zone,
  ZoneExistsError,
  ZoneNotEmptyError,
  ZoneNotFoundError,
} from '../storage/repository';
import { ApiHttpError, invalidField, invalidInput } from './api-error';

export const ZoneParamsSchema = z.strictObject({
  id: z.string().meta({ description: 'Zone id: `Z…` or `/hostedzone/Z…` (URL-encoded).' }),
});

/** The zone a path names, or 400 (malformed id) / 404 NoSuchHostedZone. */
export async function findZone(repository: Repository, params: unknown): Promise<Zone> {
  const raw = (params as { id?: unknown } | undefined)?.id;
  const id = typeof raw === 'string' ? normalizeZoneId(raw) : null;
  if (id === null) {
    throw invalidField('id', `"${String(raw)}" is not a hosted zone id (Z… or /hostedzone/Z…)`);
  }
  const zone = await repository.getZone(id);
  if (!zone) throw noSuchZone(id);
  return zone;
}

function noSuchZone(id: string): ApiHttpError {
  return new ApiHttpError(404, 'NoSuchHostedZone', `no hosted zone with id ${id}`);
}

function toWireChange(c: AppliedChangeBatch): AppliedChange {
  return {
    Id: c.id,
    SubmittedAt: c.submittedAt,
    Comment: c.comment,
    Author: c.author,
    Version: c.version,
    Changes: c.changes,
  };
}

/** /api/zones: hosted zones, their record sets, change batches and history. */
export function registerZoneRoutes(app: FastifyInstance, repository: Repository): void {
  app.get('/api/zones', async (): Promise<ZoneSummary[]> => repository.listZones());

  app.post('/api/zones', async (req, reply): Promise<CreateZoneResponse> => {
    const parsed = CreateZoneRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    try {
      const zone = await repository.createZone(parsed.data.name);
      reply.code(201).header('location', `/api/zones/${zone.id}`);
      return { id: zone.id, name: zone.name };
    } catch (err) {
      if (err instanceof InvalidZoneNameError) throw invalidField('name', err.message);
      if (err instanceof ZoneExistsError) {
        throw new ApiHttpError(409, 'HostedZoneAlreadyExists', err.message, [
          { field: 'name', message: err.message },
        ]);
      }
      throw err;
    }
  });

  app.get('/api/zones/:id', async (req): Promise<ZoneDetail> => {
    const zone = await findZone(repository, req.params);
    return { id: zone.id, name: zone.name, version: zone.version, createdAt: zone.createdAt };
  });

  app.delete('/api/zones/:id', async (req, reply) => {
    const query = DeleteZoneQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    const zone = await findZone(repository, req.params);
    try {
      const deleted = await repository.deleteZone(zone.id, { force: query.data.force === 'true' });
      if (!deleted) throw noSuchZone(zone.id);
    } catch (err) {
      if (err instanceof ZoneNotEmptyError) {
        throw new ApiHttpError(
          409,
          'HostedZoneNotEmpty',
          `${err.message}; delete them first or pass ?force=true`,
        );
      }
      throw err;
    }
    return reply.code(204).send();
  });

  app.get('/api/zones/:id/rrsets', async (req): Promise<ListResourceRecordSetsResponse> => {
    const zone = await findZone(repository, req.params);
    return { ResourceRecordSets: await repository.listRecordSets(zone.id) };
  });

  app.post('/api/zones/:id/rrsets', async (req): Promise<ChangeInfoResponse> => {
    const zone = await findZone(repository, req.params);
    const parsed = ChangeBatchSchema.safeParse(unwrapChangeBatch(req.body));
    if (!parsed.success) {
      throw invalidChangeBatch(issuesToChangeDetails(parsed.error.issues));
    }
    let result: Awaited<ReturnType<Repository['applyChangeBatch']>>;
    try {
      result = await repository.applyChangeBatch(zone.id, parsed.data);
    } catch (err) {
      if (err instanceof ZoneNotFoundError) throw noSuchZone(zone.id);
      throw err;
    }
    if (!result.ok) throw invalidChangeBatch(result.errors);
    const { change } = result;
    return {
      ChangeInfo: {
        Id: change.id,
        Status: 'INSYNC',
        SubmittedAt: change.submittedAt,
        ...(change.comment !== null ? { Comment: change.comment } : {}),
      },
    };
  });

  app.get('/api/zones/:id/changes', async (req): Promise<ChangeHistoryResponse> => {
    const query = ChangeHistoryQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    const zone = await findZone(repository, req.params);
    const changes = await repository.listChanges(zone.id, { limit: query.data.limit ?? 100 });
    return { Changes: changes.map(toWireChange) };
  });
}

function invalidChangeBatch(
  details: { change?: number; field: string; message: string }[],
): ApiHttpError {
  const bad = new Set(details.map((d) => d.change).filter((c) => c !== undefined));
  const what =
    bad.size === 0
      ? 'the change batch is malformed'
      : `${bad.size} ${bad.size === 1 ? 'change is' : 'changes are'} invalid`;
  const [first] = details;
  const example = first
    ? ` (${first.change !== undefined ? `change ${first.change} ` : ''}${first.field}: ${first.message})`
    : '';
  return new ApiHttpError(
    400,
    'InvalidChangeBatch',
    `${what}; nothing was applied${example}`,
    details,
  );
}
