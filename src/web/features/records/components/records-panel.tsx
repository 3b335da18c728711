import { lazy, Suspense, useId, useMemo, useState } from 'react';
import { displayName, normalizeName } from '../../../../engine/names';
import type { ResourceRecordSet } from '../../../../engine/types';
import { ConfirmDialog } from '../../../components/dialog';
import { EmptyState, ErrorState, Skeleton } from '../../../components/states';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-client';
import { useSession } from '../../../lib/use-session';
import { useChangeRecordSets } from '../api/change-record-sets';
import { draftMarks, zoneWithDraft } from '../lib/draft';
import { useDraft } from '../lib/draft-store';
import { type SaveMode, saveModeFor } from '../lib/save-mode';

/** Loaded when a draft is open: it brings the engine's batch planner with it. */
const DraftTray = lazy(() => import('./draft-tray').then((m) => ({ default: m.DraftTray })));

import { type RecordHealth, RecordTable } from './record-table';

export interface RecordsPanelProps {
  zoneId: string;
  zoneName: string;
  records: ResourceRecordSet[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  selected: { name: string; type: string } | null;
  /** The zone's setting: apply only proposals approved by someone other than their author. */
  requireApproval: boolean;
  onSelectRecord: (r: ResourceRecordSet) => void;
  onCreate: () => void;
  onEdit: (r: ResourceRecordSet) => void;
  onImport: () => void;
  /** A draft became proposal `pid` (the app shows it in Review). */
  onProposed: (pid: string) => void;
  /** Live health per health check id, shown in the table (composed by the app). */
  healthOf?: (healthCheckId: string) => RecordHealth | undefined;
}

/** The Records tab: table, toolbar, draft tray, delete confirmation, and the loading/empty/error states. */
export function RecordsPanel(props: RecordsPanelProps) {
  const { zoneId, zoneName, records, loading, error, onRetry, requireApproval } = props;
  const [deleting, setDeleting] = useState<ResourceRecordSet | null>(null);
  const remove = useChangeRecordSets(zoneId);
  const toast = useToast();
  const session = useSession();
  const draft = useDraft(zoneId);
  const mode = saveModeFor(session.viewer, requireApproval, draft.propose);
  const drafting = mode.kind === 'draft';
  const shown = useMemo(
    () => (records && drafting ? zoneWithDraft(records, draft.entries) : records),
    [records, drafting, draft.entries],
  );
  const marks = useMemo(
    () => (drafting ? draftMarks(draft.entries) : undefined),
    [drafting, draft.entries],
  );

  if (loading) return <Skeleton rows={8} label="Loading record sets" />;
  if (error || !records || !shown)
    return <ErrorState title="Could not load the record sets" error={error} onRetry={onRetry} />;

  const readOnly = mode.kind === 'read-only';
  const toolbar = (
    <ModeControls
      mode={mode}
      requireApproval={requireApproval}
      propose={draft.propose}
      onPropose={draft.setPropose}
      onCreate={props.onCreate}
      onSignIn={() => session.openSignIn()}
      signedIn={session.token !== null}
    />
  );

  // Every hosted zone holds its own apex NS and SOA: with nothing else it is still "empty".
  const apex = normalizeName(zoneName);
  const ownApex = (r: ResourceRecordSet) =>
    (r.Type === 'NS' || r.Type === 'SOA') && normalizeName(r.Name) === apex;
  if (records.every(ownApex) && draft.entries.length === 0) {
    const nameServers = records.find((r) => r.Type === 'NS')?.ResourceRecords ?? [];
    return (
      <EmptyState
        title={`${zoneName} has no records yet`}
        actions={
          readOnly ? (
            toolbar
          ) : (
            <>
              <button type="button" className="button button-primary" onClick={props.onCreate}>
                Create record
              </button>
              <button type="button" className="button" onClick={props.onImport}>
                Import Route 53 JSON
              </button>
            </>
          )
        }
      >
        A latency record answers a name from one AWS region; give a name records in several regions
        and each user gets the one with the lowest estimated round trip. Create one here, or import
        a zone exported with <code>aws route53 list-resource-record-sets</code>.
        {nameServers.length > 0 ? (
          <>
            {' '}
            The zone already has its own NS and SOA records; its name servers are{' '}
            {nameServers.map((v, i) => (
              <span key={v.Value}>
                {i > 0 ? ', ' : ''}
                <code>{v.Value}</code>
              </span>
            ))}
            .
          </>
        ) : null}
      </EmptyState>
    );
  }

  function confirmDelete() {
    const r = deleting;
    if (!r) return;
    setDeleting(null);
    const label = `${displayName(r.Name)} ${r.Type}${r.SetIdentifier ? ` ${r.SetIdentifier}` : ''}`;
    if (drafting) {
      // The tray below the table shows it: no toast over its Submit button.
      draft.add([{ Action: 'DELETE', ResourceRecordSet: r }]);
      return;
    }
    remove.mutate(
      { Comment: `Delete ${label}`, Changes: [{ Action: 'DELETE', ResourceRecordSet: r }] },
      {
        onSuccess: () => toast.show(`Deleted ${label}`, 'success'),
        onError: (e) => toast.show(`Could not delete ${label}: ${errorMessage(e)}`, 'error'),
      },
    );
  }

  return (
    <div className={drafting ? 'records-panel is-drafting' : 'records-panel'}>
      <RecordTable
        records={shown}
        selected={props.selected}
        onSelectRow={props.onSelectRecord}
        onEdit={readOnly ? undefined : props.onEdit}
        onDelete={readOnly ? undefined : setDeleting}
        marks={marks}
        actions={toolbar}
        healthOf={props.healthOf}
      />
      {drafting && (
        <Suspense fallback={null}>
          <DraftTray
            zoneId={zoneId}
            zoneName={zoneName}
            records={records}
            draft={draft}
            forced={mode.forced}
            onProposed={props.onProposed}
          />
        </Suspense>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={drafting ? 'Add a delete to the draft?' : 'Delete record set?'}
        confirmLabel={drafting ? 'Add to draft' : 'Delete'}
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={confirmDelete}
      >
        {deleting && (
          <p>
            <span className="mono">{displayName(deleting.Name)}</span> {deleting.Type}
            {deleting.SetIdentifier && (
              <>
                {' '}
                · set <span className="mono">{deleting.SetIdentifier}</span>
              </>
            )}
            {deleting.Region && <> · {deleting.Region}</>} will stop answering
            {drafting ? ' once the proposal is approved and applied.' : '.'}
            {deleting.Region
              ? ' Users it served move to the next closest region of this name.'
              : ' Resolvers stop getting it once their cached copy expires.'}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}

function ModeControls({
  mode,
  requireApproval,
  propose,
  onPropose,
  onCreate,
  onSignIn,
  signedIn,
}: {
  mode: SaveMode;
  requireApproval: boolean;
  propose: boolean;
  onPropose: (on: boolean) => void;
  onCreate: () => void;
  onSignIn: () => void;
  signedIn: boolean;
}) {
  const toggleId = useId();
  if (mode.kind === 'read-only') {
    return (
      <span className="read-only-note" title={mode.reason}>
        <span className="muted">Read only</span>
        {!signedIn && (
          <button type="button" className="button button-small" onClick={onSignIn}>
            Sign in to edit
          </button>
        )}
      </span>
    );
  }
  const forced = mode.kind === 'draft' && mode.forced;
  return (
    <>
      {requireApproval && (
        <span
          className="approval-badge"
          title="Changes need approval by someone other than the author before they go live"
        >
          Approval required
        </span>
      )}
      <label
        className="checkbox propose-toggle"
        htmlFor={toggleId}
        title={
          forced
            ? (mode.reason ?? undefined)
            : 'Collect edits in a draft and submit them for review instead of saving each at once'
        }
      >
        <input
          id={toggleId}
          type="checkbox"
          checked={forced || propose}
          disabled={forced}
          onChange={(e) => onPropose(e.target.checked)}
        />
        Propose instead of apply
      </label>
      <button type="button" className="button button-primary" onClick={onCreate}>
        Create record
      </button>
    </>
  );
}
