import {
  type AnswerPlan,
  type Choice,
  choiceHealthy,
  type PlanAnswerArgs,
  planAnswer,
} from '../../engine/answer';
import { normalizeName } from '../../engine/names';
import { type CompiledRouting, compileRouting } from '../../engine/select-record';
import type { LatencyModel, ResourceRecordSet } from '../../engine/types';
import type { IndexedZone } from '../domain/zone-index';
import { NameTable } from './name-table';
import { encodeName, encodeNameLower, encodeRdata, RdataError, TYPE_CODES } from './rdata';

/**
 * Answer tables compiled from a zone, the way gdnsd and Knot compile zones: every name's answers
 * are wire bytes ready to copy (owner = a pointer to the question name), latency sets are a
 * compiled routing plus one ready answer per record. A change builds a new WireZone and swaps it
 * in whole; the query path only reads.
 */

/** Records ready to copy into the answer section; every owner is the pointer 0xC00C. */
export interface StaticWire {
  kind: 0;
  rrs: Buffer;
  count: number;
}

/** A latency choice: pick one option per client location. */
export interface LatencyWire {
  kind: 1;
  routing: CompiledRouting;
  /** Answers by record index of routing.records. */
  options: WireAnswer[];
  /** 1 = healthy, by record index (asked only for records with a health check). */
  healthy: Uint8Array;
  healthyAt: (i: number) => boolean;
  /** The plan choices behind the options (to recompute health). */
  choices: Choice[];
  /** Decision cache: leaf key → option index | scope << 8. Cleared when health changes. */
  memo: Map<number, number>;
  /** Decision cache by location id (resolver path). */
  byLocation: Int16Array | null;
  /**
   * The zone's model has measurements of some client networks (/24, /48): those clients route
   * by their network's own (LatencyModel.forNetwork). Null when it has none.
   */
  forNetwork: ((network: string) => LatencyModel | null) | null;
  /** Decision cache by network key (see DnsResponder): option index, or -1 (no measurements). */
  networkMemo: Map<number, number>;
}

export type WireAnswer = StaticWire | LatencyWire;

export interface Delegation {
  /** RDATA of each NS record of the cut. */
  ns: Buffer[];
  ttl: number;
  /** Glue: complete A/AAAA records (full owner names) for name servers inside the zone. */
  glue: Buffer;
  glueCount: number;
}

export interface WireNode {
  /** Lower-case wire name. */
  wire: Uint8Array;
  /** Answers by query type code. */
  answers: Map<number, WireAnswer>;
  /** The answer for any other type (a CNAME at the name), or null (NODATA). */
  other: WireAnswer | null;
  /** The node of `*.<this name>`, if there is one. */
  wildcard: WireNode | null;
  delegation: Delegation | null;
  /** Compiled answer for DS at a delegation (the parent side answers it). */
  ds: WireAnswer | null;
}

export interface WireZone {
  id: string;
  apex: string;
  wire: Uint8Array;
  version: number;
  serial: number;
  /** Labels in the apex name. */
  apexLabels: number;
  names: NameTable<WireNode>;
  soaRdata: Buffer;
  /** RFC 2308 negative TTL: min(SOA TTL, SOA MINIMUM). */
  negativeTtl: number;
  /** Every latency table, for health updates. */
  latency: LatencyWire[];
  /** Values the wire cannot carry (logged once per build). */
  problems: string[];
  healthCheckIds: readonly string[];
}

const CLASS_IN = 1;

function rrBytes(type: number, ttl: number, rdata: Buffer, owner?: Buffer): Buffer {
  const head = owner?.length ?? 2;
  const out = Buffer.allocUnsafe(head + 10 + rdata.length);
  if (owner === undefined) out.writeUInt16BE(0xc00c, 0);
  else owner.copy(out, 0);
  out.writeUInt16BE(type, head);
  out.writeUInt16BE(CLASS_IN, head + 2);
  out.writeUInt32BE(Math.max(0, Math.min(ttl, 0x7fffffff)) >>> 0, head + 4);
  out.writeUInt16BE(rdata.length, head + 8);
  rdata.copy(out, head + 10);
  return out;
}

