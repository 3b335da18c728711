import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import { ZodError } from 'zod';
import type { ImpactCity } from '../engine/impact';
import type { ApiError } from '../shared/errors';
import { registerAuth } from './auth/auth-hook';
import { createSigV4Verifier } from './auth/aws-sigv4';
import { EventTicketStore } from './auth/event-tickets';
import { type BeaconLimits, createBeaconService } from './domain/beacon';
import { DomainFieldError, DomainValidationError } from './domain/errors';
import { ServerEvents } from './domain/events';
import { HealthService } from './domain/health-checks';
import { createMeasurementService, type MeasurementService } from './domain/measurements';
import type { ResponderRegistry } from './domain/responders';
import { UpstreamDriftError, UpstreamService } from './domain/upstream';
import type { ZoneIndex } from './domain/zone-index';
import { loadImpactCities } from './geo/impact-cities';
import type { ServerGeo } from './geo/load-geo';
import { registerRoute53Routes } from './route53/route53-routes';
import { ApiHttpError, invalidField, invalidInput } from './routes/api-error';
import { registerAuditRoutes } from './routes/audit-routes';
import { registerBeaconRoutes } from './routes/beacon-routes';
import { registerChangeRoutes } from './routes/change-routes';
import { type DnsEndpoint, registerDnsRoutes } from './routes/dns-routes';
import { registerEventRoutes } from './routes/event-routes';
import { registerGeoRoutes } from './routes/geo-routes';
import { registerHealthCheckRoutes } from './routes/health-check-routes';
import { registerMeasurementRoutes } from './routes/measurement-routes';
import { registerMetaRoutes } from './routes/meta-routes';
import { registerPopulationRoutes } from './routes/population-routes';
import { registerProposalRoutes } from './routes/proposal-routes';
import { registerResponderRoutes } from './routes/responder-routes';
import { registerTestDnsAnswerRoute } from './routes/test-dns-answer';
import { registerUpstreamRoutes } from './routes/upstream-routes';
import { registerZoneRoutes } from './routes/zone-routes';
import type { SecretBox } from './secrets/secret-box';
import type { Repository } from './storage/repository';
import { isStorageUnavailable, STORAGE_RETRY_AFTER_S } from './storage/storage-errors';
import { createUpstreamClient, UpstreamError } from './upstream/route53-client';

export type { DnsEndpoint };

export interface AppOptions {
  repository: Repository;
  geo: ServerGeo;
  /** Fastify logger setting; off by default (tests, benchmarks). */
  logger?: FastifyServerOptions['logger'];
  /**
   * Folder with the built SPA (`dist/`). When it holds index.html, `/` serves it and
   * non-/api GETs fall back to it; otherwise `/` says how to build it.
   */
  webRoot?: string;
  /** Reads need a viewer token too (main.ts: LATENCY_ATLAS_PRIVATE=1); writes always need one. */
  privateReads?: boolean;
  /** The cities impact is counted over; default: every GeoNames city (loaded on first use). */
  impactCities?: () => readonly ImpactCity[];
  /** The in-memory zone index TestDNSAnswer reads (shared with the DNS server when it runs). */
  zoneIndex?: ZoneIndex;
  /** The DNS server of this process, for /api/dns and change status; null when DNS is off. */
  dns?: DnsEndpoint | null;
  /**
   * This process's DNS responder among every instance's (started by the caller): change status
   * and /api/dns then wait for every live responder, and /api/responders names this one.
   */
  responders?: ResponderRegistry | null;
  /** Name servers for the apex NS of zones created through the API (DNS_NAMESERVERS). */
  nameServers?: string[];
  /** How long /api/zones/:id/dns-query waits for each leg of its query, ms (tests); default 2 s. */
  dnsQueryTimeoutMs?: number;
  /**
   * The health-check service the routes write through (share it with the HealthChecker so its
   * transitions reach /api/events); default: one over `repository`.
   */
  health?: HealthService;
  /** Health checks may target private addresses (LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE=1); only without `health`. */
  allowPrivateHealthTargets?: boolean;
  /** How long an event ticket may open a stream, ms (tests); default 60 s. */
  eventTicketTtlMs?: number;
  /** Measured latency (ingest, snapshots, models); default: one over `repository` and `geo`. */
  measurements?: MeasurementService;
  /** Beacon posts from loopback count as from this address (LATENCY_ATLAS_BEACON_LOOPBACK_IP). */
  beaconLoopbackAddress?: string;
  /** Beacon rate limits (default 6 posts a minute per address, 6,000 per zone). */
  beaconLimits?: Partial<BeaconLimits>;
  /** Fastify's trustProxy (TRUST_PROXY): take the client address from X-Forwarded-For. */
  trustProxy?: boolean | string;
  /**
   * The server key sealing stored secrets (AWS access keys, upstream credentials): needed by
   * Route 53's API to verify signatures and to reach upstream hosted zones.
   */
  secretBox?: SecretBox;
  /** Upstream Route 53 mirroring (push, drift, INSYNC); default: one over repository and secretBox. */
  upstream?: UpstreamService;
}

