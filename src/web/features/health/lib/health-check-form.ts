import {
  type CreateHealthCheckRequest,
  CreateHealthCheckRequestSchema,
  defaultPort,
  HEALTH_CHECK_LIMITS,
  HEALTH_CHECK_RESET_ELEMENTS,
  type HealthCheck,
  type HealthCheckConfigInput,
  type HealthCheckType,
  type UpdateHealthCheckRequest,
} from '../../../../shared/health';
import type { ApiErrorDetail } from '../../../lib/api-client';

/**
 * The health-check editor's model: what the inputs hold (text), what the API gets, and the
 * shared schema's messages keyed by the field they are about, for live validation and for the
 * server's 400s alike.
 */

/** A field of the editor, named as Route 53 names it in HealthCheckConfig (plus Name). */
export type HealthCheckField =
  | 'Name'
  | 'Type'
  | 'IPAddress'
  | 'FullyQualifiedDomainName'
  | 'Port'
  | 'ResourcePath'
  | 'SearchString'
  | 'RequestInterval'
  | 'FailureThreshold'
  | 'Inverted'
  | 'Disabled'
  | 'ChildHealthChecks'
  | 'HealthThreshold';

export const HEALTH_CHECK_FIELDS: readonly HealthCheckField[] = [
  'Name',
  'Type',
  'IPAddress',
  'FullyQualifiedDomainName',
  'Port',
  'ResourcePath',
  'SearchString',
  'RequestInterval',
  'FailureThreshold',
  'Inverted',
  'Disabled',
  'ChildHealthChecks',
  'HealthThreshold',
];

export interface HealthCheckFormValues {
  Name: string;
  Type: HealthCheckType;
  IPAddress: string;
  FullyQualifiedDomainName: string;
  Port: string;
  ResourcePath: string;
  SearchString: string;
  RequestInterval: '10' | '30';
  FailureThreshold: string;
  Inverted: boolean;
  Disabled: boolean;
  ChildHealthChecks: string[];
  HealthThreshold: string;
}

export const EMPTY_HEALTH_CHECK_FORM: HealthCheckFormValues = {
  Name: '',
  Type: 'HTTP',
  IPAddress: '',
  FullyQualifiedDomainName: '',
  Port: '',
  ResourcePath: '/',
  SearchString: '',
  RequestInterval: String(HEALTH_CHECK_LIMITS.defaultRequestInterval) as '30',
  FailureThreshold: String(HEALTH_CHECK_LIMITS.defaultFailureThreshold),
  Inverted: false,
  Disabled: false,
  ChildHealthChecks: [],
  HealthThreshold: '',
};

/** Which fields a type uses (the editor shows only these; the rest are not sent). */
export function fieldsFor(type: HealthCheckType): ReadonlySet<HealthCheckField> {
  const common: HealthCheckField[] = [
    'Name',
    'Type',
    'RequestInterval',
    'FailureThreshold',
    'Inverted',
    'Disabled',
  ];
  if (type === 'CALCULATED') return new Set([...common, 'ChildHealthChecks', 'HealthThreshold']);
  const target: HealthCheckField[] = ['IPAddress', 'FullyQualifiedDomainName', 'Port'];
  if (type === 'TCP') return new Set([...common, ...target]);
  const http: HealthCheckField[] = [...target, 'ResourcePath'];
  if (type === 'HTTP_STR_MATCH' || type === 'HTTPS_STR_MATCH')
    return new Set([...common, ...http, 'SearchString']);
  return new Set([...common, ...http]);
}

/** The port placeholder: Route 53's default for the type, or why there is none. */
export function portPlaceholder(type: HealthCheckType): string {
  const p = defaultPort(type);
  return p === undefined ? 'required' : `${p} (default)`;
}

const text = (s: string) => (s.trim() === '' ? undefined : s.trim());
/** Numbers as typed: `''` → absent, anything else → Number (NaN is reported by the schema). */
const num = (s: string) => (s.trim() === '' ? undefined : Number(s.trim()));

/** The create request the form describes (fields the type does not use are left out). */
export function formToCreateRequest(v: HealthCheckFormValues): CreateHealthCheckRequest {
  const used = fieldsFor(v.Type);
  const c: HealthCheckConfigInput = { Type: v.Type };
  const set = <K extends keyof HealthCheckConfigInput>(
    k: K & HealthCheckField,
    value: HealthCheckConfigInput[K] | undefined,
  ) => {
    if (used.has(k) && value !== undefined) c[k] = value;
  };
  set('IPAddress', text(v.IPAddress));
  set('FullyQualifiedDomainName', text(v.FullyQualifiedDomainName));
  set('Port', num(v.Port));
  set('ResourcePath', text(v.ResourcePath));
  // A search string is sent as typed: its spaces may be what it looks for.
  set('SearchString', v.SearchString === '' ? undefined : v.SearchString);
  c.RequestInterval = Number(v.RequestInterval) as 10 | 30;
  set('FailureThreshold', num(v.FailureThreshold));
  if (v.Inverted) c.Inverted = true;
  if (v.Disabled) c.Disabled = true;
  if (used.has('ChildHealthChecks')) c.ChildHealthChecks = [...v.ChildHealthChecks];
  set('HealthThreshold', num(v.HealthThreshold));
  return { Name: v.Name.trim(), HealthCheckConfig: c };
}

