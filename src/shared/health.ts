import { z } from 'zod';

/**
 * Service health, health checks (Route 53's HealthCheckConfig) and their live status.
 *
 * Routes (issue 8):
 * - `POST /api/health-checks` CreateHealthCheckRequest → 201 HealthCheckResponse + Location
 * - `GET /api/health-checks` → HealthCheckListResponse (configured checks and every id a record
 *   set or an override names, each with its status and the record sets that use it)
 * - `GET /api/health-checks/:id` → HealthCheckListEntry (any id; `HealthCheck` only when configured)
 * - `PATCH /api/health-checks/:id` UpdateHealthCheckRequest → HealthCheckResponse; 409
 *   `HealthCheckVersionMismatch` when `HealthCheckVersion` is stale
 * - `DELETE /api/health-checks/:id` → 204; 409 `HealthCheckInUse` (details `{records}`) while a
 *   record set names it
 * - `GET /api/health-checks/:id/status` → HealthCheckStatusResponse
 * - `PUT /api/health-checks/:id` SetHealthRequest → HealthCheckStatus (the manual override)
 * - `DELETE /api/health-checks/:id/override` → HealthCheckStatusResponse
 * - `GET /api/health-checks/transitions?zoneId&since&limit` → HealthTransitionListResponse
 * - `GET /api/events?zoneId&ticket` → text/event-stream: `event: health` HealthEvent, `event: zone`
 *   ZoneEvent, a `: heartbeat` comment every 15 s
 * - `POST /api/events/tickets` → 201 EventTicketResponse: what `?ticket=` takes instead of the
 *   Authorization header EventSource cannot send
 */

export const ServiceHealthResponseSchema = z
  .object({ status: z.literal('ok') })
  .meta({ id: 'ServiceHealthResponse' });

/** Health-check ids as Route 53 uses them (UUIDs in practice), at most 64 characters. */
export const HealthCheckIdSchema = z
  .string()
  .min(1, { error: 'health check id must not be empty' })
  .max(64, { error: 'health check id must be at most 64 characters' });

export const HEALTH_CHECK_TYPES = [
  'HTTP',
  'HTTPS',
  'HTTP_STR_MATCH',
  'HTTPS_STR_MATCH',
  'TCP',
  'CALCULATED',
] as const;
export const HealthCheckTypeSchema = z.enum(HEALTH_CHECK_TYPES, {
  error: `Type must be one of ${HEALTH_CHECK_TYPES.join(', ')}`,
});
export type HealthCheckType = z.infer<typeof HealthCheckTypeSchema>;

/** Route 53's limits and defaults. */
export const HEALTH_CHECK_LIMITS = {
  /** Seconds between checks: 10 (fast) or 30 (standard, the default). */
  requestIntervals: [10, 30] as const,
  defaultRequestInterval: 30,
  defaultFailureThreshold: 3,
  maxFailureThreshold: 10,
  maxHealthThreshold: 256,
  maxChildHealthChecks: 256,
  maxSearchString: 255,
  maxResourcePath: 255,
  maxFqdn: 255,
  maxName: 255,
  /** Bytes of the response body searched for SearchString. */
  searchBytes: 5120,
} as const;

/** Default port for a type: 443 for the HTTPS kinds, 80 otherwise (TCP has no default in Route 53). */
export function defaultPort(type: HealthCheckType): number | undefined {
  if (type === 'HTTPS' || type === 'HTTPS_STR_MATCH') return 443;
  if (type === 'HTTP' || type === 'HTTP_STR_MATCH') return 80;
  return undefined;
}

