import './dns.css';
import { useEffect, useId, useRef, useState } from 'react';
import { CopyCommand } from '../../../components/copy-command';
import { useDnsStatus, useRefreshOnZoneVersion } from '../api/get-dns-status';
import { useResponders } from '../api/get-responders';
import {
  endpointAddress,
  soaDigCommand,
  type ZoneDnsState,
  zoneDnsState,
} from '../lib/dns-endpoint';
import { hasSeveralInstances } from '../lib/instances';
import { DnsInstances } from './dns-instances';

export interface DnsEndpointIndicatorProps {
  zoneId: string | null;
  zoneName: string | null;
}

type Tone = 'ok' | 'busy' | 'off' | 'error';

function summaryOf(state: ZoneDnsState): { tone: Tone; text: string } {
  switch (state.kind) {
    case 'off':
      return { tone: 'off', text: 'off' };
    case 'unknown':
      return { tone: 'busy', text: 'zone not served yet' };
    case 'in-sync':
    case 'syncing': {
      const z = state.zone;
      const serial = z.serial > 0 ? `serial ${z.serial}` : `version ${z.version}`;
      return state.kind === 'in-sync'
        ? { tone: 'ok', text: `${serial} · in sync` }
        : { tone: 'busy', text: `${serial} · syncing…` };
    }
  }
}

/**
 * The DNS endpoint in the header: `DNS 127.0.0.1:8053 · serial 12 · in sync` (green),
 * `· syncing…` (amber) or `DNS off`; opens to the details and a dig line for the zone's SOA.
 */
export function DnsEndpointIndicator({ zoneId, zoneName }: DnsEndpointIndicatorProps) {
  const status = useDnsStatus(zoneId);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const zoneStatus = status.data?.zones.find((z) => z.id === zoneId);
  useRefreshOnZoneVersion(zoneId, zoneStatus?.version);
  // Every instance's responder on the database: asked once, polled while the list is on
  // screen or the zone syncs (INSYNC waits for every live one).
  const responders = useResponders(
    zoneId,
    { open, syncing: zoneStatus !== undefined && !zoneStatus.inSync },
    status.data?.enabled === true,
  );
  const refetchResponders = responders.refetch;
  const respondersFetchedAt = responders.dataUpdatedAt;
  // Opening the popover shows the list as it is now, not as it was at the last poll.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on opening
  useEffect(() => {
    if (open && Date.now() - respondersFetchedAt > 1_000) void refetchResponders();
  }, [open]);

  // Close on Escape and on a click elsewhere (a disclosure, not a modal).
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  if (status.isPending) {
    return (
      <span className="dns-indicator is-off" role="status">
        <span className="dns-dot" aria-hidden="true" />
        DNS …
      </span>
    );
  }
  if (!status.data) {
    return (
      <span className="dns-indicator is-error" role="status" title={status.error?.message}>
        <span className="dns-dot" aria-hidden="true" />
        DNS status unavailable
      </span>
    );
  }
  const data = status.data;
  const state = zoneDnsState(data, zoneId);
  const { tone, text } = summaryOf(state);
  const address =
    data.host !== null && data.port !== null ? endpointAddress(data.host, data.port) : null;
  const label = state.kind === 'off' || !address ? 'DNS off' : `DNS ${address} · ${text}`;
  const dig = zoneName ? soaDigCommand(data, zoneName, window.location.hostname) : null;
  const zone = state.kind === 'in-sync' || state.kind === 'syncing' ? state.zone : null;
  const instances = hasSeveralInstances(responders.data?.responders)
    ? (responders.data?.responders ?? [])
    : null;

  return (
    <div className="dns-indicator-wrap" ref={root}>
      <button
        type="button"
        className={`dns-indicator is-${tone}`}
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="dns-indicator"
        data-state={state.kind}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="dns-dot" aria-hidden="true" />
        <span className="mono">{label}</span>
      </button>
      <span className="visually-hidden" aria-live="polite">
        {state.kind === 'syncing' ? 'DNS syncing' : state.kind === 'in-sync' ? 'DNS in sync' : ''}
      </span>
      {open && (
        <section id={panelId} className="dns-popover" aria-label="DNS endpoint">
          {state.kind === 'off' ? (
            <p>
              The authoritative DNS server is off: the server runs with <code>DNS_PORT=off</code>.
              The routing preview still shows the engine’s answers.
            </p>
          ) : (
            <>
              <dl className="dns-facts">
                <div>
                  <dt>Listens on</dt>
                  <dd className="mono">{address} (UDP and TCP)</dd>
                </div>
                <div>
                  <dt>Responders</dt>
                  <dd>
                    {data.responders}
                    {instances && ' in this instance'}
                  </dd>
                </div>
                {zone && (
                  <>
                    <div>
                      <dt>{zoneName ?? 'Zone'}</dt>
                      <dd>
                        serial {zone.serial} · version {zone.version} stored, {zone.servedVersion}{' '}
                        served
                      </dd>
                    </div>
                    <div>
                      <dt>State</dt>
                      <dd>
                        {zone.inSync
                          ? `In sync: every ${instances ? 'live instance' : 'responder'} answers from the latest change.`
                          : `Syncing: some ${instances ? 'live instance' : 'responder'} still answers from an older version.`}
                      </dd>
                    </div>
                  </>
                )}
                {state.kind === 'unknown' && (
                  <div>
                    <dt>{zoneName ?? 'Zone'}</dt>
                    <dd>Not served yet: the DNS server has not loaded this zone.</dd>
                  </div>
                )}
                {data.nameservers?.length ? (
                  <div>
                    <dt>Name servers</dt>
                    <dd className="mono">{data.nameservers.join(', ')}</dd>
                  </div>
                ) : null}
              </dl>
              {instances && (
                <DnsInstances
                  responders={instances}
                  fetchedAt={responders.dataUpdatedAt}
                  zoneId={zoneId}
                  storedVersion={zoneStatus?.version}
                />
              )}
              {dig && (
                <>
                  <p className="dns-popover-hint">Ask it for the zone’s SOA:</p>
                  <CopyCommand
                    command={dig}
                    className="dns-dig"
                    testId="dns-soa-dig"
                    label="Copy the dig command for the SOA"
                  />
                </>
              )}
            </>
          )}
        </section>
      )}
    </div>
  );
}
