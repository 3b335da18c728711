import type { FastifyInstance } from 'fastify';
import { type TruncateResult, truncateClientSubnet } from '../../engine/client-subnet';
import { decodeNameLabels } from '../../engine/names';
import {
  type DnsAnswerRecord,
  type DnsQueryRequest,
  DnsQueryRequestSchema,
  type DnsQueryResult,
  type DnsStatus,
  DnsStatusQuerySchema,
  formatDigCommand,
} from '../../shared/dns';
import { normalizeZoneId } from '../../shared/zones';
import {
  askDns,
  DnsBadResponseError,
  type DnsQuestion,
  DnsTimeoutError,
} from '../dns-client/ask-dns';
import { presentRecord, presentTypeName } from '../dns-client/record-presentation';
import type { Repository } from '../storage/repository';
import { ApiHttpError, invalidField, invalidInput } from './api-error';
import { findZone } from './zone-routes';

/** What the JSON API needs from the authoritative DNS server this process runs. */
export interface DnsEndpoint {
  /** Address it listens on (`127.0.0.1`, `0.0.0.0`, `::`). */
  host: string;
  /** UDP and TCP port. */
  port: number;
  /** Name servers written into new zones' NS sets, when configured. */
  nameservers?: readonly string[];
  /** Responders (threads/processes) answering DNS. */
  responders(): number;
  /** The lowest zone version every responder serves; -1 when unknown (not loaded yet). */
  servedVersion(zoneId: string): number;
  /** See ServedVersions.settle: other instances' reports read fresh (≤ ~100 ms old). */
  settle?(): Promise<void>;
}

export interface DnsRoutesOptions {
  repository: Repository;
  /** null when DNS is off (DNS_PORT=off): the status says so and queries get 503. */
  dns: DnsEndpoint | null;
  /** How long each leg of a query waits (tests); default 2 s. */
  timeoutMs?: number;
}

/**
 * Where to send a query to our own endpoint: loopback only, so a wildcard bind (`0.0.0.0`,
 * `::`) is asked on 127.0.0.1 / ::1 rather than on whatever address the OS would pick.
 */
export function loopbackTarget(host: string): string {
  const h = host.trim().replace(/^\[|\]$/g, '');
  if (h === '' || h === '0.0.0.0' || h === 'localhost') return '127.0.0.1';
  if (h === '::' || h === '::0') return '::1';
  return h;
}

/** `127.0.0.1:8053`, `[::1]:8053`. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One label for dig (decimal `\DDD` for what a shell or the master-file syntax would mangle). */
function digLabel(label: string): string {
  let out = '';
  for (const ch of label) {
    const code = ch.charCodeAt(0);
    if (ch === '.' || ch === '\\' || ch === '"' || ch === ';' || ch === '(' || ch === ')') {
      out += `\\${ch}`;
    } else if (code <= 32 || code >= 127) out += `\\${String(code).padStart(3, '0')}`;
    else out += ch;
  }
  return out;
}

/**
 * The question's name, from Route 53's presentation form (`\052.example.com` → `*.example.com`),
 * as dns-packet takes it and as dig takes it. Errors name `recordname`.
 */
function questionName(recordname: string): { wire: string; dig: string } {
  const labels = decodeNameLabels(recordname);
  if (labels === null) throw invalidField('recordname', `"${recordname}" has a broken \\ escape`);
  if (labels.length === 0) return { wire: '.', dig: '.' };
  let length = 0;
  for (const label of labels) {
    if (label === '') {
      throw invalidField('recordname', `"${recordname}" has an empty label (two dots in a row)`);
    }
    if (label.length > 63) {
      throw invalidField('recordname', `the label "${label}" is longer than 63 characters`);
    }
    // dns-packet writes labels as UTF-8 split at dots: a dot or a byte above 127 in a label
    // would go out as something else.
    if (/[.\u0080-\uffff]/.test(label)) {
      throw invalidField(
        'recordname',
        `the label "${label}" holds a dot or a non-ASCII character, which this client cannot send`,
      );
    }
    length += label.length + 1;
  }
  if (length > 254)
    throw invalidField('recordname', `"${recordname}" is longer than 253 characters`);
  return { wire: labels.join('.'), dig: labels.map(digLabel).join('.') };
}

