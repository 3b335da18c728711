import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet as R53Set,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { ChangeBatch, ResourceRecordSet } from '../../engine/types';

/**
 * The upstream Route 53 hosted zone, through @aws-sdk/client-route-53: read every record set
 * (all pages), send a change batch (Throttling and PriorRequestNotComplete retried with back-off),
 * follow a change to INSYNC. Failures come back as UpstreamError with what happened.
 */

export const DEFAULT_ROUTE53_ENDPOINT = 'https://route53.amazonaws.com';

export type UpstreamErrorKind =
  | 'unreachable'
  | 'auth'
  | 'no-such-zone'
  | 'invalid-batch'
  | 'throttled'
  | 'refused';

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    /** Route 53's InvalidChangeBatch messages, one per problem. */
    readonly messages: string[] = [],
    /** The change (0-based) each message is about, when the caller could tell. */
    readonly changes: (number | null)[] = [],
  ) {
    super(message);
  }
}

export interface UpstreamCredentials {
  endpoint: string | null;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Record sets latency-atlas cannot hold (weighted, geolocation, failover, …), skipped on import. */
const UNSUPPORTED = [
  'Weight',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation',
] as const;

function toEngineSet(r: R53Set): ResourceRecordSet | null {
  if (UNSUPPORTED.some((k) => r[k] !== undefined)) return null;
  const out: ResourceRecordSet = { Name: r.Name ?? '', Type: String(r.Type ?? '') };
  if (r.SetIdentifier !== undefined) out.SetIdentifier = r.SetIdentifier;
  if (r.Region !== undefined) out.Region = String(r.Region);
  // An alias has neither TTL nor values (some Route 53 stand-ins still list a TTL for one).
  if (r.AliasTarget === undefined) {
    if (r.TTL !== undefined) out.TTL = r.TTL;
    if (r.ResourceRecords !== undefined) {
      out.ResourceRecords = r.ResourceRecords.map((v) => ({ Value: v.Value ?? '' }));
    }
  }
  if (r.AliasTarget !== undefined) {
    out.AliasTarget = {
      HostedZoneId: r.AliasTarget.HostedZoneId ?? '',
      DNSName: r.AliasTarget.DNSName ?? '',
      EvaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth ?? false,
    };
  }
  if (r.HealthCheckId !== undefined) out.HealthCheckId = r.HealthCheckId;
  return out;
}

/** Route 53 lists InvalidChangeBatch messages as `[a, b]`: split at top-level ", " only. */
function splitMessages(inner: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (
      c === ',' &&
      depth === 0 &&
      inner[i + 1] === ' ' &&
      /[A-Z"'[]/.test(inner[i + 2] ?? '')
    ) {
      out.push(inner.slice(start, i));
      start = i + 2;
    }
  }
  if (inner.slice(start).trim() !== '') out.push(inner.slice(start));
  return out;
}

const RETRYABLE = new Set([
  'Throttling',
  'ThrottlingException',
  'PriorRequestNotComplete',
  'TooManyRequestsException',
]);

function toUpstreamError(err: unknown, endpoint: string): UpstreamError {
  const e = err as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? '';
  const message = e.message ?? String(err);
  if (name === 'NoSuchHostedZone') return new UpstreamError('no-such-zone', message);
  if (name === 'InvalidInput') return new UpstreamError('invalid-batch', message, [message]);
  if (name === 'InvalidChangeBatch') {
    const inner = message.replace(/^\[|\]$/g, '');
    return new UpstreamError('invalid-batch', message, splitMessages(inner));
  }
  if (
    [
      'InvalidClientTokenId',
      'SignatureDoesNotMatch',
      'AccessDenied',
      'IncompleteSignature',
      'MissingAuthenticationToken',
    ].includes(name)
  ) {
    return new UpstreamError('auth', `upstream refused the credentials (${name}: ${message})`);
  }
  if (RETRYABLE.has(name))
    return new UpstreamError('throttled', `upstream is throttling (${name})`);
  const code = e.code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    e.$metadata?.httpStatusCode === undefined
  ) {
    return new UpstreamError(
      'unreachable',
      `upstream Route 53 at ${endpoint} cannot be reached (${code ?? name ?? message})`,
    );
  }
  return new UpstreamError('refused', `upstream answered ${name || 'an error'}: ${message}`);
}

