import { type FormEvent, type ReactNode, useId, useMemo, useState } from 'react';
import { planChangeBatch } from '../../../../engine/change-batch';
import { displayName, normalizeName } from '../../../../engine/names';
import { REGIONS } from '../../../../engine/regions';
import { LATENCY_RECORD_TYPES, type ResourceRecordSet } from '../../../../engine/types';
import { validateRecordSet } from '../../../../engine/validate-record';
import { Combobox, type ComboboxOption } from '../../../components/combobox';
import { Dialog } from '../../../components/dialog';
import { FieldMessages } from '../../../components/field-messages';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { useSession } from '../../../lib/use-session';
import { useChangeRecordSets } from '../api/change-record-sets';
import { existingLookup } from '../lib/apply-plan';
import { zoneWithDraft } from '../lib/draft';
import { useDraft, useSaveMode } from '../lib/draft-store';
import {
  batchForSave,
  EMPTY_RECORD_FORM,
  type FieldErrors,
  fieldForPath,
  formChangeIndex,
  formToRecordSet,
  groupErrors,
  type RecordFormField,
  type RecordFormValues,
  recordSetToForm,
  VALUE_PLACEHOLDERS,
} from '../lib/record-form-model';
import { isUpstreamError, UPSTREAM_TITLES, upstreamDetailField } from '../lib/upstream-errors';

export interface RecordFormDialogProps {
  zoneId: string;
  zoneName: string;
  /** The zone as cached (what live validation checks against, with the draft when drafting). */
  records: readonly ResourceRecordSet[];
  /** The zone's setting; with the operator's role it decides between saving and drafting. */
  requireApproval: boolean;
  /** null: create a new record. */
  original: ResourceRecordSet | null;
  /** Prefill for a new record (e.g. the selected name and type). */
  defaults?: Partial<RecordFormValues>;
  onClose: () => void;
  /** After the server accepted the change; gets the saved record. */
  onSaved?: (r: ResourceRecordSet) => void;
  /**
   * Existing health checks to pick from (composed by the app from the health feature); the
   * field is a free text id without them.
   */
  healthCheckOptions?: readonly ComboboxOption[];
}

const FIELD_LABELS: Record<RecordFormField, string> = {
  name: 'Name',
  type: 'Type',
  setIdentifier: 'Set ID',
  region: 'Region',
  ttl: 'TTL',
  values: 'Values',
  healthCheckId: 'Health check ID',
  alias: 'Alias',
  aliasDnsName: 'Alias DNS name',
  aliasHostedZoneId: 'Alias hosted zone ID',
};

interface Validation {
  errors: FieldErrors;
  count: number;
}

/** Run the engine's rules on what the form would send, exactly as the server will. */
function validate(
  values: RecordFormValues,
  zoneName: string,
  records: readonly ResourceRecordSet[],
  original: ResourceRecordSet | null,
): Validation {
  const problems: { field?: string; message: string }[] = [];
  const candidate = formToRecordSet(values, zoneName);
  try {
    const action = original ? 'UPSERT' : 'CREATE';
    problems.push(...validateRecordSet(zoneName, candidate, { action }));
    const batch = batchForSave(candidate, original);
    const planned = planChangeBatch(zoneName, batch, existingLookup(records));
    if (!planned.ok) {
      const mine = formChangeIndex(batch);
      for (const e of planned.errors) {
        if (e.change === mine) problems.push(e);
        else problems.push({ message: `${e.field}: ${e.message}` });
      }
    }
  } catch (e) {
    problems.push({ message: `Validation is unavailable: ${errorMessage(e)}` });
  }
  // Plainer words for the form's own required fields, unless the engine already named them.
  const flagged = new Set(problems.map((p) => fieldForPath(p.field)));
  const local = (field: RecordFormField, path: string, message: string) => {
    if (!flagged.has(field)) problems.push({ field: path, message });
  };
  if (values.setIdentifier.trim() === '')
    local(
      'setIdentifier',
      'SetIdentifier',
      'Set ID is required: a name for this record, e.g. oregon',
    );
  if (values.region === '') local('region', 'Region', 'Choose the region this record answers for');
  if (!values.alias && values.ttl.trim() !== '' && !/^\d+$/.test(values.ttl.trim()))
    local('ttl', 'TTL', `"${values.ttl}" is not a whole number of seconds`);
  if (!values.alias && values.values.trim() === '')
    local('values', 'ResourceRecords', 'Enter at least one value, one per line');
  const errors = groupErrors(problems);
  const count = Object.values(errors).reduce((n, l) => n + (l?.length ?? 0), 0);
  return { errors, count };
}