/** The client subnet of a query, validated as TestDNSAnswer validates it; null when none. */
function clientSubnet(query: DnsQueryRequest): Extract<TruncateResult, { ok: true }> | null {
  const ip = query.edns0clientsubnetip?.trim() ?? '';
  const mask = query.edns0clientsubnetmask?.trim() ?? '';
  if (ip === '') {
    if (mask !== '') {
      throw invalidField(
        'edns0clientsubnetmask',
        'edns0clientsubnetmask was given without edns0clientsubnetip',
      );
    }
    return null;
  }
  if (mask !== '' && !/^\d{1,3}$/.test(mask)) {
    throw invalidField(
      'edns0clientsubnetmask',
      `edns0clientsubnetmask "${mask}" is not a prefix length`,
    );
  }
  const t = truncateClientSubnet(ip, mask === '' ? undefined : Number(mask));
  if (!t.ok) {
    throw invalidField(
      t.field === 'prefix' ? 'edns0clientsubnetmask' : 'edns0clientsubnetip',
      t.message,
    );
  }
  return t;
}

/**
 * The answer's data comparable with TestDNSAnswer's RecordData: the records of the asked type;
 * when there are none, the CNAME the name answers with (TestDNSAnswer reports the CNAME too).
 */
export function recordDataOf(answers: readonly DnsAnswerRecord[], type: string): string[] {
  const ofType = answers.filter((a) => a.type === type);
  if (ofType.length > 0 || type === 'CNAME') return ofType.map((a) => a.data);
  return answers
    .filter((a) => a.type === 'CNAME')
    .slice(0, 1)
    .map((a) => a.data);
}

/** GET /api/dns (where the DNS server listens, what it serves) and GET /api/zones/:id/dns-query. */
export function registerDnsRoutes(app: FastifyInstance, opts: DnsRoutesOptions): void {
  const { repository, dns } = opts;

  app.get('/api/dns', async (req): Promise<DnsStatus> => {
    const query = DnsStatusQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    await dns?.settle?.();
    // One zone (what the dashboard polls), or every zone in one read.
    let heads: { id: string; name: string; version: number; serial: number }[];
    if (query.data.zone !== undefined) {
      const id = normalizeZoneId(query.data.zone);
      if (id === null) {
        throw invalidField('zone', `"${query.data.zone}" is not a zone id such as Z1D633PJN98FT9`);
      }
      const zone = await repository.getZone(id);
      heads = zone === null ? [] : [zone];
    } else heads = await repository.listZoneHeads();
    const zones = heads.map((z) => {
      const servedVersion = dns ? dns.servedVersion(z.id) : -1;
      return {
        id: z.id,
        name: z.name,
        version: z.version,
        serial: z.serial,
        servedVersion,
        inSync: dns !== null && servedVersion >= z.version,
      };
    });
    return {
      enabled: dns !== null,
      host: dns?.host ?? null,
      port: dns?.port ?? null,
      ...(dns?.nameservers ? { nameservers: [...dns.nameservers] } : {}),
      responders: dns ? dns.responders() : 0,
      zones,
    };
  });

  app.get('/api/zones/:id/dns-query', async (req): Promise<DnsQueryResult> => {
    const parsed = DnsQueryRequestSchema.safeParse(req.query);
    if (!parsed.success) throw invalidInput(parsed.error);
    const query = parsed.data;
    const name = questionName(query.recordname);
    const subnet = clientSubnet(query);
    await findZone(repository, req.params);
    if (dns === null) {
      throw new ApiHttpError(
        503,
        'DnsDisabled',
        'the DNS server is off (DNS_PORT=off); start the server with a DNS port to ask it',
      );
    }
    const host = loopbackTarget(dns.host);
    const question: DnsQuestion = {
      name: name.wire,
      type: query.recordtype,
      ...(subnet
        ? { subnet: { address: subnet.address, prefix: subnet.prefix, family: subnet.family } }
        : {}),
    };
    let reply: Awaited<ReturnType<typeof askDns>>;
    try {
      reply = await askDns(question, {
        host,
        port: dns.port,
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      });
    } catch (err) {
      if (err instanceof DnsTimeoutError) throw new ApiHttpError(504, 'DnsTimeout', err.message);
      if (err instanceof DnsBadResponseError) {
        throw new ApiHttpError(502, 'DnsBadResponse', err.message);
      }
      throw err;
    }
    const answers = (reply.packet.answers ?? []).filter((a) => a.type !== 'OPT').map(presentRecord);
    const authority = (reply.packet.authorities ?? []).map(presentRecord);
    return {
      server: hostPort(host, dns.port),
      dig: formatDigCommand({
        server: host,
        port: dns.port,
        name: name.dig,
        type: query.recordtype,
        ...(subnet ? { subnet: subnet.cidr } : {}),
      }),
      ResponseCode: reply.rcode,
      RecordData: recordDataOf(answers, presentTypeName(query.recordtype)),
      answers,
      authority,
      aa: reply.packet.flag_aa,
      truncated: reply.udpTruncated,
      ecsScope: reply.ecsScope,
      rttMs: reply.rttMs,
      protocol: reply.protocol,
    };
  });
}
