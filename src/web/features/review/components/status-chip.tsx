import type { ProposalStatus } from '../../../../shared/proposals';

/** A proposal's status as a coloured word. */
export function StatusChip({ status }: { status: ProposalStatus }) {
  return <span className={`status-chip status-${status}`}>{status}</span>;
}
