import { z } from 'zod';
import { TestDnsAnswerQuerySchema } from './routing';

/**
 * Wire shapes of the DNS endpoint as the JSON API shows it: GET /api/dns (where the
 * authoritative server listens, which zone serials it serves) and
 * GET /api/zones/:id/dns-query (ask the real DNS server a question over loopback).
 */

export const DnsZoneStatusSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The zone version stored (increments with every applied change batch). */
    version: z.number().int().min(0),
    /** The SOA serial stored for the zone. */
    serial: z.number().int().min(0),
    /** The lowest zone version that every DNS responder of this process serves. */
    servedVersion: z.number().int().min(-1),
    /** servedVersion >= version: every responder answers from the latest change. */
    inSync: z.boolean(),
  })
  .meta({ id: 'DnsZoneStatus' });

export const DnsStatusSchema = z
  .object({
    /** False when DNS_PORT=off. */
    enabled: z.boolean(),
    /** Address the server listens on, e.g. `127.0.0.1`; null when disabled. */
    host: z.string().nullable(),
    /** UDP and TCP port; null when disabled. */
    port: z.number().int().nullable(),
    /** Name servers written into new zones' NS sets (DNS_NAMESERVERS). */
    nameservers: z.array(z.string()).optional(),
    /** Responders (threads/processes answering DNS) in this process. */
    responders: z.number().int().min(0),
    zones: z.array(DnsZoneStatusSchema),
  })
  .meta({ id: 'DnsStatus' });

/** GET /api/dns?zone=<id>: only that zone's status (what the dashboard polls). */
export const DnsStatusQuerySchema = z
  .object({
    /** A zone id, `Z…` or `/hostedzone/Z…`. */
    zone: z.string().max(64).optional(),
  })
  .meta({ id: 'DnsStatusQuery' });

/** The same question as TestDNSAnswer's (one schema, one set of messages), sent to the server. */
export const DnsQueryRequestSchema = TestDnsAnswerQuerySchema.pick({
  recordname: true,
  recordtype: true,
  edns0clientsubnetip: true,
  edns0clientsubnetmask: true,
}).meta({ id: 'DnsQueryRequest' });

export const DnsAnswerRecordSchema = z.object({
  name: z.string(),
  type: z.string(),
  ttl: z.number().int(),
  /** Presentation form, as dig prints it (TXT with its quotes). */
  data: z.string(),
});

export const DnsQueryResultSchema = z
  .object({
    /** `127.0.0.1:8053` */
    server: z.string(),
    /** A dig command line that asks the same question. */
    dig: z.string(),
    /** NOERROR, NXDOMAIN, REFUSED, SERVFAIL, … */
    ResponseCode: z.string(),
    /**
     * Data of the answer records of the queried type (comparable with testdnsanswer's); when
     * there are none, the first CNAME of the answer.
     */
    RecordData: z.array(z.string()),
    answers: z.array(DnsAnswerRecordSchema),
    authority: z.array(DnsAnswerRecordSchema),
    /** Authoritative Answer flag. */
    aa: z.boolean(),
    /** The UDP answer had TC set (it was then asked again over TCP: `protocol` is TCP). */
    truncated: z.boolean(),
    /** SCOPE PREFIX-LENGTH of the echoed client-subnet option; null when none. */
    ecsScope: z.number().int().nullable(),
    /** Round trip of the query, milliseconds (both legs when UDP was truncated). */
    rttMs: z.number(),
    /** TCP when the UDP answer came back truncated and was asked again over TCP. */
    protocol: z.enum(['UDP', 'TCP']),
  })
  .meta({ id: 'DnsQueryResult' });

export type DnsZoneStatus = z.infer<typeof DnsZoneStatusSchema>;
export type DnsStatus = z.infer<typeof DnsStatusSchema>;
export type DnsQueryRequest = z.infer<typeof DnsQueryRequestSchema>;
export type DnsAnswerRecord = z.infer<typeof DnsAnswerRecordSchema>;
export type DnsQueryResult = z.infer<typeof DnsQueryResultSchema>;

/** A name or value as one shell word: bare when it is safe, else in single quotes. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9._:/@=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The dig command line that asks `server` (port `port`) one question without recursion, with an
 * EDNS client subnet (`81.2.69.0/24`) when given: what the dashboard shows to copy.
 */
export function formatDigCommand(q: {
  server: string;
  port: number;
  name: string;
  type: string;
  subnet?: string;
}): string {
  const parts = ['dig', `@${q.server}`, '-p', String(q.port), '+norec'];
  if (q.subnet !== undefined) parts.push(`+subnet=${q.subnet}`);
  parts.push(shellWord(q.name), q.type);
  return parts.join(' ');
}

/** One DNS responder (one instance's DNS server) as GET /api/responders lists it. */
export const ResponderSchema = z
  .object({
    instance: z.string().describe('Responder id: `<hostname>:<pid>:<random>`'),
    address: z.string().describe('Where it answers DNS (host:port)'),
    startedAt: z.string().describe('ISO: its first heartbeat'),
    lastSeen: z.string().describe('ISO: its latest heartbeat'),
    live: z.boolean().describe('It sent a heartbeat within the live window (5 s)'),
    self: z.boolean().describe('It is the DNS server of the instance answering'),
    versions: z
      .record(z.string(), z.number().int())
      .describe('Zone id → the zone version (serial source) it serves'),
  })
  .meta({ id: 'Responder' });
export type Responder = z.infer<typeof ResponderSchema>;

export const ResponderListSchema = z
  .object({ responders: z.array(ResponderSchema) })
  .meta({ id: 'ResponderList' });
export type ResponderList = z.infer<typeof ResponderListSchema>;
