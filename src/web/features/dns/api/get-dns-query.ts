import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { type DnsQueryResult, DnsQueryResultSchema } from '../../../../shared/dns';
import { ApiError, apiFetch } from '../../../lib/api-client';

/** One question for the real DNS server: a name, a type and the client subnet (`81.2.69.0/24`). */
export interface DnsQuestionInput {
  recordName: string;
  recordType: string;
  subnet?: string;
}

/** The dns-query parameters: the subnet split into address and mask as testdnsanswer takes them. */
export function dnsQueryParams(q: DnsQuestionInput): URLSearchParams {
  const p = new URLSearchParams({ recordname: q.recordName, recordtype: q.recordType });
  if (q.subnet) {
    const slash = q.subnet.indexOf('/');
    p.set('edns0clientsubnetip', slash === -1 ? q.subnet : q.subnet.slice(0, slash));
    if (slash !== -1) p.set('edns0clientsubnetmask', q.subnet.slice(slash + 1));
  }
  return p;
}

/** GET /api/zones/:id/dns-query: the DNS server's own answer, asked over loopback. */
export function getDnsQuery(
  zoneId: string,
  q: DnsQuestionInput,
  signal?: AbortSignal,
): Promise<DnsQueryResult> {
  return apiFetch(
    `/zones/${encodeURIComponent(zoneId)}/dns-query?${dnsQueryParams(q)}`,
    { signal },
    DnsQueryResultSchema,
  );
}

/**
 * `servedVersion` is in the key: when the server starts serving a newer zone version the
 * question is asked again, so the answer shown is never older than the status says.
 */
export function getDnsQueryOptions(
  zoneId: string,
  q: DnsQuestionInput,
  servedVersion: number,
  enabled = true,
) {
  return queryOptions({
    queryKey: [
      'zones',
      zoneId,
      'dns-query',
      q.recordName,
      q.recordType,
      q.subnet ?? '',
      servedVersion,
    ] as const,
    queryFn: ({ signal }) => getDnsQuery(zoneId, q, signal),
    enabled: enabled && Boolean(zoneId && q.recordName && q.recordType),
    staleTime: 10_000,
    placeholderData: keepPreviousData,
    // A timeout is worth one more try; a 503 (DNS off) or a 400 is not.
    retry: (count, error) =>
      count < 1 && !(error instanceof ApiError && (error.isClientError || error.status === 503)),
  });
}

export function useDnsQuery(
  zoneId: string,
  q: DnsQuestionInput,
  servedVersion: number,
  enabled = true,
) {
  return useQuery(getDnsQueryOptions(zoneId, q, servedVersion, enabled));
}