/** Largest accepted request body: a 10,000-change import is about 3 MB of JSON. */
export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

const BUILD_HINT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>latency-atlas</title></head>
<body style="font:16px system-ui,sans-serif;max-width:40rem;margin:3rem auto">
<h1>latency-atlas</h1>
<p>The API is running, but the dashboard has not been built. Run <code>npm run build:web</code> and reload
(<code>npm start</code> does this for you).</p>
<p>API reference: <a href="/api/docs">/api/docs</a> · <a href="/api/openapi.json">/api/openapi.json</a></p>
</body></html>`;

const routesByApp = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** Method + URL of every route registered on an app built by buildApp (for the OpenAPI test). */
export function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  return routesByApp.get(app) ?? [];
}

function errorBody(
  code: ApiError['error']['code'],
  message: string,
  details?: ApiError['error']['details'],
): ApiError {
  const hasDetails = Array.isArray(details) ? details.length > 0 : details !== undefined;
  return { error: { code, message, ...(hasDetails ? { details } : {}) } };
}

/** Map anything thrown in a handler or by fastify's body parsing to the API's error envelope. */
function toErrorResponse(err: unknown): { status: number; body: ApiError } {
  if (err instanceof ApiHttpError) {
    return { status: err.statusCode, body: errorBody(err.code, err.message, err.details) };
  }
  if (err instanceof DomainFieldError) {
    const e = invalidField(err.field, err.message);
    return { status: 400, body: errorBody(e.code, e.message, e.details) };
  }
  if (err instanceof DomainValidationError) {
    return { status: 400, body: errorBody('InvalidInput', err.message, err.details) };
  }
  if (err instanceof UpstreamDriftError) {
    return {
      status: 409,
      body: errorBody(
        'UpstreamDrift',
        `${err.message}; nothing was changed`,
        err.report.differences.map((d) => ({
          field: `${d.Name} ${d.Type}${d.SetIdentifier !== undefined ? ` ${d.SetIdentifier}` : ''}`,
          message:
            d.local === null ? 'only upstream' : d.upstream === null ? 'only local' : 'differs',
        })),
      ),
    };
  }
  if (err instanceof UpstreamError) {
    if (err.kind === 'invalid-batch') {
      return {
        status: 400,
        body: errorBody(
          'InvalidChangeBatch',
          `upstream Route 53 refused the batch; nothing was changed: ${err.message}`,
          err.messages.map((m, i) => {
            const change = err.changes[i];
            return typeof change === 'number'
              ? { change, field: 'ResourceRecordSet', message: `upstream: ${m}` }
              : { field: 'upstream', message: m };
          }),
        ),
      };
    }
    const unreachable = err.kind === 'unreachable' || err.kind === 'throttled';
    return {
      status: 502,
      body: errorBody(
        unreachable ? 'UpstreamUnavailable' : 'UpstreamRefused',
        `${err.message}; the local zone was not changed`,
      ),
    };
  }
  if (isStorageUnavailable(err)) {
    return {
      status: 503,
      body: errorBody(
        'StorageUnavailable',
        'the database cannot be reached right now; nothing was changed, try again shortly',
      ),
    };
  }
  if (err instanceof ZodError) {
    const e = invalidInput(err);
    return { status: 400, body: errorBody(e.code, e.message, e.details) };
  }
  const fe = err as Partial<FastifyError> & { message?: string };
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: errorBody(
          'MalformedJSON',
          `the request body is not valid JSON: ${fe.message ?? ''}`.trim(),
          [{ field: 'body', message: fe.message ?? 'not valid JSON' }],
        ),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: errorBody('UnsupportedMediaType', 'send the body as application/json', [
          { field: 'content-type', message: fe.message ?? 'unsupported media type' },
        ]),
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: errorBody(
          'PayloadTooLarge',
          `the request body is larger than ${BODY_LIMIT_BYTES} bytes`,
        ),
      };
  }
  if (err instanceof SyntaxError && fe.statusCode === 400) {
    return {
      status: 400,
      body: errorBody('MalformedJSON', `the request body is not valid JSON: ${err.message}`),
    };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: errorBody('InvalidInput', fe.message ?? 'bad request') };
  }
  return { status: 500, body: errorBody('InternalError', 'internal error; see the server log') };
}

/** Build the control API (and, given webRoot, the SPA). No listen, no environment reads. */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 256 },
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    // Errors raised before routing (a malformed %-escape in the URL) get the same envelope.
    frameworkErrors: (err, _req, reply) => {
      const { status, body } = toErrorResponse(err);
      (reply as unknown as FastifyReply)
        .code(status)
        .type('application/json; charset=utf-8')
        .send(body);
    },
  });
  const routes: { method: string; url: string }[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });

  // JSON only: a text/plain body would otherwise reach handlers as a string.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body (a DELETE from a client that always sends the header) is no body, not a
  // parse error; routes that need one then say which field is missing. `__proto__` and
  // `constructor.prototype` keys are refused, as fastify's default parser does.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(req, text, done);
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toErrorResponse(err);
    if (status === 503) reply.header('retry-after', String(STORAGE_RETRY_AFTER_S));
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  // Tokens and roles for every /api route (before any handler, before body parsing).
  const eventTickets = new EventTicketStore(
    options.eventTicketTtlMs !== undefined ? { ttlMs: options.eventTicketTtlMs } : {},
  );
  registerAuth(app, options.repository, {
    privateReads: options.privateReads === true,
    eventTickets,
  });
  const cities = options.impactCities ?? loadImpactCities;
  const measurements =
    options.measurements ?? createMeasurementService(options.repository, options.geo);
  const upstream =
    options.upstream ??
    (options.secretBox
      ? new UpstreamService(options.repository, options.secretBox, (c) => createUpstreamClient(c))
      : undefined);

  // With a registry, change status and /api/dns wait for every live responder of every
  // instance on this database, not only this process's DNS server.
  const registry = options.responders ?? null;
  const localDns = options.dns ?? null;
  const dns: DnsEndpoint | null =
    localDns === null || registry === null
      ? localDns
      : {
          host: localDns.host,
          get port() {
            return localDns.port;
          },
          ...(localDns.nameservers !== undefined ? { nameservers: localDns.nameservers } : {}),
          responders: () => localDns.responders(),
          servedVersion: (zoneId) => registry.servedVersion(zoneId),
          settle: () => registry.fresh(),
        };
  app.addHook('onClose', async () => registry?.stop());

  registerMetaRoutes(app);
  registerGeoRoutes(app, options.geo);
  registerPopulationRoutes(app);
  registerZoneRoutes(app, options.repository, {
    cities,
    measurements,
    ...(upstream !== undefined ? { upstream } : {}),
    dns: dns,
    ...(options.nameServers !== undefined ? { nameServers: options.nameServers } : {}),
  });
  registerChangeRoutes(app, { repository: options.repository, dns: dns });
  registerTestDnsAnswerRoute(app, options.repository, options.geo, options.zoneIndex, measurements);
  registerMeasurementRoutes(app, {
    repository: options.repository,
    geo: options.geo,
    measurements,
  });
  registerBeaconRoutes(app, {
    repository: options.repository,
    beacon: createBeaconService(options.repository, measurements, {
      ...(options.beaconLoopbackAddress !== undefined
        ? { loopbackAddress: options.beaconLoopbackAddress }
        : {}),
      ...(options.beaconLimits !== undefined ? { limits: options.beaconLimits } : {}),
    }),
  });
  const health =
    options.health ??
    new HealthService(options.repository, {
      allowPrivate: options.allowPrivateHealthTargets === true,
    });
  const events = new ServerEvents(options.repository, health);
  app.addHook('onClose', async () => events.close());
  registerHealthCheckRoutes(app, health);
  const secretBox = options.secretBox;
  if (upstream !== undefined && secretBox !== undefined) {
    registerUpstreamRoutes(app, {
      repository: options.repository,
      upstream,
      box: secretBox,
      cities,
      measurements,
      dns: dns,
    });
  }
  registerRoute53Routes(app, {
    repository: options.repository,
    geo: options.geo,
    health,
    measurements,
    cities,
    dns: dns,
    ...(options.zoneIndex !== undefined ? { zoneIndex: options.zoneIndex } : {}),
    ...(options.nameServers !== undefined ? { nameServers: options.nameServers } : {}),
    ...(upstream !== undefined ? { upstream } : {}),
    authenticate: secretBox
      ? createSigV4Verifier(options.repository, secretBox, { service: 'route53' })
      : async () => ({
          ok: false,
          status: 403,
          code: 'InvalidClientTokenId',
          message: 'this server has no secret key, so it holds no AWS access keys',
        }),
  });
  registerEventRoutes(app, events, options.repository, eventTickets);
  registerProposalRoutes(app, {
    repository: options.repository,
    cities,
    dns: dns,
    measurements,
    ...(upstream !== undefined ? { upstream } : {}),
  });
  registerAuditRoutes(app, options.repository);
  registerResponderRoutes(app, { repository: options.repository, registry });
  registerDnsRoutes(app, {
    repository: options.repository,
    dns: dns,
    ...(options.dnsQueryTimeoutMs !== undefined ? { timeoutMs: options.dnsQueryTimeoutMs } : {}),
  });

  const webRoot = options.webRoot;
  const hasWeb = webRoot !== undefined && existsSync(join(webRoot, 'index.html'));
  if (hasWeb) {
    app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      wildcard: true,
      cacheControl: false,
      setHeaders(res, path) {
        res.setHeader(
          'cache-control',
          path.includes(`${join('assets', '')}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
    });
  } else {
    app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(BUILD_HINT));
  }

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '';
    const isApi = path === '/api' || path.startsWith('/api/');
    // Client-side routes get the SPA; a missing file (`/assets/gone.js`) stays a 404.
    const lastSegment = path.slice(path.lastIndexOf('/') + 1);
    const isFile = lastSegment.includes('.');
    if (!isApi && !isFile && hasWeb && (req.method === 'GET' || req.method === 'HEAD')) {
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .sendFile('index.html');
    }
    return reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(errorBody('NotFound', `no route ${req.method} ${path}`));
  });

  return app;
}
