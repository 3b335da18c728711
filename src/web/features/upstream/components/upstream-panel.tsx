import './upstream.css';
import { useState } from 'react';
import type { ResourceRecordSet } from '../../../../engine/types';
import type { UpstreamConnection } from '../../../../shared/upstream';
import { ConfirmDialog } from '../../../components/dialog';
import { ErrorState, Skeleton } from '../../../components/states';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-client';
import { formatAge, formatTimestamp } from '../../../lib/format';
import type { Permission, Viewer } from '../../../lib/permissions';
import { useDisconnectUpstream, useUpstream } from '../api/upstream';
import { maskedSecret } from '../lib/upstream-batches';
import { canManageUpstream } from '../lib/upstream-permissions';
import { ConnectForm } from './connect-form';
import { DriftSection } from './drift-section';
import { ImportSection } from './import-section';

export interface UpstreamPanelProps {
  zoneId: string;
  zoneName: string;
  records: readonly ResourceRecordSet[] | undefined;
  viewer: Viewer;
  /** Editors and up may propose (take upstream). */
  propose: Permission;
  /** A proposal was made (the app shows it in Review). */
  onProposed: (pid: string) => void;
  /** An import was applied (the app shows the records). */
  onImported: () => void;
}

/**
 * The Upstream tab: connect the zone to a Route 53 hosted zone, import from it, and watch and
 * settle drift. Once connected every applied change is sent upstream first (server side).
 */
export function UpstreamPanel(props: UpstreamPanelProps) {
  const { zoneId, zoneName, viewer } = props;
  const upstream = useUpstream(zoneId);
  if (upstream.isPending) return <Skeleton rows={5} label="Loading the upstream connection" />;
  if (upstream.error)
    return (
      <ErrorState
        title="Could not load the upstream connection"
        error={upstream.error}
        onRetry={() => void upstream.refetch()}
      />
    );
  const conn = upstream.data;
  if (!conn)
    return (
      <div className="upstream">
        <section className="panel-section" aria-labelledby={`${zoneId}-connect-h`}>
          <h2 id={`${zoneId}-connect-h`} className="section-title">
            Connect {zoneName.replace(/\.$/, '')} to Route 53
          </h2>
          <p className="muted section-help">
            latency-atlas then mirrors a Route 53 hosted zone: import its records, and every change
            applied here (saved, approved or rolled back) is sent to Route 53 first and followed
            until it is INSYNC.
          </p>
          <ConnectForm
            zoneId={zoneId}
            zoneName={zoneName}
            permission={canManageUpstream(viewer, 'connect a zone to Route 53')}
          />
        </section>
      </div>
    );
  const manage = canManageUpstream(viewer, 'import or push');
  return (
    <div className="upstream">
      <ConnectionSummary
        zoneId={zoneId}
        zoneName={zoneName}
        conn={conn}
        permission={canManageUpstream(viewer, 'disconnect a zone from Route 53')}
      />
      <div className="upstream-columns">
        <ImportSection
          zoneId={zoneId}
          zoneName={zoneName}
          hostedZoneId={conn.hostedZoneId}
          records={props.records}
          permission={manage}
          onImported={props.onImported}
        />
        <DriftSection
          zoneId={zoneId}
          zoneName={zoneName}
          hostedZoneId={conn.hostedZoneId}
          propose={props.propose}
          manage={manage}
          onProposed={props.onProposed}
        />
      </div>
    </div>
  );
}

function ConnectionSummary({
  zoneId,
  zoneName,
  conn,
  permission,
}: {
  zoneId: string;
  zoneName: string;
  conn: UpstreamConnection;
  permission: Permission;
}) {
  const disconnect = useDisconnectUpstream(zoneId);
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const now = Date.now();
  const { health } = conn;
  return (
    <section className="panel-section upstream-summary" aria-labelledby={`${zoneId}-conn-h`}>
      <div className="upstream-section-head">
        <h2 id={`${zoneId}-conn-h`} className="section-title">
          Connected to Route 53
        </h2>
        <span
          className={`status-chip ${health.ok === false ? 'status-rejected' : health.ok ? 'status-applied' : ''}`}
        >
          {health.ok === null ? 'not checked' : health.ok ? 'reachable' : 'error'}
        </span>
        <button
          type="button"
          className="button button-small button-danger-quiet upstream-disconnect"
          disabled={!permission.allowed || disconnect.isPending}
          title={permission.allowed ? undefined : permission.reason}
          onClick={() => setConfirming(true)}
        >
          Disconnect…
        </button>
      </div>
      <dl className="proposal-meta upstream-meta">
        <div>
          <dt>Hosted zone</dt>
          <dd className="mono">{conn.hostedZoneId}</dd>
        </div>
        <div>
          <dt>Region</dt>
          <dd className="mono">{conn.region}</dd>
        </div>
        <div>
          <dt>Access key</dt>
          <dd className="mono">{conn.accessKeyId}</dd>
        </div>
        <div>
          <dt>Secret</dt>
          <dd>
            <span className="mono">{maskedSecret(conn.secretAccessKey.last4)}</span>{' '}
            <span className="muted">sealed with key {conn.secretAccessKey.keyId}</span>
          </dd>
        </div>
        <div>
          <dt>Endpoint</dt>
          <dd className="mono">{conn.endpoint}</dd>
        </div>
        <div>
          <dt>Health</dt>
          <dd>
            {health.checkedAt ? (
              <span title={formatTimestamp(health.checkedAt)}>
                {health.ok ? 'OK' : 'Failing'} · {formatAge(health.checkedAt, now)}
              </span>
            ) : (
              <span className="muted">not checked yet</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Last drift check</dt>
          <dd>
            {conn.drift?.checkedAt ? (
              <span title={formatTimestamp(conn.drift.checkedAt)}>
                {conn.drift.drifted
                  ? `${conn.drift.differences} ${conn.drift.differences === 1 ? 'set differs' : 'sets differ'}`
                  : 'in sync'}{' '}
                · {formatAge(conn.drift.checkedAt, now)}
              </span>
            ) : (
              <span className="muted">never</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Connected</dt>
          <dd title={formatTimestamp(conn.connectedAt)}>{formatAge(conn.connectedAt, now)}</dd>
        </div>
      </dl>
      {health.ok === false && health.error && (
        <div className="state-error upstream-error" role="alert">
          Upstream: {health.error}
        </div>
      )}
      {disconnect.error && (
        <div className="state-error upstream-error" role="alert">
          Could not disconnect: {errorMessage(disconnect.error)}
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Disconnect ${zoneName.replace(/\.$/, '')} from ${conn.hostedZoneId}?`}
        confirmLabel="Disconnect"
        danger
        busy={disconnect.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          disconnect.mutate(undefined, {
            onSuccess: () => {
              setConfirming(false);
              toast.show(`${zoneName} is no longer connected to Route 53`, 'success');
            },
            onError: () => setConfirming(false),
          })
        }
      >
        <p>
          Changes here stop going to Route 53, and the stored secret is deleted. The records in both
          places stay as they are.
        </p>
      </ConfirmDialog>
    </section>
  );
}
