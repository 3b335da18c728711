import type { ChangeInfo } from '../../shared/rrset';
import type { AppliedChangeBatch } from '../storage/repository';

/** What change status needs to know of the DNS server: the zone version it serves. */
export interface ServedVersions {
  servedVersion(zoneId: string): number;
  /**
   * Brings what `servedVersion` knows of other instances' responders up to date (a read at most
   * ~100 ms old), for status reads that clients poll. Absent: always current.
   */
  settle?(): Promise<void>;
}

/**
 * Route 53's ChangeInfo for an applied batch: PENDING until every DNS responder of this process
 * serves the zone version the batch produced, then INSYNC. With DNS off nothing is waited for.
 */
export function changeInfoOf(change: AppliedChangeBatch, dns: ServedVersions | null): ChangeInfo {
  const served = dns === null || dns.servedVersion(change.zoneId) >= change.version;
  return {
    Id: change.id,
    Status: served ? 'INSYNC' : 'PENDING',
    SubmittedAt: change.submittedAt,
    ...(change.comment !== null ? { Comment: change.comment } : {}),
  };
}
