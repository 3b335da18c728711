import type { FastifyInstance } from 'fastify';
import { answerQuery } from '../../engine/answer';
import { locateClient } from '../../engine/client-location';
import { decodeNameLabels, isInZone, normalizeName } from '../../engine/names';
import type { ClientLocation, ResourceRecordSet } from '../../engine/types';
import {
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

/** Record sets that can answer a name, cached per zone version (health is read every time). */
interface CachedSets {
  version: number;
  sets: ResourceRecordSet[];
  healthCheckIds: string[];
}

const SETS_CACHE_LIMIT = 20_000;

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
}

/** TestDNSAnswer over the repository: locate the client, gather sets, ask the engine. */
export function createDnsAnswerer(repository: Repository, geo: ServerGeo): DnsAnswerer {
  const cache = new Map<string, CachedSets>();

  async function setsFor(zone: Zone, name: string): Promise<CachedSets> {
    const key = `${zone.id}|${name}`;
    const hit = cache.get(key);
    if (hit && hit.version === zone.version) return hit;
    const names = [name, ...wildcardNames(name, zone.name)];
    const lists = await Promise.all(names.map((n) => repository.recordSetsByName(zone.id, n)));
    const sets = lists.flat();
    const healthCheckIds = [
      ...new Set(sets.map((s) => s.HealthCheckId).filter((h): h is string => !!h)),
    ];
    const entry = { version: zone.version, sets, healthCheckIds };
    if (cache.size >= SETS_CACHE_LIMIT) cache.clear();
    cache.set(key, entry);
    return entry;
  }

  return {
    async answer(zone, query) {
      const labels = decodeNameLabels(query.recordname);
      if (labels === null) {
        throw invalidField('recordname', `"${query.recordname}" has a broken \\ escape`);
      }
      const located = locateClient(query, geo);
      if (!located.ok) throw invalidField(located.field, located.message);
      const client = located.location;
      const name = normalizeName(query.recordname);
      const base = {
        Nameserver: NAMESERVER,
        RecordName: query.recordname,
        RecordType: query.recordtype,
        Protocol: 'UDP' as const,
      };
      if (!isInZone(name, zone.name)) {
        return {
          ...base,
          RecordData: [],
          ResponseCode: 'NXDOMAIN',
          Routing: { client: toWireClient(client), chosen: null, candidates: [], allUnhealthy: false },
        };
      }
      const { sets, healthCheckIds } = await setsFor(zone, name);
      const unhealthy = new Set(parseUnhealthyList(query.unhealthy));
      const health =
        healthCheckIds.length > 0 ? await repository.getHealth(healthCheckIds) : undefined;
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
          ? sets
          : sets.map((r) =>
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
  app.get('/api/zones/:id/testdnsanswer', async (req): Promise<TestDnsAnswerResponse> => {
    const query = TestDnsAnswerQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    const zone = await findZone(repository, req.params);
    return answerer.answer(zone, query.data);
  });
}
