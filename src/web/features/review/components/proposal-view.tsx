import { type ReactNode, useId, useMemo, useState } from 'react';
import { displayName } from '../../../../engine/names';
import type { ResourceRecordSet } from '../../../../engine/types';
import type { ProposalDetail } from '../../../../shared/proposals';
import { Dialog } from '../../../components/dialog';
import { ImpactSummary } from '../../../components/impact-summary';
import { RecordDiff } from '../../../components/record-diff';
import { ErrorState, Skeleton } from '../../../components/states';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { formatAge, formatTimestamp } from '../../../lib/format';
import {
  canApply,
  canApprove,
  canRebase,
  canReject,
  type Permission,
  type ProposalFacts,
  type Viewer,
} from '../../../lib/permissions';
import { diffRowsFromPlan } from '../../../lib/record-diff';
import { useProposal, useProposalImpact } from '../api/get-proposal';
import { type ProposalAction, useProposalAction } from '../api/proposal-actions';
import { compareSets, touchedNames } from '../lib/compare-sets';
import { type StaleDetails, staleDetailsOf } from '../lib/stale';
import { CityCheck } from './city-check';
import { StatusChip } from './status-chip';

/** What the app draws for the before/after catchment (the map feature, lazily loaded). */
export interface CompareMapArgs {
  name: string;
  type: string;
  before: ResourceRecordSet[];
  after: ResourceRecordSet[];
}

export interface ProposalViewProps {
  pid: string;
  /** The zone's live record sets (the base of an open proposal, the result of an applied one). */
  records: ResourceRecordSet[] | undefined;
  viewer: Viewer;
  renderCompare: (args: CompareMapArgs) => ReactNode;
}

/** One proposal under review: who and why, the diff, the impact, the maps and the decisions. */
export function ProposalView({ pid, records, viewer, renderCompare }: ProposalViewProps) {
  const proposal = useProposal(pid);
  if (proposal.isPending) return <Skeleton rows={8} label="Loading the proposal" />;
  if (proposal.error)
    return (
      <ErrorState
        title={`Could not load proposal ${pid}`}
        error={proposal.error}
        onRetry={() => void proposal.refetch()}
      />
    );
  return (
    <ProposalDetailView
      p={proposal.data}
      records={records}
      viewer={viewer}
      renderCompare={renderCompare}
    />
  );
}

