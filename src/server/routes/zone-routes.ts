import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ImpactCity } from '../../engine/impact';
import { issuesToChangeDetails } from '../../shared/errors';
import {
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
import { requireRole } from '../auth/auth-hook';
import { changeInfoOf, type ServedVersions } from '../domain/change-status';
import type { MeasurementService } from '../domain/measurements';
import type { UpstreamService } from '../domain/upstream';
import { applyWithImpact } from '../reviews/apply-with-impact';
import { toAppliedChangeWire } from '../reviews/wire';
import {
  InvalidZoneNameError,
  type Repository,
  type Zone,
  ZoneExistsError,
  ZoneNotEmptyError,
  ZoneNotFoundError,
} from '../storage/repository';
import { ApiHttpError, invalidChangeBatch, invalidField, invalidInput } from './api-error';

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

export interface ZoneRouteOptions {
  cities: () => readonly ImpactCity[];
  /** Zones mirrored to an upstream hosted zone push every batch there first. */
  upstream?: UpstreamService;
  /** Each zone's latency model, for impact (default: distance). */
  measurements?: MeasurementService;
  /**
   * Name servers written into the apex NS (and SOA mname) of zones created here, e.g. from
   * DNS_NAMESERVERS (parseNameServers in engine/apex-records.ts). Default: ns1/ns2.<zone>.
   */
  nameServers?: string[];
  /** The DNS server's served versions, for ChangeInfo.Status (null: DNS off, always INSYNC). */
  dns?: ServedVersions | null;
}

/**
 * /api/zones: hosted zones, their record sets, change batches and history. Writes need a
 * token (auth-hook): creating a zone or a batch an editor, deleting a zone an admin; a batch
 * for a zone that requires approval an admin (everyone else proposes it). A new zone starts
 * with its apex NS and SOA, as in Route 53.
 */
export function registerZoneRoutes(
  app: FastifyInstance,
  repository: Repository,
  opts: ZoneRouteOptions,
): void {
  app.get('/api/zones', async (): Promise<ZoneSummary[]> => repository.listZones());

  app.post(
    '/api/zones',
    { config: { access: 'editor' } },
    async (req, reply): Promise<CreateZoneResponse> => {
      const principal = requireRole(req, 'editor', 'creating a zone');
      const parsed = CreateZoneRequestSchema.safeParse(req.body ?? {});
      if (!parsed.success) throw invalidInput(parsed.error);
      try {
        const zone = await repository.createZone(parsed.data.name, {
          actor: principal.name,
          ...(opts.nameServers !== undefined ? { nameServers: opts.nameServers } : {}),
        });
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
    },
  );

  app.get('/api/zones/:id', async (req): Promise<ZoneDetail> => {
    const zone = await findZone(repository, req.params);
    return {
      id: zone.id,
      name: zone.name,
      version: zone.version,
      serial: zone.serial,
      createdAt: zone.createdAt,
    };
  });

  app.delete('/api/zones/:id', { config: { access: 'admin' } }, async (req, reply) => {
    const principal = requireRole(req, 'admin', 'deleting a zone');
    const query = DeleteZoneQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    const zone = await findZone(repository, req.params);
    try {
      const deleted = await repository.deleteZone(zone.id, {
        force: query.data.force === 'true',
        actor: principal.name,
      });
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

  app.post(
    '/api/zones/:id/rrsets',
    { config: { access: 'editor' } },
    async (req): Promise<ChangeInfoResponse> => {
      const principal = requireRole(req, 'editor', 'changing record sets');
      const zone = await findZone(repository, req.params);
      const settings = await repository.getZoneSettings(zone.id);
      if (settings?.requireApproval && principal.role !== 'admin') {
        throw new ApiHttpError(
          403,
          'ApprovalRequired',
          `zone ${zone.name} requires approval: propose this batch instead (POST /api/zones/${zone.id}/proposals); only an admin may change it directly`,
          [{ field: 'role', message: `${principal.name} is not an admin` }],
        );
      }
      const parsed = ChangeBatchSchema.safeParse(unwrapChangeBatch(req.body));
      if (!parsed.success) {
        throw invalidChangeBatch(issuesToChangeDetails(parsed.error.issues));
      }
      let result: Awaited<ReturnType<Repository['applyChangeBatch']>>;
      try {
        const zm = await opts.measurements?.zoneModel(zone.id);
        const force = (req.query as { force?: string } | undefined)?.force === 'true';
        if (force) requireRole(req, 'admin', 'pushing onto a drifted upstream (?force=true)');
        const apply = () =>
          applyWithImpact(repository, zone.id, parsed.data, {
            author: principal.name,
            cities: opts.cities,
            ...(zm !== undefined ? { model: zm.model } : {}),
          });
        result = opts.upstream
          ? await opts.upstream.applyThrough(zone.id, parsed.data, apply, {
              force,
              changeIdOf: (r) => (r.ok ? r.change.id : null),
            })
          : await apply();
      } catch (err) {
        if (err instanceof ZoneNotFoundError) throw noSuchZone(zone.id);
        throw err;
      }
      if (!result.ok) throw invalidChangeBatch(result.errors);
      return { ChangeInfo: changeInfoOf(result.change, opts.dns ?? null) };
    },
  );

  app.get('/api/zones/:id/changes', async (req): Promise<ChangeHistoryResponse> => {
    const query = ChangeHistoryQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    const zone = await findZone(repository, req.params);
    const changes = await repository.listChanges(zone.id, { limit: query.data.limit ?? 100 });
    return { Changes: changes.map(toAppliedChangeWire) };
  });
}
