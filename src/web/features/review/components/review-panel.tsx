import './review.css';
import { type ReactNode, useEffect, useMemo } from 'react';
import type { ResourceRecordSet } from '../../../../engine/types';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../../../../shared/proposals';
import { EmptyState, ErrorState, Skeleton } from '../../../components/states';
import { formatAge } from '../../../lib/format';
import type { Viewer } from '../../../lib/permissions';
import { useProposals } from '../api/get-proposals';
import { orderProposals } from '../lib/order-proposals';
import { type CompareMapArgs, ProposalView } from './proposal-view';
import { StatusChip } from './status-chip';

export interface ReviewPanelProps {
  zoneId: string;
  zoneName: string;
  records: ResourceRecordSet[] | undefined;
  viewer: Viewer;
  /** The proposal shown (from the URL), or null for the first in the list. */
  proposalId: string | null;
  onSelectProposal: (pid: string, opts?: { replace?: boolean }) => void;
  status: ProposalStatus | null;
  onStatusChange: (status: ProposalStatus | null) => void;
  /** The zone's review policy control (the zones feature's, composed by the app). */
  settings: ReactNode;
  renderCompare: (args: CompareMapArgs) => ReactNode;
}

/** The Review tab: proposals (waiting ones first) and the one being reviewed. */
export function ReviewPanel(props: ReviewPanelProps) {
  const { zoneId, zoneName, proposalId, onSelectProposal, status } = props;
  const list = useProposals(zoneId, status);
  const ordered = useMemo(() => (list.data ? orderProposals(list.data) : []), [list.data]);
  const first = ordered[0]?.id;

  // No proposal in the URL: show the first one (replace: not a step the operator took).
  useEffect(() => {
    if (!proposalId && first) onSelectProposal(first, { replace: true });
  }, [proposalId, first, onSelectProposal]);

  return (
    <div className="review">
      <div className="review-toolbar">
        <fieldset className="segmented" aria-label="Status">
          <legend className="visually-hidden">Show proposals</legend>
          {([null, ...PROPOSAL_STATUSES] as const).map((s) => (
            <label key={s ?? 'all'} className={`segmented-item${s === status ? ' is-on' : ''}`}>
              <input
                type="radio"
                name="proposal-status"
                className="visually-hidden"
                checked={s === status}
                onChange={() => props.onStatusChange(s)}
              />
              {s ?? 'all'}
            </label>
          ))}
        </fieldset>
        <span className="toolbar-spacer" />
        {props.settings}
      </div>
      <div className="review-body">
        <nav className="proposal-list" aria-label="Proposals">
          {list.isPending ? (
            <Skeleton rows={5} label="Loading proposals" />
          ) : list.error ? (
            <ErrorState
              title="Could not load proposals"
              error={list.error}
              onRetry={() => void list.refetch()}
            />
          ) : ordered.length === 0 ? (
            <p className="muted proposal-list-empty">
              {status
                ? `No ${status} proposals in ${zoneName}.`
                : `No proposals in ${zoneName} yet.`}
            </p>
          ) : (
            <ul>
              {ordered.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    className={`proposal-item${p.id === proposalId ? ' is-selected' : ''}`}
                    aria-current={p.id === proposalId ? 'true' : undefined}
                    onClick={() => onSelectProposal(p.id)}
                  >
                    <span className="proposal-item-top">
                      <span className="proposal-item-comment">
                        {p.comment ?? <span className="muted">(no comment)</span>}
                      </span>
                      <StatusChip status={p.status} />
                    </span>
                    <span className="proposal-item-meta">
                      {p.author} · {formatAge(p.createdAt, Date.now())} ·{' '}
                      {p.changeBatch.Changes.length}{' '}
                      {p.changeBatch.Changes.length === 1 ? 'change' : 'changes'}
                      {p.rollbackOf ? ' · rollback' : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
        <div className="review-detail">
          {proposalId ? (
            <ProposalView
              key={proposalId}
              pid={proposalId}
              records={props.records}
              viewer={props.viewer}
              renderCompare={props.renderCompare}
            />
          ) : list.isPending ? null : (
            <EmptyState title="Nothing to review">
              Proposals appear here when someone submits a draft from Records (“Submit for review”)
              or proposes a rollback from History. Each shows its diff, its effect on users and a
              before/after map before anyone applies it.
            </EmptyState>
          )}
        </div>
      </div>
    </div>
  );
}