/** The form for an existing check (its stored config, defaults filled in). */
export function healthCheckToForm(h: HealthCheck): HealthCheckFormValues {
  const c = h.HealthCheckConfig;
  return {
    Name: h.Name,
    Type: c.Type,
    IPAddress: c.IPAddress ?? '',
    FullyQualifiedDomainName: c.FullyQualifiedDomainName ?? '',
    Port: c.Port !== undefined ? String(c.Port) : '',
    ResourcePath: c.ResourcePath ?? '',
    SearchString: c.SearchString ?? '',
    RequestInterval: String(c.RequestInterval) as '10' | '30',
    FailureThreshold: String(c.FailureThreshold),
    Inverted: c.Inverted,
    Disabled: c.Disabled,
    ChildHealthChecks: [...(c.ChildHealthChecks ?? [])],
    HealthThreshold: c.HealthThreshold !== undefined ? String(c.HealthThreshold) : '',
  };
}

/**
 * PATCH body: the version read and only what changed; a cleared optional field goes into
 * ResetElements (Route 53's way to remove one). Type and RequestInterval cannot change.
 */
export function formToUpdateRequest(
  v: HealthCheckFormValues,
  original: HealthCheck,
): UpdateHealthCheckRequest {
  const next = formToCreateRequest(v);
  const c = next.HealthCheckConfig;
  const o = original.HealthCheckConfig;
  const body: UpdateHealthCheckRequest = { HealthCheckVersion: original.HealthCheckVersion };
  if (next.Name !== original.Name) body.Name = next.Name;
  const reset: (typeof HEALTH_CHECK_RESET_ELEMENTS)[number][] = [];
  const scalar = [
    'IPAddress',
    'FullyQualifiedDomainName',
    'Port',
    'ResourcePath',
    'SearchString',
    'FailureThreshold',
    'HealthThreshold',
  ] as const;
  for (const k of scalar) {
    if (c[k] === o[k]) continue;
    if (c[k] === undefined) {
      if ((HEALTH_CHECK_RESET_ELEMENTS as readonly string[]).includes(k))
        reset.push(k as (typeof HEALTH_CHECK_RESET_ELEMENTS)[number]);
      continue;
    }
    (body as Record<string, unknown>)[k] = c[k];
  }
  if ((c.Inverted ?? false) !== o.Inverted) body.Inverted = c.Inverted ?? false;
  if ((c.Disabled ?? false) !== o.Disabled) body.Disabled = c.Disabled ?? false;
  const children = c.ChildHealthChecks ?? [];
  const before = o.ChildHealthChecks ?? [];
  if (c.Type === 'CALCULATED' && children.join('\n') !== before.join('\n')) {
    body.ChildHealthChecks = children;
  }
  if (reset.length) body.ResetElements = reset;
  return body;
}

export type HealthCheckErrors = Partial<Record<HealthCheckField, string[]>>;

/** An API or schema path (`HealthCheckConfig.Port`, `ChildHealthChecks.0`, `Name`) → field. */
export function fieldForPath(path: string | undefined): HealthCheckField | null {
  if (!path) return null;
  const parts = path.split('.').filter((p) => p !== 'HealthCheckConfig' && !/^\d+$/.test(p));
  const head = parts[0];
  return head && (HEALTH_CHECK_FIELDS as readonly string[]).includes(head)
    ? (head as HealthCheckField)
    : null;
}

function add(errors: HealthCheckErrors, field: HealthCheckField, message: string) {
  const list = errors[field] ?? [];
  if (!list.includes(message)) list.push(message);
  errors[field] = list;
}

/** Live validation: the shared schema's rules (the server's), keyed by field. */
export function validateHealthCheckForm(v: HealthCheckFormValues): HealthCheckErrors {
  const errors: HealthCheckErrors = {};
  const parsed = CreateHealthCheckRequestSchema.safeParse(formToCreateRequest(v));
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) {
    const field = fieldForPath(issue.path.map(String).join('.')) ?? 'Name';
    add(errors, field, issue.message);
  }
  return errors;
}

/** A 400's details, landed at their fields; what names no field comes back in `other`. */
export function serverErrorsToFields(details: readonly ApiErrorDetail[]): {
  fields: HealthCheckErrors;
  other: string[];
} {
  const fields: HealthCheckErrors = {};
  const other: string[] = [];
  for (const d of details) {
    const f = fieldForPath(d.field);
    if (f) add(fields, f, d.message);
    else other.push(d.message);
  }
  return { fields, other };
}

export function errorCount(errors: HealthCheckErrors): number {
  return Object.values(errors).reduce((n, l) => n + (l?.length ?? 0), 0);
}
