import { z } from 'zod';

/**
 * Measured latency: what reporters post (POST /api/measurements), what the server aggregates,
 * and the snapshots and series the dashboard and the engine read.
 */

/** How routing estimates RTT for a zone: great-circle distance, or measurements where they exist. */
export const ROUTING_MODELS = ['distance', 'measured'] as const;
export type RoutingModel = (typeof ROUTING_MODELS)[number];

/** Most rows one request may carry (JSON, NDJSON or CSV). */
export const MAX_MEASUREMENTS_PER_REQUEST = 100_000;

/** Longest accepted RTT, ms: anything slower is a timeout, not a latency. */
export const MAX_RTT_MS = 60_000;

/** How far in the future `at` may lie (clock skew between reporter and server), ms. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Default window of samples that count "now", days (a zone setting). */
export const DEFAULT_WINDOW_DAYS = 7;
export const MAX_WINDOW_DAYS = 90;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const MeasurementClientSchema = z
  .union([
    z.strictObject({ ip: z.string().describe('An IPv4 or IPv6 client address.') }),
    z.strictObject({ subnet: z.string().describe('A client network, e.g. 81.2.69.0/24.') }),
    z.strictObject({ lat: z.number(), lon: z.number() }),
    z.strictObject({ city: z.union([z.number().int(), z.string()]) }),
  ])
  .meta({
    id: 'MeasurementClient',
    description:
      'Where the client was: an address, a network, coordinates (degrees) or a GeoNames city id.',
  });

export const MeasurementSchema = z
  .object({
    region: z.string().describe('AWS region code the RTT was measured to, e.g. eu-west-1.'),
    rttMs: z.number().describe('Round-trip time, ms (0 < rttMs ≤ 60000).'),
    at: z.string().optional().describe('ISO 8601 time of the measurement; default now.'),
    client: MeasurementClientSchema,
    source: z.string().max(128).optional().describe('Who measured, e.g. probe-london.'),
  })
  .meta({
    id: 'Measurement',
    examples: [
      {
        region: 'eu-west-1',
        rttMs: 23.4,
        at: '2026-11-30T12:00:00Z',
        client: { ip: '81.2.69.160' },
        source: 'probe-london',
      },
    ],
  });

export const PostMeasurementsRequestSchema = z
  .object({ measurements: z.array(MeasurementSchema) })
  .meta({
    id: 'PostMeasurementsRequest',
    description:
      'Also accepted: the rows as NDJSON (application/x-ndjson, one measurement per line) or CSV ' +
      '(text/csv, header at,region,rttMs,ip|subnet|lat,lon|city,source).',
  });

export const RejectedMeasurementSchema = z
  .object({
    /** Row number, 0-based, in the order sent (CSV: data rows after the header). */
    index: z.number().int().min(0),
    field: z.string(),
    message: z.string(),
  })
  .meta({ id: 'RejectedMeasurement' });

export const PostMeasurementsResponseSchema = z
  .object({
    accepted: z.number().int().min(0),
    rejected: z.array(RejectedMeasurementSchema),
  })
  .meta({
    id: 'PostMeasurementsResponse',
    examples: [
      {
        accepted: 1,
        rejected: [{ index: 1, field: 'region', message: '"mars-1" is not an AWS region' }],
      },
    ],
  });

/** One aggregate in a snapshot, compact: [cell, region, samples, medianMs, p25Ms, p75Ms]. */
export const SnapshotRowSchema = z.tuple([
  z.string(),
  z.string(),
  z.number().int(),
  z.number(),
  z.number(),
  z.number(),
]);

export const MeasurementSnapshotSchema = z
  .object({
    /** H3 resolution of `cell`. */
    resolution: z.number().int(),
    /** Window [from, to), ISO. */
    from: z.string(),
    to: z.string(),
    windowDays: z.number(),
    /** Every network of a cell pooled: what routing uses. */
    rows: z.array(SnapshotRowSchema),
  })
  .meta({
    id: 'MeasurementSnapshot',
    description: 'Aggregates of the window, by H3 cell × region: the measured model’s input.',
  });

export const MeasurementSnapshotQuerySchema = z.strictObject({
  at: z.string().optional().describe('End of the window (ISO); default now.'),
  windowDays: z
    .string()
    .optional()
    .describe(`Window length in days (1–${MAX_WINDOW_DAYS}); default the zone's, else 7.`),
  zone: z.string().optional().describe('Take the window from this zone’s settings.'),
});

export const MeasurementSummarySchema = z
  .object({
    /** Raw samples kept. */
    samples: z.number().int(),
    /** Hour aggregates kept. */
    aggregates: z.number().int(),
    /** Oldest and newest measurement time (ISO) in aggregates, null with none. */
    oldest: z.string().nullable(),
    newest: z.string().nullable(),
    /** Raw samples are kept this long, days. */
    retentionDays: z.number(),
    /** Hour aggregates are kept this long, days. */
    aggregateRetentionDays: z.number(),
    /** Distinct cells and regions measured (in the aggregates). */
    cells: z.number().int(),
    regions: z.array(z.string()),
  })
  .meta({ id: 'MeasurementSummary' });

export const MeasurementSeriesQuerySchema = z.strictObject({
  region: z.string().describe('Region code.'),
  city: z.string().optional(),
  lat: z.string().optional(),
  lon: z.string().optional(),
  ip: z.string().optional(),
  from: z.string().optional().describe('ISO; default 30 days before `to`.'),
  to: z.string().optional().describe('ISO; default now.'),
  bucket: z.enum(['hour', 'day']).optional().describe('Default day.'),
});

export const MeasurementSeriesPointSchema = z.object({
  /** Bucket start, ISO. */
  at: z.string(),
  samples: z.number().int(),
  medianMs: z.number(),
  p25Ms: z.number(),
  p75Ms: z.number(),
});

export const MeasurementSeriesSchema = z
  .object({
    region: z.string(),
    /** The H3 cell the place falls in (what is measured), and its centre. */
    cell: z.string(),
    place: z.object({ lat: z.number(), lon: z.number(), label: z.string() }),
    bucket: z.enum(['hour', 'day']),
    points: z.array(MeasurementSeriesPointSchema),
    /** The distance model's estimate for the place, ms, for comparison. */
    distanceMs: z.number(),
  })
  .meta({ id: 'MeasurementSeries' });

export type MeasurementClient = z.infer<typeof MeasurementClientSchema>;
export type MeasurementWire = z.infer<typeof MeasurementSchema>;
export type RejectedMeasurement = z.infer<typeof RejectedMeasurementSchema>;
export type PostMeasurementsResponse = z.infer<typeof PostMeasurementsResponseSchema>;
export type MeasurementSnapshotWire = z.infer<typeof MeasurementSnapshotSchema>;
export type MeasurementSummary = z.infer<typeof MeasurementSummarySchema>;
export type MeasurementSeries = z.infer<typeof MeasurementSeriesSchema>;
