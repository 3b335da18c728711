import { useEffect, useMemo, useState } from 'react';
import { displayName } from '../../../../engine/names';
import type { ResourceRecordSet } from '../../../../engine/types';
import type { DriftDifference } from '../../../../shared/upstream';
import { Dialog } from '../../../components/dialog';
import { RecordDiff } from '../../../components/record-diff';
import { Skeleton } from '../../../components/states';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-client';
import { useCreateProposal } from '../../../lib/create-proposal';
import { formatAge, formatTimestamp } from '../../../lib/format';
import type { Permission } from '../../../lib/permissions';
import { recordValuesText } from '../../../lib/record-diff';
import { useDrift, usePushLocal, usePushPreview } from '../api/upstream';
import { diffRowsOfBatch, driftKind, takeUpstreamBatch } from '../lib/upstream-batches';

const KIND_LABEL = {
  differs: 'differs',
  'only-upstream': 'only upstream',
  'only-local': 'only here',
} as const;

function SetValues({ r }: { r: ResourceRecordSet | null }) {
  if (!r) return <span className="muted">(none)</span>;
  return (
    <>
      <span className="mono">{recordValuesText(r)}</span>
      {r.Region && <span className="muted"> · {r.Region}</span>}
    </>
  );
}

/**
 * Drift: upstream compared with this zone set by set, checked on opening and on "Check now";
 * "Take upstream" proposes upstream's sets (reviewed like any change), "Push local" (admin)
 * sends this zone's sets upstream after showing the batch.
 */