export type HealthLookup = (r: ResourceRecordSet) => boolean;

interface Builder {
  problems: string[];
  latency: LatencyWire[];
  isHealthy: HealthLookup;
  model: LatencyModel | undefined;
}

function compileChoice(choice: Choice, b: Builder): WireAnswer {
  if (choice.kind === 'static') {
    const type = TYPE_CODES[choice.type];
    if (type === undefined) {
      b.problems.push(`type ${choice.type} cannot be served`);
      return { kind: 0, rrs: Buffer.alloc(0), count: 0 };
    }
    const parts: Buffer[] = [];
    for (const value of choice.values) {
      try {
        parts.push(rrBytes(type, choice.ttl, encodeRdata(choice.type, value)));
      } catch (err) {
        if (!(err instanceof RdataError)) throw err;
        b.problems.push(`${choice.type} value ${JSON.stringify(value)}: ${err.message}`);
      }
    }
    return {
      kind: 0,
      rrs: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts),
      count: parts.length,
    };
  }
  const records = choice.options.map((o) => o.record);
  const routing = compileRouting(records, b.model !== undefined ? { model: b.model } : {});
  const options = choice.options.map((o) => compileChoice(o.choice, b));
  const healthy = new Uint8Array(records.length);
  const wire: LatencyWire = {
    kind: 1,
    routing,
    options,
    healthy,
    healthyAt: (i) => healthy[i] === 1,
    choices: choice.options.map((o) => o.choice),
    memo: new Map(),
    byLocation: null,
    forNetwork:
      b.model?.forNetwork !== undefined
        ? (b.model.forNetwork.bind(b.model) as (network: string) => LatencyModel | null)
        : null,
    networkMemo: new Map(),
  };
  refreshLatencyHealth(wire, b.isHealthy);
  b.latency.push(wire);
  return wire;
}

/**
 * Recompute a latency table's health flags (HealthCheckId status; alias EvaluateTargetHealth:
 * some healthy record behind the target) and drop its cached decisions. True when a flag changed.
 */
export function refreshLatencyHealth(wire: LatencyWire, isHealthy: HealthLookup): boolean {
  let changed = false;
  wire.routing.records.forEach((r, i) => {
    let ok = r.HealthCheckId === undefined || isHealthy(r);
    const choice = wire.choices[i];
    if (ok && r.AliasTarget?.EvaluateTargetHealth === true && choice !== undefined) {
      ok = choiceHealthy(choice, isHealthy);
    }
    const flag = ok ? 1 : 0;
    if (wire.healthy[i] !== flag) {
      wire.healthy[i] = flag;
      changed = true;
    }
  });
  if (changed) {
    wire.memo.clear();
    wire.byLocation = null;
    wire.networkMemo.clear();
  }
  return changed;
}

function compilePlan(plan: AnswerPlan, b: Builder): WireAnswer | null {
  return plan.kind === 'answer' ? compileChoice(plan.choice, b) : null;
}

/** A type string no record can have: planAnswer then answers what "any other type" gets. */
const OTHER_TYPE = '~other';

function parentOf(name: string): string | null {
  const dot = name.indexOf('.');
  return dot === -1 || dot === name.length - 1 ? null : name.slice(dot + 1);
}

