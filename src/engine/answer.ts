import { isInZone, normalizeName } from './names';
import { explainRouting, hasHealthCheck } from './select-record';
import type { ClientLocation, LatencyModel, ResourceRecordSet, RoutingDecision } from './types';

/**
 * What a name answers, before any client is known: the one place that turns stored record sets
 * into DNS answers. TestDNSAnswer evaluates a plan for one client; the DNS server compiles
 * plans into wire tables. Both share this file, so they can only disagree through the client's
 * location, never through the rules.
 */

/** Sets stored at exactly `name` (normalised), every type; undefined when not known to the caller. */
export type SetLookup = (name: string) => readonly ResourceRecordSet[] | undefined;

/** TTL given to a CNAME that stands for an alias to a target outside every served zone. */
export const OUTSIDE_ALIAS_TTL = 60;
/** Alias targets followed at most this deep (a loop of aliases answers nothing). */
const MAX_ALIAS_DEPTH = 8;
const WILDCARD = '\\052';

/** A group of records of one wire type, with the TTL they are served with. */
export interface StaticChoice {
  kind: 'static';
  /** Wire type of the records: the queried type, or CNAME (a CNAME at the name, an outside alias). */
  type: string;
  ttl: number;
  values: string[];
}

/** Latency records to choose from per client; each option says what it answers once chosen. */
export interface LatencyChoice {
  kind: 'latency';
  options: { record: ResourceRecordSet; choice: Choice }[];
}

export type Choice = StaticChoice | LatencyChoice;

export type AnswerPlan =
  | { kind: 'nxdomain' }
  /** The name exists (or is an empty non-terminal) but holds nothing of the type. */
  | { kind: 'nodata' }
  /** The name is at or below a zone cut: answered with a referral to `cut`'s name servers. */
  | { kind: 'delegation'; cut: string; ns: ResourceRecordSet }
  | {
      kind: 'answer';
      choice: Choice;
      /** The stored name that answered: the query name, or the wildcard that matched it. */
      source: string;
    };

export interface PlanAnswerArgs {
  zoneName: string;
  name: string;
  type: string;
  lookup: SetLookup;
  /** True when some stored name lies strictly below `name` (RFC 4592 empty non-terminals). */
  hasDescendants?: (name: string) => boolean;
  /** The served zone (apex, normalised) holding `name`, for alias targets; default: this zone. */
  zoneFor?: (name: string) => string | null;
}

/** Ancestors of `name` strictly below the apex, nearest the apex first, then `name` itself. */
function pathFromApex(name: string, zone: string): string[] {
  const out: string[] = [];
  let rest = name;
  while (rest !== zone && rest !== '.') {
    out.push(rest);
    const dot = rest.indexOf('.');
    if (dot === -1 || dot === rest.length - 1) break;
    rest = rest.slice(dot + 1);
  }
  return out.reverse();
}

function parentOf(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 || dot === name.length - 1 ? '.' : name.slice(dot + 1);
}

/**
 * The sets that answer for `name`: those at the name itself, else those of the wildcard of its
 * closest encloser (RFC 4592: the nearest ancestor that exists; its `\052.` child, if any).
 * Returns the stored name that matched too. Empty sets when nothing answers.
 */
function resolveName(
  zone: string,
  name: string,
  lookup: SetLookup,
  hasDescendants: ((name: string) => boolean) | undefined,
): { sets: readonly ResourceRecordSet[]; source: string; exists: boolean } {
  const exact = lookup(name);
  if (exact !== undefined && exact.length > 0) return { sets: exact, source: name, exists: true };
  if (hasDescendants?.(name) === true) return { sets: [], source: name, exists: true };
  let parent = name;
  while (parent !== zone && parent !== '.') {
    parent = parentOf(parent);
    const wildName = `${WILDCARD}.${parent}`;
    const wild = lookup(wildName);
    if (wild !== undefined && wild.length > 0)
      return { sets: wild, source: wildName, exists: true };
    const here = lookup(parent);
    if ((here !== undefined && here.length > 0) || hasDescendants?.(parent) === true) break;
  }
  return { sets: [], source: name, exists: false };
}

/**
 * The plan for `name`/`type` in the zone: a referral when the name is at or below a zone cut
 * (an NS set below the apex; DS at the cut itself is answered here), the sets of the name or of
 * its wildcard, a CNAME at the name for any other type, NODATA for a name that exists without
 * the type, NXDOMAIN otherwise. Alias records are followed to their target when it lies in a
 * served zone (its records of the type, TTL and routing), else answered as a CNAME to it.
 */