const HOST_NAME =
  /^(?=.{1,253}\.?$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

const IpAddressSchema = z.union([z.ipv4(), z.ipv6()], {
  error: 'IPAddress must be an IPv4 or IPv6 address',
});
const FqdnSchema = z
  .string()
  .max(HEALTH_CHECK_LIMITS.maxFqdn, {
    error: 'FullyQualifiedDomainName must be at most 255 characters',
  })
  .regex(HOST_NAME, { error: 'FullyQualifiedDomainName must be a host name' });
const PortSchema = z
  .number({ error: 'Port must be a number' })
  .int({ error: 'Port must be a whole number' })
  .min(1, { error: 'Port must be between 1 and 65535' })
  .max(65535, { error: 'Port must be between 1 and 65535' });
const ResourcePathSchema = z
  .string()
  .max(HEALTH_CHECK_LIMITS.maxResourcePath, {
    error: 'ResourcePath must be at most 255 characters',
  })
  .regex(/^\/[\x21-\x7e]*$/, { error: 'ResourcePath must start with / and hold no spaces' });
const SearchStringSchema = z
  .string()
  .min(1, { error: 'SearchString must not be empty' })
  .max(HEALTH_CHECK_LIMITS.maxSearchString, {
    error: 'SearchString must be at most 255 characters',
  });
const RequestIntervalSchema = z.union([z.literal(10), z.literal(30)], {
  error: 'RequestInterval must be 10 or 30 (seconds)',
});
const FailureThresholdSchema = z
  .number({ error: 'FailureThreshold must be a number' })
  .int({ error: 'FailureThreshold must be a whole number' })
  .min(1, { error: 'FailureThreshold must be between 1 and 10' })
  .max(HEALTH_CHECK_LIMITS.maxFailureThreshold, {
    error: 'FailureThreshold must be between 1 and 10',
  });
const HealthThresholdSchema = z
  .number({ error: 'HealthThreshold must be a number' })
  .int({ error: 'HealthThreshold must be a whole number' })
  .min(0, { error: 'HealthThreshold must be between 0 and 256' })
  .max(HEALTH_CHECK_LIMITS.maxHealthThreshold, {
    error: 'HealthThreshold must be between 0 and 256',
  });
const ChildHealthChecksSchema = z
  .array(HealthCheckIdSchema)
  .max(HEALTH_CHECK_LIMITS.maxChildHealthChecks, {
    error: 'ChildHealthChecks may list at most 256 health checks',
  });

/** HealthCheckConfig as stored and answered: defaults filled in. */
export const HealthCheckConfigSchema = z
  .object({
    Type: HealthCheckTypeSchema,
    IPAddress: z.string().optional(),
    FullyQualifiedDomainName: z.string().optional(),
    /** Filled in (80 / 443) for the HTTP kinds; required for TCP; absent for CALCULATED. */
    Port: z.number().int().optional(),
    /** `/` by default for the HTTP kinds; absent for TCP and CALCULATED. */
    ResourcePath: z.string().optional(),
    SearchString: z.string().optional(),
    /** Seconds. */
    RequestInterval: z.union([z.literal(10), z.literal(30)]),
    FailureThreshold: z.number().int(),
    Inverted: z.boolean(),
    Disabled: z.boolean(),
    /** CALCULATED only. */
    ChildHealthChecks: z.array(z.string()).optional(),
    /** CALCULATED only: healthy when at least this many children are healthy (default: all). */
    HealthThreshold: z.number().int().optional(),
  })
  .meta({
    id: 'HealthCheckConfig',
    examples: [
      {
        Type: 'HTTPS',
        FullyQualifiedDomainName: 'eu.app.example.com',
        Port: 443,
        ResourcePath: '/healthz',
        RequestInterval: 30,
        FailureThreshold: 3,
        Inverted: false,
        Disabled: false,
      },
    ],
  });
export type HealthCheckConfig = z.infer<typeof HealthCheckConfigSchema>;

/** HealthCheckConfig as a client sends it: Route 53's optional fields and defaults. */
export const HealthCheckConfigInputSchema = z
  .strictObject({
    Type: HealthCheckTypeSchema,
    IPAddress: IpAddressSchema.optional(),
    FullyQualifiedDomainName: FqdnSchema.optional(),
    Port: PortSchema.optional(),
    ResourcePath: ResourcePathSchema.optional(),
    SearchString: SearchStringSchema.optional(),
    RequestInterval: RequestIntervalSchema.optional(),
    FailureThreshold: FailureThresholdSchema.optional(),
    Inverted: z.boolean({ error: 'Inverted must be true or false' }).optional(),
    Disabled: z.boolean({ error: 'Disabled must be true or false' }).optional(),
    ChildHealthChecks: ChildHealthChecksSchema.optional(),
    HealthThreshold: HealthThresholdSchema.optional(),
  })
  .meta({ id: 'HealthCheckConfigInput' });
export type HealthCheckConfigInput = z.infer<typeof HealthCheckConfigInputSchema>;

/** One field problem; `field` is relative to HealthCheckConfig (`Port`, `SearchString`). */
export interface HealthCheckConfigIssue {
  field: string;
  message: string;
}

const isStrMatch = (t: HealthCheckType) => t === 'HTTP_STR_MATCH' || t === 'HTTPS_STR_MATCH';
const isHttpKind = (t: HealthCheckType) => t !== 'TCP' && t !== 'CALCULATED';

/**
 * The rules between fields (Route 53's): a target for every kind but CALCULATED, SearchString
 * exactly for the *_STR_MATCH kinds, a Port for TCP, children only for CALCULATED and no
 * target there. Shared so the dashboard's editor shows the same messages as the server.
 * Whether the target is allowed (private addresses) and whether children exist are the
 * server's to check.
 */
export function healthCheckConfigIssues(c: HealthCheckConfigInput): HealthCheckConfigIssue[] {
  const issues: HealthCheckConfigIssue[] = [];
  const forbid = (field: keyof HealthCheckConfigInput, why: string) => {
    if (c[field] !== undefined) issues.push({ field, message: `${field} ${why}` });
  };
  if (c.Type === 'CALCULATED') {
    const noTarget = 'is not allowed for a CALCULATED health check';
    forbid('IPAddress', noTarget);
    forbid('FullyQualifiedDomainName', noTarget);
    forbid('Port', noTarget);
    forbid('ResourcePath', noTarget);
    forbid('SearchString', noTarget);
    if (c.ChildHealthChecks === undefined || c.ChildHealthChecks.length === 0) {
      issues.push({
        field: 'ChildHealthChecks',
        message: 'ChildHealthChecks must list at least one health check for CALCULATED',
      });
    } else {
      if (new Set(c.ChildHealthChecks).size !== c.ChildHealthChecks.length) {
        issues.push({
          field: 'ChildHealthChecks',
          message: 'ChildHealthChecks must not list a health check twice',
        });
      }
      if (c.HealthThreshold !== undefined && c.HealthThreshold > c.ChildHealthChecks.length) {
        issues.push({
          field: 'HealthThreshold',
          message: `HealthThreshold must not exceed the number of ChildHealthChecks (${c.ChildHealthChecks.length})`,
        });
      }
    }
    return issues;
  }
  const onlyCalculated = 'is only allowed for a CALCULATED health check';
  forbid('ChildHealthChecks', onlyCalculated);
  forbid('HealthThreshold', onlyCalculated);
  if (c.IPAddress === undefined && c.FullyQualifiedDomainName === undefined) {
    issues.push({
      field: 'IPAddress',
      message: 'IPAddress or FullyQualifiedDomainName is required',
    });
  }
  if (isStrMatch(c.Type)) {
    if (c.SearchString === undefined) {
      issues.push({ field: 'SearchString', message: `SearchString is required for ${c.Type}` });
    }
  } else {
    forbid('SearchString', `is only allowed for HTTP_STR_MATCH and HTTPS_STR_MATCH`);
  }
  if (c.Type === 'TCP') {
    if (c.Port === undefined) issues.push({ field: 'Port', message: 'Port is required for TCP' });
    forbid('ResourcePath', 'is not allowed for TCP');
  }
  return issues;
}

/** Fill in Route 53's defaults (after healthCheckConfigIssues found nothing). */
export function withHealthCheckDefaults(c: HealthCheckConfigInput): HealthCheckConfig {
  const out: HealthCheckConfig = {
    Type: c.Type,
    RequestInterval: c.RequestInterval ?? HEALTH_CHECK_LIMITS.defaultRequestInterval,
    FailureThreshold: c.FailureThreshold ?? HEALTH_CHECK_LIMITS.defaultFailureThreshold,
    Inverted: c.Inverted ?? false,
    Disabled: c.Disabled ?? false,
  };
  if (c.Type === 'CALCULATED') {
    const children = c.ChildHealthChecks ?? [];
    out.ChildHealthChecks = [...children];
    out.HealthThreshold = c.HealthThreshold ?? children.length;
    return out;
  }
  if (c.IPAddress !== undefined) out.IPAddress = c.IPAddress;
  if (c.FullyQualifiedDomainName !== undefined) {
    out.FullyQualifiedDomainName = c.FullyQualifiedDomainName;
  }
  const port = c.Port ?? defaultPort(c.Type);
  if (port !== undefined) out.Port = port;
  if (isHttpKind(c.Type)) out.ResourcePath = c.ResourcePath ?? '/';
  if (c.SearchString !== undefined) out.SearchString = c.SearchString;
  return out;
}

export const CreateHealthCheckRequestSchema = z
  .strictObject({
    Name: z
      .string({ error: 'Name is required' })
      .trim()
      .min(1, { error: 'Name must not be empty' })
      .max(HEALTH_CHECK_LIMITS.maxName, { error: 'Name must be at most 255 characters' }),
    HealthCheckConfig: HealthCheckConfigInputSchema,
  })
  .superRefine((body, ctx) => {
    for (const issue of healthCheckConfigIssues(body.HealthCheckConfig)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HealthCheckConfig', issue.field],
        message: issue.message,
      });
    }
  })
  .meta({
    id: 'CreateHealthCheckRequest',
    examples: [
      {
        Name: 'eu-west-1 web',
        HealthCheckConfig: {
          Type: 'HTTP',
          FullyQualifiedDomainName: 'eu.app.example.com',
          ResourcePath: '/healthz',
          FailureThreshold: 3,
        },
      },
    ],
  });
