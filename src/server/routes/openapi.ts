import { z } from 'zod';
import {
  DnsQueryRequestSchema,
  DnsQueryResultSchema,
  DnsStatusQuerySchema,
  DnsStatusSchema,
  ResponderListSchema,
} from '../../shared/dns';
import { ApiErrorSchema } from '../../shared/errors';
import {
  CityListResponseSchema,
  CitySchema,
  CitySearchQuerySchema,
  GeoIpQuerySchema,
  GeoIpResponseSchema,
  RegionListResponseSchema,
} from '../../shared/geo';
import {
  CreateHealthCheckRequestSchema,
  EventsQuerySchema,
  EventTicketResponseSchema,
  HealthCheckListEntrySchema,
  HealthCheckListResponseSchema,
  HealthCheckResponseSchema,
  HealthCheckStatusResponseSchema,
  HealthCheckStatusSchema,
  HealthTransitionListResponseSchema,
  HealthTransitionQuerySchema,
  ServiceHealthResponseSchema,
  SetHealthRequestSchema,
  UpdateHealthCheckRequestSchema,
} from '../../shared/health';
import { TestDnsAnswerQuerySchema, TestDnsAnswerResponseSchema } from '../../shared/routing';
import {
  ChangeBatchRequestSchema,
  ChangeHistoryQuerySchema,
  ChangeHistoryResponseSchema,
  ChangeInfoResponseSchema,
  ListResourceRecordSetsResponseSchema,
} from '../../shared/rrset';
import {
  CreateZoneRequestSchema,
  CreateZoneResponseSchema,
  DeleteZoneQuerySchema,
  ZoneDetailSchema,
  ZoneListResponseSchema,
} from '../../shared/zones';
import type { Access } from '../auth/auth-hook';
import { ChangeParamsSchema } from './change-routes';
import { CityParamsSchema } from './geo-routes';
import { HealthCheckParamsSchema } from './health-check-routes';
import { MEASUREMENT_ROUTE_DOCS } from './measurement-route-docs';
import { POPULATION_GRID_DOC } from './population-routes';
import { REVIEW_ROUTE_DOCS } from './review-route-docs';
import { UPSTREAM_ROUTE_DOCS } from './upstream-route-docs';
import { ZoneParamsSchema } from './zone-routes';

/** Built from the shared zod schemas, so the document cannot drift from what the routes parse. */

type JsonSchema = Record<string, unknown>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Non-JSON bodies (the docs page). */
  contentType?: string;
}

