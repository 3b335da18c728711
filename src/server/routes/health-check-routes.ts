import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { issuesToDetails } from '../../shared/errors';
import {
  CreateHealthCheckRequestSchema,
  HealthCheckIdSchema,
  type HealthCheckListEntry,
  type HealthCheckResponse,
  type HealthCheckStatus,
  type HealthCheckStatusResponse,
  type HealthTransition,
  HealthTransitionQuerySchema,
  SetHealthRequestSchema,
  UpdateHealthCheckRequestSchema,
} from '../../shared/health';
import { requireRole } from '../auth/auth-hook';
import { DomainValidationError } from '../domain/errors';
import { type HealthService, toHealthCheckWire } from '../domain/health-checks';
import {
  HealthCheckInUseError,
  HealthCheckNotFoundError,
  HealthCheckVersionError,
  InvalidHealthCheckError,
} from '../storage/repository';
import { ApiHttpError, invalidField, invalidInput } from './api-error';

export const HealthCheckParamsSchema = z.strictObject({ id: HealthCheckIdSchema });

function summarise(details: { field: string; message: string }[]): string {
  const [first] = details;
  if (!first) return 'the request is invalid';
  return `${first.field}: ${first.message}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`;
}

/** Storage's and the domain's refusals as API errors; anything else is rethrown unchanged. */
export function toHealthHttpError(err: unknown): unknown {
  if (err instanceof DomainValidationError) {
    return new ApiHttpError(400, 'InvalidInput', summarise(err.details), err.details);
  }
  if (err instanceof InvalidHealthCheckError) return invalidField(err.field, err.message);
  if (err instanceof HealthCheckNotFoundError) {
    return new ApiHttpError(404, 'NoSuchHealthCheck', err.message);
  }
  if (err instanceof HealthCheckVersionError) {
    return new ApiHttpError(409, 'HealthCheckVersionMismatch', err.message, {
      expectedVersion: err.expectedVersion,
      currentVersion: err.currentVersion,
    });
  }
  if (err instanceof HealthCheckInUseError) {
    return new ApiHttpError(409, 'HealthCheckInUse', err.message, {
      records: err.records,
      calculatedHealthChecks: err.parents,
    });
  }
  return err;
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toHealthHttpError(err);
  }
}

function parseId(params: unknown): string {
  const parsed = HealthCheckParamsSchema.safeParse(params);
  if (!parsed.success) throw invalidInput(parsed.error);
  return parsed.data.id;
}

/**
 * /api/health-checks: Route 53 style health checks (create, list, get, update with
 * HealthCheckVersion, delete while unused), their live status and transitions, and the manual
 * override (PUT, for any id) that maintenance and the preview use.
 */
export function registerHealthCheckRoutes(app: FastifyInstance, health: HealthService): void {
  app.get('/api/health-checks', async (): Promise<HealthCheckListEntry[]> => health.list());

  app.post(
    '/api/health-checks',
    { config: { access: 'editor' } },
    async (req, reply): Promise<HealthCheckResponse> => {
      const principal = requireRole(req, 'editor', 'creating a health check');
      const body = CreateHealthCheckRequestSchema.safeParse(req.body ?? {});
      if (!body.success) {
        // Name a refused target too, so one round trip shows every bad field.
        const details = issuesToDetails(body.error.issues);
        const ip = (req.body as { HealthCheckConfig?: { IPAddress?: unknown } } | undefined)
          ?.HealthCheckConfig?.IPAddress;
        if (
          typeof ip === 'string' &&
          !details.some((d) => d.field === 'HealthCheckConfig.IPAddress') &&
          z.union([z.ipv4(), z.ipv6()]).safeParse(ip).success
        ) {
          const refusal = health.targetRefusal(ip);
          if (refusal !== null) {
            details.push({
              field: 'HealthCheckConfig.IPAddress',
              message: `${ip} is in ${refusal}: health checks probe public addresses only`,
            });
          }
        }
        throw new ApiHttpError(400, 'InvalidInput', summarise(details), details);
      }
      const check = await mapped(() => health.create(body.data, principal.name));
      reply.code(201).header('location', `/api/health-checks/${check.id}`);
      return { HealthCheck: toHealthCheckWire(check) };
    },
  );

  app.get('/api/health-checks/transitions', async (req): Promise<HealthTransition[]> => {
    const query = HealthTransitionQuerySchema.safeParse(req.query ?? {});
    if (!query.success) throw invalidInput(query.error);
    const { zoneId, since, limit } = query.data;
    return health.transitions({
      ...(zoneId !== undefined ? { zoneId } : {}),
      ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
  });

  app.get(
    '/api/health-checks/:id',
    async (req): Promise<HealthCheckListEntry> => health.entry(parseId(req.params)),
  );

  app.patch(
    '/api/health-checks/:id',
    { config: { access: 'editor' } },
    async (req): Promise<HealthCheckResponse> => {
      const principal = requireRole(req, 'editor', 'updating a health check');
      const id = parseId(req.params);
      const body = UpdateHealthCheckRequestSchema.safeParse(req.body ?? {});
      if (!body.success) {
        // Config fields sit at the top level of the body; name them as in HealthCheckConfig.
        const details = issuesToDetails(body.error.issues).map((d) =>
          ['', 'HealthCheckVersion', 'Name', 'ResetElements'].includes(
            d.field.split(/[.[]/)[0] ?? '',
          )
            ? d
            : { ...d, field: `HealthCheckConfig.${d.field}` },
        );
        throw new ApiHttpError(400, 'InvalidInput', summarise(details), details);
      }
      const check = await mapped(() => health.update(id, body.data, principal.name));
      return { HealthCheck: toHealthCheckWire(check) };
    },
  );

  app.delete(
    '/api/health-checks/:id',
    { config: { access: 'editor' } },
    async (req, reply): Promise<void> => {
      const principal = requireRole(req, 'editor', 'deleting a health check');
      const id = parseId(req.params);
      const deleted = await mapped(() => health.delete(id, principal.name));
      if (!deleted)
        throw new ApiHttpError(404, 'NoSuchHealthCheck', `no health check with id ${id}`);
      reply.code(204);
    },
  );

  app.get(
    '/api/health-checks/:id/status',
    async (req): Promise<HealthCheckStatusResponse> => health.status(parseId(req.params)),
  );

  app.put(
    '/api/health-checks/:id',
    { config: { access: 'editor' } },
    async (req): Promise<HealthCheckStatus> => {
      const principal = requireRole(req, 'editor', 'setting a health check status');
      const id = parseId(req.params);
      const body = SetHealthRequestSchema.safeParse(req.body ?? {});
      if (!body.success) throw invalidInput(body.error);
      await health.setOverride(id, body.data.healthy, body.data.reason ?? null, principal.name);
      return { id, healthy: body.data.healthy };
    },
  );

  app.delete(
    '/api/health-checks/:id/override',
    { config: { access: 'editor' } },
    async (req): Promise<HealthCheckStatusResponse> => {
      const principal = requireRole(req, 'editor', 'clearing a health check override');
      const id = parseId(req.params);
      await health.clearOverride(id, principal.name);
      return health.status(id);
    },
  );
}
