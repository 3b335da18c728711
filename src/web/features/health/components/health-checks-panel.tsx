import './health.css';
import { useId, useMemo, useState } from 'react';
import type {
  HealthCheck,
  HealthCheckListEntry,
  HealthCheckReference,
} from '../../../../shared/health';
import { ConfirmDialog, Dialog } from '../../../components/dialog';
import { EmptyState, ErrorState, Skeleton } from '../../../components/states';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { formatAge, formatTimestamp } from '../../../lib/format';
import type { Permission } from '../../../lib/permissions';
import {
  useDeleteHealthCheck,
  useHealthCheckStatus,
  useHealthChecks,
  useHealthOverride,
} from '../api/health-checks';
import { useEventStreamState } from '../api/use-zone-events';
import { checkersSummary, checkerVerdictText, healthView, targetText } from '../lib/health-view';
import { useNow } from '../lib/use-now';
import { HealthBadge } from './health-badge';
import { HealthCheckFormDialog } from './health-check-form-dialog';

export interface HealthChecksPanelProps {
  /** Records of this zone are listed first in "used by". */
  zoneId: string;
  permission: Permission;
  /** Select a record set that uses a check (shows it on the map). */
  onSelectRecord?: (ref: HealthCheckReference) => void;
}

type Editing = { original: HealthCheck | null } | null;

function refText(r: HealthCheckReference): string {
  return `${r.name.replace(/\.$/, '')} ${r.type}${r.setIdentifier ? ` ${r.setIdentifier}` : ''}`;
}

/** The 409 HealthCheckInUse details: the record sets that still name the check. */
function inUseRecords(err: unknown): HealthCheckReference[] {
  if (!(err instanceof ApiError) || err.code !== 'HealthCheckInUse') return [];
  const raw = err.rawDetails as { records?: unknown } | unknown[] | undefined;
  const list = Array.isArray(raw)
    ? raw
    : Array.isArray((raw as { records?: unknown })?.records)
      ? (raw as { records: unknown[] }).records
      : [];
  return list.filter(
    (r): r is HealthCheckReference =>
      typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string',
  );
}

