import { type FormEvent, type ReactNode, useId, useMemo, useState } from 'react';
import {
  HEALTH_CHECK_TYPES,
  type HealthCheck,
  type HealthCheckType,
} from '../../../../shared/health';
import { Dialog } from '../../../components/dialog';
import { FieldMessages } from '../../../components/field-messages';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { useCreateHealthCheck, useUpdateHealthCheck } from '../api/health-checks';
import {
  EMPTY_HEALTH_CHECK_FORM,
  errorCount,
  fieldsFor,
  formToCreateRequest,
  formToUpdateRequest,
  type HealthCheckErrors,
  type HealthCheckField,
  type HealthCheckFormValues,
  healthCheckToForm,
  portPlaceholder,
  serverErrorsToFields,
  validateHealthCheckForm,
} from '../lib/health-check-form';

export interface HealthCheckFormDialogProps {
  /** null: a new check. */
  original: HealthCheck | null;
  /** Other configured checks (children of a CALCULATED check). */
  others: readonly HealthCheck[];
  onClose: () => void;
  onSaved?: (h: HealthCheck) => void;
}

const TYPE_HELP: Record<HealthCheckType, string> = {
  HTTP: 'Healthy on a 2xx or 3xx answer (connect within 4 s, answer within 2 s)',
  HTTPS: 'As HTTP over TLS; the certificate is not validated, as in Route 53',
  HTTP_STR_MATCH: 'As HTTP, and the first 5,120 bytes of the body must contain the search string',
  HTTPS_STR_MATCH: 'As HTTPS, and the first 5,120 bytes of the body must contain the search string',
  TCP: 'Healthy when a TCP connection opens within 10 s',
  CALCULATED: 'Healthy when enough of its child checks are healthy',
};

