import { normalizeName } from './names';
import { explainRouting } from './select-record';
import type { ClientLocation, LatencyModel, ResourceRecordSet, RoutingDecision } from './types';

export interface AnswerQueryArgs {
  zoneName: string;
  name: string;
  type: string;
  /** Every set in the zone with that name, and the wildcard sets that could match it. */
  recordSets: ResourceRecordSet[];
  client: ClientLocation;
  model?: LatencyModel;
  isHealthy?: (r: ResourceRecordSet) => boolean;
}

export interface QueryAnswer {
  ResponseCode: 'NOERROR' | 'NXDOMAIN';
  RecordData: string[];
  decision: RoutingDecision | null;
}

const WILDCARD = '\\052';

/**
 * The sets that answer for `name`: those at the name itself, else those of the closest wildcard
 * (`\052.` + an ancestor, nearest first, never above the zone apex).
 */
export function setsForName(
  zoneName: string,
  name: string,
  recordSets: ResourceRecordSet[],
): ResourceRecordSet[] {
  const zone = normalizeName(zoneName);
  const target = normalizeName(name);
  const byName = new Map<string, ResourceRecordSet[]>();
  for (const r of recordSets) {
    const n = normalizeName(r.Name);
    const list = byName.get(n);
    if (list === undefined) byName.set(n, [r]);
    else list.push(r);
  }
  const exact = byName.get(target);
  if (exact !== undefined) return exact;
  if (target !== zone && !target.endsWith(`.${zone}`)) return [];
  let parent = target;
  while (parent !== zone) {
    parent = parent.slice(parent.indexOf('.') + 1);
    const wild = byName.get(`${WILDCARD}.${parent}`);
    if (wild !== undefined) return wild;
  }
  return [];
}

function valuesOf(r: ResourceRecordSet): string[] {
  if (r.AliasTarget !== undefined) return [r.AliasTarget.DNSName];
  return (r.ResourceRecords ?? []).map((v) => v.Value);
}

/**
 * Answer a DNS query the way Route 53 would (TestDNSAnswer now, an authoritative endpoint later):
 * latency sets of the type are routed for the client; a simple set gives its values; a CNAME at
 * the name answers any other type; a name with other types only is NOERROR with no data; no
 * sets (after wildcard matching) is NXDOMAIN. Alias records answer with their DNSName.
 */
export function answerQuery(args: AnswerQueryArgs): QueryAnswer {
  const sets = setsForName(args.zoneName, args.name, args.recordSets);
  if (sets.length === 0) return { ResponseCode: 'NXDOMAIN', RecordData: [], decision: null };
  const pick = (type: string): QueryAnswer | null => {
    const ofType = sets.filter((r) => r.Type === type);
    if (ofType.length === 0) return null;
    const latency = ofType.filter((r) => r.Region !== undefined);
    if (latency.length === 0) {
      return { ResponseCode: 'NOERROR', RecordData: ofType.flatMap(valuesOf), decision: null };
    }
    const opts: { model?: LatencyModel; isHealthy?: (r: ResourceRecordSet) => boolean } = {};
    if (args.model !== undefined) opts.model = args.model;
    if (args.isHealthy !== undefined) opts.isHealthy = args.isHealthy;
    const decision = explainRouting(latency, args.client, opts);
    const data = decision.chosen === null ? [] : valuesOf(decision.chosen.record);
    return { ResponseCode: 'NOERROR', RecordData: data, decision };
  };
  return (
    pick(args.type) ??
    (args.type === 'CNAME' ? null : pick('CNAME')) ?? {
      ResponseCode: 'NOERROR',
      RecordData: [],
      decision: null,
    }
  );
}