/** The Health checks tab: every check with its live status, editor, override and delete. */
export function HealthChecksPanel({ zoneId, permission, onSelectRecord }: HealthChecksPanelProps) {
  const stream = useEventStreamState();
  const list = useHealthChecks(stream);
  const now = useNow(15_000);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<HealthCheckListEntry | null>(null);
  const [overriding, setOverriding] = useState<HealthCheckListEntry | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<{
    id: string;
    message: string;
    records: HealthCheckReference[];
  } | null>(null);
  const remove = useDeleteHealthCheck();
  const toast = useToast();
  const configured = useMemo(
    () => (list.data ?? []).flatMap((e) => (e.HealthCheck ? [e.HealthCheck] : [])),
    [list.data],
  );
  const entries = useMemo(() => {
    const all = [...(list.data ?? [])];
    const inZone = (e: HealthCheckListEntry) => e.records.some((r) => r.zoneId === zoneId);
    // This zone's checks first, then unhealthy first, then by name.
    return all.sort(
      (a, b) =>
        Number(inZone(b)) - Number(inZone(a)) ||
        Number(a.healthy) - Number(b.healthy) ||
        (a.HealthCheck?.Name ?? a.id).localeCompare(b.HealthCheck?.Name ?? b.id),
    );
  }, [list.data, zoneId]);

  if (list.isPending) return <Skeleton rows={5} label="Loading health checks" />;
  if (list.error)
    return (
      <ErrorState
        title="Could not load the health checks"
        error={list.error}
        onRetry={() => void list.refetch()}
      />
    );

  const create = (
    <button
      type="button"
      className="button button-primary"
      disabled={!permission.allowed}
      title={permission.allowed ? undefined : permission.reason}
      onClick={() => setEditing({ original: null })}
    >
      New health check
    </button>
  );

  function confirmDelete() {
    const e = deleting;
    if (!e) return;
    setDeleting(null);
    setDeleteError(null);
    const name = e.HealthCheck?.Name ?? e.id;
    remove.mutate(e.id, {
      onSuccess: () => toast.show(`Deleted health check ${name}`, 'success'),
      onError: (err) => {
        const records = inUseRecords(err);
        setDeleteError({
          id: e.id,
          records: records.length ? records : e.records,
          message:
            err instanceof ApiError && err.code === 'HealthCheckInUse'
              ? `${name} is still used by ${records.length || e.records.length} record ${records.length === 1 ? 'set' : 'sets'}: Route 53 keeps a health check while a record names it. Pick another check (or none) for these records first, then delete it.`
              : `Could not delete ${name}: ${errorMessage(err)}`,
        });
      },
    });
  }

  return (
    <div className="health-panel">
      <div className="toolbar">
        <span className="toolbar-count">
          {entries.length} health {entries.length === 1 ? 'check' : 'checks'}
        </span>
        <span
          className={`health-stream is-${stream}`}
          title="Status changes arrive from the server as they happen"
        >
          <span className="health-dot" aria-hidden="true" />
          {stream === 'open'
            ? 'live'
            : stream === 'connecting'
              ? 'connecting…'
              : 'polling every 30 s'}
        </span>
        <span className="toolbar-spacer" />
        {create}
      </div>
      {deleteError && (
        <div className="state-error health-delete-error" role="alert">
          <p>{deleteError.message}</p>
          {deleteError.records.length > 0 && (
            <ul>
              {deleteError.records.map((r) => (
                <li key={refText(r)} className="mono">
                  {refText(r)}
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            className="button button-small"
            onClick={() => setDeleteError(null)}
          >
            Dismiss
          </button>
        </div>
      )}
      {entries.length === 0 ? (
        <EmptyState title="No health checks yet" actions={create}>
          A health check probes an endpoint (HTTP, HTTPS, a string match or TCP) every 10 or 30
          seconds; a latency record that names it stops answering while it is unhealthy, and its
          users move to the next-best region.
        </EmptyState>
      ) : (
        <table className="table health-table" aria-label="Health checks">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Name</th>
              <th scope="col">Checks</th>
              <th scope="col">Used by</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <HealthCheckRow
                key={e.id}
                entry={e}
                now={now}
                expanded={open === e.id}
                onToggle={() => setOpen((o) => (o === e.id ? null : e.id))}
                permission={permission}
                onEdit={() => e.HealthCheck && setEditing({ original: e.HealthCheck })}
                onOverride={() => setOverriding(e)}
                onDelete={() => setDeleting(e)}
                onSelectRecord={onSelectRecord}
              />
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <HealthCheckFormDialog
          original={editing.original}
          others={configured}
          onClose={() => setEditing(null)}
        />
      )}
      {overriding && <OverrideDialog entry={overriding} onClose={() => setOverriding(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete health check ${deleting?.HealthCheck?.Name ?? deleting?.id ?? ''}?`}
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={confirmDelete}
      >
        {deleting && deleting.records.length > 0 ? (
          <p>
            It is used by {deleting.records.length} record{' '}
            {deleting.records.length === 1 ? 'set' : 'sets'}; the server refuses to delete it until
            they name another check.
          </p>
        ) : (
          <p>Its observations go with it. No record uses it.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}

function HealthCheckRow({
  entry: e,
  now,
  expanded,
  onToggle,
  permission,
  onEdit,
  onOverride,
  onDelete,
  onSelectRecord,
}: {
  entry: HealthCheckListEntry;
  now: number;
  expanded: boolean;
  onToggle: () => void;
  permission: Permission;
  onEdit: () => void;
  onOverride: () => void;
  onDelete: () => void;
  onSelectRecord?: (ref: HealthCheckReference) => void;
}) {
  const h = e.HealthCheck;
  const view = healthView(e.Status, now);
  const name = h?.Name ?? e.id;
  const bodyId = useId();
  const c = h?.HealthCheckConfig;
  const deny = permission.allowed ? undefined : permission.reason;
  return (
    <>
      <tr className={view.healthy ? undefined : 'is-down'} data-health-check={e.id}>
        <td className="health-cell-status">
          <HealthBadge view={view} detail />
        </td>
        <td>
          <button
            type="button"
            className="link-button health-name"
            aria-expanded={expanded}
            aria-controls={bodyId}
            onClick={onToggle}
          >
            {name}
          </button>
          <span className="health-id mono muted" title={e.id}>
            {e.id}
          </span>
        </td>
        <td>
          {c ? (
            <>
              <span className="type-badge">{c.Type}</span>{' '}
              <span className="mono">{targetText(c)}</span>
              <span className="health-config muted">
                every {c.RequestInterval} s · {c.FailureThreshold} to change
                {c.Inverted ? ' · inverted' : ''}
                {c.Disabled ? ' · disabled' : ''}
              </span>
            </>
          ) : (
            <span className="muted">
              Not configured: an id a record names (status set by hand only)
            </span>
          )}
        </td>
        <td>
          {e.records.length === 0 ? (
            <span className="muted">no records</span>
          ) : (
            <ul className="health-refs">
              {e.records.map((r) => (
                <li key={`${r.zoneId}|${refText(r)}`}>
                  {onSelectRecord ? (
                    <button
                      type="button"
                      className="link-button mono"
                      onClick={() => onSelectRecord(r)}
                    >
                      {refText(r)}
                    </button>
                  ) : (
                    <span className="mono">{refText(r)}</span>
                  )}
                  {r.region && <span className="muted"> {r.region}</span>}
                </li>
              ))}
            </ul>
          )}
        </td>
        <td className="cell-actions health-actions">
          <button
            type="button"
            className="button button-small"
            disabled={!h || !permission.allowed}
            title={deny ?? (h ? undefined : 'Only configured checks can be edited')}
            aria-label={`Edit ${name}`}
            onClick={onEdit}
          >
            Edit
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={!permission.allowed}
            title={deny ?? 'Force healthy or unhealthy for maintenance'}
            aria-label={`Override ${name}`}
            onClick={onOverride}
          >
            Override…
          </button>
          <button
            type="button"
            className="button button-small button-danger-quiet"
            disabled={!h || !permission.allowed}
            title={deny}
            aria-label={`Delete ${name}`}
            onClick={onDelete}
          >
            Delete
          </button>
        </td>
      </tr>
      {expanded && (
        <tr className="health-detail-row">
          <td colSpan={5} id={bodyId}>
            <Observations id={e.id} now={now} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Each instance's checker and its verdict, when several probe the check. */
function Checkers({
  checkers,
  now,
}: {
  checkers: readonly { Checker: string; Address?: string; Healthy: boolean | null; At: string }[];
  now: number;
}) {
  const views = checkers.map((c) => ({
    checker: c.Checker,
    address: c.Address,
    healthy: c.Healthy,
    at: c.At,
  }));
  const summary = checkersSummary(views);
  if (summary === null) return null;
  return (
    <div className="health-checkers">
      <p className="muted">{summary}</p>
      <ul className="health-checker-list" aria-label="Checkers">
        {views.map((c) => (
          <li key={c.checker}>
            <span className="mono" title={c.checker}>
              {c.address ?? c.checker}
            </span>{' '}
            <span
              className={
                c.healthy === true ? 'health-ok' : c.healthy === false ? 'health-bad' : 'muted'
              }
            >
              {checkerVerdictText(c.healthy)}
            </span>{' '}
            <span className="muted">· probed {formatAge(c.at, now)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Newest observations listed under an opened check (the server keeps 20). */
const OBSERVATIONS_SHOWN = 10;

function Observations({ id, now }: { id: string; now: number }) {
  const stream = useEventStreamState();
  const status = useHealthCheckStatus(id, stream);
  if (status.isPending) return <Skeleton rows={3} label="Loading observations" />;
  if (status.error) return <ErrorState title="Could not load the status" error={status.error} />;
  const s = status.data;
  const view = healthView({ ...s, LastObservation: s.LastObservations[0] }, now);
  return (
    <div className="health-observations">
      <p className="health-observations-summary">
        <HealthBadge view={view} />{' '}
        {s.Since ? (
          <>since {formatTimestamp(s.Since)}</>
        ) : (
          <span className="muted">never changed</span>
        )}
        {s.Override && (
          <span className="muted">
            {' '}
            · forced {s.Override.Status.toLowerCase()} by {s.Override.By ?? 'someone'} at{' '}
            {formatTimestamp(s.Override.At)}
            {s.CheckerStatus ? `; the checker says ${s.CheckerStatus.toLowerCase()}` : ''}
          </span>
        )}
      </p>
      <Checkers checkers={s.Checkers ?? []} now={now} />
      {s.LastObservations.length === 0 ? (
        <p className="muted">No observations yet.</p>
      ) : (
        <table className="table health-observation-table" aria-label={`Last observations of ${id}`}>
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Result</th>
              <th scope="col">Reason</th>
              <th scope="col" className="num">
                Latency
              </th>
            </tr>
          </thead>
          <tbody>
            {s.LastObservations.slice(0, OBSERVATIONS_SHOWN).map((o) => (
              <tr key={o.At}>
                <td className="mono">{`${o.At.slice(0, 19).replace('T', ' ')} UTC`}</td>
                <td className={o.Healthy ? 'health-ok' : 'health-bad'}>
                  {o.Healthy ? '✓ success' : '✗ failure'}
                </td>
                <td>{o.Reason}</td>
                <td className="num">
                  {o.LatencyMs === null ? '—' : `${o.LatencyMs.toFixed(1)} ms`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function OverrideDialog({ entry, onClose }: { entry: HealthCheckListEntry; onClose: () => void }) {
  const override = useHealthOverride();
  const toast = useToast();
  const ids = useId();
  const current = entry.Status.Source === 'override' ? entry.Status.Override : undefined;
  const [healthy, setHealthy] = useState(current ? current.Status === 'Healthy' : false);
  const [reason, setReason] = useState(current?.Reason ?? 'maintenance');
  const [error, setError] = useState<string | null>(null);
  const name = entry.HealthCheck?.Name ?? entry.id;
  const run = (v: Parameters<typeof override.mutate>[0], done: string) =>
    override.mutate(v, {
      onSuccess: () => {
        toast.show(done, 'success');
        onClose();
      },
      onError: (e) => setError(errorMessage(e)),
    });
  return (
    <Dialog
      open
      title={`Override ${name}`}
      onClose={onClose}
      className="dialog-narrow"
      footer={
        <>
          {current && (
            <button
              type="button"
              className="button"
              disabled={override.isPending}
              onClick={() => run({ id: entry.id, clear: true }, `Override of ${name} cleared`)}
            >
              Clear override
            </button>
          )}
          <span className="toolbar-spacer" />
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={healthy ? 'button button-primary' : 'button button-danger'}
            disabled={override.isPending}
            onClick={() =>
              run(
                {
                  id: entry.id,
                  set: { healthy, ...(reason.trim() ? { reason: reason.trim() } : {}) },
                },
                `${name} forced ${healthy ? 'healthy' : 'unhealthy'}`,
              )
            }
          >
            Force {healthy ? 'healthy' : 'unhealthy'}
          </button>
        </>
      }
    >
      <p>
        A manual override wins over the checker until it is cleared; it is shown as an override
        everywhere, with who set it and why.
      </p>
      <fieldset className="health-override-choice">
        <legend className="field-label">Status</legend>
        <label className="checkbox">
          <input
            type="radio"
            name={`${ids}-s`}
            checked={!healthy}
            onChange={() => setHealthy(false)}
          />
          Unhealthy (take it out of rotation)
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${ids}-s`}
            checked={healthy}
            onChange={() => setHealthy(true)}
          />
          Healthy (keep it answering whatever the checker says)
        </label>
      </fieldset>
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-r`}>
          Reason
        </label>
        <input
          id={`${ids}-r`}
          className="input"
          value={reason}
          maxLength={255}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      {error && (
        <div className="form-errors" role="alert">
          <p>{error}</p>
        </div>
      )}
    </Dialog>
  );
}