export function planAnswer(args: PlanAnswerArgs): AnswerPlan {
  return planAt(args, 0);
}

function planAt(args: PlanAnswerArgs, depth: number): AnswerPlan {
  const zone = normalizeName(args.zoneName);
  const name = normalizeName(args.name);
  if (!isInZone(name, zone)) return { kind: 'nxdomain' };
  for (const n of pathFromApex(name, zone)) {
    const ns = args.lookup(n)?.find((r) => r.Type === 'NS');
    if (ns !== undefined && !(n === name && args.type === 'DS')) {
      return { kind: 'delegation', cut: n, ns };
    }
  }
  const { sets, source, exists } = resolveName(zone, name, args.lookup, args.hasDescendants);
  if (!exists) return { kind: 'nxdomain' };
  const choiceOf = (type: string): Choice | null => {
    const ofType = sets.filter((r) => r.Type === type);
    if (ofType.length === 0) return null;
    const latency = ofType.filter((r) => r.Region !== undefined);
    if (latency.length === 0) return mergeStatic(ofType.map((r) => recordChoice(args, r, depth)));
    return {
      kind: 'latency',
      options: latency.map((record) => ({ record, choice: recordChoice(args, record, depth) })),
    };
  };
  const choice = choiceOf(args.type) ?? (args.type === 'CNAME' ? null : choiceOf('CNAME'));
  if (choice === null) return { kind: 'nodata' };
  return { kind: 'answer', choice, source };
}

/** Several simple sets of one type (only possible for stray duplicates): one group. */
function mergeStatic(choices: Choice[]): Choice {
  const first = choices[0];
  if (choices.length === 1 && first !== undefined) return first;
  const values: string[] = [];
  let ttl = Number.POSITIVE_INFINITY;
  let type = '';
  for (const c of choices) {
    if (c.kind !== 'static') return c;
    values.push(...c.values);
    ttl = Math.min(ttl, c.ttl);
    type = c.type;
  }
  return { kind: 'static', type, ttl: Number.isFinite(ttl) ? ttl : 0, values };
}

/** What one stored record set answers: its own values, or its alias target's answer. */
function recordChoice(args: PlanAnswerArgs, r: ResourceRecordSet, depth: number): Choice {
  const alias = r.AliasTarget;
  if (alias === undefined) {
    return {
      kind: 'static',
      type: r.Type,
      ttl: r.TTL ?? 0,
      values: (r.ResourceRecords ?? []).map((v) => v.Value),
    };
  }
  const target = normalizeName(alias.DNSName);
  const zoneOfTarget = args.zoneFor
    ? args.zoneFor(target)
    : isInZone(target, args.zoneName)
      ? normalizeName(args.zoneName)
      : null;
  if (zoneOfTarget === null) {
    return { kind: 'static', type: 'CNAME', ttl: OUTSIDE_ALIAS_TTL, values: [target] };
  }
  if (depth >= MAX_ALIAS_DEPTH) return { kind: 'static', type: r.Type, ttl: 0, values: [] };
  const plan = planAt({ ...args, zoneName: zoneOfTarget, name: target, type: r.Type }, depth + 1);
  if (plan.kind !== 'answer') return { kind: 'static', type: r.Type, ttl: 0, values: [] };
  return plan.choice;
}

export interface EvaluateOptions {
  model?: LatencyModel;
  /** Health of a record with a health check; records without one are healthy (Route 53). */
  isHealthy?: (r: ResourceRecordSet) => boolean;
}

/**
 * True when an alias with EvaluateTargetHealth should count as healthy: its target has at
 * least one healthy record (static records always are). Plain records ask isHealthy.
 */
export function choiceHealthy(
  choice: Choice,
  isHealthy: (r: ResourceRecordSet) => boolean,
): boolean {
  if (choice.kind === 'static') return true;
  return choice.options.some((o) => recordHealthy(o.record, o.choice, isHealthy));
}

function recordHealthy(
  r: ResourceRecordSet,
  choice: Choice,
  isHealthy: (r: ResourceRecordSet) => boolean,
): boolean {
  if (r.HealthCheckId !== undefined && !isHealthy(r)) return false;
  if (r.AliasTarget?.EvaluateTargetHealth === true) return choiceHealthy(choice, isHealthy);
  return true;
}

