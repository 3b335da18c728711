import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { TOKEN_PREFIX } from '../../../../shared/auth';
import { Dialog } from '../../../components/dialog';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { getMe, getMeQueryOptions } from '../../../lib/use-session';

export interface SignInDialogProps {
  open: boolean;
  /** Why it opened (a 401's message), shown above the field. */
  reason: string | null;
  onClose: () => void;
  onSignedIn: (token: string) => void;
}

/**
 * "Paste your API token": checks it with GET /api/me before keeping it, so a typo is caught
 * here and not at the first save.
 */
export function SignInDialog({ open, reason, onClose, onSignedIn }: SignInDialogProps) {
  const inputId = useId();
  const errorId = useId();
  const helpId = useId();
  const qc = useQueryClient();
  const toast = useToast();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const token = value.trim();
    if (!token) {
      setError('Paste the token an admin gave you');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await getMe(token);
      qc.setQueryData(getMeQueryOptions(token).queryKey, me);
      onSignedIn(token);
      setValue('');
      toast.show(`Signed in as ${me.name} (${me.role})`, 'success');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setError(
          `The server does not accept this token: ${err.message}${
            token.startsWith(TOKEN_PREFIX) ? '' : ` (tokens start with “${TOKEN_PREFIX}”)`
          }`,
        );
      } else setError(`Could not check the token: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} title="Paste your API token" onClose={onClose} className="dialog-narrow">
      <form className="form sign-in-form" onSubmit={(e) => void submit(e)} noValidate>
        {reason && (
          <p className="sign-in-reason" role="status">
            {reason}
          </p>
        )}
        <label htmlFor={inputId} className="field-label">
          API token
        </label>
        <input
          id={inputId}
          type="password"
          className="input mono"
          autoComplete="off"
          spellCheck={false}
          placeholder={`${TOKEN_PREFIX}…`}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={[error ? errorId : '', helpId].filter(Boolean).join(' ')}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
        />
        {error && (
          <div id={errorId} className="field-error" role="alert">
            <p>{error}</p>
          </div>
        )}
        <p id={helpId} className="field-help">
          Kept in this tab only (sessionStorage) and sent as <code>Authorization: Bearer</code>. An
          admin makes tokens with <code>npm run token -- create --name you --role editor</code>.
          Reading needs no token.
        </p>
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