function ProposalDetailView({
  p,
  records,
  viewer,
  renderCompare,
}: {
  p: ProposalDetail;
  records: ResourceRecordSet[] | undefined;
  viewer: Viewer;
  renderCompare: (args: CompareMapArgs) => ReactNode;
}) {
  const toast = useToast();
  const action = useProposalAction(p.zoneId, p.id);
  const impact = useProposalImpact(p.id, p.updatedAt);
  const [stale, setStale] = useState<StaleDetails | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const rows = useMemo(() => diffRowsFromPlan(p.diff), [p.diff]);
  const names = useMemo(() => touchedNames(p.diff).filter((t) => t.latency), [p.diff]);
  const [nameIndex, setNameIndex] = useState(0);
  const shownName = names[Math.min(nameIndex, names.length - 1)];
  const applied = p.status === 'applied';
  const sets = useMemo(
    () =>
      shownName && records
        ? compareSets(records, p.diff, applied, shownName.name, shownName.type)
        : null,
    [shownName, records, p.diff, applied],
  );

  const facts: ProposalFacts = {
    author: p.author,
    status: p.status,
    stale: p.stale,
    requireApproval: p.requireApproval,
  };
  const readOnly = viewer.role === null || viewer.role === 'viewer';
  const busy = action.isPending;
  // Disabled buttons explain themselves in a tooltip; the common cases are also said out loud.
  const waitingNote =
    p.status === 'pending' && p.requireApproval
      ? viewer.name === p.author
        ? 'You wrote this proposal: someone else has to approve it.'
        : viewer.role === 'editor'
          ? 'Waiting for an approver.'
          : null
      : null;

  function run(a: ProposalAction, done: string) {
    setActionError(null);
    action.mutate(a, {
      onSuccess: (next) => {
        setStale(null);
        toast.show(done, 'success');
        if (a.kind === 'rebase' && p.status === 'approved' && next.status === 'pending')
          toast.show(
            'The rebase changed what it does: the proposal needs a fresh approval',
            'info',
          );
      },
      onError: (err) => {
        const s = staleDetailsOf(err);
        if (s) {
          setStale(s);
          return;
        }
        const msg =
          err instanceof ApiError
            ? `${err.message} (${err.status} ${err.code})`
            : errorMessage(err);
        setActionError(msg);
      },
    });
  }

  const staleShown =
    stale ??
    (p.stale && (p.status === 'pending' || p.status === 'approved')
      ? {
          message: '',
          baseVersion: p.baseVersion,
          currentVersion: p.currentVersion,
          changedSince: [],
        }
      : null);

  return (
    <article className="proposal" aria-label={`Proposal ${p.id}`}>
      <header className="proposal-header">
        <div className="proposal-title-row">
          <h3 className="proposal-title">
            {p.comment ?? <span className="muted">(no comment)</span>}
          </h3>
          <StatusChip status={p.status} />
        </div>
        <dl className="proposal-meta">
          <div>
            <dt>Proposal</dt>
            <dd className="mono">{p.id}</dd>
          </div>
          <div>
            <dt>Author</dt>
            <dd data-testid="proposal-author">{p.author}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd title={formatTimestamp(p.createdAt)}>{formatAge(p.createdAt, Date.now())}</dd>
          </div>
          <div>
            <dt>Base version</dt>
            <dd>
              v{p.baseVersion}
              {p.status !== 'applied' && (
                <span className={p.stale ? 'stale-text' : 'muted'}>
                  {p.stale ? ` (zone is now v${p.currentVersion})` : ' (current)'}
                </span>
              )}
            </dd>
          </div>
          {p.decidedBy && (
            <div>
              <dt>{p.status === 'rejected' ? 'Rejected by' : 'Approved by'}</dt>
              <dd>
                {p.decidedBy}
                {p.reason && <span className="muted"> — “{p.reason}”</span>}
              </dd>
            </div>
          )}
          {p.appliedChangeId && (
            <div>
              <dt>Applied as</dt>
              <dd className="mono">{p.appliedChangeId.replace('/change/', '')}</dd>
            </div>
          )}
          {p.rollbackOf && (
            <div>
              <dt>Rolls back</dt>
              <dd className="mono">{p.rollbackOf.replace('/change/', '')}</dd>
            </div>
          )}
        </dl>
        {p.requireApproval && p.status === 'pending' && (
          <p className="proposal-policy">
            This zone requires approval by someone other than {p.author} before apply.
          </p>
        )}
      </header>

      {readOnly ? (
        <p className="proposal-readonly muted">
          {viewer.role === null
            ? 'Sign in as an approver to approve or reject, or as an editor to apply.'
            : 'Your viewer token can read proposals; deciding needs an approver.'}
        </p>
      ) : (
        <div className="proposal-actions">
          <ActionButton
            label="Approve"
            primary={p.status === 'pending'}
            permission={canApprove(viewer, facts)}
            busy={busy}
            onClick={() => run({ kind: 'approve' }, `Approved ${p.id}`)}
          />
          <ActionButton
            label="Reject…"
            danger
            permission={canReject(viewer, facts)}
            busy={busy}
            onClick={() => setRejecting(true)}
          />
          <ActionButton
            label="Apply"
            primary={p.status === 'approved' || (!p.requireApproval && p.status === 'pending')}
            permission={canApply(viewer, { ...facts, stale: false })}
            busy={busy}
            onClick={() => run({ kind: 'apply' }, `Applied ${p.id}`)}
          />
          <ActionButton
            label="Rebase"
            permission={canRebase(viewer, { ...facts, stale: facts.stale || stale !== null })}
            busy={busy}
            onClick={() => run({ kind: 'rebase' }, `Rebased ${p.id} onto the zone as it is now`)}
          />
          {busy ? (
            <span className="muted">Working…</span>
          ) : (
            waitingNote && <span className="proposal-waiting">{waitingNote}</span>
          )}
        </div>
      )}
      {actionError && (
        <div className="state-error proposal-error" role="alert">
          {actionError}
        </div>
      )}
      {staleShown && <StaleNotice stale={staleShown} fromApply={stale !== null} />}

      <section className="proposal-section" aria-labelledby={`${p.id}-diff`}>
        <h4 id={`${p.id}-diff`} className="section-title">
          Changes, record by record
        </h4>
        <RecordDiff rows={rows} label={`Changes in ${p.id}`} />
      </section>

      <section className="proposal-section" aria-labelledby={`${p.id}-impact`}>
        <h4 id={`${p.id}-impact`} className="section-title">
          Impact on users
          {applied && <span className="muted"> (as computed when it was applied)</span>}
        </h4>
        {impact.isPending ? (
          <Skeleton rows={4} label="Computing the impact" />
        ) : impact.error ? (
          <ErrorState
            title="Could not compute the impact"
            error={impact.error}
            onRetry={() => void impact.refetch()}
          />
        ) : (
          <ImpactSummary impact={impact.data.impact} heading={`Impact of ${p.id}`} />
        )}
      </section>

      {shownName && (
        <section className="proposal-section" aria-labelledby={`${p.id}-maps`}>
          <div className="proposal-section-head">
            <h4 id={`${p.id}-maps`} className="section-title">
              Catchment before and after
            </h4>
            {names.length > 1 && (
              <NamePicker
                names={names.map((n) => `${displayName(n.name)} ${n.type}`)}
                value={Math.min(nameIndex, names.length - 1)}
                onChange={setNameIndex}
              />
            )}
          </div>
          {p.stale && !applied && (
            <p className="field-help">
              Drawn against the zone as it is now (v{p.currentVersion}), not the proposal's base.
            </p>
          )}
          {sets ? (
            <>
              <CityCheck
                before={sets.before}
                after={sets.after}
                label={`${displayName(shownName.name)} ${shownName.type}`}
              />
              {renderCompare({
                name: shownName.name,
                type: shownName.type,
                before: sets.before,
                after: sets.after,
              })}
            </>
          ) : (
            <Skeleton rows={3} label="Loading the zone" />
          )}
        </section>
      )}

      <RejectDialog
        open={rejecting}
        busy={busy}
        onCancel={() => setRejecting(false)}
        onReject={(reason) => {
          setRejecting(false);
          run({ kind: 'reject', reason: reason || undefined }, `Rejected ${p.id}`);
        }}
      />
    </article>
  );
}

