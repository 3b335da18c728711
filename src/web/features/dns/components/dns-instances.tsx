import { useId } from 'react';
import type { Responder } from '../../../../shared/dns';
import { instanceRows, liveCountText, serverNow } from '../lib/instances';

export interface DnsInstancesProps {
  responders: readonly Responder[];
  /** When the list was fetched (ms epoch, the browser's clock). */
  fetchedAt: number;
  zoneId: string | null;
  /** The zone's stored version, when /api/dns lists the zone. */
  storedVersion: number | undefined;
}

/**
 * The popover's "Instances": every DNS responder on the database (one per instance sharing it),
 * live ones first, each with its address, whether it is live (a dot and the word), and what it
 * serves of the zone; the dead ones say when they were last seen.
 */
export function DnsInstances({ responders, fetchedAt, zoneId, storedVersion }: DnsInstancesProps) {
  const headingId = useId();
  const rows = instanceRows(
    responders,
    zoneId,
    storedVersion,
    serverNow(responders, fetchedAt, Date.now()),
  );
  return (
    <section className="dns-instances" aria-labelledby={headingId}>
      <h3 id={headingId} className="dns-instances-heading">
        Instances <span className="dns-instances-count">{liveCountText(responders)}</span>
      </h3>
      <ul className="dns-instance-list" data-testid="dns-instances">
        {rows.map((row) => (
          <li
            key={row.instance}
            className={`dns-instance ${row.live ? 'is-live' : 'is-dead'}`}
            data-testid="dns-instance"
            data-live={row.live}
            title={row.instance}
          >
            <span className="dns-dot" aria-hidden="true" />
            <span className="dns-instance-name">
              <span className="mono dns-instance-address">{row.address}</span>
              {row.self && (
                <>
                  {' '}
                  <span className="dns-instance-self">this instance</span>
                </>
              )}
            </span>
            <span className="dns-instance-live">
              <span className="visually-hidden">, </span>
              {row.live ? 'live' : 'not live'}
            </span>
            <span className={`dns-instance-detail is-${row.zoneState}`}>
              <span className="visually-hidden">, </span>
              {row.versionText}
              {row.lastSeenText && ` · ${row.lastSeenText}`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
