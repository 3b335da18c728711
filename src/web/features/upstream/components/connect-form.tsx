import { type FormEvent, useId, useState } from 'react';
import { FieldMessages } from '../../../components/field-messages';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import type { Permission } from '../../../lib/permissions';
import { useConnectUpstream } from '../api/upstream';
import { type ConnectField, connectFieldErrors } from '../lib/upstream-batches';

type Values = Record<ConnectField, string>;
type Errors = Partial<Record<ConnectField | 'form', string[]>>;

const EMPTY: Values = {
  hostedZoneId: '',
  region: 'us-east-1',
  accessKeyId: '',
  secretAccessKey: '',
  endpoint: '',
};

/** Connect the zone to a Route 53 hosted zone; the server checks it upstream before storing. */
export function ConnectForm({
  zoneId,
  zoneName,
  permission,
}: {
  zoneId: string;
  zoneName: string;
  permission: Permission;
}) {
  const ids = useId();
  const id = (f: string) => `${ids}-${f}`;
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const connect = useConnectUpstream(zoneId);
  const toast = useToast();
  const disabled = !permission.allowed || connect.isPending;

  function set(f: ConnectField, v: string) {
    setValues((s) => ({ ...s, [f]: v }));
    if (errors[f] || errors.form) setErrors((e) => ({ ...e, [f]: undefined, form: undefined }));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (disabled) return;
    setErrors({});
    const endpoint = values.endpoint.trim();
    connect.mutate(
      {
        provider: 'route53',
        hostedZoneId: values.hostedZoneId.trim(),
        region: values.region.trim() || 'us-east-1',
        accessKeyId: values.accessKeyId.trim(),
        secretAccessKey: values.secretAccessKey,
        ...(endpoint ? { endpoint } : {}),
      },
      {
        onSuccess: (conn) => {
          setValues(EMPTY);
          toast.show(`${zoneName} is connected to ${conn.hostedZoneId}`, 'success');
        },
        onError: (err) =>
          setErrors(
            err instanceof ApiError && err.details.length
              ? connectFieldErrors(err.details)
              : { form: [errorMessage(err)] },
          ),
      },
    );
  }

  const input = (f: ConnectField) => ({
    id: id(f),
    className: 'input',
    value: values[f],
    disabled,
    'aria-invalid': errors[f]?.length ? true : undefined,
    'aria-describedby': [errors[f]?.length ? id(`${f}-error`) : '', id(`${f}-help`)]
      .filter(Boolean)
      .join(' '),
    onChange: (e: { target: { value: string } }) => set(f, e.target.value),
  });

  return (
    <form className="form upstream-connect" onSubmit={submit} aria-label="Connect to Route 53">
      {!permission.allowed && <p className="form-hint">{permission.reason}</p>}
      <div className="form-grid">
        <div className="field">
          <span className="field-label">Provider</span>
          <span className="upstream-provider">Amazon Route 53</span>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={id('hostedZoneId')}>
            Hosted zone id
          </label>
          <input
            {...input('hostedZoneId')}
            placeholder="Z0123456789ABCDEFGHIJ"
            autoComplete="off"
            spellCheck={false}
          />
          <FieldMessages
            f="hostedZoneId"
            id={id}
            errors={errors.hostedZoneId ?? []}
            help={`The hosted zone for ${zoneName} in Route 53.`}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={id('region')}>
            Region
          </label>
          <input {...input('region')} autoComplete="off" spellCheck={false} />
          <FieldMessages
            f="region"
            id={id}
            errors={errors.region ?? []}
            help="Route 53 is global; requests are signed for this region."
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={id('accessKeyId')}>
            Access key id
          </label>
          <input
            {...input('accessKeyId')}
            placeholder="AKIA…"
            autoComplete="off"
            spellCheck={false}
          />
          <FieldMessages f="accessKeyId" id={id} errors={errors.accessKeyId ?? []} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={id('secretAccessKey')}>
            Secret access key
          </label>
          <input {...input('secretAccessKey')} type="password" autoComplete="new-password" />
          <FieldMessages
            f="secretAccessKey"
            id={id}
            errors={errors.secretAccessKey ?? []}
            help="Stored encrypted; never shown again (only its last four characters)."
          />
        </div>
        <div className="field field-wide">
          <label className="field-label" htmlFor={id('endpoint')}>
            Endpoint <span className="muted">(optional)</span>
          </label>
          <input
            {...input('endpoint')}
            inputMode="url"
            placeholder="https://route53.amazonaws.com"
            autoComplete="off"
            spellCheck={false}
          />
          <FieldMessages
            f="endpoint"
            id={id}
            errors={errors.endpoint ?? []}
            help="Leave empty for the real Route 53; set it for a Route 53-compatible API."
          />
        </div>
      </div>
      {errors.form && (
        <div className="form-errors" role="alert">
          {errors.form.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      )}
      <div className="form-actions upstream-actions">
        <button type="submit" className="button button-primary" disabled={disabled}>
          {connect.isPending ? 'Checking with Route 53…' : 'Connect'}
        </button>
        <span className="form-hint">
          The hosted zone is checked with these credentials before anything is stored.
        </span>
      </div>
    </form>
  );
}