/** The values a choice gives a client, and the first routing decision on the way. */
export function evaluateChoice(
  choice: Choice,
  client: ClientLocation,
  opts: EvaluateOptions = {},
): { type: string; ttl: number; values: string[]; decision: RoutingDecision | null } {
  let decision: RoutingDecision | null = null;
  let current: Choice = choice;
  for (let guard = 0; guard <= MAX_ALIAS_DEPTH; guard++) {
    if (current.kind === 'static') {
      return { type: current.type, ttl: current.ttl, values: current.values, decision };
    }
    const options = current.options;
    const health = opts.isHealthy;
    const isHealthy =
      health === undefined
        ? undefined
        : (r: ResourceRecordSet) => {
            const o = options.find((x) => x.record === r);
            return o === undefined ? health(r) : recordHealthy(r, o.choice, health);
          };
    const d = explainRouting(
      options.map((o) => o.record),
      client,
      {
        ...(opts.model !== undefined ? { model: opts.model } : {}),
        ...(isHealthy !== undefined ? { isHealthy } : {}),
      },
    );
    decision ??= d;
    const chosen = d.chosen?.record;
    const next = options.find((o) => o.record === chosen);
    if (next === undefined) return { type: '', ttl: 0, values: [], decision };
    current = next.choice;
  }
  return { type: '', ttl: 0, values: [], decision };
}

/** True when a record set would be asked about health (engine rule, re-exported for callers). */
export { hasHealthCheck };

export interface AnswerQueryArgs {
  zoneName: string;
  name: string;
  type: string;
  /** Every set in the zone with that name, and the wildcard sets that could match it. */
  recordSets: readonly ResourceRecordSet[];
  client: ClientLocation;
  model?: LatencyModel;
  isHealthy?: (r: ResourceRecordSet) => boolean;
  /** Sets at other names (alias targets, ancestors); consulted after recordSets. */
  lookup?: SetLookup;
  hasDescendants?: (name: string) => boolean;
  zoneFor?: (name: string) => string | null;
}

export interface QueryAnswer {
  ResponseCode: 'NOERROR' | 'NXDOMAIN';
  RecordData: string[];
  decision: RoutingDecision | null;
}

/** Index sets by normalised name. */
export function indexByName(sets: readonly ResourceRecordSet[]): Map<string, ResourceRecordSet[]> {
  const byName = new Map<string, ResourceRecordSet[]>();
  for (const r of sets) {
    const n = normalizeName(r.Name);
    const list = byName.get(n);
    if (list === undefined) byName.set(n, [r]);
    else list.push(r);
  }
  return byName;
}

/**
 * The sets that answer for `name` (RFC 4592 wildcard matching), for callers that hold the
 * sets of a zone as a list.
 */
export function setsForName(
  zoneName: string,
  name: string,
  recordSets: readonly ResourceRecordSet[],
): readonly ResourceRecordSet[] {
  const zone = normalizeName(zoneName);
  const target = normalizeName(name);
  if (!isInZone(target, zone)) return [];
  const byName = indexByName(recordSets);
  return resolveName(zone, target, (n) => byName.get(n), undefined).sets;
}

/**
 * Answer a DNS query the way Route 53 would, for one client (TestDNSAnswer): planAnswer, then
 * the latency choice evaluated for the client. A referral answers with the cut's name servers.
 */
export function answerQuery(args: AnswerQueryArgs): QueryAnswer {
  const byName = indexByName(args.recordSets);
  const lookup: SetLookup = (n) => byName.get(n) ?? args.lookup?.(n);
  const plan = planAnswer({
    zoneName: args.zoneName,
    name: args.name,
    type: args.type,
    lookup,
    ...(args.hasDescendants !== undefined ? { hasDescendants: args.hasDescendants } : {}),
    ...(args.zoneFor !== undefined ? { zoneFor: args.zoneFor } : {}),
  });
  switch (plan.kind) {
    case 'nxdomain':
      return { ResponseCode: 'NXDOMAIN', RecordData: [], decision: null };
    case 'nodata':
      return { ResponseCode: 'NOERROR', RecordData: [], decision: null };
    case 'delegation':
      return {
        ResponseCode: 'NOERROR',
        RecordData: (plan.ns.ResourceRecords ?? []).map((v) => v.Value),
        decision: null,
      };
    case 'answer': {
      const opts: EvaluateOptions = {};
      if (args.model !== undefined) opts.model = args.model;
      if (args.isHealthy !== undefined) opts.isHealthy = args.isHealthy;
      const result = evaluateChoice(plan.choice, args.client, opts);
      return { ResponseCode: 'NOERROR', RecordData: result.values, decision: result.decision };
    }
  }
}