export type CreateHealthCheckRequest = z.infer<typeof CreateHealthCheckRequestSchema>;

/** Fields UpdateHealthCheck may clear (Route 53's ResetElements, plus IPAddress). */
export const HEALTH_CHECK_RESET_ELEMENTS = [
  'FullyQualifiedDomainName',
  'IPAddress',
  'ResourcePath',
  'ChildHealthChecks',
] as const;

/**
 * PATCH body: the version read, and only the fields to change (Type and RequestInterval cannot
 * change, as in Route 53). The merged config is checked with healthCheckConfigIssues; errors
 * name `HealthCheckConfig.<field>` like create's.
 */
export const UpdateHealthCheckRequestSchema = z
  .strictObject({
    HealthCheckVersion: z
      .number({ error: 'HealthCheckVersion is required' })
      .int({ error: 'HealthCheckVersion must be a whole number' })
      .min(1, { error: 'HealthCheckVersion must be at least 1' }),
    Name: z
      .string()
      .trim()
      .min(1, { error: 'Name must not be empty' })
      .max(HEALTH_CHECK_LIMITS.maxName, { error: 'Name must be at most 255 characters' })
      .optional(),
    IPAddress: IpAddressSchema.optional(),
    FullyQualifiedDomainName: FqdnSchema.optional(),
    Port: PortSchema.optional(),
    ResourcePath: ResourcePathSchema.optional(),
    SearchString: SearchStringSchema.optional(),
    FailureThreshold: FailureThresholdSchema.optional(),
    Inverted: z.boolean({ error: 'Inverted must be true or false' }).optional(),
    Disabled: z.boolean({ error: 'Disabled must be true or false' }).optional(),
    ChildHealthChecks: ChildHealthChecksSchema.optional(),
    HealthThreshold: HealthThresholdSchema.optional(),
    ResetElements: z.array(z.enum(HEALTH_CHECK_RESET_ELEMENTS)).optional(),
  })
  .meta({
    id: 'UpdateHealthCheckRequest',
    examples: [{ HealthCheckVersion: 1, FailureThreshold: 2, Disabled: true }],
  });
