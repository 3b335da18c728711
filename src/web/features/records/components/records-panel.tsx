import { useState } from 'react';
import { displayName } from '../../../../engine/names';
import type { ResourceRecordSet } from '../../../../engine/types';
import { ConfirmDialog } from '../../../components/dialog';
import { EmptyState, ErrorState, Skeleton } from '../../../components/states';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-client';
import { useChangeRecordSets } from '../api/change-record-sets';
import { RecordTable } from './record-table';

export interface RecordsPanelProps {
  zoneId: string;
  zoneName: string;
  records: ResourceRecordSet[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  selected: { name: string; type: string } | null;
  onSelectRecord: (r: ResourceRecordSet) => void;
  onCreate: () => void;
  onEdit: (r: ResourceRecordSet) => void;
  onImport: () => void;
}

/** The Records tab: table, toolbar, delete confirmation, and the loading/empty/error states. */
export function RecordsPanel(props: RecordsPanelProps) {
  const { zoneId, zoneName, records, loading, error, onRetry } = props;
  const [deleting, setDeleting] = useState<ResourceRecordSet | null>(null);
  const remove = useChangeRecordSets(zoneId);
  const toast = useToast();

  if (loading) return <Skeleton rows={8} label="Loading record sets" />;
  if (error || !records)
    return <ErrorState title="Could not load the record sets" error={error} onRetry={onRetry} />;
  if (records.length === 0) {
    return (
      <EmptyState
        title={`${zoneName} has no records yet`}
        actions={
          <>
            <button type="button" className="button button-primary" onClick={props.onCreate}>
              Create record
            </button>
            <button type="button" className="button" onClick={props.onImport}>
              Import Route 53 JSON
            </button>
          </>
        }
      >
        A latency record answers a name from one AWS region; give a name records in several regions
        and each user gets the one with the lowest estimated round trip. Create one here, or import
        a zone exported with <code>aws route53 list-resource-record-sets</code>.
      </EmptyState>
    );
  }

  function confirmDelete() {
    const r = deleting;
    if (!r) return;
    setDeleting(null);
    const label = `${displayName(r.Name)} ${r.Type}${r.SetIdentifier ? ` ${r.SetIdentifier}` : ''}`;
    remove.mutate(
      { Comment: `Delete ${label}`, Changes: [{ Action: 'DELETE', ResourceRecordSet: r }] },
      {
        onSuccess: () => toast.show(`Deleted ${label}`, 'success'),
        onError: (e) => toast.show(`Could not delete ${label}: ${errorMessage(e)}`, 'error'),
      },
    );
  }

  return (
    <>
      <RecordTable
        records={records}
        selected={props.selected}
        onSelectRow={props.onSelectRecord}
        onEdit={props.onEdit}
        onDelete={setDeleting}
        actions={
          <button type="button" className="button button-primary" onClick={props.onCreate}>
            Create record
          </button>
        }
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete record set?"
        confirmLabel="Delete"
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
            {deleting.Region && <> · {deleting.Region}</>} will stop answering.
            {deleting.Region
              ? ' Users it served move to the next closest region of this name.'
              : ' Resolvers stop getting it once their cached copy expires.'}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
