import './dns.css';
import { CopyCommand } from '../../../components/copy-command';
import { ErrorState, Skeleton } from '../../../components/states';
import { ApiError } from '../../../lib/api-client';
import { useDnsQuery } from '../api/get-dns-query';
import { useDnsStatus } from '../api/get-dns-status';
import {
  compareWithEngine,
  type DnsClient,
  type EngineAnswer,
  zoneDnsState,
} from '../lib/dns-endpoint';

export interface DnsAnswerPanelProps {
  zoneId: string;
  recordName: string;
  recordType: string;
  client: DnsClient;
  /** The engine's answer to the same question; null while it loads. */
  engine: EngineAnswer | null;
  /** The engine is previewing failures the DNS server knows nothing about. */
  simulatedFailures?: boolean;
}

function Note({ children }: { children: React.ReactNode }) {
  return <p className="dns-note">{children}</p>;
}

/**
 * The real DNS server's answer to the preview's question (asked over loopback by the API),
 * beside the engine's: records, rcode, ECS scope, round trip, whether the two agree, and the
 * dig line that asks the same.
 */
export function DnsAnswerPanel({
  zoneId,
  recordName,
  recordType,
  client,
  engine,
  simulatedFailures = false,
}: DnsAnswerPanelProps) {
  const status = useDnsStatus(zoneId);
  const state = status.data ? zoneDnsState(status.data, zoneId) : null;
  const servedVersion =
    state?.kind === 'in-sync' || state?.kind === 'syncing' ? state.zone.servedVersion : -1;
  const askable = client.kind !== 'unsupported' && state !== null && state.kind !== 'off';
  const answer = useDnsQuery(
    zoneId,
    { recordName, recordType, ...(client.kind === 'subnet' ? { subnet: client.cidr } : {}) },
    servedVersion,
    askable,
  );

  return (
    <section className="dns-answer" aria-label="DNS server answer" data-testid="dns-answer">
      <h3 className="preview-subtitle">DNS server</h3>
      {status.isPending ? (
        <Skeleton rows={3} label="Asking for the DNS status" />
      ) : state === null ? (
        <Note>The DNS status is unavailable: {status.error?.message ?? 'unknown error'}.</Note>
      ) : state.kind === 'off' ? (
        <Note>
          The DNS server is off (the server runs with <code>DNS_PORT=off</code>), so only the
          engine’s answer is shown.
        </Note>
      ) : client.kind === 'unsupported' ? (
        <Note>{client.reason}</Note>
      ) : (
        <DnsAnswerBody
          answer={answer}
          engine={engine}
          syncing={state.kind !== 'in-sync'}
          noClient={client.kind === 'none'}
          simulatedFailures={simulatedFailures}
        />
      )}
    </section>
  );
}

function DnsAnswerBody({
  answer,
  engine,
  syncing,
  noClient,
  simulatedFailures,
}: {
  answer: ReturnType<typeof useDnsQuery>;
  engine: EngineAnswer | null;
  syncing: boolean;
  noClient: boolean;
  simulatedFailures: boolean;
}) {
  if (answer.isPending) return <Skeleton rows={3} label="Asking the DNS server" />;
  const data = answer.data;
  if (!data) {
    const err = answer.error;
    const title =
      err instanceof ApiError && err.code === 'DnsTimeout'
        ? 'The DNS server did not answer'
        : 'Could not ask the DNS server';
    return <ErrorState title={title} error={err} onRetry={() => void answer.refetch()} />;
  }
  const current = !answer.isPlaceholderData && !answer.isFetching;
  const agreement = engine && current && !syncing ? compareWithEngine(engine, data) : null;

  return (
    <div className={`dns-answer-body${current ? '' : ' is-stale'}`} aria-busy={answer.isFetching}>
      <dl className="preview-facts">
        <div className="preview-fact">
          <dt>Answer</dt>
          <dd>
            <span data-testid="dns-record-data">
              {data.RecordData.length ? (
                data.RecordData.map((v) => (
                  <code key={v} className="preview-value">
                    {v}
                  </code>
                ))
              ) : (
                <span className="muted">no data</span>
              )}
            </span>{' '}
            <span
              className={`preview-rcode${data.ResponseCode === 'NOERROR' ? '' : ' is-error'}`}
              data-testid="dns-rcode"
            >
              {data.ResponseCode}
            </span>
            {data.aa && <span className="dns-flag">authoritative</span>}
          </dd>
        </div>
        <div className="preview-fact">
          <dt>Client subnet</dt>
          <dd>
            {data.ecsScope === null ? (
              <span className="muted">{noClient ? 'none sent' : 'not echoed by the server'}</span>
            ) : (
              <>
                scope <span className="mono">/{data.ecsScope}</span>
                <span className="muted">
                  {data.ecsScope === 0
                    ? ' (the answer holds for every client)'
                    : ' (resolvers may cache it for that prefix)'}
                </span>
              </>
            )}
          </dd>
        </div>
        <div className="preview-fact">
          <dt>Server</dt>
          <dd>
            <span className="mono">{data.server}</span> · {data.protocol}
            {data.truncated ? ' (UDP answer truncated)' : ''} · {data.rttMs.toFixed(1)} ms
          </dd>
        </div>
      </dl>
      {syncing ? (
        <p className="dns-agreement is-pending" role="status" data-testid="dns-agreement">
          The DNS server is still loading the latest change; the comparison waits for it.
        </p>
      ) : agreement === null ? (
        <p className="dns-agreement is-pending" role="status" data-testid="dns-agreement">
          Comparing with the engine…
        </p>
      ) : agreement.agrees ? (
        <p className="dns-agreement is-agrees" role="status" data-testid="dns-agreement">
          <span aria-hidden="true">✓ </span>Agrees with the engine
        </p>
      ) : (
        <div
          className={`dns-agreement ${simulatedFailures ? 'is-pending' : 'is-differs'}`}
          role="status"
          data-testid="dns-agreement"
        >
          <span aria-hidden="true">≠ </span>Differs from the engine
          {simulatedFailures ? ' (expected while failures are simulated)' : ''}
          <ul>
            {agreement.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      {simulatedFailures && (
        <Note>
          Simulated failures change the engine’s answer only; the DNS server answers with the health
          checks as they are.
        </Note>
      )}
      <CopyCommand
        command={data.dig}
        className="dns-dig"
        testId="dns-dig"
        label="Copy the dig command for this question"
      />
    </div>
  );
}
