import type { Change, ResourceRecordSet } from '../../engine/types';
import type { HealthCheckConfig } from '../../shared/health';
import { invalidInput } from './errors';
import { child, el, members, onlyElements, text, type XmlObject } from './xml';

/**
 * Route 53's XML shapes ↔ the domain's JSON shapes (which use Route 53's own field names, so
 * this is only types and structure: what values mean stays the engine's and domain's job).
 */

const RECORD_SET_ELEMENTS = [
  'Name',
  'Type',
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'TTL',
  'ResourceRecords',
  'AliasTarget',
  'HealthCheckId',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation',
];

/** Routing policies Route 53 has and latency-atlas does not serve. */
const UNSUPPORTED_ROUTING = [
  'Weight',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation',
];

function wholeNumber(value: string, field: string): number {
  if (!/^\d{1,10}$/.test(value))
    throw invalidInput(`${field} must be a whole number, not "${value}"`);
  return Number(value);
}

function bool(value: string, field: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidInput(`${field} must be true or false, not "${value}"`);
}

export function recordSetFromXml(node: XmlObject, path: string): ResourceRecordSet {
  onlyElements(node, RECORD_SET_ELEMENTS, path);
  for (const policy of UNSUPPORTED_ROUTING) {
    if (node[policy] !== undefined) {
      throw invalidInput(
        `${path}.${policy}: latency-atlas serves latency (Region) and simple record sets, not ${policy}`,
      );
    }
  }
  const name = text(node, 'Name', `${path}.`);
  const type = text(node, 'Type', `${path}.`);
  if (name === undefined) throw invalidInput(`${path}.Name is required`);
  if (type === undefined) throw invalidInput(`${path}.Type is required`);
  const out: ResourceRecordSet = { Name: name, Type: type };
  const setId = text(node, 'SetIdentifier', `${path}.`);
  if (setId !== undefined) out.SetIdentifier = setId;
  const region = text(node, 'Region', `${path}.`);
  if (region !== undefined) out.Region = region;
  const ttl = text(node, 'TTL', `${path}.`);
  if (ttl !== undefined) out.TTL = wholeNumber(ttl, `${path}.TTL`);
  if (node.ResourceRecords !== undefined) {
    const list = child(node, 'ResourceRecords');
    if (list === undefined)
      throw invalidInput(`${path}.ResourceRecords must hold ResourceRecord elements`);
    out.ResourceRecords = members(list, 'ResourceRecord', `${path}.ResourceRecords`).map(
      (rr, i) => {
        const p = `${path}.ResourceRecords.ResourceRecord[${i}]`;
        if (typeof rr !== 'object' || Array.isArray(rr))
          throw invalidInput(`${p} must hold a Value`);
        onlyElements(rr, ['Value'], p);
        const value = text(rr, 'Value', `${p}.`);
        if (value === undefined) throw invalidInput(`${p}.Value is required`);
        return { Value: value };
      },
    );
  }
  const hc = text(node, 'HealthCheckId', `${path}.`);
  if (hc !== undefined) out.HealthCheckId = hc;
  if (node.AliasTarget !== undefined) {
    const alias = child(node, 'AliasTarget');
    const p = `${path}.AliasTarget`;
    if (alias === undefined)
      throw invalidInput(`${p} must hold HostedZoneId, DNSName, EvaluateTargetHealth`);
    onlyElements(alias, ['HostedZoneId', 'DNSName', 'EvaluateTargetHealth'], p);
    const zoneId = text(alias, 'HostedZoneId', `${p}.`);
    const dnsName = text(alias, 'DNSName', `${p}.`);
    const evaluate = text(alias, 'EvaluateTargetHealth', `${p}.`);
    if (zoneId === undefined || dnsName === undefined || evaluate === undefined) {
      throw invalidInput(`${p} needs HostedZoneId, DNSName and EvaluateTargetHealth`);
    }
    out.AliasTarget = {
      HostedZoneId: zoneId,
      DNSName: dnsName,
      EvaluateTargetHealth: bool(evaluate, `${p}.EvaluateTargetHealth`),
    };
  }
  return out;
}

/** `<ChangeBatch>` → { Comment?, Changes } (values checked later by the domain). */
export function changeBatchFromXml(root: XmlObject): { Comment?: string; Changes: Change[] } {
  onlyElements(root, ['ChangeBatch'], '');
  const batch = child(root, 'ChangeBatch');
  if (batch === undefined) throw invalidInput('ChangeBatch is required');
  onlyElements(batch, ['Comment', 'Changes'], 'ChangeBatch');
  const comment = text(batch, 'Comment', 'ChangeBatch.');
  const changes = members(child(batch, 'Changes'), 'Change', 'ChangeBatch.Changes').map((c, i) => {
    const p = `ChangeBatch.Changes.Change[${i}]`;
    if (typeof c !== 'object' || Array.isArray(c))
      throw invalidInput(`${p} must hold Action and ResourceRecordSet`);
    onlyElements(c, ['Action', 'ResourceRecordSet'], p);
    const action = text(c, 'Action', `${p}.`);
    const set = child(c, 'ResourceRecordSet');
    if (action === undefined) throw invalidInput(`${p}.Action is required`);
    if (set === undefined) throw invalidInput(`${p}.ResourceRecordSet is required`);
    return {
      Action: action as Change['Action'],
      ResourceRecordSet: recordSetFromXml(set, `${p}.ResourceRecordSet`),
    };
  });
  return comment !== undefined ? { Comment: comment, Changes: changes } : { Changes: changes };
}