function ActionButton({
  label,
  permission,
  busy,
  primary,
  danger,
  onClick,
}: {
  label: string;
  permission: Permission;
  busy: boolean;
  primary?: boolean;
  danger?: boolean;
  onClick: () => void;
}) {
  const cls = danger ? 'button button-danger-quiet' : primary ? 'button button-primary' : 'button';
  const reason = permission.allowed ? undefined : permission.reason;
  return (
    <button
      type="button"
      className={cls}
      disabled={!permission.allowed || busy}
      title={reason}
      data-disabled-reason={reason}
      onClick={onClick}
    >
      {label}
    </button>
  );
}

function StaleNotice({ stale, fromApply }: { stale: StaleDetails; fromApply: boolean }) {
  return (
    <div className="stale-notice" role={fromApply ? 'alert' : 'status'}>
      <strong>
        {fromApply
          ? 'Not applied: the zone changed since this proposal was made'
          : 'The zone changed since this proposal was made'}
      </strong>
      <p>
        It was based on version {stale.baseVersion}; the zone is at version {stale.currentVersion}.
        Rebase it (revalidate against the zone as it is now), review it again, then apply.
      </p>
      {stale.changedSince.length > 0 && (
        <ul className="stale-list" aria-label="Changed since">
          {stale.changedSince.map((c) => (
            <li key={c.Id}>
              <span className="mono">v{c.Version}</span>{' '}
              {c.Comment ?? <span className="muted">(no comment)</span>}{' '}
              <span className="muted">
                by {c.Author ?? 'unknown'}, {formatTimestamp(c.SubmittedAt)} · {c.Changes.length}{' '}
                {c.Changes.length === 1 ? 'change' : 'changes'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NamePicker({
  names,
  value,
  onChange,
}: {
  names: string[];
  value: number;
  onChange: (i: number) => void;
}) {
  const id = useId();
  return (
    <span className="name-picker">
      <label htmlFor={id} className="visually-hidden">
        Name on the maps
      </label>
      <select
        id={id}
        className="select"
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {names.map((n, i) => (
          <option key={n} value={i}>
            {n}
          </option>
        ))}
      </select>
    </span>
  );
}

function RejectDialog({
  open,
  busy,
  onCancel,
  onReject,
}: {
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onReject: (reason: string) => void;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  return (
    <Dialog
      open={open}
      title="Reject proposal"
      onClose={onCancel}
      className="dialog-narrow"
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() => onReject(reason.trim())}
          >
            Reject
          </button>
        </>
      }
    >
      <label htmlFor={id} className="field-label">
        Reason (shown to the author)
      </label>
      <textarea
        id={id}
        className="input"
        rows={3}
        maxLength={1000}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
    </Dialog>
  );
}
