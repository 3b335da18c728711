import { type AnswerPlan, evaluateChoice, planAnswer, type SetLookup } from '../../engine/answer';
import { locateClient } from '../../engine/client-location';
import { modelForClient } from '../../engine/client-subnet';
import { distanceLatencyModel } from '../../engine/latency-model';
import type { LatencySource } from '../../engine/measured-latency';
import { decodeNameLabels, normalizeName } from '../../engine/names';
import type {
  ClientLocation,
  ResourceRecordSet,
  RoutingCandidate,
  RoutingDecision,
} from '../../engine/types';
import {
  parseUnhealthyList,
  type RoutingClient,
  type TestDnsAnswerQuery,
  type TestDnsAnswerResponse,
} from '../../shared/routing';
import type { ServerGeo } from '../geo/load-geo';
import type { Repository, Zone } from '../storage/repository';
import { DomainFieldError } from './errors';
import { type MeasurementService, parseIsoTime, type ZoneModel } from './measurements';
import { type IndexedZone, ZoneIndex } from './zone-index';

/** What TestDNSAnswer reports as the answering server (Route 53 prints one of its own). */
export const NAMESERVER = 'ns-1.latency-atlas.local';

/** Bounds on the caches (an answer is about 1–2 KB of JSON). Full → start again. */
const NAME_CACHE_LIMIT = 20_000;
const ANSWER_CACHE_LIMIT = 50_000;
const LOCATION_CACHE_LIMIT = 100_000;
/** Zones unknown to the index are looked for at most this often (ms), for alias targets. */
const ZONE_LIST_REFRESH_MS = 1_000;

export interface DnsAnswerer {
  answer(zone: Zone, query: TestDnsAnswerQuery): Promise<TestDnsAnswerResponse>;
  /** The same answer as JSON text, from the cache when it was given before. */
  answerJson(zone: Zone, query: TestDnsAnswerQuery): Promise<string>;
}

/** Where a candidate's RTT came from; the distance model's estimates carry no source. */
function sourceOf(c: RoutingCandidate): LatencySource {
  const s = (c as RoutingCandidate & { source?: LatencySource }).source;
  return s ?? 'distance';
}

function samplesOf(c: RoutingCandidate): number {
  return (c as RoutingCandidate & { samples?: number }).samples ?? 0;
}

function toWireClient(c: ClientLocation): RoutingClient {
  const out: RoutingClient = { lat: c.lat, lon: c.lon, label: c.label, source: c.source };
  if (c.address !== undefined) out.address = c.address;
  if (c.prefix !== undefined) out.prefix = c.prefix;
  return out;
}

/**
 * TestDNSAnswer (the route, the dashboard preview) over the zone index: the engine's plan for
 * the name, evaluated for the client the query describes, with the health state in storage.
 * The DNS server compiles the same plans from the same index, so the two cannot disagree.
 */
