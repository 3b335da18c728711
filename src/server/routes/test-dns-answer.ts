import type { FastifyInstance } from 'fastify';
import { answerQuery } from '../../engine/answer';
import { locateClient } from '../../engine/client-location';
import { decodeNameLabels, isInZone, normalizeName } from '../../engine/names';
import type { ClientLocation, ResourceRecordSet } from '../../engine/types';
import {
  parseTestDnsAnswerQueryFast,
  parseUnhealthyList,
  type RoutingClient,
  type TestDnsAnswerQuery,
  TestDnsAnswerQuerySchema,
  type TestDnsAnswerResponse,
} from '../../shared/routing';
import type { ServerGeo } from '../geo/load-geo';
import type { Repository, Zone } from '../storage/repository';
import { invalidField, invalidInput } from './api-error';
import { findZone } from './zone-routes';

/** What TestDNSAnswer reports as the answering server (Route 53 prints one of its own). */
export const NAMESERVER = 'ns-1.latency-atlas.local';

/**
 * What one (zone version, name) can answer with: the sets at the name and its wildcards, read
 * once per zone version, plus the serialised answers already given for it, keyed by everything
 * else an answer depends on (type, client, previewed failures, health-check states).
 */
interface NameEntry {
  version: number;
  inZone: boolean;
  sets: ResourceRecordSet[];
  healthCheckIds: string[];
  answers: Map<string, string>;
}

/**
 * Bounds on the caches: names, answers per name and answers in all (about 1–2 KB each, so the
 * answer cache stays under ~100 MB). Full → start again (cheap, rare).
 */
const NAME_CACHE_LIMIT = 20_000;
const ANSWER_CACHE_LIMIT = 2_000;
const TOTAL_ANSWER_LIMIT = 50_000;
const LOCATION_CACHE_LIMIT = 100_000;

/** Names whose wildcard (`\052.<ancestor>`) could answer `name` inside `zoneName`. */
export function wildcardNames(name: string, zoneName: string): string[] {
  const zone = normalizeName(zoneName);
  const out: string[] = [];
  let rest = name;
  while (rest !== zone) {
    const dot = rest.indexOf('.');
    // Label boundaries: escapes in stored names are \ddd, never a bare dot.
    if (dot === -1 || dot === rest.length - 1) break;
    rest = rest.slice(dot + 1);
    out.push(`\\052.${rest}`);
  }
  return out;
}

function toWireClient(c: ClientLocation): RoutingClient {
  const out: RoutingClient = { lat: c.lat, lon: c.lon, label: c.label, source: c.source };
  if (c.address !== undefined) out.address = c.address;
  if (c.prefix !== undefined) out.prefix = c.prefix;
  return out;
}

export interface DnsAnswerer {
  answer(zone: Zone, query: TestDnsAnswerQuery): Promise<TestDnsAnswerResponse>;
  /** The same answer as JSON text, from the cache when it was given before. */
  answerJson(zone: Zone, query: TestDnsAnswerQuery): Promise<string>;
}