export type UpdateHealthCheckRequest = z.infer<typeof UpdateHealthCheckRequestSchema>;

export const HealthCheckSchema = z
  .object({
    /** UUID. */
    Id: z.string(),
    Name: z.string(),
    HealthCheckConfig: HealthCheckConfigSchema,
    /** 1 at creation, +1 with every update. */
    HealthCheckVersion: z.number().int().min(1),
    /** ISO-8601 UTC. */
    CreatedAt: z.string(),
  })
  .meta({
    id: 'HealthCheck',
    examples: [
      {
        Id: '9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
        Name: 'eu-west-1 web',
        HealthCheckConfig: {
          Type: 'HTTP',
          FullyQualifiedDomainName: 'eu.app.example.com',
          Port: 80,
          ResourcePath: '/healthz',
          RequestInterval: 30,
          FailureThreshold: 3,
          Inverted: false,
          Disabled: false,
        },
        HealthCheckVersion: 1,
        CreatedAt: '2026-01-01T10:42:00.000Z',
      },
    ],
  });
export type HealthCheck = z.infer<typeof HealthCheckSchema>;

/** POST (201), PATCH. */
export const HealthCheckResponseSchema = z
  .object({ HealthCheck: HealthCheckSchema })
  .meta({ id: 'HealthCheckResponse' });
export type HealthCheckResponse = z.infer<typeof HealthCheckResponseSchema>;