/** Create or edit one latency record; validated live with the engine, saved as one change batch. */
export function RecordFormDialog(props: RecordFormDialogProps) {
  const { zoneId, zoneName, original, defaults, onClose, onSaved } = props;
  const mode = useSaveMode(zoneId, props.requireApproval);
  const drafting = mode.kind === 'draft';
  const draft = useDraft(zoneId);
  // Drafting: edits build on the draft, so they are checked against the zone as drafted.
  const records = useMemo(
    () => (drafting ? zoneWithDraft(props.records, draft.entries) : props.records),
    [drafting, props.records, draft.entries],
  );
  const toast = useToast();
  const ids = useId();
  const id = (f: string) => `${ids}-${f}`;
  const [values, setValues] = useState<RecordFormValues>(() =>
    original ? recordSetToForm(original, zoneName) : { ...EMPTY_RECORD_FORM, ...defaults },
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [upstreamError, setUpstreamError] = useState<ApiError | null>(null);
  const save = useChangeRecordSets(zoneId);
  const { viewer } = useSession();

  const live = useMemo(
    () => validate(values, zoneName, records, original),
    [values, zoneName, records, original],
  );
  const fqdn = displayName(normalizeName(formToRecordSet(values, zoneName).Name));

  const usedRegions = useMemo(() => {
    const name = normalizeName(formToRecordSet(values, zoneName).Name);
    const used = new Map<string, string>();
    for (const r of records) {
      if (!r.Region || r.Type !== values.type || normalizeName(r.Name) !== name) continue;
      if (
        original &&
        r.SetIdentifier === original.SetIdentifier &&
        normalizeName(original.Name) === name &&
        original.Type === r.Type
      )
        continue;
      used.set(r.Region, r.SetIdentifier ?? '');
    }
    return used;
  }, [records, values, zoneName, original]);

  const regionOptions = useMemo<ComboboxOption[]>(
    () =>
      REGIONS.map((r) => {
        const usedBy = usedRegions.get(r.code);
        return {
          value: r.code,
          label: r.code,
          detail: `${r.name} · ${r.city}`,
          note:
            usedBy !== undefined ? `in use by ${usedBy}` : r.china ? 'China account' : undefined,
          unavailable: usedBy !== undefined,
        };
      }),
    [usedRegions],
  );

  function set<K extends keyof RecordFormValues>(field: K, value: RecordFormValues[K]) {
    setValues((v) => {
      const next = { ...v, [field]: value };
      // A region picked while the set id is still empty names the record after the region.
      if (field === 'region' && v.setIdentifier === '' && typeof value === 'string')
        next.setIdentifier = value;
      return next;
    });
    touch(field);
    if (Object.keys(serverErrors).length) setServerErrors({});
    if (upstreamError) setUpstreamError(null);
  }

  function touch(field: string) {
    setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
  }

  const shown = (f: RecordFormField | 'form'): string[] => {
    const server = serverErrors[f] ?? [];
    const local = f === 'form' || touched.has(f) ? (live.errors[f] ?? []) : [];
    return [...server, ...local.filter((m) => !server.includes(m))];
  };
  const pendingFields = (Object.keys(live.errors) as (RecordFormField | 'form')[]).filter(
    (f) => f !== 'form' && !touched.has(f),
  ) as RecordFormField[];

  function submit(e: FormEvent) {
    e.preventDefault();
    if (live.count > 0 || save.isPending) return;
    const next = formToRecordSet(values, zoneName);
    const batch = batchForSave(next, original);
    if (drafting) {
      // The draft tray shows it at once: no toast needed.
      draft.add(batch.Changes);
      onSaved?.(next);
      onClose();
      return;
    }
    send(batch, next, false);
  }

  function send(batch: ReturnType<typeof batchForSave>, next: ResourceRecordSet, force: boolean) {
    setUpstreamError(null);
    save.mutate(force ? { force: true, batch } : batch, {
      onSuccess: () => {
        toast.show(
          original
            ? `Saved ${fqdn} ${values.type} ${values.setIdentifier}`
            : `Created ${fqdn} ${values.type} ${values.setIdentifier}`,
          'success',
        );
        onSaved?.(next);
        onClose();
      },
      onError: (err) => {
        if (isUpstreamError(err)) {
          setUpstreamError(err);
        } else if (err instanceof ApiError && err.details.length) {
          const mine = formChangeIndex(batch);
          const details = err.details.filter((d) => d.change === undefined || d.change === mine);
          setServerErrors(groupErrors(details.length ? details : err.details));
          setTouched(new Set(Object.keys(FIELD_LABELS)));
        } else {
          setServerErrors({ form: [`The server refused the change: ${errorMessage(err)}`] });
        }
      },
    });
  }

  const formErrors = shown('form');
  const fieldProps = (f: RecordFormField) => {
    const errs = shown(f);
    return {
      id: id(f),
      'aria-invalid': errs.length ? true : undefined,
      'aria-describedby':
        [errs.length ? id(`${f}-error`) : '', id(`${f}-help`)].filter(Boolean).join(' ') ||
        undefined,
      onBlur: () => touch(f),
    };
  };

  return (
    <Dialog
      open
      title={
        original
          ? `Edit ${displayName(original.Name)} ${original.Type} · ${original.SetIdentifier ?? ''}`
          : 'New latency record'
      }
      onClose={onClose}
      className="dialog-form"
    >
      <form
        className="form record-form"
        onSubmit={submit}
        noValidate
        aria-label={original ? 'Edit record' : 'New record'}
      >
        <div className="form-grid">
          <Field
            label="Name"
            f="name"
            wide
            id={id}
            errors={shown('name')}
            help={
              <>
                FQDN: <span className="mono">{fqdn}</span>
              </>
            }
          >
            <div className="input-suffix">
              <input
                {...fieldProps('name')}
                className="input mono"
                value={values.name}
                placeholder="app (empty or @ for the apex)"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => set('name', e.target.value)}
              />
              <span className="input-suffix-text mono" aria-hidden="true">
                .{zoneName.replace(/\.$/, '')}
              </span>
            </div>
          </Field>
          <Field label="Type" f="type" id={id} errors={shown('type')}>
            <select
              {...fieldProps('type')}
              className="select"
              value={values.type}
              onChange={(e) => set('type', e.target.value)}
            >
              {LATENCY_RECORD_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Set ID"
            f="setIdentifier"
            id={id}
            errors={shown('setIdentifier')}
            help="Unique for this name and type, 1–128 characters"
          >
            <input
              {...fieldProps('setIdentifier')}
              className="input mono"
              value={values.setIdentifier}
              placeholder="oregon"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set('setIdentifier', e.target.value)}
            />
          </Field>
          <div className="field">
            <Combobox
              id={id('region')}
              label="Region"
              options={regionOptions}
              value={values.region}
              onChange={(v) => set('region', v)}
              onBlur={() => touch('region')}
              placeholder="Search code, name or city"
              invalid={shown('region').length > 0}
              describedBy={shown('region').length ? id('region-error') : id('region-help')}
              format={(o) => `${o.value} — ${o.detail ?? ''}`}
            />
            <FieldMessages
              f="region"
              id={id}
              errors={shown('region')}
              help="One latency record per region for this name and type"
            />
          </div>
          {props.healthCheckOptions ? (
            <div className="field">
              <Combobox
                id={id('healthCheckId')}
                label="Health check (optional)"
                options={withCurrent(props.healthCheckOptions, values.healthCheckId)}
                value={values.healthCheckId}
                onChange={(v) => set('healthCheckId', v)}
                onBlur={() => touch('healthCheckId')}
                placeholder="None: always healthy"
                invalid={shown('healthCheckId').length > 0}
                describedBy={
                  shown('healthCheckId').length
                    ? id('healthCheckId-error')
                    : id('healthCheckId-help')
                }
                format={(o) => (o.value === '' ? '' : `${o.label} — ${o.value}`)}
              />
              <FieldMessages
                f="healthCheckId"
                id={id}
                errors={shown('healthCheckId')}
                help="While it is unhealthy, users go to the next-best region"
              />
            </div>
          ) : (
            <Field
              label="Health check ID (optional)"
              f="healthCheckId"
              id={id}
              errors={shown('healthCheckId')}
            >
              <input
                {...fieldProps('healthCheckId')}
                className="input mono"
                value={values.healthCheckId}
                placeholder="4a7b0c1e-5f2d-4e8a-9b3c-0d1e2f3a4b5c"
                spellCheck={false}
                onChange={(e) => set('healthCheckId', e.target.value)}
              />
            </Field>
          )}
          <div className="field field-wide">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={values.alias}
                onChange={(e) => set('alias', e.target.checked)}
              />
              Alias to an AWS resource (load balancer, CloudFront, …)
            </label>
          </div>
          {values.alias ? (
            <>
              <Field label="Alias DNS name" f="aliasDnsName" id={id} errors={shown('aliasDnsName')}>
                <input
                  {...fieldProps('aliasDnsName')}
                  className="input mono"
                  value={values.aliasDnsName}
                  placeholder="dualstack.my-alb-123.us-west-2.elb.amazonaws.com."
                  spellCheck={false}
                  onChange={(e) => set('aliasDnsName', e.target.value)}
                />
              </Field>
              <Field
                label="Alias hosted zone ID"
                f="aliasHostedZoneId"
                id={id}
                errors={shown('aliasHostedZoneId')}
              >
                <input
                  {...fieldProps('aliasHostedZoneId')}
                  className="input mono"
                  value={values.aliasHostedZoneId}
                  placeholder="Z1H1FL5HABSF5"
                  spellCheck={false}
                  onChange={(e) => set('aliasHostedZoneId', e.target.value)}
                />
              </Field>
              <div className="field field-wide">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={values.aliasEvaluateTargetHealth}
                    onChange={(e) => set('aliasEvaluateTargetHealth', e.target.checked)}
                  />
                  Evaluate target health
                </label>
              </div>
            </>
          ) : (
            <>
              <Field label="TTL (seconds)" f="ttl" id={id} errors={shown('ttl')}>
                <input
                  {...fieldProps('ttl')}
                  className="input num"
                  inputMode="numeric"
                  value={values.ttl}
                  onChange={(e) => set('ttl', e.target.value)}
                />
              </Field>
              <Field
                label="Values"
                f="values"
                id={id}
                errors={shown('values')}
                help="One value per line"
                wide
              >
                <textarea
                  {...fieldProps('values')}
                  className="input mono"
                  rows={3}
                  value={values.values}
                  placeholder={VALUE_PLACEHOLDERS[values.type] ?? ''}
                  spellCheck={false}
                  onChange={(e) => set('values', e.target.value)}
                />
              </Field>
            </>
          )}
        </div>
        {formErrors.length > 0 && (
          <div className="form-errors" role="alert">
            {formErrors.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        )}
        {upstreamError && (
          <div className="form-errors upstream-save-error" role="alert">
            <p>
              <strong>
                {UPSTREAM_TITLES[upstreamError.code] ?? 'Route 53 refused the change'}
              </strong>
              : {upstreamError.message}
            </p>
            {upstreamError.details.length > 0 && (
              <ul className="problem-list">
                {upstreamError.details.map((d) => {
                  const field = upstreamDetailField(d);
                  return (
                    <li key={`${d.field}:${d.message}`}>
                      {field && <span className="mono">{field}: </span>}
                      {d.message}
                    </li>
                  );
                })}
              </ul>
            )}
            {upstreamError.code === 'UpstreamDrift' &&
              (viewer.role === 'admin' ? (
                <p>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    disabled={save.isPending}
                    onClick={() => {
                      const next = formToRecordSet(values, zoneName);
                      send(batchForSave(next, original), next, true);
                    }}
                  >
                    Push anyway (overwrite upstream)
                  </button>{' '}
                  or settle the drift in the Upstream tab first.
                </p>
              ) : (
                <p>Settle the drift in the Upstream tab (take upstream or push local) first.</p>
              ))}
          </div>
        )}
        <div className="form-actions">
          {mode.kind === 'draft' && mode.forced ? (
            <span className="form-hint draft-hint">
              This zone requires approval: the change goes into your draft.
            </span>
          ) : (
            <label
              className="checkbox form-hint propose-toggle"
              title="Collect the change in a draft and submit it for review instead of saving it now"
            >
              <input
                type="checkbox"
                checked={drafting}
                onChange={(e) => draft.setPropose(e.target.checked)}
              />
              Propose instead of apply
            </label>
          )}
          <span className="form-hint" aria-live="polite">
            {pendingFields.length > 0 &&
              `Still needed: ${pendingFields.map((f) => FIELD_LABELS[f]).join(', ')}`}
          </span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={live.count > 0 || save.isPending}
          >
            {drafting
              ? 'Add to draft'
              : save.isPending
                ? 'Saving…'
                : original
                  ? 'Save changes'
                  : 'Create record'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The options, plus "none" and the record's current id when no listed check has it. */
function withCurrent(options: readonly ComboboxOption[], current: string): ComboboxOption[] {
  const none: ComboboxOption = {
    value: '',
    label: 'None',
    detail: 'no health check: always healthy',
  };
  const known = current === '' || options.some((o) => o.value === current);
  return [
    none,
    ...options,
    ...(known ? [] : [{ value: current, label: current, note: 'not a configured health check' }]),
  ];
}

function Field({
  label,
  f,
  id,
  errors,
  help,
  wide,
  children,
}: {
  label: string;
  f: RecordFormField;
  id: (f: string) => string;
  errors: string[];
  help?: ReactNode;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={wide ? 'field field-wide' : 'field'}>
      <label htmlFor={id(f)} className="field-label">
        {label}
      </label>
      {children}
      <FieldMessages f={f} id={id} errors={errors} help={help} />
    </div>
  );
}
