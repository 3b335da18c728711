import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ImpactCity } from '../../engine/impact';
import { compareListingKeys, sortRecordSets } from '../../engine/listing';
import { normalizeName } from '../../engine/names';
import type { ChangeError, ResourceRecordSet } from '../../engine/types';
import { type Role, roleAtLeast } from '../../shared/auth';
import { issuesToChangeDetails } from '../../shared/errors';
import {
  type HealthCheckConfigInput,
  HealthCheckConfigInputSchema,
  UpdateHealthCheckRequestSchema,
  withHealthCheckDefaults,
} from '../../shared/health';
import { ChangeBatchSchema } from '../../shared/rrset';
import { normalizeZoneId } from '../../shared/zones';
import type { Principal } from '../auth/authenticate';
import { createDnsAnswerer } from '../domain/answerer';
import { changeInfoOf, type ServedVersions } from '../domain/change-status';
import { DomainFieldError, DomainValidationError } from '../domain/errors';
import type { HealthService } from '../domain/health-checks';
import type { MeasurementService } from '../domain/measurements';
import type { UpstreamService } from '../domain/upstream';
import type { ZoneIndex } from '../domain/zone-index';
import type { ServerGeo } from '../geo/load-geo';
import { applyWithImpact } from '../reviews/apply-with-impact';
import {
  HealthCheckInUseError,
  HealthCheckNotFoundError,
  HealthCheckVersionError,
  InvalidZoneNameError,
  type Repository,
  type StoredHealthCheck,
  type TaggedResource,
  type Zone,
  ZoneExistsError,
  ZoneNotEmptyError,
  ZoneNotFoundError,
} from '../storage/repository';
import { isStorageUnavailable, STORAGE_RETRY_AFTER_S } from '../storage/storage-errors';
import {
  errorXml,
  invalidChangeBatch,
  invalidInput,
  noSuchHostedZone,
  Route53Error,
} from './errors';
import {
  changeBatchFromXml,
  healthCheckConfigXml,
  healthFieldsFromXml,
  recordSetXml,
} from './shapes';
import { child, doc, el, members, onlyElements, parseXmlBody, text, type XmlObject } from './xml';

/**
 * Amazon Route 53's REST API (2013-04-01, XML) on the HTTP port, so `aws route53`, boto3, the
 * SDKs and Terraform manage latency-atlas zones unchanged with an endpoint override. A thin
 * adapter: XML in → the same repository, domain and answerer as the JSON API → XML out; the
 * same zones, changes, proposals, history and audit. Requests are authenticated with AWS
 * Signature Version 4 against access keys bound to API tokens; roles apply as in the JSON API.
 */

/** What SigV4 verification answers (src/server/auth/aws-sigv4.ts). */
export type AwsAuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; status: number; code: string; message: string };

export type AwsAuthenticate = (req: {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}) => Promise<AwsAuthResult>;

export interface Route53Deps {
  repository: Repository;
  geo: ServerGeo;
  health: HealthService;
  measurements: MeasurementService;
  authenticate: AwsAuthenticate;
  cities: () => readonly ImpactCity[];
  zoneIndex?: ZoneIndex;
  dns?: (ServedVersions & { host?: string }) | null;
  nameServers?: string[];
  /** Zones mirrored to an upstream hosted zone push every batch there first. */
  upstream?: UpstreamService;
}

/** Largest request body: Route 53 caps a batch at 32,000 characters of values; 1 MB is ample. */
export const ROUTE53_BODY_LIMIT = 1024 * 1024;

const MAX_ITEMS = { zones: 100, records: 300, healthChecks: 100 } as const;

declare module 'fastify' {
  interface FastifyRequest {
    route53RequestId?: string;
  }
}

function xmlReply(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).type('text/xml').send(body);
}

function pageSize(raw: unknown, max: number, name = 'maxitems'): number {
  if (raw === undefined || raw === '') return max;
  if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw) || Number(raw) < 1) {
    throw invalidInput(`${name} must be a whole number from 1, not "${String(raw)}"`);
  }
  return Math.min(Number(raw), max);
}

function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const q = req.query as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(q ?? {})) {
    out[k] = Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
  }
  return out;
}

/** Route 53 ids arrive bare or prefixed (`/hostedzone/Z…`, `/change/C…`); URL-decoded already. */
function bareId(raw: string | undefined, prefix: string): string {
  const v = raw ?? '';
  return v.startsWith(prefix) ? v.slice(prefix.length) : v;
}

/** A DeleteHostedZone ChangeInfo id: C, D and the zone id's 20 characters (never a batch id). */
function deletionChangeId(zoneId: string): string {
  return `/change/CD${zoneId.slice(1)}`;
}

function changeErrorMessages(errors: readonly ChangeError[]): string[] {
  return errors.map((e) =>
    e.change >= 0 ? `${e.message} (change ${e.change + 1}, ${e.field})` : e.message,
  );
}

