import { normalizeName, recordSetKey } from '../../../../engine/names';
import type { ChangeBatch, ResourceRecordSet } from '../../../../engine/types';

/** What the record form edits: strings as typed, converted to a record set on every change. */
export interface RecordFormValues {
  /** Relative to the zone (`app`); empty or `@` for the apex; a trailing dot makes it absolute. */
  name: string;
  type: string;
  setIdentifier: string;
  region: string;
  ttl: string;
  /** One value per line. */
  values: string;
  healthCheckId: string;
  alias: boolean;
  aliasDnsName: string;
  aliasHostedZoneId: string;
  aliasEvaluateTargetHealth: boolean;
}

export type RecordFormField = Exclude<keyof RecordFormValues, 'aliasEvaluateTargetHealth'>;

export const EMPTY_RECORD_FORM: RecordFormValues = {
  name: '',
  type: 'A',
  setIdentifier: '',
  region: '',
  ttl: '60',
  values: '',
  healthCheckId: '',
  alias: false,
  aliasDnsName: '',
  aliasHostedZoneId: '',
  aliasEvaluateTargetHealth: false,
};

/** FQDN in listing form from what the operator typed, relative to `zoneName`. */
export function fqdnFromInput(input: string, zoneName: string): string {
  const zone = zoneName.replace(/\.$/, '');
  const t = input.trim();
  if (t === '' || t === '@') return `${zone}.`;
  if (t.endsWith('.')) return t;
  return `${t}.${zone}.`;
}

/** The record set the form describes (no validation here: the engine does that). */
export function formToRecordSet(v: RecordFormValues, zoneName: string): ResourceRecordSet {
  const r: ResourceRecordSet = { Name: fqdnFromInput(v.name, zoneName), Type: v.type };
  if (v.setIdentifier !== '') r.SetIdentifier = v.setIdentifier;
  if (v.region !== '') r.Region = v.region;
  if (v.alias) {
    r.AliasTarget = {
      DNSName: v.aliasDnsName.trim(),
      HostedZoneId: v.aliasHostedZoneId.trim(),
      EvaluateTargetHealth: v.aliasEvaluateTargetHealth,
    };
  } else {
    const ttl = v.ttl.trim();
    if (ttl !== '') r.TTL = Number(ttl);
    const values = v.values
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    r.ResourceRecords = values.map((Value) => ({ Value }));
  }
  if (v.healthCheckId.trim() !== '') r.HealthCheckId = v.healthCheckId.trim();
  return r;
}

/** Form values for editing an existing record set. */
export function recordSetToForm(r: ResourceRecordSet, zoneName: string): RecordFormValues {
  const zone = normalizeName(zoneName);
  const name = normalizeName(r.Name);
  let relative = name;
  if (name === zone) relative = '@';
  else if (name.endsWith(`.${zone}`)) relative = name.slice(0, -(zone.length + 1));
  relative = relative.replace(/^\\052(?=\.|$)/, '*');
  return {
    name: relative,
    type: r.Type,
    setIdentifier: r.SetIdentifier ?? '',
    region: r.Region ?? '',
    ttl: r.TTL !== undefined ? String(r.TTL) : '',
    values: (r.ResourceRecords ?? []).map((x) => x.Value).join('\n'),
    healthCheckId: r.HealthCheckId ?? '',
    alias: r.AliasTarget !== undefined,
    aliasDnsName: r.AliasTarget?.DNSName ?? '',
    aliasHostedZoneId: r.AliasTarget?.HostedZoneId ?? '',
    aliasEvaluateTargetHealth: r.AliasTarget?.EvaluateTargetHealth ?? false,
  };
}

/**
 * The batch a save sends: CREATE for a new record; UPSERT when editing keeps the identity
 * (name, type, set id); DELETE of the stored record + CREATE when the identity changed, in one
 * batch so it is all or nothing.
 */
export function batchForSave(
  next: ResourceRecordSet,
  original: ResourceRecordSet | null,
): ChangeBatch {
  if (!original) return { Changes: [{ Action: 'CREATE', ResourceRecordSet: next }] };
  if (recordSetKey(original) === recordSetKey(next)) {
    return { Changes: [{ Action: 'UPSERT', ResourceRecordSet: next }] };
  }
  return {
    Changes: [
      { Action: 'DELETE', ResourceRecordSet: original },
      { Action: 'CREATE', ResourceRecordSet: next },
    ],
  };
}

/** Index of the change in `batchForSave`'s batch that carries the form's record. */
export function formChangeIndex(batch: ChangeBatch): number {
  return batch.Changes.length - 1;
}

/**
 * Which form field an engine or server error path names
 * (`ResourceRecordSet.ResourceRecords[1].Value`, `Changes[0].ResourceRecordSet.Region`, ...).
 * Unknown paths land on the whole form.
 */
export function fieldForPath(path: string | undefined): RecordFormField | 'form' {
  if (!path) return 'form';
  const p = path
    .replace(/^(ChangeBatch\.)?Changes\[\d+\]\./, '')
    .replace(/^ResourceRecordSet\.?/, '');
  if (p.startsWith('ResourceRecords')) return 'values';
  if (p.startsWith('AliasTarget.HostedZoneId')) return 'aliasHostedZoneId';
  if (p.startsWith('AliasTarget')) return 'aliasDnsName';
  if (p === 'Name') return 'name';
  if (p === 'Type') return 'type';
  if (p === 'SetIdentifier') return 'setIdentifier';
  if (p === 'Region') return 'region';
  if (p === 'TTL') return 'ttl';
  if (p === 'HealthCheckId') return 'healthCheckId';
  return 'form';
}

/** `ResourceRecords[1].Value` → `line 2: `, so a message points at the bad line. */
export function linePrefix(path: string | undefined): string {
  const m = path?.match(/ResourceRecords\[(\d+)\]/);
  return m ? `line ${Number(m[1]) + 1}: ` : '';
}

export type FieldErrors = Partial<Record<RecordFormField | 'form', string[]>>;

/** Group `{field,message}` problems by form field, without repeats. */
export function groupErrors(errors: readonly { field?: string; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const f = fieldForPath(e.field);
    const msg = f === 'values' ? `${linePrefix(e.field)}${e.message}` : e.message;
    const list = out[f] ?? [];
    if (!list.includes(msg)) list.push(msg);
    out[f] = list;
  }
  return out;
}

/** Example values per type, for the values placeholder. */
export const VALUE_PLACEHOLDERS: Record<string, string> = {
  A: '192.0.2.10',
  AAAA: '2001:db8::10',
  CAA: '0 issue "amazon.com"',
  CNAME: 'origin.example.net',
  MX: '10 mail.example.com',
  NAPTR: '100 10 "S" "SIP+D2U" "" _sip._udp.example.com',
  PTR: 'host.example.com',
  SPF: '"v=spf1 include:_spf.example.com -all"',
  SRV: '10 5 5060 sip.example.com',
  TXT: '"v=spf1 -all"',
};
