import { z } from 'zod';

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

export const DnsQueryRequestSchema = z
  .strictObject({
    recordname: z.string().trim().min(1).max(1024),
    recordtype: z.string().trim().toUpperCase().min(1).max(10),
    /** Sent as an EDNS Client Subnet option when given. */
    edns0clientsubnetip: z.string().max(64).optional(),
    edns0clientsubnetmask: z.string().max(8).optional(),
  })
  .meta({ id: 'DnsQueryRequest' });

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
    /** Data of the answer records of the queried type (comparable with testdnsanswer's). */
    RecordData: z.array(z.string()),
    answers: z.array(DnsAnswerRecordSchema),
    authority: z.array(DnsAnswerRecordSchema),
    /** Authoritative Answer flag. */
    aa: z.boolean(),
    truncated: z.boolean(),
    /** SCOPE PREFIX-LENGTH of the echoed client-subnet option; null when none. */
    ecsScope: z.number().int().nullable(),
    /** Round trip of the query, milliseconds. */
    rttMs: z.number(),
  })
  .meta({ id: 'DnsQueryResult' });

export type DnsZoneStatus = z.infer<typeof DnsZoneStatusSchema>;
export type DnsStatus = z.infer<typeof DnsStatusSchema>;
export type DnsQueryRequest = z.infer<typeof DnsQueryRequestSchema>;
export type DnsAnswerRecord = z.infer<typeof DnsAnswerRecordSchema>;
export type DnsQueryResult = z.infer<typeof DnsQueryResultSchema>;