export function registerRoute53Routes(app: FastifyInstance, deps: Route53Deps): void {
  const { repository, health } = deps;
  const answerer = createDnsAnswerer(repository, deps.geo, deps.zoneIndex, deps.measurements);

  app.register(
    async (r53) => {
      // Bodies come with application/xml, text/xml or no Content-Type at all (botocore).
      r53.removeAllContentTypeParsers();
      r53.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: ROUTE53_BODY_LIMIT },
        (_req, body, done) => done(null, body),
      );

      r53.setErrorHandler((err, req, reply) => {
        const id = req.route53RequestId ?? randomUUID();
        reply.header('x-amzn-requestid', id);
        if (err instanceof Route53Error) {
          return xmlReply(reply, errorXml(err.code, err.message, id), err.status);
        }
        const e = err as { statusCode?: number; code?: string; message?: string };
        if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return xmlReply(
            reply,
            errorXml(
              'InvalidInput',
              `the request body is larger than ${ROUTE53_BODY_LIMIT} bytes`,
              id,
            ),
            413,
          );
        }
        if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
          return xmlReply(reply, errorXml('InvalidInput', e.message ?? 'bad request', id), 400);
        }
        req.log.error({ err }, 'route53 request failed');
        if (isStorageUnavailable(err)) {
          // The SDKs and the CLI retry a 503 ServiceUnavailable with back-off.
          reply.header('retry-after', String(STORAGE_RETRY_AFTER_S));
          return xmlReply(
            reply,
            errorXml(
              'ServiceUnavailable',
              'the database cannot be reached right now; nothing was changed, try again shortly',
              id,
            ),
            503,
          );
        }
        return xmlReply(reply, errorXml('InternalError', 'the request failed', id), 500);
      });

      r53.setNotFoundHandler((req, reply) => {
        const id = randomUUID();
        reply.header('x-amzn-requestid', id);
        return xmlReply(
          reply,
          errorXml(
            'InvalidAction',
            `no Route 53 operation ${req.method} ${req.url.split('?')[0]}`,
            id,
          ),
          404,
        );
      });

      // SigV4 on every request, with the body as received (the signature covers its hash).
      r53.addHook('preHandler', async (req, reply) => {
        req.route53RequestId = randomUUID();
        reply.header('x-amzn-requestid', req.route53RequestId);
        const raw = req.raw.url ?? '';
        const q = raw.indexOf('?');
        const result = await deps.authenticate({
          method: req.method,
          rawPath: q === -1 ? raw : raw.slice(0, q),
          rawQuery: q === -1 ? '' : raw.slice(q + 1),
          headers: req.headers,
          body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        });
        if (!result.ok) throw new Route53Error(result.status, result.code, result.message);
        req.principal = result.principal;
      });

      const need = (req: FastifyRequest, role: Role, action: string): Principal => {
        const p = req.principal;
        if (!p) throw new Route53Error(403, 'AccessDenied', 'the request is not signed');
        if (!roleAtLeast(p.role, role)) {
          throw new Route53Error(
            403,
            'AccessDenied',
            `User: ${p.name} (${p.role}) is not authorized to perform: route53:${action} (needs the ${role} role${role === 'admin' ? '' : ' or higher'})`,
          );
        }
        return p;
      };

      const bodyOf = (req: FastifyRequest, root: string): XmlObject =>
        parseXmlBody(Buffer.isBuffer(req.body) ? req.body : undefined, root);

      async function zoneFromParam(raw: string | undefined): Promise<Zone> {
        const id = normalizeZoneId(bareId(raw, '/hostedzone/'));
        if (id === null) throw invalidInput(`"${raw ?? ''}" is not a hosted zone id`);
        const zone = await repository.getZone(id);
        if (zone === null) throw noSuchHostedZone(id);
        return zone;
      }

      async function hostedZoneXml(zone: Zone, count?: number): Promise<string> {
        const info = await repository.getHostedZoneInfo(zone.id);
        const n = count ?? (await repository.listRecordSets(zone.id)).length;
        return el('HostedZone', [
          el('Id', `/hostedzone/${zone.id}`),
          el('Name', normalizeName(zone.name)),
          el('CallerReference', info?.callerReference ?? zone.id),
          el('Config', [el('Comment', info?.comment ?? undefined), el('PrivateZone', false)]),
          el('ResourceRecordSetCount', n),
        ]);
      }

      /** One page of a zone listing as HostedZone elements, and the first zone after it. */
      async function zonePage<Z extends { id: string; recordCount: number }>(
        zones: readonly Z[],
        from: number,
        max: number,
      ): Promise<{ items: string[]; next: Z | undefined }> {
        const items: string[] = [];
        for (const z of zones.slice(from, from + max)) {
          const zone = await repository.getZone(z.id);
          if (zone) items.push(await hostedZoneXml(zone, z.recordCount));
        }
        return { items, next: zones[from + max] };
      }

      async function delegationSetXml(zone: Zone): Promise<string> {
        const apex = normalizeName(zone.name);
        const sets = await repository.listRecordSets(zone.id);
        const ns = sets.find((r) => r.Type === 'NS' && normalizeName(r.Name) === apex);
        return el('DelegationSet', [
          el(
            'NameServers',
            (ns?.ResourceRecords ?? []).map((v) => el('NameServer', v.Value.replace(/\.$/, ''))),
          ),
        ]);
      }

      const changeInfoXml = (c: {
        Id: string;
        Status: string;
        SubmittedAt: string;
        Comment?: string;
      }) =>
        el('ChangeInfo', [
          el('Id', c.Id),
          el('Status', c.Status),
          el('SubmittedAt', c.SubmittedAt),
          el('Comment', c.Comment),
        ]);

      // ---- hosted zones -------------------------------------------------------------------

      r53.post('/hostedzone', async (req, reply) => {
        const principal = need(req, 'editor', 'CreateHostedZone');
        const body = bodyOf(req, 'CreateHostedZoneRequest');
        onlyElements(
          body,
          ['Name', 'CallerReference', 'HostedZoneConfig', 'DelegationSetId', 'VPC'],
          'CreateHostedZoneRequest',
        );
        const name = text(body, 'Name', '');
        const callerReference = text(body, 'CallerReference', '');
        if (!name) throw invalidInput('Name is required');
        if (!callerReference) throw invalidInput('CallerReference is required');
        if (callerReference.length > 128)
          throw invalidInput('CallerReference is at most 128 characters');
        if (body.VPC !== undefined) {
          throw invalidInput(
            'private hosted zones (VPC) are not supported: latency-atlas serves public DNS',
          );
        }
        if (body.DelegationSetId !== undefined) {
          throw new Route53Error(
            404,
            'NoSuchDelegationSet',
            'reusable delegation sets are not supported',
          );
        }
        const config = child(body, 'HostedZoneConfig');
        let comment: string | null = null;
        if (config !== undefined) {
          onlyElements(config, ['Comment', 'PrivateZone'], 'HostedZoneConfig');
          comment = text(config, 'Comment', 'HostedZoneConfig.') ?? null;
          if (text(config, 'PrivateZone', 'HostedZoneConfig.') === 'true') {
            throw invalidInput(
              'private hosted zones are not supported: latency-atlas serves public DNS',
            );
          }
          if (comment !== null && comment.length > 256) {
            throw invalidInput('HostedZoneConfig.Comment is at most 256 characters');
          }
        }
        let zone: Zone;
        try {
          zone = await repository.createZone(name, {
            actor: principal.name,
            callerReference,
            comment,
            ...(deps.nameServers !== undefined ? { nameServers: deps.nameServers } : {}),
          });
        } catch (err) {
          if (err instanceof InvalidZoneNameError) {
            throw new Route53Error(400, 'InvalidDomainName', err.message);
          }
          if (err instanceof ZoneExistsError) {
            throw new Route53Error(409, 'HostedZoneAlreadyExists', err.message);
          }
          throw err;
        }
        const info = await repository.getHostedZoneInfo(zone.id);
        reply.header('location', `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}`);
        return xmlReply(
          reply,
          doc('CreateHostedZoneResponse', [
            await hostedZoneXml(zone),
            changeInfoXml({
              Id: info?.createdChangeId ?? deletionChangeId(zone.id),
              Status: deps.dns && deps.dns.servedVersion(zone.id) < 0 ? 'PENDING' : 'INSYNC',
              SubmittedAt: zone.createdAt,
            }),
            await delegationSetXml(zone),
          ]),
          201,
        );
      });

      r53.get('/hostedzone/:id', async (req, reply) => {
        need(req, 'viewer', 'GetHostedZone');
        const zone = await zoneFromParam((req.params as { id?: string }).id);
        return xmlReply(
          reply,
          doc('GetHostedZoneResponse', [await hostedZoneXml(zone), await delegationSetXml(zone)]),
        );
      });

      r53.get('/hostedzone', async (req, reply) => {
        need(req, 'viewer', 'ListHostedZones');
        const q = queryOf(req);
        const max = pageSize(q.maxitems, MAX_ITEMS.zones);
        if (q.delegationsetid) {
          throw new Route53Error(
            404,
            'NoSuchDelegationSet',
            'reusable delegation sets are not supported',
          );
        }
        if (q.hostedzonetype !== undefined && q.hostedzonetype !== 'PrivateHostedZone') {
          throw invalidInput('hostedzonetype must be PrivateHostedZone');
        }
        const zones =
          q.hostedzonetype === 'PrivateHostedZone'
            ? []
            : (await repository.listZones()).sort((a, b) =>
                a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
              );
        const marker = q.marker ? bareId(q.marker, '/hostedzone/') : undefined;
        const start = marker === undefined ? 0 : zones.findIndex((z) => z.id >= marker);
        const from = start < 0 ? zones.length : start;
        const { items, next } = await zonePage(zones, from, max);
        return xmlReply(
          reply,
          doc('ListHostedZonesResponse', [
            el('HostedZones', items),
            el('Marker', q.marker ?? ''),
            el('IsTruncated', next !== undefined),
            next !== undefined ? el('NextMarker', next.id) : '',
            el('MaxItems', max),
          ]),
        );
      });

      r53.get('/hostedzonesbyname', async (req, reply) => {
        need(req, 'viewer', 'ListHostedZonesByName');
        const q = queryOf(req);
        const max = pageSize(q.maxitems, MAX_ITEMS.zones);
        if (q.hostedzoneid && !q.dnsname) {
          throw invalidInput('hostedzoneid needs dnsname');
        }
        const key = (name: string) => ({ Name: name, Type: '' });
        const zones = (await repository.listZones()).sort(
          (a, b) => compareListingKeys(key(a.name), key(b.name)) || (a.id < b.id ? -1 : 1),
        );
        let from = 0;
        if (q.dnsname) {
          const startName = normalizeName(q.dnsname);
          const startId = q.hostedzoneid ? bareId(q.hostedzoneid, '/hostedzone/') : '';
          from = zones.findIndex((z) => {
            const c = compareListingKeys(key(z.name), key(startName));
            return c > 0 || (c === 0 && z.id >= startId);
          });
          if (from < 0) from = zones.length;
        }
        const { items, next } = await zonePage(zones, from, max);
        return xmlReply(
          reply,
          doc('ListHostedZonesByNameResponse', [
            el('HostedZones', items),
            q.dnsname ? el('DNSName', normalizeName(q.dnsname)) : '',
            q.hostedzoneid ? el('HostedZoneId', q.hostedzoneid) : '',
            el('IsTruncated', next !== undefined),
            next !== undefined ? el('NextDNSName', normalizeName(next.name)) : '',
            next !== undefined ? el('NextHostedZoneId', next.id) : '',
            el('MaxItems', max),
          ]),
        );
      });

      r53.get('/hostedzonecount', async (req, reply) => {
        need(req, 'viewer', 'GetHostedZoneCount');
        const n = (await repository.listZones()).length;
        return xmlReply(reply, doc('GetHostedZoneCountResponse', [el('HostedZoneCount', n)]));
      });

      r53.post('/hostedzone/:id', async (req, reply) => {
        const principal = need(req, 'editor', 'UpdateHostedZoneComment');
        const zone = await zoneFromParam((req.params as { id?: string }).id);
        const body = bodyOf(req, 'UpdateHostedZoneCommentRequest');
        onlyElements(body, ['Comment'], 'UpdateHostedZoneCommentRequest');
        const comment = text(body, 'Comment', '') ?? null;
        if (comment !== null && comment.length > 256)
          throw invalidInput('Comment is at most 256 characters');
        await repository.setZoneComment(zone.id, comment === '' ? null : comment, {
          actor: principal.name,
        });
        return xmlReply(reply, doc('UpdateHostedZoneCommentResponse', [await hostedZoneXml(zone)]));
      });

      r53.delete('/hostedzone/:id', async (req, reply) => {
        const principal = need(req, 'admin', 'DeleteHostedZone');
        const zone = await zoneFromParam((req.params as { id?: string }).id);
        try {
          const deleted = await repository.deleteZone(zone.id, { actor: principal.name });
          if (!deleted) throw noSuchHostedZone(zone.id);
        } catch (err) {
          if (err instanceof ZoneNotEmptyError) {
            throw new Route53Error(
              400,
              'HostedZoneNotEmpty',
              'The hosted zone contains resource records that are not SOA or NS records.',
            );
          }
          throw err;
        }
        await repository.changeTags(
          'hostedzone',
          zone.id,
          [],
          (await repository.listTags('hostedzone', zone.id)).map((t) => t.Key),
        );
        return xmlReply(
          reply,
          doc('DeleteHostedZoneResponse', [
            changeInfoXml({
              Id: deletionChangeId(zone.id),
              Status: 'PENDING',
              SubmittedAt: new Date().toISOString(),
            }),
          ]),
        );
      });

      r53.get('/hostedzone/:id/dnssec', async (req, reply) => {
        need(req, 'viewer', 'GetDNSSEC');
        await zoneFromParam((req.params as { id?: string }).id);
        return xmlReply(
          reply,
          doc('GetDNSSECResponse', [
            el('Status', [el('ServeSignature', 'NOT_SIGNING')]),
            el('KeySigningKeys', []),
          ]),
        );
      });

      // ---- record sets ----------------------------------------------------------------------

      r53.post('/hostedzone/:id/rrset', changeRecordSets);
      r53.post('/hostedzone/:id/rrset/', changeRecordSets);

      async function changeRecordSets(req: FastifyRequest, reply: FastifyReply) {
        const principal = need(req, 'editor', 'ChangeResourceRecordSets');
        const zone = await zoneFromParam((req.params as { id?: string }).id);
        const raw = changeBatchFromXml(bodyOf(req, 'ChangeResourceRecordSetsRequest'));
        const parsed = ChangeBatchSchema.safeParse(raw);
        if (!parsed.success) {
          throw invalidChangeBatch(
            issuesToChangeDetails(parsed.error.issues).map((d) =>
              d.change !== undefined
                ? `${d.message} (change ${d.change + 1}, ${d.field})`
                : `${d.field}: ${d.message}`,
            ),
          );
        }
        const batch = parsed.data;
        const settings = await repository.getZoneSettings(zone.id);
        if (settings?.requireApproval && principal.role !== 'admin') {
          // The zone needs a second pair of eyes: the batch becomes a proposal, PENDING until it
          // is approved, applied and served (GetChange follows its change id).
          const result = await repository.createProposal(zone.id, batch, {
            author: principal.name,
          });
          if (!result.ok) throw invalidChangeBatch(changeErrorMessages(result.errors));
          const p = result.proposal;
          return xmlReply(
            reply,
            doc('ChangeResourceRecordSetsResponse', [
              changeInfoXml({
                Id: p.changeId,
                Status: 'PENDING',
                SubmittedAt: p.createdAt,
                Comment: `${batch.Comment ? `${batch.Comment} — ` : ''}awaiting review as proposal ${p.id}`,
              }),
            ]),
          );
        }
        const zm = await deps.measurements.zoneModel(zone.id);
        let result: Awaited<ReturnType<typeof applyWithImpact>>;
        try {
          const apply = () =>
            applyWithImpact(repository, zone.id, batch, {
              author: principal.name,
              cities: deps.cities,
              model: zm.model,
            });
          result = deps.upstream
            ? await deps.upstream.applyThrough(zone.id, batch, apply, {
                changeIdOf: (r) => (r.ok ? r.change.id : null),
              })
            : await apply();
        } catch (err) {
          if (err instanceof ZoneNotFoundError) throw noSuchHostedZone(zone.id);
          throw err;
        }
        if (!result.ok) throw invalidChangeBatch(changeErrorMessages(result.errors));
        return xmlReply(
          reply,
          doc('ChangeResourceRecordSetsResponse', [
            changeInfoXml(changeInfoOf(result.change, deps.dns ?? null)),
          ]),
        );
      }

      r53.get('/hostedzone/:id/rrset', async (req, reply) => {
        need(req, 'viewer', 'ListResourceRecordSets');
        const zone = await zoneFromParam((req.params as { id?: string }).id);
        const q = queryOf(req);
        const max = pageSize(q.maxitems, MAX_ITEMS.records);
        if (q.type !== undefined && q.name === undefined) {
          throw invalidInput('StartRecordType (type) needs StartRecordName (name)');
        }
        if (q.identifier !== undefined && q.type === undefined) {
          throw invalidInput('StartRecordIdentifier (identifier) needs StartRecordType (type)');
        }
        const sets = sortRecordSets(await repository.listRecordSets(zone.id));
        let from = 0;
        if (q.name !== undefined) {
          // Missing parts sort first: a name alone starts at its first type, and so on.
          const startKey = {
            Name: normalizeName(q.name.replace(/^\*(?=\.|$)/, '\\052')),
            Type: (q.type ?? '').toUpperCase(),
            SetIdentifier: q.identifier ?? '',
          };
          from = sets.findIndex((r) => compareListingKeys(r, startKey) >= 0);
          if (from < 0) from = sets.length;
        }
        const page = sets.slice(from, from + max);
        const next: ResourceRecordSet | undefined = sets[from + max];
        return xmlReply(
          reply,
          doc('ListResourceRecordSetsResponse', [
            el('ResourceRecordSets', page.map(recordSetXml)),
            el('IsTruncated', next !== undefined),
            next ? el('NextRecordName', next.Name) : '',
            next ? el('NextRecordType', next.Type) : '',
            next?.SetIdentifier !== undefined ? el('NextRecordIdentifier', next.SetIdentifier) : '',
            el('MaxItems', max),
          ]),
        );
      });

      // ---- changes --------------------------------------------------------------------------

      r53.get('/change/:id', async (req, reply) => {
        need(req, 'viewer', 'GetChange');
        const bare = bareId((req.params as { id?: string }).id, '/change/');
        if (!/^C[0-9A-Z]{1,32}$/.test(bare)) throw invalidInput(`"${bare}" is not a change id`);
        const id = `/change/${bare}`;
        const reply200 = (info: {
          Id: string;
          Status: string;
          SubmittedAt: string;
          Comment?: string;
        }) => xmlReply(reply, doc('GetChangeResponse', [changeInfoXml(info)]));
        const applied = await repository.findChange(id);
        if (applied) {
          await deps.dns?.settle?.();
          const info = changeInfoOf(applied, deps.dns ?? null);
          const up = await repository.getUpstreamChange(applied.id);
          // A mirrored zone's change is in sync once upstream Route 53 says so too.
          return reply200(
            up !== null && up.status !== 'INSYNC' ? { ...info, Status: 'PENDING' } : info,
          );
        }
        const proposal = await repository.findProposalByChangeId(id);
        if (proposal) {
          if (proposal.status === 'rejected') {
            throw invalidChangeBatch([
              `the change was rejected in review (proposal ${proposal.id}) by ${proposal.decidedBy ?? 'a reviewer'}${proposal.reason ? `: ${proposal.reason}` : ''}`,
            ]);
          }
          if (proposal.status === 'superseded') {
            throw invalidChangeBatch([
              `proposal ${proposal.id} was superseded by ${proposal.supersededBy ?? 'another proposal'}; this change will not be applied`,
            ]);
          }
          return reply200({ Id: id, Status: 'PENDING', SubmittedAt: proposal.createdAt });
        }
        const created = await repository.findZoneCreation(id);
        if (created) {
          const served = !deps.dns || deps.dns.servedVersion(created.zoneId) >= 0;
          return reply200({
            Id: id,
            Status: served ? 'INSYNC' : 'PENDING',
            SubmittedAt: created.createdAt,
          });
        }
        if (
          /^CD[0-9A-Z]{20}$/.test(bare) &&
          (await repository.getZone(`Z${bare.slice(2)}`)) === null
        ) {
          const gone = !deps.dns || deps.dns.servedVersion(`Z${bare.slice(2)}`) < 0;
          return reply200({
            Id: id,
            Status: gone ? 'INSYNC' : 'PENDING',
            SubmittedAt: new Date().toISOString(),
          });
        }
        throw new Route53Error(
          404,
          'NoSuchChange',
          `A change with the specified change ID does not exist: ${bare}`,
        );
      });

      // ---- TestDNSAnswer ----------------------------------------------------------------------

      r53.get('/testdnsanswer', async (req, reply) => {
        need(req, 'viewer', 'TestDNSAnswer');
        const q = queryOf(req);
        if (!q.hostedzoneid) throw invalidInput('hostedzoneid is required');
        if (!q.recordname) throw invalidInput('recordname is required');
        if (!q.recordtype) throw invalidInput('recordtype is required');
        const zone = await zoneFromParam(q.hostedzoneid);
        const base = { recordname: q.recordname, recordtype: q.recordtype.toUpperCase() };
        const full = {
          ...base,
          ...(q.resolverip ? { resolverip: q.resolverip } : {}),
          ...(q.edns0clientsubnetip ? { edns0clientsubnetip: q.edns0clientsubnetip } : {}),
          ...(q.edns0clientsubnetmask ? { edns0clientsubnetmask: q.edns0clientsubnetmask } : {}),
        };
        let answer: Awaited<ReturnType<typeof answerer.answer>>;
        try {
          answer = await answerer.answer(zone, full);
        } catch (err) {
          if (!(err instanceof DomainFieldError)) throw err;
          // Route 53 answers for an address it cannot place (private, documentation, unknown)
          // as it would for any resolver: here, from the default resolver location.
          if (/has no location|not in the IP location data/.test(err.message)) {
            answer = await answerer.answer(zone, base);
          } else throw invalidInput(`${err.field}: ${err.message}`);
        }
        return xmlReply(
          reply,
          doc('TestDNSAnswerResponse', [
            el('Nameserver', answer.Nameserver),
            el('RecordName', answer.RecordName),
            el('RecordType', answer.RecordType),
            el(
              'RecordData',
              answer.RecordData.map((v) => el('RecordDataEntry', v)),
            ),
            el('ResponseCode', answer.ResponseCode),
            el('Protocol', answer.Protocol),
          ]),
        );
      });

      // ---- tags -------------------------------------------------------------------------------

      async function taggedResource(
        type: string | undefined,
        id: string | undefined,
      ): Promise<[TaggedResource, string]> {
        if (type === 'hostedzone') return ['hostedzone', (await zoneFromParam(id)).id];
        if (type === 'healthcheck') {
          const check = await repository.getHealthCheck(id ?? '');
          if (!check) throw noSuchHealthCheck(id ?? '');
          return ['healthcheck', check.id];
        }
        throw invalidInput(`ResourceType must be hostedzone or healthcheck, not "${type ?? ''}"`);
      }

      const tagSetXml = async (type: TaggedResource, id: string) =>
        el('ResourceTagSet', [
          el('ResourceType', type),
          el('ResourceId', id),
          el(
            'Tags',
            (await repository.listTags(type, id)).map((t) =>
              el('Tag', [el('Key', t.Key), el('Value', t.Value)]),
            ),
          ),
        ]);

      r53.get('/tags/:type/:id', async (req, reply) => {
        need(req, 'viewer', 'ListTagsForResource');
        const p = req.params as { type?: string; id?: string };
        const [type, id] = await taggedResource(p.type, p.id);
        return xmlReply(reply, doc('ListTagsForResourceResponse', [await tagSetXml(type, id)]));
      });

      r53.post('/tags/:type/:id', async (req, reply) => {
        const principal = need(req, 'editor', 'ChangeTagsForResource');
        const p = req.params as { type?: string; id?: string };
        const [type, id] = await taggedResource(p.type, p.id);
        const body = bodyOf(req, 'ChangeTagsForResourceRequest');
        onlyElements(body, ['AddTags', 'RemoveTagKeys'], 'ChangeTagsForResourceRequest');
        const add = members(child(body, 'AddTags'), 'Tag', 'AddTags').map((t, i) => {
          if (typeof t !== 'object' || Array.isArray(t))
            throw invalidInput(`AddTags.Tag[${i}] needs Key and Value`);
          onlyElements(t, ['Key', 'Value'], `AddTags.Tag[${i}]`);
          const key = text(t, 'Key', `AddTags.Tag[${i}].`);
          if (!key || key.length > 128)
            throw invalidInput(`AddTags.Tag[${i}].Key is 1–128 characters`);
          const value = text(t, 'Value', `AddTags.Tag[${i}].`) ?? '';
          if (value.length > 256)
            throw invalidInput(`AddTags.Tag[${i}].Value is at most 256 characters`);
          return { Key: key, Value: value };
        });
        const remove = members(child(body, 'RemoveTagKeys'), 'Key', 'RemoveTagKeys').map((k, i) => {
          if (typeof k !== 'string' || k === '')
            throw invalidInput(`RemoveTagKeys.Key[${i}] must be a key`);
          return k;
        });
        if (add.length > 10 || remove.length > 10) {
          throw invalidInput('at most 10 tags may be added and 10 removed at once');
        }
        await repository.changeTags(type, id, add, remove, { actor: principal.name });
        return xmlReply(reply, doc('ChangeTagsForResourceResponse', []));
      });

      r53.post('/tags/:type', async (req, reply) => {
        need(req, 'viewer', 'ListTagsForResources');
        const p = req.params as { type?: string };
        const body = bodyOf(req, 'ListTagsForResourcesRequest');
        onlyElements(body, ['ResourceIds'], 'ListTagsForResourcesRequest');
        const ids = members(child(body, 'ResourceIds'), 'ResourceId', 'ResourceIds');
        if (ids.length === 0 || ids.length > 10) throw invalidInput('ResourceIds lists 1–10 ids');
        const sets: string[] = [];
        for (const raw of ids) {
          if (typeof raw !== 'string') throw invalidInput('ResourceIds.ResourceId must be an id');
          const [type, id] = await taggedResource(p.type, raw);
          sets.push(await tagSetXml(type, id));
        }
        return xmlReply(reply, doc('ListTagsForResourcesResponse', [el('ResourceTagSets', sets)]));
      });

      // ---- health checks ------------------------------------------------------------------------

      const healthCheckXml = async (c: StoredHealthCheck) =>
        el('HealthCheck', [
          el('Id', c.id),
          el('CallerReference', c.name),
          healthCheckConfigXml(c.config),
          el('HealthCheckVersion', c.version),
        ]);

      function validationError(err: unknown): never {
        if (err instanceof DomainValidationError) {
          throw invalidInput(err.details.map((d) => `${d.field}: ${d.message}`).join('; '));
        }
        if (err instanceof HealthCheckVersionError) {
          throw new Route53Error(409, 'HealthCheckVersionMismatch', err.message);
        }
        if (err instanceof HealthCheckNotFoundError) throw noSuchHealthCheck(err.healthCheckId);
        throw err;
      }

      function configInput(fields: Record<string, unknown>, path: string): HealthCheckConfigInput {
        const parsed = HealthCheckConfigInputSchema.safeParse(fields);
        if (!parsed.success) {
          throw invalidInput(
            parsed.error.issues.map((i) => `${path}.${i.path.join('.')}: ${i.message}`).join('; '),
          );
        }
        return parsed.data;
      }

      r53.post('/healthcheck', async (req, reply) => {
        const principal = need(req, 'editor', 'CreateHealthCheck');
        const body = bodyOf(req, 'CreateHealthCheckRequest');
        onlyElements(body, ['CallerReference', 'HealthCheckConfig'], 'CreateHealthCheckRequest');
        const callerReference = text(body, 'CallerReference', '');
        if (!callerReference || callerReference.length > 64) {
          throw invalidInput('CallerReference is required (1–64 characters)');
        }
        const cfgNode = child(body, 'HealthCheckConfig');
        if (cfgNode === undefined) throw invalidInput('HealthCheckConfig is required');
        const config = configInput(
          healthFieldsFromXml(cfgNode, 'HealthCheckConfig'),
          'HealthCheckConfig',
        );
        const existingId = await repository.findHealthCheckByCallerReference(callerReference);
        if (existingId !== null) {
          const existing = await repository.getHealthCheck(existingId);
          if (existing && sameJson(existing.config, withHealthCheckDefaults(config))) {
            reply.header(
              'location',
              `https://route53.amazonaws.com/2013-04-01/healthcheck/${existing.id}`,
            );
            return xmlReply(
              reply,
              doc('CreateHealthCheckResponse', [await healthCheckXml(existing)]),
              201,
            );
          }
          throw new Route53Error(
            409,
            'HealthCheckAlreadyExists',
            'A health check with this CallerReference already exists, with other settings.',
          );
        }
        let created: StoredHealthCheck;
        try {
          created = await health.create(
            { Name: callerReference, HealthCheckConfig: config },
            principal.name,
            { callerReference },
          );
        } catch (err) {
          validationError(err);
        }
        reply.header(
          'location',
          `https://route53.amazonaws.com/2013-04-01/healthcheck/${created.id}`,
        );
        return xmlReply(
          reply,
          doc('CreateHealthCheckResponse', [await healthCheckXml(created)]),
          201,
        );
      });

      r53.get('/healthcheck/:id', async (req, reply) => {
        need(req, 'viewer', 'GetHealthCheck');
        const id = (req.params as { id?: string }).id ?? '';
        const check = await repository.getHealthCheck(id);
        if (!check) throw noSuchHealthCheck(id);
        return xmlReply(reply, doc('GetHealthCheckResponse', [await healthCheckXml(check)]));
      });

      r53.get('/healthcheck', async (req, reply) => {
        need(req, 'viewer', 'ListHealthChecks');
        const q = queryOf(req);
        const max = pageSize(q.maxitems, MAX_ITEMS.healthChecks);
        const checks = (await repository.listHealthChecks()).sort((a, b) =>
          a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
        );
        const marker = q.marker;
        let from = marker ? checks.findIndex((c) => c.id >= marker) : 0;
        if (from < 0) from = checks.length;
        const page = checks.slice(from, from + max);
        const next = checks[from + max];
        const items: string[] = [];
        for (const c of page) items.push(await healthCheckXml(c));
        return xmlReply(
          reply,
          doc('ListHealthChecksResponse', [
            el('HealthChecks', items),
            el('Marker', marker ?? ''),
            el('IsTruncated', next !== undefined),
            next ? el('NextMarker', next.id) : '',
            el('MaxItems', max),
          ]),
        );
      });

      r53.post('/healthcheck/:id', async (req, reply) => {
        const principal = need(req, 'editor', 'UpdateHealthCheck');
        const id = (req.params as { id?: string }).id ?? '';
        const current = await repository.getHealthCheck(id);
        if (!current) throw noSuchHealthCheck(id);
        const body = bodyOf(req, 'UpdateHealthCheckRequest');
        const fields = healthFieldsFromXml(body, 'UpdateHealthCheckRequest', [
          'HealthCheckVersion',
          'ResetElements',
        ]);
        if ('Type' in fields || 'RequestInterval' in fields) {
          throw invalidInput(
            'Type and RequestInterval cannot be changed: create a new health check',
          );
        }
        const version = text(body, 'HealthCheckVersion', '');
        const resets = members(
          child(body, 'ResetElements'),
          'ResettableElementName',
          'ResetElements',
        );
        const parsed = UpdateHealthCheckRequestSchema.safeParse({
          ...fields,
          HealthCheckVersion: version === undefined ? current.version : Number(version),
          ...(resets.length > 0 ? { ResetElements: resets } : {}),
        });
        if (!parsed.success) {
          throw invalidInput(
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        }
        let updated: StoredHealthCheck;
        try {
          updated = await health.update(id, parsed.data, principal.name);
        } catch (err) {
          validationError(err);
        }
        return xmlReply(reply, doc('UpdateHealthCheckResponse', [await healthCheckXml(updated)]));
      });

      r53.delete('/healthcheck/:id', async (req, reply) => {
        const principal = need(req, 'editor', 'DeleteHealthCheck');
        const id = (req.params as { id?: string }).id ?? '';
        if (!(await repository.getHealthCheck(id))) throw noSuchHealthCheck(id);
        try {
          await health.delete(id, principal.name);
        } catch (err) {
          if (err instanceof HealthCheckInUseError) {
            throw new Route53Error(400, 'HealthCheckInUse', err.message);
          }
          throw err;
        }
        await repository.changeTags(
          'healthcheck',
          id,
          [],
          (await repository.listTags('healthcheck', id)).map((t) => t.Key),
        );
        return xmlReply(reply, doc('DeleteHealthCheckResponse', []));
      });

      r53.get('/healthcheck/:id/status', async (req, reply) => {
        need(req, 'viewer', 'GetHealthCheckStatus');
        const id = (req.params as { id?: string }).id ?? '';
        if (!(await repository.getHealthCheck(id))) throw noSuchHealthCheck(id);
        const observations = await repository.listHealthObservations(id, 20);
        return xmlReply(
          reply,
          doc('GetHealthCheckStatusResponse', [
            el(
              'HealthCheckObservations',
              observations.map((o) =>
                el('HealthCheckObservation', [
                  el('StatusReport', [
                    el('Status', `${o.healthy ? 'Success' : 'Failure'}: ${o.reason}`),
                    el('CheckedTime', o.at),
                  ]),
                ]),
              ),
            ),
          ]),
        );
      });
    },
    { prefix: '/2013-04-01' },
  );
}

/** Equal as JSON regardless of key order. */
function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== undefined)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, canon(x)]),
          )
        : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function noSuchHealthCheck(id: string): Route53Error {
  return new Route53Error(
    404,
    'NoSuchHealthCheck',
    `No health check exists with the specified ID ${id}`,
  );
}
