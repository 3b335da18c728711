import './history.css';
import { type ReactNode, useId, useMemo, useState } from 'react';
import type { AppliedChange } from '../../../../shared/rrset';
import { ConfirmDialog } from '../../../components/dialog';
import { ImpactSummary } from '../../../components/impact-summary';
import { DiffSummary, RecordDiff } from '../../../components/record-diff';
import { EmptyState, ErrorState, Skeleton } from '../../../components/states';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { formatAge, formatPercent, formatTimestamp } from '../../../lib/format';
import { canRollback, canRollbackAtOnce, type Viewer } from '../../../lib/permissions';
import { type DiffRow, diffRowsFromHistory } from '../../../lib/record-diff';
import { useChangeStatus } from '../api/get-change';
import { HISTORY_LIMIT, useChanges } from '../api/get-changes';
import { useRollback } from '../api/rollback';
import { interleave, type TimelineItem } from '../lib/timeline';

export type { TimelineItem };

export interface HistoryPanelProps {
  zoneId: string;
  zoneName: string;
  viewer: Viewer;
  /** Show a proposal in Review (a rollback just proposed, or the one a batch came from). */
  onProposed: (pid: string) => void;
  /**
   * Other events to show between the batches by time (the app composes health transitions
   * here); each renders its own `<li>`.
   */
  timeline?: readonly TimelineItem[];
}

/** Rows whose upstream status (GET /api/changes/:id) is fetched without being opened. */
const UPSTREAM_STATUS_ROWS = 5;

/** The History tab: every applied batch, newest first; expand one for its diff, impact, rollback. */
export function HistoryPanel({
  zoneId,
  zoneName,
  viewer,
  onProposed,
  timeline = [],
}: HistoryPanelProps) {
  const changes = useChanges(zoneId);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(
    () => (changes.data ? diffRowsFromHistory(changes.data) : []),
    [changes.data],
  );

  if (changes.isPending) return <Skeleton rows={6} label="Loading history" />;
  if (changes.error)
    return (
      <ErrorState
        title="Could not load the history"
        error={changes.error}
        onRetry={() => void changes.refetch()}
      />
    );
  if (changes.data.length === 0 && timeline.length === 0)
    return (
      <EmptyState title={`Nothing applied to ${zoneName} yet`}>
        Every batch applied to the zone (a save, an import, an applied proposal, a rollback) is
        listed here with who made it and what it did, and can be rolled back.
      </EmptyState>
    );

  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="history">
      <p className="muted history-intro">
        {changes.data.length} applied {changes.data.length === 1 ? 'batch' : 'batches'}
        {timeline.length > 0
          ? ` and ${timeline.length} health ${timeline.length === 1 ? 'outage' : 'outages'}`
          : ''}
        , newest first
        {changes.data.length >= HISTORY_LIMIT ? ` (the latest ${HISTORY_LIMIT})` : ''}. Audit
        entries cannot be edited or deleted.
      </p>
      <ol className="history-list" aria-label="Applied changes">
        {interleave(changes.data, timeline).map((item) =>
          'node' in item ? (
            <FragmentWithKey key={item.key}>{item.node}</FragmentWithKey>
          ) : (
            <HistoryEntry
              key={item.change.Id}
              change={item.change}
              rows={rows[item.index] ?? []}
              expanded={open.has(item.change.Id)}
              recent={item.index < UPSTREAM_STATUS_ROWS}
              onToggle={() => toggle(item.change.Id)}
              zoneId={zoneId}
              viewer={viewer}
              onProposed={onProposed}
            />
          ),
        )}
      </ol>
    </div>
  );
}