export function recordSetXml(r: ResourceRecordSet): string {
  return el('ResourceRecordSet', [
    el('Name', r.Name),
    el('Type', r.Type),
    el('SetIdentifier', r.SetIdentifier),
    el('Region', r.Region),
    el('TTL', r.TTL),
    r.ResourceRecords
      ? el(
          'ResourceRecords',
          r.ResourceRecords.map((v) => el('ResourceRecord', [el('Value', v.Value)])),
        )
      : '',
    r.AliasTarget
      ? el('AliasTarget', [
          el('HostedZoneId', r.AliasTarget.HostedZoneId),
          el('DNSName', r.AliasTarget.DNSName),
          el('EvaluateTargetHealth', r.AliasTarget.EvaluateTargetHealth),
        ])
      : '',
    el('HealthCheckId', r.HealthCheckId),
  ]);
}

const HEALTH_NUMBERS = ['Port', 'RequestInterval', 'FailureThreshold', 'HealthThreshold'] as const;
const HEALTH_BOOLEANS = ['Inverted', 'Disabled', 'MeasureLatency', 'EnableSNI'] as const;
const HEALTH_TEXTS = [
  'Type',
  'IPAddress',
  'FullyQualifiedDomainName',
  'ResourcePath',
  'SearchString',
] as const;
/** Route 53 config fields latency-atlas does not act on: refused rather than silently dropped. */
const HEALTH_UNSUPPORTED = [
  'Regions',
  'AlarmIdentifier',
  'InsufficientDataHealthStatus',
  'RoutingControlArn',
];

/**
 * HealthCheckConfig (create) or UpdateHealthCheckRequest fields → JSON. `extra` are other
 * elements allowed at this level (CallerReference, HealthCheckVersion, ResetElements, …).
 */
export function healthFieldsFromXml(
  node: XmlObject,
  path: string,
  extra: readonly string[] = [],
): Record<string, unknown> {
  onlyElements(
    node,
    [
      ...HEALTH_TEXTS,
      ...HEALTH_NUMBERS,
      ...HEALTH_BOOLEANS,
      'ChildHealthChecks',
      ...HEALTH_UNSUPPORTED,
      ...extra,
    ],
    path,
  );
  for (const f of HEALTH_UNSUPPORTED) {
    if (node[f] !== undefined) {
      throw invalidInput(
        `${path}.${f}: latency-atlas probes from one checker; ${f} is not supported`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const f of HEALTH_TEXTS) {
    const v = text(node, f, `${path}.`);
    if (v !== undefined) out[f] = v;
  }
  for (const f of HEALTH_NUMBERS) {
    const v = text(node, f, `${path}.`);
    if (v !== undefined) out[f] = wholeNumber(v, `${path}.${f}`);
  }
  for (const f of HEALTH_BOOLEANS) {
    const v = text(node, f, `${path}.`);
    if (v === undefined) continue;
    const b = bool(v, `${path}.${f}`);
    // Route 53 options with no effect here; accepted when off.
    if (f === 'MeasureLatency' || f === 'EnableSNI') continue;
    out[f] = b;
  }
  if (node.ChildHealthChecks !== undefined) {
    out.ChildHealthChecks = members(
      child(node, 'ChildHealthChecks') ?? {},
      'ChildHealthCheck',
      `${path}.ChildHealthChecks`,
    ).map((c, i) => {
      if (typeof c !== 'string')
        throw invalidInput(`${path}.ChildHealthChecks[${i}] must be an id`);
      return c;
    });
  }
  return out;
}

export function healthCheckConfigXml(c: HealthCheckConfig): string {
  return el('HealthCheckConfig', [
    el('IPAddress', c.IPAddress),
    el('Port', c.Port),
    el('Type', c.Type),
    el('ResourcePath', c.ResourcePath),
    el('FullyQualifiedDomainName', c.FullyQualifiedDomainName),
    el('SearchString', c.SearchString),
    el('RequestInterval', c.RequestInterval),
    el('FailureThreshold', c.FailureThreshold),
    el('MeasureLatency', false),
    el('Inverted', c.Inverted),
    el('Disabled', c.Disabled),
    el('HealthThreshold', c.HealthThreshold),
    c.ChildHealthChecks
      ? el(
          'ChildHealthChecks',
          c.ChildHealthChecks.map((id) => el('ChildHealthCheck', id)),
        )
      : '',
    c.Type === 'HTTPS' || c.Type === 'HTTPS_STR_MATCH' ? el('EnableSNI', true) : '',
  ]);
}