export interface RouteDoc {
  method: Method;
  /** Who may call it (auth-hook); default: `read` for GET, `editor` for writes. */
  access?: Access;
  /** OpenAPI form: `/api/zones/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseDoc>;
}

const error = (description: string): ResponseDoc => ({ description, schema: ApiErrorSchema });
const badInput = error('Bad input: `error.details` names each bad field.');
const unauthorized = error('Unauthorized: no token, or one that is unknown or revoked.');
const forbidden = (role: string) => error(`Forbidden: the token's role is below ${role}.`);
const noZone = error('NoSuchHostedZone (or 400 for a malformed id).');

/** Every route the API serves; a test checks this against the routes actually registered. */
export const ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/health',
    tag: 'service',
    summary: 'Liveness',
    responses: { 200: { description: 'Up', schema: ServiceHealthResponseSchema } },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'service',
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'OpenAPI document' } },
  },
  {
    method: 'get',
    path: '/api/docs',
    tag: 'service',
    summary: 'Human-readable API reference (HTML)',
    responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/api/regions',
    tag: 'reference data',
    summary: 'AWS regions that can hold a latency record',
    responses: { 200: { description: 'Every region', schema: RegionListResponseSchema } },
  },
  {
    method: 'get',
    path: '/api/cities',
    tag: 'reference data',
    summary: 'Search cities by name prefix',
    description:
      'Whole-name prefix matches by population first, then names with a later word matching. Case and accents are ignored.',
    query: CitySearchQuerySchema,
    responses: {
      200: { description: 'Best matches first', schema: CityListResponseSchema },
      400: badInput,
    },
  },
  {
    method: 'get',
    path: '/api/cities/{id}',
    tag: 'reference data',
    summary: 'One city by GeoNames id',
    params: CityParamsSchema,
    responses: { 200: { description: 'The city', schema: CitySchema }, 404: error('NoSuchCity') },
  },
  {
    method: 'get',
    path: '/api/geoip',
    tag: 'reference data',
    summary: 'Where an IP address is (DB-IP city data)',
    query: GeoIpQuerySchema,
    responses: {
      200: { description: 'The located place', schema: GeoIpResponseSchema },
      400: badInput,
      404: error('NoLocation: a private/special range, or not in the data'),
    },
  },
  {
    method: 'get',
    path: '/api/zones',
    tag: 'zones',
    summary: 'List hosted zones',
    responses: { 200: { description: 'Zones', schema: ZoneListResponseSchema } },
  },
  {
    method: 'post',
    path: '/api/zones',
    tag: 'zones',
    summary: 'Create a hosted zone',
    access: 'editor',
    body: CreateZoneRequestSchema,
    responses: {
      201: { description: 'Created', schema: CreateZoneResponseSchema },
      400: badInput,
      401: unauthorized,
      403: forbidden('editor'),
      409: error('HostedZoneAlreadyExists'),
    },
  },
  {
    method: 'get',
    path: '/api/zones/{id}',
    tag: 'zones',
    summary: 'One hosted zone with its version',
    params: ZoneParamsSchema,
    responses: { 200: { description: 'The zone', schema: ZoneDetailSchema }, 404: noZone },
  },
  {
    method: 'delete',
    path: '/api/zones/{id}',
    tag: 'zones',
    summary: 'Delete a hosted zone',
    description: 'A zone holding record sets other than the apex NS/SOA needs `?force=true`.',
    access: 'admin',
    params: ZoneParamsSchema,
    query: DeleteZoneQuerySchema,
    responses: {
      204: { description: 'Deleted' },
      401: unauthorized,
      403: forbidden('admin'),
      404: noZone,
      409: error('HostedZoneNotEmpty'),
    },
  },
  {
    method: 'get',
    path: '/api/zones/{id}/rrsets',
    tag: 'record sets',
    summary: 'List record sets (as `aws route53 list-resource-record-sets`)',
    params: ZoneParamsSchema,
    responses: {
      200: {
        description: 'Every set, in Route 53 order',
        schema: ListResourceRecordSetsResponseSchema,
      },
      404: noZone,
    },
  },
  {
    method: 'post',
    path: '/api/zones/{id}/rrsets',
    tag: 'record sets',
    summary: 'Apply a change batch (all or nothing)',
    description:
      'The body of an `aws route53 change-resource-record-sets --change-batch` file, or the same wrapped in `{"ChangeBatch":{…}}`. Any invalid change → 400 InvalidChangeBatch listing every bad change; nothing is applied. The impact on users is computed and kept in history. In a zone that requires approval only an admin may do this; everyone else proposes the batch (POST /api/zones/{id}/proposals).',
    access: 'editor',
    params: ZoneParamsSchema,
    body: ChangeBatchRequestSchema,
    responses: {
      200: { description: 'Applied', schema: ChangeInfoResponseSchema },
      400: error('InvalidChangeBatch: `details[].change` is the 0-based change index'),
      401: unauthorized,
      403: error(
        'Forbidden (below editor), or ApprovalRequired (the zone requires approval: propose it)',
      ),
      404: noZone,
      413: error('PayloadTooLarge'),
      415: error('UnsupportedMediaType: send application/json'),
    },
  },
  {
    method: 'get',
    path: '/api/zones/{id}/changes',
    tag: 'record sets',
    summary: 'Applied change batches, newest first',
    params: ZoneParamsSchema,
    query: ChangeHistoryQuerySchema,
    responses: {
      200: { description: 'History', schema: ChangeHistoryResponseSchema },
      400: badInput,
      404: noZone,
    },
  },
  {
    method: 'get',
    path: '/api/changes/{id}',
    tag: 'record sets',
    summary:
      'One change batch by id: PENDING until DNS serves it, then INSYNC (Route 53 GetChange)',
    description:
      '`:id` is ChangeInfo.Id without `/change/` (or the whole Id, URL-encoded). INSYNC means every DNS responder of this process answers from the zone version the batch produced; with DNS_PORT=off a batch is INSYNC once applied.',
    params: ChangeParamsSchema,
    responses: {
      200: { description: 'The change', schema: ChangeInfoResponseSchema },
      400: badInput,
      404: error('NoSuchChange'),
    },
  },
  {
    method: 'get',
    path: '/api/zones/{id}/testdnsanswer',
    tag: 'routing',
    summary: 'What the zone would answer, and why (Route 53 TestDNSAnswer)',
    description:
      'Client location precedence: city > lat/lon > ip > edns0clientsubnetip (truncated to the mask first) > resolverip > a default resolver in us-east-1. A name outside the zone → NXDOMAIN; a name without that type → NOERROR with no data.',
    params: ZoneParamsSchema,
    query: TestDnsAnswerQuerySchema,
    responses: {
      200: {
        description: 'The answer and the routing decision',
        schema: TestDnsAnswerResponseSchema,
      },
      400: badInput,
      404: noZone,
    },
  },
  {
    method: 'get',
    path: '/api/health-checks',
    tag: 'health checks',
    summary: 'Health checks and every id a record set or an override names, with live status',
    description:
      'Configured checks first (oldest first), then other ids. Each entry: `id` and `healthy` (the effective status routing uses), the check (`HealthCheck`) when configured, `Status` (what decided it, since when, override, last observation) and the record sets naming it.',
    responses: {
      200: { description: 'Every id', schema: HealthCheckListResponseSchema },
    },
  },
  {
    method: 'post',
    path: '/api/health-checks',
    tag: 'health checks',
    summary: "Create a health check (Route 53's HealthCheckConfig)",
    description:
      'Defaults as Route 53: RequestInterval 30, FailureThreshold 3, Port 80/443, ResourcePath `/`. Loopback, private, link-local, CGNAT, multicast and metadata addresses are refused (400 naming `HealthCheckConfig.IPAddress`) unless the server runs with LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE=1. Answers 201 with a `Location` header.',
    access: 'editor',
    body: CreateHealthCheckRequestSchema,
    responses: {
      201: { description: 'Created', schema: HealthCheckResponseSchema },
      400: badInput,
      401: unauthorized,
      403: forbidden('editor'),
    },
  },
  {
    method: 'get',
    path: '/api/health-checks/transitions',
    tag: 'health checks',
    summary: 'Changes of effective status, newest first (for History)',
    query: HealthTransitionQuerySchema,
    responses: {
      200: { description: 'Transitions', schema: HealthTransitionListResponseSchema },
      400: badInput,
    },
  },
  {
    method: 'get',
    path: '/api/health-checks/{id}',
    tag: 'health checks',
    summary: 'One id: its check (when configured), status and the record sets naming it',
    description: 'Any id: an id that is not configured and has no override is healthy.',
    params: HealthCheckParamsSchema,
    responses: {
      200: { description: 'The entry', schema: HealthCheckListEntrySchema },
      400: badInput,
    },
  },
  {
    method: 'patch',
    path: '/api/health-checks/{id}',
    tag: 'health checks',
    summary: 'Update a health check (UpdateHealthCheck)',
    description:
      'Send the HealthCheckVersion you read and the fields to change (Type and RequestInterval cannot change); `ResetElements` clears FullyQualifiedDomainName, IPAddress, ResourcePath or ChildHealthChecks. 409 HealthCheckVersionMismatch when someone changed it since.',
    access: 'editor',
    params: HealthCheckParamsSchema,
    body: UpdateHealthCheckRequestSchema,
    responses: {
      200: { description: 'Updated (version + 1)', schema: HealthCheckResponseSchema },
      400: badInput,
      401: unauthorized,
      403: forbidden('editor'),
      404: error('NoSuchHealthCheck'),
      409: error('HealthCheckVersionMismatch: `details` has expectedVersion and currentVersion.'),
    },
  },
  {
    method: 'delete',
    path: '/api/health-checks/{id}',
    tag: 'health checks',
    summary: 'Delete a health check',
    description:
      '409 HealthCheckInUse while a record set or a CALCULATED check names it (`details.records`, `details.calculatedHealthChecks`). Its transitions stay in history.',
    access: 'editor',
    params: HealthCheckParamsSchema,
    responses: {
      204: { description: 'Deleted' },
      400: badInput,
      401: unauthorized,
      403: forbidden('editor'),
      404: error('NoSuchHealthCheck'),
      409: error('HealthCheckInUse'),
    },
  },
  {
    method: 'get',
    path: '/api/health-checks/{id}/status',
    tag: 'health checks',
    summary: 'Live status: since when, what decided it, the last 20 observations',
    params: HealthCheckParamsSchema,
    responses: {
      200: { description: 'Status', schema: HealthCheckStatusResponseSchema },
      400: badInput,
    },
  },
  {
    method: 'put',
    path: '/api/health-checks/{id}',
    tag: 'health checks',
    summary: 'Override the status of any id (maintenance, failover previews)',
    description:
      'The override wins over the checker and Disabled until cleared with DELETE /api/health-checks/{id}/override; who and why are recorded and shown.',
    access: 'editor',
    params: HealthCheckParamsSchema,
    body: SetHealthRequestSchema,
    responses: {
      200: { description: 'Stored', schema: HealthCheckStatusSchema },
      400: badInput,
      401: unauthorized,
      403: forbidden('editor'),
    },
  },
  {
    method: 'delete',
    path: '/api/health-checks/{id}/override',
    tag: 'health checks',
    summary: 'Clear the manual override; the status then follows the checker again',
    access: 'editor',
    params: HealthCheckParamsSchema,
    responses: {
      200: { description: 'Status after clearing', schema: HealthCheckStatusResponseSchema },
      400: badInput,
      401: unauthorized,
      403: forbidden('editor'),
    },
  },
  {
    method: 'get',
    path: '/api/events',
    tag: 'health checks',
    summary: 'Server-sent events: health status changes and zone versions',
    description:
      "`text/event-stream`. `event: health` with HealthEvent data on every change of effective status; `event: zone` with ZoneEvent data when a zone's version changes; a `: heartbeat` comment every 15 s. `zoneId` keeps that zone's events and the health events of checks its record sets name. `ticket` (from POST /api/events/tickets) stands in for the Authorization header, which a browser's EventSource cannot send; it is checked when the stream opens, so an open stream outlives it.",
    query: EventsQuerySchema,
    responses: {
      200: { description: 'The event stream', contentType: 'text/event-stream' },
      400: badInput,
      401: error(
        'Unauthorized: no token or ticket where reads are private; a ticket that is unknown or expired, or whose token was revoked (`error.details` names `ticket`).',
      ),
    },
  },
  {
    method: 'post',
    path: '/api/events/tickets',
    tag: 'health checks',
    summary: 'A short-lived ticket to open the event stream without an Authorization header',
    description:
      'For EventSource, which cannot send headers: the ticket goes in `GET /api/events?ticket=` instead of the long-lived token, which then never appears in a URL. It is bound to the caller (and its token: revoking the token stops the ticket too), kept in memory, and opens any number of streams for 60 s (EventSource reconnects by itself with the same URL); after that, ask for another. Streams it opened stay open.',
    access: 'read',
    responses: {
      201: {
        description: 'The ticket and when it stops opening streams',
        schema: EventTicketResponseSchema,
      },
      401: unauthorized,
    },
  },
  {
    method: 'get',
    path: '/api/dns',
    tag: 'dns',
    summary: 'The DNS endpoint: where it listens, which zone versions it serves',
    description:
      'Per zone: the stored version and SOA serial, the lowest version every DNS responder serves, and whether that is the latest (`inSync`). `enabled: false` when the server runs with DNS_PORT=off. `?zone=<id>` lists only that zone.',
    query: DnsStatusQuerySchema,
    responses: { 200: { description: 'Status', schema: DnsStatusSchema } },
  },
  {
    method: 'get',
    path: '/api/responders',
    tag: 'dns',
    summary: 'The DNS responders of every instance on this database',
    description:
      "Each instance's DNS server registers and sends a heartbeat (every second) with the zone versions it serves. `live`: seen within the last 5 s; a change is `INSYNC` once every live responder serves its version. `self` marks the one of the instance answering.",
    responses: { 200: { description: 'Responders, by id', schema: ResponderListSchema } },
  },
  {
    method: 'get',
    path: '/api/zones/{id}/dns-query',
    tag: 'dns',
    summary: 'Ask the real DNS server a question (over loopback), as dig would',
    description:
      'Sends one query over UDP (RD clear, EDNS0 payload 1232, an EDNS Client Subnet option when a subnet is given, host bits zeroed; again over TCP when the answer is truncated) to the DNS endpoint of this process, and returns its answer with `RecordData` comparable with testdnsanswer and the `dig` line that asks the same.',
    params: ZoneParamsSchema,
    query: DnsQueryRequestSchema,
    responses: {
      200: { description: "The DNS server's answer", schema: DnsQueryResultSchema },
      400: badInput,
      404: noZone,
      502: error('DnsBadResponse: the answer did not decode or did not match the question'),
      503: error('DnsDisabled: the server runs without DNS (DNS_PORT=off)'),
      504: error('DnsTimeout: no answer within 2 s (or nothing listens)'),
    },
  },
  ...REVIEW_ROUTE_DOCS,
  ...MEASUREMENT_ROUTE_DOCS,
  ...UPSTREAM_ROUTE_DOCS,
  POPULATION_GRID_DOC,
];