/** Compile one zone of the index into wire tables. */
export function compileZone(
  zone: IndexedZone,
  lookups: Pick<PlanAnswerArgs, 'lookup' | 'hasDescendants' | 'zoneFor'>,
  isHealthy: HealthLookup,
  /** The zone's latency model (default: distance). */
  model?: LatencyModel,
): WireZone {
  const b: Builder = { problems: [], latency: [], isHealthy, model };
  const names = new NameTable<WireNode>();
  const nodes = new Map<string, WireNode>();
  const nodeFor = (name: string): WireNode => {
    let node = nodes.get(name);
    if (node === undefined) {
      node = {
        wire: encodeNameLower(name),
        answers: new Map(),
        other: null,
        wildcard: null,
        delegation: null,
        ds: null,
      };
      nodes.set(name, node);
      names.set(node);
    }
    return node;
  };
  const plan = (name: string, type: string) =>
    planAnswer({ zoneName: zone.apex, name, type, ...lookups });

  nodeFor(zone.apex);
  for (const name of zone.ancestors) nodeFor(name);
  for (const [name, sets] of zone.byName) {
    let node: WireNode;
    try {
      node = nodeFor(name);
    } catch (err) {
      if (!(err instanceof RdataError)) throw err;
      b.problems.push(`name ${name}: ${err.message}`);
      continue;
    }
    const ns = name !== zone.apex ? sets.find((r) => r.Type === 'NS') : undefined;
    if (ns !== undefined) node.delegation = compileDelegation(zone, ns, b);
    const types = new Set(sets.map((r) => r.Type));
    for (const type of types) {
      const code = TYPE_CODES[type];
      if (code === undefined) continue;
      const answer = compilePlan(plan(name, type), b);
      if (answer !== null) node.answers.set(code, answer);
    }
    node.other = compilePlan(plan(name, OTHER_TYPE), b);
    if (node.delegation !== null) node.ds = compilePlan(plan(name, 'DS'), b);
  }
  for (const [name, node] of nodes) {
    if (!name.startsWith('\\052.')) continue;
    const parent = parentOf(name);
    const owner = parent === null ? undefined : nodes.get(parent);
    if (owner !== undefined) owner.wildcard = node;
  }

  const soa = zone.byName.get(zone.apex)?.find((r) => r.Type === 'SOA');
  const soaValue = soa?.ResourceRecords?.[0]?.Value;
  let soaRdata: Buffer;
  let negativeTtl = 900;
  try {
    soaRdata = encodeRdata(
      'SOA',
      soaValue ?? `ns1.${zone.apex} hostmaster.${zone.apex} ${zone.serial} 7200 900 1209600 86400`,
    );
    const minimum = soaRdata.readUInt32BE(soaRdata.length - 4);
    negativeTtl = Math.min(soa?.TTL ?? 900, minimum);
  } catch (err) {
    if (!(err instanceof RdataError)) throw err;
    b.problems.push(`SOA: ${err.message}`);
    soaRdata = encodeRdata(
      'SOA',
      `ns1.${zone.apex} hostmaster.${zone.apex} ${zone.serial} 7200 900 1209600 86400`,
    );
  }
  const serial = soaRdata.readUInt32BE(soaRdata.length - 20);
  return {
    id: zone.id,
    apex: zone.apex,
    wire: encodeNameLower(zone.apex),
    version: zone.version,
    serial,
    apexLabels: zone.apex === '.' ? 0 : zone.apex.slice(0, -1).split('.').length,
    names,
    soaRdata,
    negativeTtl,
    latency: b.latency,
    problems: b.problems,
    healthCheckIds: zone.healthCheckIds,
  };
}

function compileDelegation(zone: IndexedZone, ns: ResourceRecordSet, b: Builder): Delegation {
  const rdata: Buffer[] = [];
  const glue: Buffer[] = [];
  for (const v of ns.ResourceRecords ?? []) {
    try {
      rdata.push(encodeRdata('NS', v.Value));
    } catch (err) {
      if (!(err instanceof RdataError)) throw err;
      b.problems.push(`NS ${v.Value}: ${err.message}`);
      continue;
    }
    const target = normalizeName(v.Value);
    for (const r of zone.byName.get(target) ?? []) {
      if ((r.Type !== 'A' && r.Type !== 'AAAA') || r.Region !== undefined || r.AliasTarget)
        continue;
      const code = TYPE_CODES[r.Type] as number;
      for (const g of r.ResourceRecords ?? []) {
        try {
          glue.push(rrBytes(code, r.TTL ?? 0, encodeRdata(r.Type, g.Value), encodeName(target)));
        } catch {
          // a bad address was reported with the A/AAAA set itself
        }
      }
    }
  }
  return { ns: rdata, ttl: ns.TTL ?? 0, glue: Buffer.concat(glue), glueCount: glue.length };
}
