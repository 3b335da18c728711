import { ApiErrorSchema } from '../../shared/errors';
import {
  MeasurementSeriesQuerySchema,
  MeasurementSeriesSchema,
  MeasurementSnapshotQuerySchema,
  MeasurementSnapshotSchema,
  MeasurementSummarySchema,
  PostMeasurementsRequestSchema,
  PostMeasurementsResponseSchema,
} from '../../shared/measurements';
import { BeaconKeyResponseSchema, BeaconPostQuerySchema } from './beacon-routes';
import type { RouteDoc } from './openapi';
import { ZoneParamsSchema } from './zone-routes';

/** OpenAPI entries for measured latency (ingest, snapshot, summary, series). */

const error = (description: string) => ({ description, schema: ApiErrorSchema });
const badInput = error('Bad input: `error.details` names each bad field.');

export const MEASUREMENT_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'post',
    access: 'token',
    path: '/api/measurements',
    tag: 'measured latency',
    summary: 'Post latency measurements (a reporter token, or editor and above)',
    description:
      'Up to 100,000 rows a request, as JSON `{"measurements":[…]}`, NDJSON (`application/x-ndjson`, one row per line) or CSV (`text/csv`, header `at,region,rttMs,ip|subnet|lat,lon|city,source`). Good rows are stored, bad rows are named by index and field and skipped. `client` is an address (`ip`), a network (`subnet`), coordinates (`lat`, `lon`) or a GeoNames `city` id; `at` defaults to now and may not be older than the raw retention (30 days) or in the future. `source` defaults to the token name.',
    body: PostMeasurementsRequestSchema,
    responses: {
      202: { description: 'Stored what was good', schema: PostMeasurementsResponseSchema },
      400: badInput,
      401: error('Unauthorized: no token, or one that is unknown or revoked.'),
      403: error('Forbidden: a viewer token may not post measurements.'),
      413: error('PayloadTooLarge: more than 32 MB.'),
    },
  },
  {
    method: 'get',
    path: '/api/measurements/summary',
    tag: 'measured latency',
    summary: 'What is stored: samples, hour aggregates, time range, retention',
    responses: { 200: { description: 'Summary', schema: MeasurementSummarySchema } },
  },
  {
    method: 'get',
    path: '/api/measurements/snapshot',
    tag: 'measured latency',
    summary: 'The aggregates a zone routes by: H3 cell × region over the window ending at `at`',
    description:
      'What the measured model is built from (the dashboard builds the same engine model from it to draw the catchment). Networks of a cell are pooled.',
    query: MeasurementSnapshotQuerySchema,
    responses: {
      200: { description: 'Snapshot', schema: MeasurementSnapshotSchema },
      400: badInput,
      404: error('NoSuchHostedZone (zone=)'),
    },
  },
  {
    method: 'get',
    path: '/api/measurements/series',
    tag: 'measured latency',
    summary: 'Measured RTT over time for one place and region (hourly or daily)',
    query: MeasurementSeriesQuerySchema,
    responses: {
      200: { description: 'Series', schema: MeasurementSeriesSchema },
      400: badInput,
    },
  },
  {
    method: 'post',
    access: 'public',
    path: '/api/beacon',
    tag: 'measured latency',
    summary: 'The browser beacon’s timings (public, with the zone’s beacon key; any origin)',
    description:
      'Sent by /beacon.js as text/plain JSON `{"measurements":[{"region","rttMs"}]}` (a CORS simple request). The client is the address the post comes from. Regions must be probes of the zone. Rate limited per address and per zone (429 Throttling, Retry-After).',
    query: BeaconPostQuerySchema,
    responses: {
      202: { description: 'Stored what was good', schema: PostMeasurementsResponseSchema },
      400: badInput,
      429: error('Throttling: too many posts from this address or for this zone this minute.'),
    },
  },
  {
    method: 'post',
    access: 'admin',
    path: '/api/zones/{id}/beacon-key',
    tag: 'measured latency',
    summary: 'Make (or rotate) the zone’s public beacon key; returns the script tag to embed',
    params: ZoneParamsSchema,
    responses: {
      200: { description: 'The new key and snippet', schema: BeaconKeyResponseSchema },
      404: error('NoSuchHostedZone'),
    },
  },
];