export interface UpstreamClient {
  getHostedZone(id: string): Promise<{ name: string }>;
  /** Every record set, all pages; `skipped` counts sets latency-atlas cannot hold. */
  listRecordSets(id: string): Promise<{ sets: ResourceRecordSet[]; skipped: R53Set[] }>;
  changeRecordSets(
    id: string,
    batch: ChangeBatch,
  ): Promise<{ id: string; status: 'PENDING' | 'INSYNC'; submittedAt: string }>;
  getChange(id: string): Promise<{ status: 'PENDING' | 'INSYNC' }>;
}

export function createUpstreamClient(
  creds: UpstreamCredentials,
  opts: { retryDelaysMs?: readonly number[]; timeoutMs?: number } = {},
): UpstreamClient {
  const endpoint = creds.endpoint ?? DEFAULT_ROUTE53_ENDPOINT;
  const client = new Route53Client({
    region: creds.region,
    endpoint,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: opts.timeoutMs ?? 15_000 },
  });
  const delays = opts.retryDelaysMs ?? [200, 800, 2_000, 5_000];

  async function send<T>(fn: () => Promise<T>, retry: boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const e = toUpstreamError(err, endpoint);
        const delay = delays[attempt];
        if (retry && e.kind === 'throttled' && delay !== undefined) {
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        throw e;
      }
    }
  }

  const bare = (id: string) => id.replace(/^\/hostedzone\//, '');
  return {
    async getHostedZone(id) {
      const out = await send(() => client.send(new GetHostedZoneCommand({ Id: bare(id) })), true);
      return { name: out.HostedZone?.Name ?? '' };
    },
    async listRecordSets(id) {
      const sets: ResourceRecordSet[] = [];
      const skipped: R53Set[] = [];
      let start: {
        StartRecordName?: string;
        StartRecordType?: string;
        StartRecordIdentifier?: string;
      } = {};
      for (let page = 0; page < 100_000; page++) {
        const out = await send(
          () =>
            client.send(
              new ListResourceRecordSetsCommand({
                HostedZoneId: bare(id),
                MaxItems: 300,
                ...start,
              } as never),
            ),
          true,
        );
        for (const r of out.ResourceRecordSets ?? []) {
          const s = toEngineSet(r);
          if (s === null) skipped.push(r);
          else sets.push(s);
        }
        if (!out.IsTruncated) break;
        start = {
          ...(out.NextRecordName !== undefined ? { StartRecordName: out.NextRecordName } : {}),
          ...(out.NextRecordType !== undefined ? { StartRecordType: out.NextRecordType } : {}),
          ...(out.NextRecordIdentifier !== undefined
            ? { StartRecordIdentifier: out.NextRecordIdentifier }
            : {}),
        };
      }
      return { sets, skipped };
    },
    async changeRecordSets(id, batch) {
      const out = await send(
        () =>
          client.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: bare(id),
              ChangeBatch: batch as never,
            }),
          ),
        true,
      );
      return {
        id: out.ChangeInfo?.Id ?? '',
        status: out.ChangeInfo?.Status === 'INSYNC' ? 'INSYNC' : 'PENDING',
        submittedAt: (out.ChangeInfo?.SubmittedAt ?? new Date()).toISOString(),
      };
    },
    async getChange(id) {
      const out = await send(() => client.send(new GetChangeCommand({ Id: id })), true);
      return { status: out.ChangeInfo?.Status === 'INSYNC' ? 'INSYNC' : 'PENDING' };
    },
  };
}