export function DriftSection({
  zoneId,
  zoneName,
  hostedZoneId,
  propose,
  manage,
  onProposed,
}: {
  zoneId: string;
  zoneName: string;
  hostedZoneId: string;
  propose: Permission;
  manage: Permission;
  onProposed: (pid: string) => void;
}) {
  const drift = useDrift(zoneId, true);
  const create = useCreateProposal(zoneId);
  const toast = useToast();
  const [proposed, setProposed] = useState<{ id: string; count: number } | null>(null);
  const [proposeError, setProposeError] = useState<string | null>(null);
  const [pushing, setPushing] = useState(false);
  const differences = drift.data?.differences ?? [];

  function takeUpstream(list: readonly DriftDifference[]) {
    const batch = takeUpstreamBatch(
      list,
      list.length === 1 && list[0]
        ? `Take upstream ${displayName(list[0].Name)} ${list[0].Type} from ${hostedZoneId}`
        : `Take upstream from ${hostedZoneId}`,
    );
    if (!batch) return;
    setProposeError(null);
    create.mutate(batch, {
      onSuccess: (p) => {
        setProposed({ id: p.id, count: batch.Changes.length });
        toast.show(
          `Proposed upstream's ${batch.Changes.length === 1 ? 'set' : 'sets'} as ${p.id}`,
          'success',
        );
      },
      onError: (err) => setProposeError(errorMessage(err)),
    });
  }

  const checked = drift.data?.checkedAt;
  return (
    <section className="panel-section upstream-section" aria-labelledby={`${zoneId}-drift-h`}>
      <div className="upstream-section-head">
        <h3 id={`${zoneId}-drift-h`} className="section-title">
          Drift
        </h3>
        {drift.data && (
          <span
            className={`status-chip ${drift.data.drifted ? 'status-pending' : 'status-applied'}`}
          >
            {drift.data.drifted
              ? `${differences.length} ${differences.length === 1 ? 'set differs' : 'sets differ'}`
              : 'in sync'}
          </span>
        )}
        {checked && (
          <span className="muted" title={formatTimestamp(checked)}>
            checked {formatAge(checked, Date.now())}
          </span>
        )}
        <button
          type="button"
          className="button button-small"
          disabled={drift.isFetching}
          onClick={() => void drift.refetch()}
        >
          {drift.isFetching ? 'Checking…' : 'Check now'}
        </button>
      </div>
      <p className="muted section-help">
        Someone may change {hostedZoneId} in Route 53 directly. While it differs, saves here are
        refused (an admin may push anyway); take upstream's sets, or push this zone's.
      </p>
      {drift.isPending && <Skeleton rows={2} label="Checking upstream" />}
      {drift.error && (
        <div className="state-error upstream-error" role="alert">
          Could not check upstream: {errorMessage(drift.error)}
        </div>
      )}
      {differences.length > 0 && (
        <>
          <div className="diff-scroll">
            <table className="table upstream-drift-table" aria-label="Differences from upstream">
              <thead>
                <tr>
                  <th scope="col">Record set</th>
                  <th scope="col">Here ({zoneName.replace(/\.$/, '')})</th>
                  <th scope="col">Upstream ({hostedZoneId})</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {differences.map((d) => {
                  const kind = driftKind(d);
                  return (
                    <tr key={`${d.Name}|${d.Type}|${d.SetIdentifier ?? ''}`}>
                      <td>
                        <div className="diff-id-name">{displayName(d.Name)}</div>
                        <div className="diff-id-meta">
                          {[d.Type, d.SetIdentifier].filter(Boolean).join(' · ')}{' '}
                          <span
                            className={`diff-chip ${kind === 'differs' ? 'diff-changed' : kind === 'only-upstream' ? 'diff-added' : 'diff-removed'}`}
                          >
                            {KIND_LABEL[kind]}
                          </span>
                        </div>
                      </td>
                      <td>
                        <SetValues r={d.local} />
                      </td>
                      <td>
                        <SetValues r={d.upstream} />
                      </td>
                      <td className="upstream-row-actions">
                        <button
                          type="button"
                          className="button button-small"
                          disabled={!propose.allowed || create.isPending}
                          title={
                            propose.allowed
                              ? `Propose ${kind === 'only-local' ? 'deleting this set here' : "upstream's set"} for review`
                              : propose.reason
                          }
                          aria-label={`Take upstream for ${displayName(d.Name)} ${d.Type}${d.SetIdentifier ? ` ${d.SetIdentifier}` : ''}`}
                          onClick={() => takeUpstream([d])}
                        >
                          Take upstream
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="upstream-actions">
            {differences.length > 1 && (
              <button
                type="button"
                className="button"
                disabled={!propose.allowed || create.isPending}
                title={
                  propose.allowed
                    ? "A proposal that makes every set here upstream's, reviewed like any change"
                    : propose.reason
                }
                onClick={() => takeUpstream(differences)}
              >
                {create.isPending ? 'Proposing…' : `Take upstream for all ${differences.length}`}
              </button>
            )}
            <button
              type="button"
              className="button"
              disabled={!manage.allowed}
              title={
                manage.allowed
                  ? 'Show the batch that makes upstream equal this zone, then send it'
                  : manage.reason
              }
              onClick={() => setPushing(true)}
            >
              Push local…
            </button>
          </div>
        </>
      )}
      {proposed && (
        <p className="upstream-ok" role="status">
          Proposed {proposed.count} {proposed.count === 1 ? 'change' : 'changes'} as{' '}
          <span className="mono">{proposed.id}</span>: it is reviewed like any change.{' '}
          <button type="button" className="link-button" onClick={() => onProposed(proposed.id)}>
            Open in Review
          </button>
        </p>
      )}
      {proposeError && (
        <div className="state-error upstream-error" role="alert">
          Could not propose: {proposeError}
        </div>
      )}
      {pushing && (
        <PushDialog
          zoneId={zoneId}
          zoneName={zoneName}
          hostedZoneId={hostedZoneId}
          upstreamSets={differences.flatMap((d) => (d.upstream ? [d.upstream] : []))}
          onClose={() => setPushing(false)}
          onPushed={() => {
            setPushing(false);
            void drift.refetch();
          }}
        />
      )}
    </section>
  );
}

/** "Push local": the dry run's batch as a diff against upstream, sent on confirm. */
function PushDialog({
  zoneId,
  zoneName,
  hostedZoneId,
  upstreamSets,
  onClose,
  onPushed,
}: {
  zoneId: string;
  zoneName: string;
  hostedZoneId: string;
  upstreamSets: readonly ResourceRecordSet[];
  onClose: () => void;
  onPushed: () => void;
}) {
  const preview = usePushPreview(zoneId);
  const push = usePushLocal(zoneId);
  const toast = useToast();
  const { mutate: runPreview } = preview;
  // The dry run reads upstream once when the dialog opens.
  useEffect(() => runPreview(), [runPreview]);
  const batch = preview.data?.ChangeBatch;
  const rows = useMemo(
    () => (batch ? diffRowsOfBatch(upstreamSets, batch) : []),
    [batch, upstreamSets],
  );
  const n = batch?.Changes.length ?? 0;
  return (
    <Dialog
      open
      title={`Push ${zoneName.replace(/\.$/, '')} to ${hostedZoneId}?`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={!batch || n === 0 || push.isPending}
            onClick={() =>
              push.mutate(undefined, {
                onSuccess: (r) => {
                  toast.show(
                    `Sent ${n} ${n === 1 ? 'change' : 'changes'} to ${hostedZoneId}${r.upstreamChangeId ? ` (${r.upstreamChangeId})` : ''}`,
                    'success',
                  );
                  onPushed();
                },
              })
            }
          >
            {push.isPending ? 'Pushing…' : `Push ${n} ${n === 1 ? 'change' : 'changes'}`}
          </button>
        </>
      }
    >
      <p>
        This batch overwrites what {hostedZoneId} has with this zone's sets. Nothing changes in{' '}
        {zoneName} itself.
      </p>
      {preview.isPending && <Skeleton rows={3} label="Reading upstream" />}
      {preview.error && (
        <div className="state-error upstream-error" role="alert">
          {errorMessage(preview.error)}
        </div>
      )}
      {batch && n === 0 && <p className="upstream-ok">Upstream already matches this zone.</p>}
      {batch && n > 0 && <RecordDiff rows={rows} label="Changes the push makes upstream" />}
      {push.error && (
        <div className="state-error upstream-error" role="alert">
          Nothing was pushed: {errorMessage(push.error)}
        </div>
      )}
    </Dialog>
  );
}