export const HealthStatusValueSchema = z.enum(['Healthy', 'Unhealthy']);
export type HealthStatusValue = z.infer<typeof HealthStatusValueSchema>;

/**
 * What decided the effective status: a manual `override`; `disabled` (Disabled checks are
 * healthy, as in Route 53); the `checker`'s probes (Inverted applied); `calculated` from the
 * children; `none` (no override, not configured or not probed yet: healthy).
 */
export const HealthSourceSchema = z.enum(['checker', 'override', 'disabled', 'calculated', 'none']);
export type HealthSource = z.infer<typeof HealthSourceSchema>;

/** A manual override (maintenance): who forced which status, why, when. */
export const HealthOverrideSchema = z
  .object({
    Status: HealthStatusValueSchema,
    /** Token name; null when unknown. */
    By: z.string().nullable(),
    Reason: z.string().nullable(),
    At: z.string(),
  })
  .meta({ id: 'HealthOverride' });
export type HealthOverride = z.infer<typeof HealthOverrideSchema>;

/** One probe. `Healthy` is the endpoint's answer as seen (before Inverted). */
export const HealthObservationSchema = z
  .object({
    At: z.string(),
    Healthy: z.boolean(),
    /** Connect to verdict, ms; null when nothing was reached (refused before connecting). */
    LatencyMs: z.number().nullable(),
    /** e.g. `OK 200`, `HTTP 503`, `connect timeout`, `connection refused`, `string not found`. */
    Reason: z.string(),
  })
  .meta({ id: 'HealthObservation' });
export type HealthObservation = z.infer<typeof HealthObservationSchema>;

/** Effective status summary, as the list and GET :id show it. */
export const HealthCheckStatusSummarySchema = z
  .object({
    Status: HealthStatusValueSchema,
    /** When the effective status last changed; null when it never has (unknown ids). */
    Since: z.string().nullable(),
    Source: HealthSourceSchema,
    Override: HealthOverrideSchema.optional(),
    /** The checker's own verdict (Inverted applied) when it has one, whatever overrides it. */
    CheckerStatus: HealthStatusValueSchema.optional(),
    LastObservation: HealthObservationSchema.optional(),
  })
  .meta({ id: 'HealthCheckStatusSummary' });
export type HealthCheckStatusSummary = z.infer<typeof HealthCheckStatusSummarySchema>;

/** GET /api/health-checks/:id/status (any id: unknown ids are Healthy with Source `none`). */
export const HealthCheckStatusResponseSchema = z
  .object({
    Id: z.string(),
    Status: HealthStatusValueSchema,
    Since: z.string().nullable(),
    Source: HealthSourceSchema,
    Override: HealthOverrideSchema.optional(),
    CheckerStatus: HealthStatusValueSchema.optional(),
    /**
     * Each checker's (instance's) latest verdict, newest first; with several instances the
     * check is healthy when more than 18 % of the live ones say so (Route 53's rule).
     */
    Checkers: z
      .array(
        z.object({
          Checker: z.string(),
          /** The DNS address of the checker's instance, when it is a registered responder. */
          Address: z.string().optional(),
          /** null: fewer probes than FailureThreshold so far. */
          Healthy: z.boolean().nullable(),
          At: z.string(),
        }),
      )
      .optional(),
    /** Newest first, at most 20. */
    LastObservations: z.array(HealthObservationSchema),
  })
  .meta({
    id: 'HealthCheckStatusResponse',
    examples: [
      {
        Id: '9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
        Status: 'Unhealthy',
        Since: '2026-01-01T10:42:00.000Z',
        Source: 'checker',
        CheckerStatus: 'Unhealthy',
        LastObservations: [
          { At: '2026-01-01T10:42:00.000Z', Healthy: false, LatencyMs: 3.1, Reason: 'HTTP 503' },
        ],
      },
    ],
  });
export type HealthCheckStatusResponse = z.infer<typeof HealthCheckStatusResponseSchema>;

/** The effective status in the shape the manual override (PUT) has always answered with. */
export const HealthCheckStatusSchema = z
  .object({
    id: z.string(),
    /** Unknown ids are healthy (no health check = healthy, as in Route 53). */
    healthy: z.boolean(),
  })
  .meta({
    id: 'HealthCheckStatus',
    examples: [{ id: '9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f', healthy: false }],
  });