/** Create or edit one health check; validated live with the shared rules, server errors at their field. */
export function HealthCheckFormDialog({
  original,
  others,
  onClose,
  onSaved,
}: HealthCheckFormDialogProps) {
  const ids = useId();
  const id = (f: string) => `${ids}-${f}`;
  const toast = useToast();
  const create = useCreateHealthCheck();
  const update = useUpdateHealthCheck();
  const saving = create.isPending || update.isPending;
  const [values, setValues] = useState<HealthCheckFormValues>(() =>
    original ? healthCheckToForm(original) : EMPTY_HEALTH_CHECK_FORM,
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [server, setServer] = useState<{ fields: HealthCheckErrors; other: string[] }>({
    fields: {},
    other: [],
  });
  const [stale, setStale] = useState<HealthCheck | null>(null);
  const live = useMemo(() => validateHealthCheckForm(values), [values]);
  const used = fieldsFor(values.Type);

  function set<K extends keyof HealthCheckFormValues>(f: K, v: HealthCheckFormValues[K]) {
    setValues((prev) => ({ ...prev, [f]: v }));
    touch(f);
    setServer((s) => (errorCount(s.fields) || s.other.length ? { fields: {}, other: [] } : s));
  }
  function touch(f: string) {
    setTouched((t) => (t.has(f) ? t : new Set(t).add(f)));
  }
  const shown = (f: HealthCheckField): string[] => {
    const fromServer = server.fields[f] ?? [];
    const local = touched.has(f) ? (live[f] ?? []) : [];
    return [...fromServer, ...local.filter((m) => !fromServer.includes(m))];
  };
  const pending = (Object.keys(live) as HealthCheckField[]).filter((f) => !touched.has(f));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (saving) return;
    if (errorCount(live) > 0) {
      // Show every problem, not only those of fields already visited.
      setTouched(new Set(Object.keys(live)));
      return;
    }
    const onError = (err: Error) => {
      if (
        err instanceof ApiError &&
        err.status === 409 &&
        err.code === 'HealthCheckVersionMismatch'
      ) {
        setServer({
          fields: {},
          other: [
            'Someone else changed this health check after you opened it. Your edits were not saved: close and open it again to see the current settings, then make your change again.',
          ],
        });
        setStale(original);
        return;
      }
      if (err instanceof ApiError && err.details.length) {
        const landed = serverErrorsToFields(err.details);
        setServer(landed);
        setTouched(new Set(Object.keys(landed.fields)));
        return;
      }
      setServer({ fields: {}, other: [`The server refused it: ${errorMessage(err)}`] });
    };
    const done = (h: HealthCheck, verb: string) => {
      toast.show(`${verb} health check ${h.Name}`, 'success');
      onSaved?.(h);
      onClose();
    };
    if (original) {
      update.mutate(
        { id: original.Id, body: formToUpdateRequest(values, original) },
        { onSuccess: (r) => done(r.HealthCheck, 'Saved'), onError },
      );
    } else {
      create.mutate(formToCreateRequest(values), {
        onSuccess: (r) => done(r.HealthCheck, 'Created'),
        onError,
      });
    }
  }

  /** Fields that render a help line (so aria-describedby only names what exists). */
  const withHelp = new Set<HealthCheckField>([
    'Type',
    'RequestInterval',
    'IPAddress',
    'FullyQualifiedDomainName',
    'SearchString',
    'FailureThreshold',
    'HealthThreshold',
  ]);
  const fieldProps = (f: HealthCheckField) => {
    const errs = shown(f);
    const described = [errs.length ? id(`${f}-error`) : '', withHelp.has(f) ? id(`${f}-help`) : '']
      .join(' ')
      .trim();
    return {
      id: id(f),
      'aria-invalid': errs.length ? true : undefined,
      'aria-describedby': described || undefined,
      onBlur: () => touch(f),
    };
  };
  const field = (
    f: HealthCheckField,
    label: string,
    control: ReactNode,
    help?: ReactNode,
    wide?: boolean,
  ) =>
    used.has(f) && (
      <div className={wide ? 'field field-wide' : 'field'}>
        <label htmlFor={id(f)} className="field-label">
          {label}
        </label>
        {control}
        <FieldMessages f={f} id={id} errors={shown(f)} help={help} />
      </div>
    );

  const childOptions = others.filter((h) => h.Id !== original?.Id);

  return (
    <Dialog
      open
      title={original ? `Edit health check ${original.Name}` : 'New health check'}
      onClose={onClose}
      className="dialog-form"
    >
      <form
        className="form health-form"
        onSubmit={submit}
        noValidate
        aria-label={original ? 'Edit health check' : 'New health check'}
      >
        <div className="form-grid">
          {field(
            'Name',
            'Name',
            <input
              {...fieldProps('Name')}
              className="input"
              value={values.Name}
              placeholder="oregon web"
              autoComplete="off"
              onChange={(e) => set('Name', e.target.value)}
            />,
            undefined,
            true,
          )}
          {field(
            'Type',
            'Type',
            <select
              {...fieldProps('Type')}
              className="select"
              value={values.Type}
              disabled={original !== null}
              onChange={(e) => set('Type', e.target.value as HealthCheckType)}
            >
              {HEALTH_CHECK_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>,
            original
              ? 'The type cannot change (Route 53); make a new check instead'
              : TYPE_HELP[values.Type],
          )}
          {field(
            'RequestInterval',
            'Request interval',
            <select
              {...fieldProps('RequestInterval')}
              className="select"
              value={values.RequestInterval}
              disabled={original !== null}
              onChange={(e) => set('RequestInterval', e.target.value as '10' | '30')}
            >
              <option value="30">30 s (standard)</option>
              <option value="10">10 s (fast)</option>
            </select>,
            original ? 'The interval cannot change (Route 53)' : 'Seconds between checks',
          )}
          {field(
            'IPAddress',
            'IP address',
            <input
              {...fieldProps('IPAddress')}
              className="input mono"
              value={values.IPAddress}
              placeholder="192.0.2.10"
              spellCheck={false}
              onChange={(e) => set('IPAddress', e.target.value)}
            />,
            'IPv4 or IPv6; or give a domain name instead',
          )}
          {field(
            'FullyQualifiedDomainName',
            'Domain name',
            <input
              {...fieldProps('FullyQualifiedDomainName')}
              className="input mono"
              value={values.FullyQualifiedDomainName}
              placeholder="oregon.app.example.com"
              spellCheck={false}
              onChange={(e) => set('FullyQualifiedDomainName', e.target.value)}
            />,
            'Resolved at check time (and the Host header with an IP address)',
          )}
          {field(
            'Port',
            'Port',
            <input
              {...fieldProps('Port')}
              className="input num"
              inputMode="numeric"
              value={values.Port}
              placeholder={portPlaceholder(values.Type)}
              onChange={(e) => set('Port', e.target.value)}
            />,
          )}
          {field(
            'ResourcePath',
            'Path',
            <input
              {...fieldProps('ResourcePath')}
              className="input mono"
              value={values.ResourcePath}
              placeholder="/ (default)"
              spellCheck={false}
              onChange={(e) => set('ResourcePath', e.target.value)}
            />,
          )}
          {field(
            'SearchString',
            'Search string',
            <input
              {...fieldProps('SearchString')}
              className="input mono"
              value={values.SearchString}
              placeholder="ok"
              spellCheck={false}
              onChange={(e) => set('SearchString', e.target.value)}
            />,
            'Looked for in the first 5,120 bytes of the body',
            true,
          )}
          {field(
            'FailureThreshold',
            'Failure threshold',
            <input
              {...fieldProps('FailureThreshold')}
              className="input num"
              inputMode="numeric"
              value={values.FailureThreshold}
              onChange={(e) => set('FailureThreshold', e.target.value)}
            />,
            'Consecutive results (1–10) before the status changes',
          )}
          {used.has('ChildHealthChecks') && (
            <fieldset
              className="field field-wide health-children"
              aria-describedby={id('ChildHealthChecks-help')}
            >
              <legend className="field-label">Child health checks</legend>
              {childOptions.length === 0 ? (
                <p className="muted">
                  No other health checks yet: create the ones to combine first.
                </p>
              ) : (
                <ul className="health-children-list">
                  {childOptions.map((h) => (
                    <li key={h.Id}>
                      <label className="checkbox">
                        <input
                          type="checkbox"
                          checked={values.ChildHealthChecks.includes(h.Id)}
                          onChange={(e) =>
                            set(
                              'ChildHealthChecks',
                              e.target.checked
                                ? [...values.ChildHealthChecks, h.Id]
                                : values.ChildHealthChecks.filter((c) => c !== h.Id),
                            )
                          }
                        />
                        {h.Name} <span className="muted mono">{h.Id.slice(0, 8)}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
              <FieldMessages
                f="ChildHealthChecks"
                id={id}
                errors={shown('ChildHealthChecks')}
                help="Up to 256 checks"
              />
            </fieldset>
          )}
          {field(
            'HealthThreshold',
            'Health threshold',
            <input
              {...fieldProps('HealthThreshold')}
              className="input num"
              inputMode="numeric"
              value={values.HealthThreshold}
              placeholder={`${values.ChildHealthChecks.length} (all)`}
              onChange={(e) => set('HealthThreshold', e.target.value)}
            />,
            'Healthy children needed',
          )}
          <div className="field field-wide health-flags">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={values.Inverted}
                onChange={(e) => set('Inverted', e.target.checked)}
              />
              Invert (healthy when the check fails)
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={values.Disabled}
                onChange={(e) => set('Disabled', e.target.checked)}
              />
              Disabled (stop checking; counts as healthy, as in Route 53)
            </label>
          </div>
        </div>
        {server.other.length > 0 && (
          <div className="form-errors" role="alert">
            {server.other.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        )}
        <div className="form-actions">
          <span className="form-hint" aria-live="polite">
            {pending.length > 0 && `Still needed: ${pending.join(', ')}`}
          </span>
          <button type="button" className="button" onClick={onClose}>
            {stale ? 'Close' : 'Cancel'}
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={saving || stale !== null}
          >
            {saving ? 'Saving…' : original ? 'Save changes' : 'Create health check'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