const ACCESS_NOTE: Record<Access, string> = {
  public: 'Open to anyone.',
  read: 'Open without a token (unless the server keeps reads private: then a viewer token).',
  token: 'Needs a valid token (any role).',
  reporter: 'Needs a token with the reporter role (posts measurements only) or editor and higher.',
  viewer: 'Needs a token with the viewer role or higher.',
  editor: 'Needs a token with the editor role or higher.',
  approver: 'Needs a token with the approver role or higher.',
  admin: 'Needs an admin token.',
};

/** OpenAPI security for a route: none, optional bearer, or required bearer. */
function securityFor(access: Access): Record<string, string[]>[] {
  if (access === 'public') return [];
  if (access === 'read') return [{}, { bearerAuth: [] }];
  return [{ bearerAuth: [] }];
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function stripDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** A registered schema by reference, anything else inline. */
function schemaFor(schema: z.ZodType): JsonSchema {
  const id = z.globalRegistry.get(schema)?.id;
  if (typeof id === 'string') return ref(id);
  return stripDialect(
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'inline' }) as JsonSchema,
  );
}

function parameters(where: 'path' | 'query', obj: z.ZodObject | undefined): JsonSchema[] {
  if (!obj) return [];
  return Object.entries(obj.shape).map(([name, prop]) => {
    const field = prop as z.ZodType;
    const json = stripDialect(
      z.toJSONSchema(field, {
        io: 'input',
        unrepresentable: 'any',
        reused: 'inline',
      }) as JsonSchema,
    );
    const { description, ...schema } = json;
    const text = typeof description === 'string' ? description : field.description;
    return {
      name,
      in: where,
      required: where === 'path' || !field.safeParse(undefined).success,
      ...(text ? { description: text } : {}),
      schema,
    };
  });
}

