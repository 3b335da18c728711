import { z } from 'zod';
import { RECORD_TYPES } from '../engine/types';

/** TestDNSAnswer: Route 53's query parameters plus latency-atlas's client and health previews. */

const RECORD_TYPE_SET: ReadonlySet<string> = new Set(RECORD_TYPES);

const optionalText = (max: number) => z.string().max(max).optional();

/** Longest value of each optional TestDNSAnswer parameter (characters). */
const OPTIONAL_LIMITS: Readonly<Record<string, number>> = {
  resolverip: 64,
  edns0clientsubnetip: 64,
  edns0clientsubnetmask: 8,
  city: 32,
  lat: 32,
  lon: 32,
  ip: 64,
  unhealthy: 10_000,
  at: 40,
};

export const TestDnsAnswerQuerySchema = z
  .strictObject({
    recordname: z
      .string({ error: 'recordname is required: the record name to test' })
      .trim()
      .min(1, { error: 'recordname is required: the record name to test' })
      .max(1024)
      .describe('The record name to test, e.g. app.example.com (trailing dot optional).'),
    recordtype: z
      .string({ error: 'recordtype is required, e.g. A' })
      .trim()
      .toUpperCase()
      .refine((t) => RECORD_TYPE_SET.has(t), {
        error: (iss) =>
          `"${String(iss.input)}" is not a record type; use one of ${RECORD_TYPES.join(', ')}`,
      })
      .describe(`Record type: ${RECORD_TYPES.join(', ')}.`),
    resolverip: optionalText(64).describe(
      'Resolver address; stands for the user when no client subnet is given.',
    ),
    edns0clientsubnetip: optionalText(64).describe(
      'EDNS client subnet address; truncated to the mask before lookup.',
    ),
    edns0clientsubnetmask: optionalText(8).describe(
      'Client subnet prefix length; default 24 (IPv4) / 64 (IPv6).',
    ),
    city: optionalText(32).describe('GeoNames city id (see /api/cities); wins over the rest.'),
    lat: optionalText(32).describe('Client latitude, degrees (with lon).'),
    lon: optionalText(32).describe('Client longitude, degrees (with lat).'),
    ip: optionalText(64).describe('A client IPv4/IPv6 address, looked up as is.'),
    unhealthy: optionalText(10_000).describe(
      'Comma-separated SetIdentifiers to treat as unhealthy (a failure preview; nothing is stored).',
    ),
    at: optionalText(40).describe(
      'Route as at this ISO time: the measurement window ending then (zones on the measured model).',
    ),
  })
  .meta({ id: 'TestDnsAnswerQuery' });

export const ClientSourceSchema = z.enum(['city', 'coordinates', 'ip', 'subnet', 'resolver']);

export const RoutingClientSchema = z
  .object({
    lat: z.number(),
    lon: z.number(),
    label: z.string(),
    source: ClientSourceSchema,
    /** The address looked up (ip/subnet/resolver; a subnet already truncated). */
    address: z.string().optional(),
    /** The subnet prefix length used. */
    prefix: z.number().int().optional(),
  })
  .meta({ id: 'RoutingClient' });

export const RoutingChosenSchema = z
  .object({
    setIdentifier: z.string(),
    region: z.string(),
    /** Estimated round trip, ms. */
    rttMs: z.number(),
  })
  .meta({ id: 'RoutingChosen' });

export const RoutingCandidateSchema = z
  .object({
    setIdentifier: z.string(),
    region: z.string(),
    rttMs: z.number(),
    rttLowMs: z.number(),
    rttHighMs: z.number(),
    distanceKm: z.number(),
    healthy: z.boolean(),
    /** measured: this place's own samples; learned: nearby places'; distance: the estimate. */
    source: z.enum(['measured', 'learned', 'distance']),
    /** Samples behind the estimate (0 for distance). */
    samples: z.number().int().min(0),
  })
  .meta({ id: 'RoutingCandidate' });

export const RoutingSchema = z
  .object({
    client: RoutingClientSchema,
    /** null when no latency record applies to this name and type. */
    chosen: RoutingChosenSchema.nullable(),
    /** Best (lowest estimated RTT) first. */
    candidates: z.array(RoutingCandidateSchema),
    /** Every candidate was unhealthy, so all were treated as healthy (Route 53 rule). */
    allUnhealthy: z.boolean(),
    /** The zone's routing model. */
    model: z.enum(['distance', 'measured']),
    /**
     * The client's network (`81.2.69.0/24`, `2001:db8:1::/48`) when it has measurements of its
     * own and was routed by them rather than by place.
     */
    network: z.string().optional(),
    /** The time routed as (`at=`), when given. */
    at: z.string().optional(),
  })
  .meta({ id: 'Routing' });

export const TestDnsAnswerResponseSchema = z
  .object({
    Nameserver: z.string(),
    RecordName: z.string(),
    RecordType: z.string(),
    RecordData: z.array(z.string()),
    ResponseCode: z.enum(['NOERROR', 'NXDOMAIN']),
    Protocol: z.literal('UDP'),
    Routing: RoutingSchema,
  })
  .meta({
    id: 'TestDnsAnswerResponse',
    examples: [
      {
        Nameserver: 'ns-1.latency-atlas.local',
        RecordName: 'app.example.com',
        RecordType: 'A',
        RecordData: ['192.0.2.10'],
        ResponseCode: 'NOERROR',
        Protocol: 'UDP',
        Routing: {
          client: { lat: 51.50853, lon: -0.12574, label: 'London, GB', source: 'city' },
          chosen: { setIdentifier: 'oregon', region: 'us-west-2', rttMs: 166.9 },
          candidates: [
            {
              setIdentifier: 'oregon',
              region: 'us-west-2',
              rttMs: 166.9,
              rttLowMs: 119.2,
              rttHighMs: 247.3,
              distanceKm: 8095.1,
              healthy: true,
              source: 'distance',
              samples: 0,
            },
          ],
          allUnhealthy: false,
          model: 'distance',
        },
      },
    ],
  });

/**
 * The same result as `TestDnsAnswerQuerySchema.safeParse(raw).data` for a valid query, without
 * zod's per-call overhead (this is the API's hot path); null when anything is off, and the caller
 * then runs the schema to say what. A test keeps the two in step.
 */
export function parseTestDnsAnswerQueryFast(raw: unknown): TestDnsAnswerQuery | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const out: Record<string, string> = {};
  let name: string | undefined;
  let type: string | undefined;
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) continue;
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value !== 'string') return null;
    if (key === 'recordname') {
      name = value.trim();
      if (name.length < 1 || name.length > 1024) return null;
    } else if (key === 'recordtype') {
      type = value.trim().toUpperCase();
      if (!RECORD_TYPE_SET.has(type)) return null;
    } else {
      const limit = OPTIONAL_LIMITS[key];
      if (limit === undefined || value.length > limit) return null;
      out[key] = value;
    }
  }
  if (name === undefined || type === undefined) return null;
  return { recordname: name, recordtype: type, ...out };
}

/** Split `unhealthy=a,b` into set identifiers (empty entries dropped). */
export function parseUnhealthyList(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export type TestDnsAnswerQuery = z.infer<typeof TestDnsAnswerQuerySchema>;
export type RoutingClient = z.infer<typeof RoutingClientSchema>;
export type RoutingCandidateWire = z.infer<typeof RoutingCandidateSchema>;
export type Routing = z.infer<typeof RoutingSchema>;
export type TestDnsAnswerResponse = z.infer<typeof TestDnsAnswerResponseSchema>;
