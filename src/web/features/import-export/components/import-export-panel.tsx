import { type ChangeEvent, useDeferredValue, useId, useMemo, useRef, useState } from 'react';
import type { ChangeError, ResourceRecordSet } from '../../../../engine/types';
import { RecordDiff } from '../../../components/record-diff';
import { Skeleton } from '../../../components/states';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { useCreateProposal } from '../../../lib/create-proposal';
import { canPropose, canWriteDirectly } from '../../../lib/permissions';
import { describeRecordSet, diffRowsFromListing } from '../../../lib/record-diff';
import { useSession } from '../../../lib/use-session';
import { useApplyChangeBatch } from '../api/apply-change-batch';
import {
  downloadText,
  exportChangeBatch,
  exportListing,
  ROUTE53_MAX_CHANGES,
} from '../lib/export-zone';
import { parseRoute53Json } from '../lib/parse-route53-json';
import { type ImportPlan, planImport } from '../lib/plan-import';

export interface ImportExportPanelProps {
  zoneId: string;
  zoneName: string;
  records: ResourceRecordSet[] | undefined;
  /** The zone's setting: with the operator's role it decides between applying and proposing. */
  requireApproval: boolean;
  /** After a successful apply (the app shows the records). */
  onApplied?: () => void;
  /** The import became proposal `pid` (the app shows it in Review). */
  onProposed?: (pid: string) => void;
}

/** Apply at once, propose for review (the zone requires approval), or neither (read only). */
type SubmitMode =
  | { kind: 'apply' }
  | { kind: 'propose'; why: string }
  | { kind: 'none'; why: string };

/** Import Route 53 JSON with a diff and the engine's verdict before anything is applied; export the zone. */
export function ImportExportPanel({
  zoneId,
  zoneName,
  records,
  requireApproval,
  onApplied,
  onProposed,
}: ImportExportPanelProps) {
  const textId = useId();
  const fileId = useId();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [deleteMissing, setDeleteMissing] = useState(false);
  const [serverErrors, setServerErrors] = useState<ChangeError[] | string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const apply = useApplyChangeBatch(zoneId);
  const propose = useCreateProposal(zoneId);
  const toast = useToast();
  const { viewer } = useSession();
  const direct = canWriteDirectly(viewer, requireApproval);
  const proposing = canPropose(viewer);
  const submitMode: SubmitMode = direct.allowed
    ? { kind: 'apply' }
    : proposing.allowed
      ? { kind: 'propose', why: direct.allowed ? '' : direct.reason }
      : { kind: 'none', why: proposing.allowed ? '' : proposing.reason };

  const deferredText = useDeferredValue(text);
  const parsed = useMemo(() => parseRoute53Json(deferredText), [deferredText]);

  const plan = useMemo<ImportPlan | { failure: string } | null>(() => {
    if (!records || (parsed.kind !== 'listing' && parsed.kind !== 'batch')) return null;
    try {
      return planImport(zoneName, records, parsed, {
        deleteMissing,
        comment: `Import${fileName ? ` of ${fileName}` : ''} (list-resource-record-sets)`,
      });
    } catch (e) {
      return { failure: errorMessage(e) };
    }
  }, [records, parsed, deleteMissing, zoneName, fileName]);

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    setText(await file.text());
    setFileName(file.name);
    setServerErrors(null);
  }

  function clear() {
    setText('');
    setFileName(null);
    setServerErrors(null);
    if (fileRef.current) fileRef.current.value = '';
  }

  function onApply() {
    if (!plan || 'failure' in plan || !plan.batch || plan.errors.length) return;
    const n = plan.batch.Changes.length;
    const onError = (err: Error) => {
      if (err instanceof ApiError && err.details.length) {
        setServerErrors(
          err.details.map((d) => ({
            change: d.change ?? -1,
            field: d.field ?? '',
            message: d.message,
          })),
        );
      } else setServerErrors(errorMessage(err));
    };
    if (submitMode.kind === 'propose') {
      propose.mutate(plan.batch, {
        onSuccess: (p) => {
          toast.show(
            `Submitted ${n} ${n === 1 ? 'change' : 'changes'} for review as ${p.id}`,
            'success',
          );
          clear();
          onProposed?.(p.id);
        },
        onError,
      });
      return;
    }
    apply.mutate(plan.batch, {
      onSuccess: () => {
        toast.show(`Applied ${n} ${n === 1 ? 'change' : 'changes'} to ${zoneName}`, 'success');
        clear();
        onApplied?.();
      },
      onError,
    });
  }

  const stale = text !== deferredText;
  return (
    <div className="import-export">
      <div className="import-export-side">
        <section className="panel-section" aria-labelledby={`${textId}-h`}>
          <h2 id={`${textId}-h`} className="section-title">
            Import Route 53 JSON
          </h2>
          <p className="muted section-help">
            Paste or upload the output of <code>aws route53 list-resource-record-sets</code> (the
            zone as it should be) or a <code>--change-batch</code> file. Nothing changes until you
            apply.
          </p>
          <div className="import-inputs">
            <label htmlFor={fileId} className="button">
              Upload JSON file…
            </label>
            <input
              ref={fileRef}
              id={fileId}
              type="file"
              accept=".json,application/json"
              className="visually-hidden-file"
              aria-label="Upload Route 53 JSON file"
              onChange={(e) => void onFile(e)}
            />
            {fileName && <span className="mono muted import-file-name">{fileName}</span>}
            <span className="toolbar-spacer" />
            {text && (
              <button type="button" className="button button-quiet" onClick={clear}>
                Clear
              </button>
            )}
          </div>
          <label htmlFor={textId} className="field-label">
            Route 53 JSON
          </label>
          <textarea
            id={textId}
            className="input mono import-text"
            rows={10}
            spellCheck={false}
            placeholder={'{ "ResourceRecordSets": [ … ] }\n\nor\n\n{ "Changes": [ … ] }'}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setFileName(null);
              setServerErrors(null);
            }}
          />
        </section>
        <ExportSection zoneName={zoneName} records={records} />
      </div>
      <section className="panel-section import-review" aria-label="Import review">
        {!records ? (
          <Skeleton rows={3} label="Loading the zone" />
        ) : parsed.kind === 'empty' ? (
          <p className="muted import-placeholder">
            The changes a file would make to {zoneName} show here, checked with the same rules the
            server applies, before anything is applied.
          </p>
        ) : (
          <ImportReview
            parsed={parsed}
            plan={plan}
            stale={stale}
            deleteMissing={deleteMissing}
            onDeleteMissing={setDeleteMissing}
            serverErrors={serverErrors}
            applying={apply.isPending || propose.isPending}
            submitMode={submitMode}
            onApply={onApply}
            zoneName={zoneName}
          />
        )}
      </section>
    </div>
  );
}