export function createDnsAnswerer(
  repository: Repository,
  geo: ServerGeo,
  index: ZoneIndex = new ZoneIndex(repository),
  measurements?: MeasurementService,
): DnsAnswerer {
  const normalized = new Map<string, string | null>();
  // IP and city data do not change while the server runs: a client description always locates
  // to the same place.
  const located = new Map<string, ReturnType<typeof locateClient>>();
  const answers = new Map<string, string>();
  let lastZoneSync = 0;

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

  function normalizeQueried(raw: string): string | null {
    let name = normalized.get(raw);
    if (name === undefined) {
      name = decodeNameLabels(raw) === null ? null : normalizeName(raw);
      if (normalized.size >= NAME_CACHE_LIMIT) normalized.clear();
      normalized.set(raw, name);
    }
    return name;
  }

  /** The zone and every zone its aliases reach, each at its stored version. */
  async function freshZones(zone: Zone): Promise<IndexedZone[]> {
    const first = await index.load(zone);
    const out = [first];
    const seen = new Set([first.id]);
    for (let i = 0; i < out.length && i < 16; i++) {
      for (const target of (out[i] as IndexedZone).aliasZones) {
        let holder = index.zoneFor(target);
        if (holder === undefined && Date.now() - lastZoneSync > ZONE_LIST_REFRESH_MS) {
          lastZoneSync = Date.now();
          await index.sync();
          holder = index.zoneFor(target);
        }
        if (holder === undefined || seen.has(holder.id)) continue;
        seen.add(holder.id);
        const stored = await repository.getZone(holder.id);
        if (stored === null) continue;
        out.push(await index.load(stored));
      }
    }
    return out;
  }

  async function prepare(zone: Zone, query: TestDnsAnswerQuery) {
    const name = normalizeQueried(query.recordname);
    if (name === null) {
      throw new DomainFieldError('recordname', `"${query.recordname}" has a broken \\ escape`);
    }
    const where = locate(query);
    if (!where.ok) throw new DomainFieldError(where.field, where.message);
    const zones = await freshZones(zone);
    const healthIds = [...new Set(zones.flatMap((z) => z.healthCheckIds))];
    // Health can change without a new zone version, so it is read on every query.
    const health = healthIds.length > 0 ? await repository.getHealth(healthIds) : undefined;
    let stamp = '';
    for (const z of zones) stamp += `${z.id}@${z.version},`;
    if (health) for (const id of healthIds) stamp += health.get(id) === false ? '0' : '1';
    let at: number | undefined;
    if (query.at !== undefined && query.at.trim() !== '') {
      const t = parseIsoTime(query.at);
      if (t === null) {
        throw new DomainFieldError(
          'at',
          `"${query.at}" is not an ISO 8601 time with a zone, e.g. 2026-11-30T12:00:00Z`,
        );
      }
      at = t;
    }
    const zm: ZoneModel = measurements
      ? await measurements.zoneModel(zone.id, at)
      : { model: distanceLatencyModel, routingModel: 'distance', key: 'distance' };
    stamp += `|${zm.key}`;
    const client = where.location;
    const key = `${zone.id}|${name}|${query.recordtype}|${client.lat},${client.lon}|${client.source}|${client.address ?? ''}/${client.prefix ?? ''}|${client.label}|${query.unhealthy ?? ''}|${stamp}`;
    return { name, client, health, key, indexed: zones[0] as IndexedZone, zm, at };
  }

  function compute(
    zone: IndexedZone,
    query: TestDnsAnswerQuery,
    name: string,
    client: ClientLocation,
    health: Map<string, boolean> | undefined,
    zm: ZoneModel,
    at: number | undefined,
  ): TestDnsAnswerResponse {
    const base = {
      Nameserver: NAMESERVER,
      RecordName: query.recordname,
      RecordType: query.recordtype,
      Protocol: 'UDP' as const,
    };
    const unhealthy = new Set(parseUnhealthyList(query.unhealthy));
    const lookups = index.planLookups();
    // A previewed failure acts as a failing health check on the sets it names.
    const lookup: SetLookup =
      unhealthy.size === 0
        ? lookups.lookup
        : (n) =>
            lookups
              .lookup(n)
              ?.map((r) =>
                r.SetIdentifier !== undefined && unhealthy.has(r.SetIdentifier) && !r.HealthCheckId
                  ? { ...r, HealthCheckId: `preview:${r.SetIdentifier}` }
                  : r,
              );
    const plan: AnswerPlan = planAnswer({
      zoneName: zone.apex,
      name,
      type: query.recordtype,
      lookup,
      hasDescendants: lookups.hasDescendants,
      zoneFor: lookups.zoneFor,
    });
    const isHealthy =
      unhealthy.size === 0 && !health
        ? undefined
        : (r: ResourceRecordSet) =>
            !(r.SetIdentifier !== undefined && unhealthy.has(r.SetIdentifier)) &&
            !(r.HealthCheckId !== undefined && health?.get(r.HealthCheckId) === false);
    // A client network with measurements of its own routes by them (the DNS server does too).
    const routed = modelForClient(zm.model, client);
    let recordData: string[] = [];
    let decision: RoutingDecision | null = null;
    let code: 'NOERROR' | 'NXDOMAIN' = 'NOERROR';
    if (plan.kind === 'nxdomain') code = 'NXDOMAIN';
    else if (plan.kind === 'delegation') {
      recordData = (plan.ns.ResourceRecords ?? []).map((v) => v.Value);
    } else if (plan.kind === 'answer') {
      const result = evaluateChoice(
        plan.choice,
        client,
        isHealthy ? { isHealthy, model: routed.model } : { model: routed.model },
      );
      recordData = result.values;
      decision = result.decision;
    }
    return {
      ...base,
      RecordData: recordData,
      ResponseCode: code,
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
          source: sourceOf(c),
          samples: samplesOf(c),
        })),
        allUnhealthy: decision?.allUnhealthy ?? false,
        model: zm.routingModel,
        ...(routed.network !== null && decision !== null ? { network: routed.network } : {}),
        ...(at !== undefined ? { at: new Date(at).toISOString() } : {}),
      },
    };
  }

  return {
    async answer(zone, query) {
      const { name, client, health, indexed, zm, at } = await prepare(zone, query);
      return compute(indexed, query, name, client, health, zm, at);
    },
    async answerJson(zone, query) {
      const { name, client, health, key, indexed, zm, at } = await prepare(zone, query);
      const cached = answers.get(key);
      if (cached !== undefined) return cached;
      const json = JSON.stringify(compute(indexed, query, name, client, health, zm, at));
      if (answers.size >= ANSWER_CACHE_LIMIT) answers.clear();
      answers.set(key, json);
      return json;
    },
  };
}