/** A record set that refers to a health check. */
export const HealthCheckReferenceSchema = z
  .object({
    zoneId: z.string(),
    name: z.string(),
    type: z.string(),
    setIdentifier: z.string().optional(),
    region: z.string().optional(),
  })
  .meta({ id: 'HealthCheckReference' });
export type HealthCheckReference = z.infer<typeof HealthCheckReferenceSchema>;

/**
 * One id in the list (and GET :id): `id`/`healthy` (effective), the configured check when
 * there is one, the status summary and the record sets that name it.
 */
export const HealthCheckListEntrySchema = HealthCheckStatusSchema.extend({
  HealthCheck: HealthCheckSchema.optional(),
  Status: HealthCheckStatusSummarySchema,
  records: z.array(HealthCheckReferenceSchema),
}).meta({ id: 'HealthCheckListEntry' });

export const HealthCheckListResponseSchema = z
  .array(HealthCheckListEntrySchema)
  .meta({ id: 'HealthCheckListResponse' });

/** PUT /api/health-checks/:id: force a status (maintenance) for any id, with why. */
export const SetHealthRequestSchema = z
  .strictObject({
    healthy: z.boolean({ error: 'healthy must be true or false' }),
    reason: z.string().max(255, { error: 'reason must be at most 255 characters' }).optional(),
  })
  .meta({
    id: 'SetHealthRequest',
    examples: [{ healthy: false, reason: 'maintenance: database upgrade' }],
  });

/** One change of effective status, with the record sets that used the check when it happened. */
export const HealthTransitionSchema = z
  .object({
    At: z.string(),
    HealthCheckId: z.string(),
    /** The check's Name; null for an id that is not a configured check (override only). */
    Name: z.string().nullable(),
    From: HealthStatusValueSchema,
    To: HealthStatusValueSchema,
    Source: HealthSourceSchema,
    /** e.g. `HTTP 503 (3 consecutive)`, `override by alice: maintenance`, `disabled`. */
    Reason: z.string(),
    Records: z.array(HealthCheckReferenceSchema),
  })
  .meta({ id: 'HealthTransition' });
export type HealthTransition = z.infer<typeof HealthTransitionSchema>;

/** Newest first. */
export const HealthTransitionListResponseSchema = z
  .array(HealthTransitionSchema)
  .meta({ id: 'HealthTransitionListResponse' });

export const HealthTransitionQuerySchema = z.strictObject({
  /** Only transitions of checks that record sets of this zone name. */
  zoneId: z.string().optional(),
  /** ISO-8601: only transitions at or after. */
  since: z.iso.datetime({ offset: true, error: 'since must be an ISO-8601 date-time' }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** `event: health` on /api/events: an effective status changed. */
export const HealthEventSchema = z
  .object({
    HealthCheckId: z.string(),
    Status: HealthStatusValueSchema,
    At: z.string(),
    Source: HealthSourceSchema.optional(),
    Reason: z.string().optional(),
  })
  .meta({ id: 'HealthEvent' });
export type HealthEvent = z.infer<typeof HealthEventSchema>;

/** `event: zone` on /api/events: a zone's version changed (a batch was applied). */
export const ZoneEventSchema = z
  .object({ zoneId: z.string(), version: z.number().int() })
  .meta({ id: 'ZoneEvent' });
export type ZoneEvent = z.infer<typeof ZoneEventSchema>;

export const EventsQuerySchema = z.strictObject({
  /** Only zone events of this zone and health events of checks its record sets name. */
  zoneId: z.string().optional(),
  /** An event ticket (POST /api/events/tickets) in place of the Authorization header. */
  ticket: z.string().optional(),
});

/**
 * A short-lived stand-in for the bearer token on `GET /api/events?ticket=`. It opens any number
 * of streams (EventSource reconnects by itself) until `expiresAt`; a stream it opened stays open.
 */
export const EventTicketResponseSchema = z
  .object({
    /** 32 random bytes, base64url. */
    ticket: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    /** ISO-8601: after this it no longer opens a stream (60 s after it was issued). */
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'EventTicketResponse' });
export type EventTicketResponse = z.infer<typeof EventTicketResponseSchema>;

export type HealthCheckStatus = z.infer<typeof HealthCheckStatusSchema>;
export type HealthCheckListEntry = z.infer<typeof HealthCheckListEntrySchema>;
export type SetHealthRequest = z.infer<typeof SetHealthRequestSchema>;