function FragmentWithKey({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

function HistoryEntry({
  change: c,
  rows,
  expanded,
  recent,
  onToggle,
  zoneId,
  viewer,
  onProposed,
}: {
  change: AppliedChange;
  rows: DiffRow[];
  expanded: boolean;
  /** Among the newest few: its upstream status is looked up even while closed. */
  recent: boolean;
  onToggle: () => void;
  zoneId: string;
  viewer: Viewer;
  onProposed: (pid: string) => void;
}) {
  const bodyId = useId();
  const toast = useToast();
  const rollback = useRollback(zoneId);
  const upstream = useChangeStatus(c.Id, recent || expanded).data?.Upstream?.ChangeInfo;
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const impact = c.Impact;
  const shortId = c.Id.replace('/change/', '');
  const propose = canRollback(viewer);
  const atOnce = canRollbackAtOnce(viewer);
  const readOnly = viewer.role === null || viewer.role === 'viewer';
  const moved = impact?.names.reduce((m, n) => Math.max(m, n.movedPopulationShare), 0) ?? 0;

  function run(now: boolean) {
    setError(null);
    setConfirming(false);
    rollback.mutate(
      { changeId: c.Id, now },
      {
        onSuccess: (r) => {
          if (r.kind === 'proposed') {
            toast.show(`Proposed the rollback of v${c.Version} as ${r.proposal.id}`, 'success');
            onProposed(r.proposal.id);
          } else toast.show(`Rolled back v${c.Version}`, 'success');
        },
        onError: (err) =>
          setError(
            err instanceof ApiError
              ? `${err.message} (${err.status} ${err.code})`
              : errorMessage(err),
          ),
      },
    );
  }

  return (
    <li className={`history-entry${expanded ? ' is-open' : ''}`} data-change-id={shortId}>
      <button
        type="button"
        className="history-row"
        aria-expanded={expanded}
        aria-controls={bodyId}
        onClick={onToggle}
      >
        <span className="history-caret" aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        <span className="history-version mono">v{c.Version}</span>
        <span className="history-comment">
          {c.Comment ?? <span className="muted">(no comment)</span>}
        </span>
        <span className="history-who">{c.Author ?? <span className="muted">system</span>}</span>
        <span className="history-when" title={formatTimestamp(c.SubmittedAt)}>
          {formatAge(c.SubmittedAt, Date.now())}
        </span>
        <span className="history-diff">
          <DiffSummary rows={rows} inline />
          {upstream && (
            <span
              className={`status-chip history-upstream ${upstream.Status === 'INSYNC' ? 'status-applied' : 'status-pending'}`}
              title={`Sent to Route 53 as ${upstream.Id}`}
            >
              Route 53 {upstream.Status}
            </span>
          )}
        </span>
        <span className="history-impact">
          {impact ? (
            impact.names.length ? (
              <span title="Share of population whose region changed (the most affected name)">
                {formatPercent(moved)} moved
              </span>
            ) : (
              <span className="muted">no moves</span>
            )
          ) : (
            <span className="muted">—</span>
          )}
        </span>
      </button>
      {expanded && (
        <div id={bodyId} className="history-body">
          <dl className="proposal-meta">
            <div>
              <dt>Change</dt>
              <dd className="mono">{shortId}</dd>
            </div>
            <div>
              <dt>Applied</dt>
              <dd>{formatTimestamp(c.SubmittedAt)}</dd>
            </div>
            <div>
              <dt>Author</dt>
              <dd>{c.Author ?? 'system (seed or startup)'}</dd>
            </div>
            {c.AppliedBy && c.AppliedBy !== c.Author && (
              <div>
                <dt>Applied by</dt>
                <dd>{c.AppliedBy}</dd>
              </div>
            )}
            {upstream && (
              <div>
                <dt>Route 53 change</dt>
                <dd>
                  <span className="mono">{upstream.Id.replace('/change/', '')}</span>{' '}
                  <span
                    className={`status-chip ${upstream.Status === 'INSYNC' ? 'status-applied' : 'status-pending'}`}
                  >
                    {upstream.Status}
                  </span>{' '}
                  <span className="muted" title={formatTimestamp(upstream.SubmittedAt)}>
                    sent {formatAge(upstream.SubmittedAt, Date.now())}
                  </span>
                </dd>
              </div>
            )}
            {c.ProposalId && (
              <div>
                <dt>Proposal</dt>
                <dd>
                  <button
                    type="button"
                    className="link-button"
                    title="Open it in Review"
                    onClick={() => c.ProposalId && onProposed(c.ProposalId)}
                  >
                    <span className="mono">{c.ProposalId}</span>
                  </button>
                </dd>
              </div>
            )}
          </dl>
          <RecordDiff rows={rows} label={`Changes in v${c.Version}`} summary={false} />
          <h4 className="section-title">Impact at the time</h4>
          {impact ? (
            <ImpactSummary impact={impact} heading={`Impact of v${c.Version}`} />
          ) : (
            <p className="muted">No impact was recorded for this batch.</p>
          )}
          {!readOnly && (
            <div className="history-actions">
              <button
                type="button"
                className="button"
                disabled={!propose.allowed || rollback.isPending}
                title={
                  propose.allowed
                    ? 'Make the inverse batch as a proposal to review'
                    : propose.reason
                }
                onClick={() => run(false)}
              >
                Propose rollback
              </button>
              {atOnce.allowed && (
                <button
                  type="button"
                  className="button button-danger-quiet"
                  disabled={rollback.isPending}
                  title="Apply the inverse batch at once, without review (admin)"
                  onClick={() => setConfirming(true)}
                >
                  Roll back now…
                </button>
              )}
              {rollback.isPending && <span className="muted">Working…</span>}
            </div>
          )}
          {error && (
            <div className="state-error proposal-error" role="alert">
              {error}
            </div>
          )}
          <ConfirmDialog
            open={confirming}
            title={`Roll back v${c.Version} now?`}
            confirmLabel="Roll back now"
            danger
            busy={rollback.isPending}
            onCancel={() => setConfirming(false)}
            onConfirm={() => run(true)}
          >
            <p>
              The inverse of this batch ({rows.length} {rows.length === 1 ? 'change' : 'changes'})
              is applied to the live zone at once, without review. It is recorded in the history
              under your name and can itself be rolled back.
            </p>
          </ConfirmDialog>
        </div>
      )}
    </li>
  );
}
