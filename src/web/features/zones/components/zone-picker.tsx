import { type FormEvent, useId, useState } from 'react';
import type { ZoneSummary } from '../../../../shared/zones';
import { Dialog } from '../../../components/dialog';
import { ApiError, errorMessage } from '../../../lib/api-client';
import type { Permission } from '../../../lib/permissions';
import { useCreateZone } from '../api/create-zone';

export interface ZonePickerProps {
  zones: ZoneSummary[] | undefined;
  loading: boolean;
  zoneId: string | null;
  onSelect: (zoneId: string) => void;
  /** Whether the operator may create zones (the button says why not). */
  createPermission: Permission;
}

/** Zone select plus "New zone"; a created zone is selected at once. */
export function ZonePicker({
  zones,
  loading,
  zoneId,
  onSelect,
  createPermission,
}: ZonePickerProps) {
  const selectId = useId();
  const [creating, setCreating] = useState(false);
  return (
    <div className="zone-picker">
      <label htmlFor={selectId} className="zone-picker-label">
        Zone
      </label>
      <select
        id={selectId}
        className="select"
        value={zoneId ?? ''}
        disabled={loading || !zones?.length}
        onChange={(e) => onSelect(e.target.value)}
      >
        {loading && <option value="">Loading…</option>}
        {!loading && !zones?.length && <option value="">No zones</option>}
        {zones?.map((z) => (
          <option key={z.id} value={z.id}>
            {z.name} ({z.recordCount})
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button button-quiet"
        disabled={!createPermission.allowed}
        title={createPermission.allowed ? undefined : createPermission.reason}
        onClick={() => setCreating(true)}
      >
        New zone
      </button>
      <CreateZoneDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => {
          setCreating(false);
          onSelect(id);
        }}
      />
    </div>
  );
}

function CreateZoneDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const inputId = useId();
  const errorId = useId();
  const [name, setName] = useState('');
  const create = useCreateZone();
  const fieldError =
    create.error instanceof ApiError
      ? (create.error.details[0]?.message ?? create.error.message)
      : create.error
        ? errorMessage(create.error)
        : null;

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (z) => {
        setName('');
        create.reset();
        onCreated(z.id);
      },
    });
  }

  return (
    <Dialog
      open={open}
      title="New hosted zone"
      onClose={() => {
        create.reset();
        onClose();
      }}
      className="dialog-narrow"
    >
      <form onSubmit={submit} className="form">
        <div className="field">
          <label htmlFor={inputId} className="field-label">
            Zone name
          </label>
          <input
            id={inputId}
            className="input"
            value={name}
            placeholder="example.org"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? errorId : undefined}
            onChange={(e) => setName(e.target.value)}
          />
          {fieldError && (
            <p id={errorId} className="field-error">
              {fieldError}
            </p>
          )}
        </div>
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={!name.trim() || create.isPending}
          >
            {create.isPending ? 'Creating…' : 'Create zone'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