/** TestDNSAnswer over the repository: locate the client, gather sets, ask the engine. */
export function createDnsAnswerer(repository: Repository, geo: ServerGeo): DnsAnswerer {
  const names = new Map<string, NameEntry>();
  let totalAnswers = 0;
  const normalized = new Map<string, string | null>();
  // The IP and city data do not change while the server runs, so a client description always
  // locates to the same place: remember it (subnets repeat, and parsing + lookup is most of a miss).
  const located = new Map<string, ReturnType<typeof locateClient>>();

  function locate(query: TestDnsAnswerQuery): ReturnType<typeof locateClient> {
    const key = `${query.city ?? ''}|${query.lat ?? ''}|${query.lon ?? ''}|${query.ip ?? ''}|${query.edns0clientsubnetip ?? ''}|${query.edns0clientsubnetmask ?? ''}|${query.resolverip ?? ''}`;
    let result = located.get(key);
    if (result === undefined) {
      result = locateClient(query, geo);
      if (located.size >= LOCATION_CACHE_LIMIT) located.clear();
      located.set(key, result);
    }
    return result;
  }

  /** Normalised form of a queried name; null for a broken escape. Cached: the same few names repeat. */
  function normalizeQueried(raw: string): string | null {
    let name = normalized.get(raw);
    if (name === undefined) {
      name = decodeNameLabels(raw) === null ? null : normalizeName(raw);
      if (normalized.size >= NAME_CACHE_LIMIT) normalized.clear();
      normalized.set(raw, name);
    }
    return name;
  }

  async function entryFor(zone: Zone, name: string): Promise<NameEntry> {
    const key = `${zone.id}|${name}`;
    const hit = names.get(key);
    if (hit && hit.version === zone.version) return hit;
    const inZone = isInZone(name, zone.name);
    let sets: ResourceRecordSet[] = [];
    if (inZone) {
      const lists = await Promise.all(
        [name, ...wildcardNames(name, zone.name)].map((n) =>
          repository.recordSetsByName(zone.id, n),
        ),
      );
      sets = lists.flat();
    }
    const healthCheckIds = [
      ...new Set(sets.map((s) => s.HealthCheckId).filter((h): h is string => !!h)),
    ];
    const entry: NameEntry = {
      version: zone.version,
      inZone,
      sets,
      healthCheckIds,
      answers: new Map(),
    };
    if (names.size >= NAME_CACHE_LIMIT) {
      names.clear();
      totalAnswers = 0;
    }
    const replaced = names.get(key);
    if (replaced) totalAnswers -= replaced.answers.size;
    names.set(key, entry);
    return entry;
  }

  function compute(
    zone: Zone,
    query: TestDnsAnswerQuery,
    name: string,
    entry: NameEntry,
    client: ClientLocation,
    health: Map<string, boolean> | undefined,
  ): TestDnsAnswerResponse {
    const base = {
      Nameserver: NAMESERVER,
      RecordName: query.recordname,
      RecordType: query.recordtype,
      Protocol: 'UDP' as const,
    };
    if (!entry.inZone) {
      return {
        ...base,
        RecordData: [],
        ResponseCode: 'NXDOMAIN',
        Routing: {
          client: toWireClient(client),
          chosen: null,
          candidates: [],
          allUnhealthy: false,
        },
      };
    }
    const unhealthy = new Set(parseUnhealthyList(query.unhealthy));
    const isHealthy =
      unhealthy.size === 0 && !health
        ? undefined
        : (r: ResourceRecordSet) =>
            !(r.SetIdentifier !== undefined && unhealthy.has(r.SetIdentifier)) &&
            !(r.HealthCheckId !== undefined && health?.get(r.HealthCheckId) === false);
    // The engine only asks about sets with a health check (none = always healthy, as in
    // Route 53); a previewed failure acts as a failing check on the sets it names.
    const recordSets =
      unhealthy.size === 0
        ? entry.sets
        : entry.sets.map((r) =>
            r.SetIdentifier !== undefined && unhealthy.has(r.SetIdentifier) && !r.HealthCheckId
              ? { ...r, HealthCheckId: `preview:${r.SetIdentifier}` }
              : r,
          );
    const result = answerQuery({
      zoneName: zone.name,
      name,
      type: query.recordtype,
      recordSets,
      client,
      ...(isHealthy ? { isHealthy } : {}),
    });
    const decision = result.decision;
    return {
      ...base,
      RecordData: result.RecordData,
      ResponseCode: result.ResponseCode,
      Routing: {
        client: toWireClient(client),
        chosen: decision?.chosen
          ? {
              setIdentifier: decision.chosen.setIdentifier,
              region: decision.chosen.region,
              rttMs: decision.chosen.rttMs,
            }
          : null,
        candidates: (decision?.candidates ?? []).map((c) => ({
          setIdentifier: c.setIdentifier,
          region: c.region,
          rttMs: c.rttMs,
          rttLowMs: c.rttLowMs,
          rttHighMs: c.rttHighMs,
          distanceKm: c.distanceKm,
          healthy: c.healthy,
        })),
        allUnhealthy: decision?.allUnhealthy ?? false,
      },
    };
  }

  async function prepare(zone: Zone, query: TestDnsAnswerQuery) {
    const name = normalizeQueried(query.recordname);
    if (name === null) {
      throw invalidField('recordname', `"${query.recordname}" has a broken \\ escape`);
    }
    const where = locate(query);
    if (!where.ok) throw invalidField(where.field, where.message);
    const client = where.location;
    const entry = await entryFor(zone, name);
    // Health can change without a new zone version, so it is read on every query.
    const health =
      entry.healthCheckIds.length > 0
        ? await repository.getHealth(entry.healthCheckIds)
        : undefined;
    let healthKey = '';
    if (health)
      for (const id of entry.healthCheckIds) healthKey += health.get(id) === false ? '0' : '1';
    const key = `${query.recordname}|${query.recordtype}|${client.lat},${client.lon}|${client.source}|${client.address ?? ''}/${client.prefix ?? ''}|${client.label}|${query.unhealthy ?? ''}|${healthKey}`;
    return { name, client, entry, health, key };
  }

  return {
    async answer(zone, query) {
      const { name, client, entry, health } = await prepare(zone, query);
      return compute(zone, query, name, entry, client, health);
    },
    async answerJson(zone, query) {
      const { name, client, entry, health, key } = await prepare(zone, query);
      const cached = entry.answers.get(key);
      if (cached !== undefined) return cached;
      const json = JSON.stringify(compute(zone, query, name, entry, client, health));
      if (totalAnswers >= TOTAL_ANSWER_LIMIT) {
        for (const e of names.values()) e.answers.clear();
        totalAnswers = 0;
      }
      if (entry.answers.size >= ANSWER_CACHE_LIMIT) {
        totalAnswers -= entry.answers.size;
        entry.answers.clear();
      }
      entry.answers.set(key, json);
      totalAnswers++;
      return json;
    },
  };
}

/** GET /api/zones/:id/testdnsanswer. */
export function registerTestDnsAnswerRoute(
  app: FastifyInstance,
  repository: Repository,
  geo: ServerGeo,
): void {
  const answerer = createDnsAnswerer(repository, geo);
  app.get('/api/zones/:id/testdnsanswer', async (req, reply) => {
    // Hot path: a hand-written parse for valid queries, the schema (for its messages) otherwise.
    let query = parseTestDnsAnswerQueryFast(req.query);
    if (query === null) {
      const parsed = TestDnsAnswerQuerySchema.safeParse(req.query);
      if (!parsed.success) throw invalidInput(parsed.error);
      query = parsed.data;
    }
    const zone = await findZone(repository, req.params);
    const json = await answerer.answerJson(zone, query);
    return reply.type('application/json; charset=utf-8').send(json);
  });
}
