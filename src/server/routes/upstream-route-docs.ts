import { ApiErrorSchema } from '../../shared/errors';
import type { RouteDoc } from './openapi';
import { UpstreamImportRequestSchema } from './upstream-routes';
import { ZoneParamsSchema } from './zone-routes';

/** OpenAPI entries for a zone's upstream Route 53 hosted zone. */

const error = (description: string) => ({ description, schema: ApiErrorSchema });
const badInput = error(
  'Bad input: `error.details` names each bad field (also: upstream has no such zone, refuses the credentials or cannot be reached).',
);
const noUpstream = error('NoUpstream: the zone is not connected (or NoSuchHostedZone).');

export const UPSTREAM_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'put',
    access: 'admin',
    path: '/api/zones/{id}/upstream',
    tag: 'upstream',
    summary: 'Connect the zone to a Route 53 hosted zone (checked upstream on save)',
    description:
      'Body: `{"provider":"route53","hostedZoneId":"Z…","region":"us-east-1","accessKeyId":"…","secretAccessKey":"…","endpoint":"…"}` (endpoint optional: the real Route 53 by default). The secret is stored sealed with LATENCY_ATLAS_SECRET_KEY and never returned (only its key id and last 4 characters). Once connected, every applied batch is sent upstream first; the local zone changes only when upstream accepted it.',
    params: ZoneParamsSchema,
    responses: {
      200: { description: 'The connection' },
      400: badInput,
      404: error('NoSuchHostedZone'),
    },
  },
  {
    method: 'get',
    path: '/api/zones/{id}/upstream',
    tag: 'upstream',
    summary: 'The connection, its health and the last drift check',
    params: ZoneParamsSchema,
    responses: { 200: { description: 'The connection' }, 404: noUpstream },
  },
  {
    method: 'delete',
    access: 'admin',
    path: '/api/zones/{id}/upstream',
    tag: 'upstream',
    summary: 'Disconnect (the zone and upstream stay as they are)',
    params: ZoneParamsSchema,
    responses: { 204: { description: 'Disconnected' }, 404: noUpstream },
  },
  {
    method: 'post',
    access: 'admin',
    path: '/api/zones/{id}/upstream/import',
    tag: 'upstream',
    summary:
      'Make the local zone equal upstream: `{"dryRun":true}` returns the batch, `{}` applies it',
    params: ZoneParamsSchema,
    body: UpstreamImportRequestSchema,
    responses: {
      200: { description: '`{ChangeBatch, skipped}` (dry run) or `{ChangeInfo, skipped}`' },
      400: badInput,
      404: noUpstream,
      502: error('UpstreamUnavailable / UpstreamRefused: nothing was changed'),
    },
  },
  {
    method: 'post',
    access: 'admin',
    path: '/api/zones/{id}/upstream/push',
    tag: 'upstream',
    summary:
      'Make upstream equal the local zone ("push local"): `{"dryRun":true}` returns the batch',
    params: ZoneParamsSchema,
    body: UpstreamImportRequestSchema,
    responses: {
      200: {
        description:
          '`{ChangeBatch, upstreamChangeId}` (null on a dry run or when nothing differs)',
      },
      400: badInput,
      404: noUpstream,
      502: error('UpstreamUnavailable / UpstreamRefused'),
    },
  },
  {
    method: 'get',
    path: '/api/zones/{id}/upstream/drift',
    tag: 'upstream',
    summary: 'Compare upstream with local, record set by record set (apex SOA/NS aside)',
    params: ZoneParamsSchema,
    responses: {
      200: {
        description:
          '`{drifted, checkedAt, differences:[{Name, Type, SetIdentifier, local, upstream}]}`',
      },
      404: noUpstream,
      502: error('UpstreamUnavailable'),
    },
  },
];
