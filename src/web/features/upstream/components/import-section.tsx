import { useMemo, useState } from 'react';
import type { ResourceRecordSet } from '../../../../engine/types';
import { ConfirmDialog } from '../../../components/dialog';
import { RecordDiff } from '../../../components/record-diff';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-client';
import type { Permission } from '../../../lib/permissions';
import { useApplyImport, useImportPreview } from '../api/upstream';
import { diffRowsOfBatch } from '../lib/upstream-batches';

/** "Preview import" (the dry run as a diff against this zone), then "Apply import" (admin). */
export function ImportSection({
  zoneId,
  zoneName,
  hostedZoneId,
  records,
  permission,
  onImported,
}: {
  zoneId: string;
  zoneName: string;
  hostedZoneId: string;
  records: readonly ResourceRecordSet[] | undefined;
  permission: Permission;
  onImported: () => void;
}) {
  const preview = useImportPreview(zoneId);
  const apply = useApplyImport(zoneId);
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const batch = preview.data?.ChangeBatch;
  const rows = useMemo(
    () => (batch && records ? diffRowsOfBatch(records, batch) : []),
    [batch, records],
  );
  const n = batch?.Changes.length ?? 0;

  function run() {
    setConfirming(false);
    apply.mutate(undefined, {
      onSuccess: (r) => {
        preview.reset();
        toast.show(
          r.ChangeInfo
            ? `Imported ${n} ${n === 1 ? 'change' : 'changes'} from ${hostedZoneId}`
            : `${zoneName} already matches ${hostedZoneId}`,
          'success',
        );
        onImported();
      },
    });
  }

  return (
    <section className="panel-section upstream-section" aria-labelledby={`${zoneId}-import-h`}>
      <h3 id={`${zoneId}-import-h`} className="section-title">
        Import from Route 53
      </h3>
      <p className="muted section-help">
        Reads every record set of {hostedZoneId} and shows the batch that makes {zoneName} equal to
        it (the apex SOA and NS stay as they are). Nothing changes until you apply it.
      </p>
      <div className="upstream-actions">
        <button
          type="button"
          className="button"
          disabled={!permission.allowed || preview.isPending}
          title={permission.allowed ? undefined : permission.reason}
          onClick={() => {
            apply.reset();
            preview.mutate();
          }}
        >
          {preview.isPending ? 'Reading Route 53…' : 'Preview import'}
        </button>
        {batch && n > 0 && (
          <button
            type="button"
            className="button button-primary"
            disabled={!permission.allowed || apply.isPending}
            onClick={() => setConfirming(true)}
          >
            {apply.isPending
              ? 'Importing…'
              : `Apply import (${n} ${n === 1 ? 'change' : 'changes'})`}
          </button>
        )}
      </div>
      {preview.error && (
        <div className="state-error upstream-error" role="alert">
          Could not read upstream: {errorMessage(preview.error)}
        </div>
      )}
      {apply.error && (
        <div className="state-error upstream-error" role="alert">
          Nothing was imported: {errorMessage(apply.error)}
        </div>
      )}
      {batch && n === 0 && (
        <p className="upstream-ok" role="status">
          {zoneName} already matches {hostedZoneId}.
        </p>
      )}
      {batch && n > 0 && <RecordDiff rows={rows} label="Changes the import makes" />}
      {preview.data && preview.data.skipped.length > 0 && (
        <div className="upstream-skipped">
          <strong>
            {preview.data.skipped.length} upstream{' '}
            {preview.data.skipped.length === 1 ? 'set is' : 'sets are'} left out
          </strong>{' '}
          <span className="muted">(a kind of record set latency-atlas cannot hold)</span>
          <ul className="problem-list">
            {preview.data.skipped.map((s) => (
              <li key={`${s.Name}|${s.Type}|${s.SetIdentifier ?? ''}`} className="mono">
                {s.Name} {s.Type}
                {s.SetIdentifier ? ` · ${s.SetIdentifier}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Import ${n} ${n === 1 ? 'change' : 'changes'} into ${zoneName}?`}
        confirmLabel="Apply import"
        busy={apply.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={run}
      >
        <p>
          The batch is applied to {zoneName} here only (upstream already has these records). It is
          recorded in History under your name and can be rolled back.
        </p>
      </ConfirmDialog>
    </section>
  );
}