function ImportReview(props: {
  parsed: ReturnType<typeof parseRoute53Json>;
  plan: ImportPlan | { failure: string } | null;
  stale: boolean;
  deleteMissing: boolean;
  onDeleteMissing: (v: boolean) => void;
  serverErrors: ChangeError[] | string | null;
  applying: boolean;
  submitMode: SubmitMode;
  onApply: () => void;
  zoneName: string;
}) {
  const { parsed, plan, serverErrors } = props;
  if (parsed.kind === 'empty') return null;
  if (parsed.kind === 'error') {
    return (
      <div className="import-result state-error" role="alert">
        <strong>This is not a file Route 53 would accept</strong>
        <ul className="problem-list">
          {parsed.problems.map((p) => (
            <li key={`${p.where}:${p.message}`}>
              <span className="mono">{p.where}</span>: {p.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (!plan) return null;
  if ('failure' in plan) {
    return (
      <div className="import-result state-error" role="alert">
        Could not compare with the zone: {plan.failure}
      </div>
    );
  }
  const { diff, errors, batch } = plan;
  const changeCount = batch?.Changes.length ?? 0;
  const changeLabel = (c: ChangeError) => {
    const change = batch?.Changes[c.change];
    return change
      ? `Change ${c.change + 1} (${change.Action} ${describeRecordSet(change.ResourceRecordSet)})`
      : 'Batch';
  };
  return (
    <div className="import-result" aria-busy={props.stale || undefined}>
      <p className="import-kind">
        {parsed.kind === 'listing' ? (
          <>
            <strong>list-resource-record-sets output</strong> · {parsed.records.length} record sets
          </>
        ) : (
          <>
            <strong>Change batch</strong> · {parsed.batch.Changes.length}{' '}
            {parsed.batch.Changes.length === 1 ? 'change' : 'changes'}
            {parsed.batch.Comment && <> · “{parsed.batch.Comment}”</>}
          </>
        )}
      </p>
      {parsed.kind === 'listing' && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={props.deleteMissing}
            onChange={(e) => props.onDeleteMissing(e.target.checked)}
          />
          Also delete records missing from the file
          {!props.deleteMissing && plan.kept > 0 && (
            <span className="muted"> ({plan.kept} in the zone but not in the file stay)</span>
          )}
        </label>
      )}
      <div className="form-actions import-actions">
        {errors.length === 0 && changeCount > 0 && (
          <span className="form-hint valid-hint">Valid against {props.zoneName} as it is now.</span>
        )}
        {changeCount === 0 && (
          <span className="form-hint">The zone already matches this file.</span>
        )}
        {changeCount > 0 && (
          <button
            type="button"
            className="button button-primary"
            disabled={
              errors.length > 0 || props.applying || props.stale || props.submitMode.kind === 'none'
            }
            title={props.submitMode.kind === 'apply' ? undefined : props.submitMode.why}
            onClick={props.onApply}
          >
            {props.applying
              ? props.submitMode.kind === 'propose'
                ? 'Submitting…'
                : 'Applying…'
              : `${props.submitMode.kind === 'propose' ? 'Propose' : 'Apply'} ${changeCount} ${changeCount === 1 ? 'change' : 'changes'}`}
          </button>
        )}
      </div>
      {errors.length > 0 && (
        <div className="state-error import-errors" role="alert">
          <strong>
            {errors.length} {errors.length === 1 ? 'problem' : 'problems'}: nothing can be applied
            until the file is fixed
          </strong>
          <ul className="problem-list">
            {errors.map((e) => (
              <li key={`${e.change}:${e.field}:${e.message}`}>
                {changeLabel(e)} · <span className="mono">{e.field}</span>: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {serverErrors && (
        <div className="state-error import-errors" role="alert">
          <strong>The server refused the batch; nothing was applied</strong>
          {typeof serverErrors === 'string' ? (
            <p>{serverErrors}</p>
          ) : (
            <ul className="problem-list">
              {serverErrors.map((e) => (
                <li key={`${e.change}:${e.field}:${e.message}`}>
                  {e.change >= 0 ? changeLabel(e) : 'Batch'} ·{' '}
                  <span className="mono">{e.field}</span>: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <RecordDiff
        rows={diffRowsFromListing(diff)}
        unchanged={diff.unchanged.length}
        label="Changes this import makes"
      />
    </div>
  );
}

function ExportSection({
  zoneName,
  records,
}: {
  zoneName: string;
  records: ResourceRecordSet[] | undefined;
}) {
  const base = zoneName.replace(/\.$/, '');
  const batchSize = records ? exportChangeBatch(records, zoneName).Changes.length : 0;
  return (
    <section className="panel-section export-section" aria-labelledby="export-h">
      <h2 id="export-h" className="section-title">
        Export
      </h2>
      <p className="muted section-help">
        {records ? `${records.length} record sets in ${base}.` : 'Loading…'}
      </p>
      <div className="export-actions">
        <button
          type="button"
          className="button"
          disabled={!records?.length}
          onClick={() => records && downloadText(`${base}.rrsets.json`, exportListing(records))}
        >
          Download listing (JSON)
        </button>
        <p className="field-help">
          As <code>aws route53 list-resource-record-sets</code> prints it; import it here to
          restore.
        </p>
        <button
          type="button"
          className="button"
          disabled={!batchSize}
          onClick={() =>
            records &&
            downloadText(
              `${base}.change-batch.json`,
              `${JSON.stringify(exportChangeBatch(records, zoneName), null, 2)}\n`,
            )
          }
        >
          Download change batch
        </button>
        <p className="field-help">
          UPSERT of every set except the apex NS/SOA, for{' '}
          <code>aws route53 change-resource-record-sets --change-batch file://…</code>
          {batchSize > ROUTE53_MAX_CHANGES &&
            ` (${batchSize} changes: Route 53 takes at most ${ROUTE53_MAX_CHANGES} per call, so split it)`}
          .
        </p>
      </div>
    </section>
  );
}