function examplesOf(schema: z.ZodType | undefined): unknown[] {
  if (!schema) return [];
  const examples = z.globalRegistry.get(schema)?.examples;
  return Array.isArray(examples) ? examples : [];
}

let cached: JsonSchema | null = null;

/** The OpenAPI 3.1 document for every route in ROUTE_DOCS, components from the shared schemas. */
export function buildOpenApiDocument(): JsonSchema {
  if (cached) return cached;
  const components = z.toJSONSchema(z.globalRegistry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, s] of Object.entries(components.schemas)) schemas[id] = stripDialect(s);

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTE_DOCS) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      const [example] = examplesOf(r.schema);
      responses[status] = {
        description: r.description,
        ...(r.schema
          ? {
              content: {
                'application/json': {
                  schema: schemaFor(r.schema),
                  ...(example !== undefined ? { example } : {}),
                },
              },
            }
          : r.contentType
            ? { content: { [r.contentType]: { schema: { type: 'string' } } } }
            : {}),
      };
    }
    const params = [...parameters('path', route.params), ...parameters('query', route.query)];
    const [bodyExample] = examplesOf(route.body);
    const fallbackExample = route.body ? examplesOf(unwrapUnion(route.body))[0] : undefined;
    const access: Access = route.access ?? (route.method === 'get' ? 'read' : 'editor');
    const note = ACCESS_NOTE[access];
    const operation = {
      operationId: `${route.method}${route.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      tags: [route.tag],
      summary: route.summary,
      description: route.description ? `${route.description}\n\n${note}` : note,
      security: securityFor(access),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: schemaFor(route.body),
                  ...((bodyExample ?? fallbackExample) !== undefined
                    ? { example: bodyExample ?? fallbackExample }
                    : {}),
                },
              },
            },
          }
        : {}),
      responses,
    };
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: operation };
  }

  cached = {
    openapi: '3.1.0',
    info: {
      title: 'latency-atlas control API',
      version: '0.1.0',
      description:
        'Route 53-style latency records: zones, record sets, all-or-nothing change batches, history and TestDNSAnswer with a routing explanation; proposals reviewed with their impact on users, approval, rollback and an append-only audit log. Reads are open (unless the server keeps them private); every write needs `Authorization: Bearer <token>`. IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API token (`la_…`), made with `npm run token -- create --name <name> --role <viewer|editor|approver|admin>`. Roles: viewer reads; editor proposes and applies where no approval is needed; approver also approves and rejects; admin also changes settings, deletes zones and applies directly.',
        },
      },
    },
  };
  return cached;
}

/** The first member of a union (ChangeBatchRequest → ChangeBatch), for its examples. */
function unwrapUnion(schema: z.ZodType): z.ZodType | undefined {
  return schema instanceof z.ZodUnion ? (schema.options[0] as z.ZodType) : undefined;
}
