import { z } from 'zod';

/**
 * The one error envelope every API error uses:
 * `{"error":{"code","message","details":[{"change","field","message"}]}}`.
 */

/** One problem; `change` is the 0-based index in a change batch, `field` a path like `ResourceRecordSet.TTL`. */
export const ErrorDetailSchema = z
  .object({
    change: z.number().int().min(0).optional(),
    field: z.string(),
    message: z.string(),
  })
  .meta({ id: 'ErrorDetail' });
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

/** Error codes the API answers with (Route 53 names where Route 53 has one). */
export const API_ERROR_CODES = [
  'InvalidInput',
  'InvalidChangeBatch',
  'MalformedJSON',
  'UnsupportedMediaType',
  'PayloadTooLarge',
  'NotFound',
  'MethodNotAllowed',
  'NoSuchHostedZone',
  'NoSuchCity',
  'NoSuchHealthCheck',
  'NoLocation',
  'HostedZoneAlreadyExists',
  'HostedZoneNotEmpty',
  'InternalError',
  // Tokens and reviews (issue 4).
  'Unauthorized',
  'Forbidden',
  'ApprovalRequired',
  'SelfApprovalNotAllowed',
  'StaleProposal',
  'InvalidProposalState',
  'NoSuchProposal',
  'NoSuchChange',
  'RollbackConflict',
  // The DNS endpoint as the JSON API reaches it (issue "Serve DNS").
  'DnsDisabled',
  'DnsTimeout',
  'DnsBadResponse',
  // Health checks (issue 8), Route 53's codes.
  'HealthCheckVersionMismatch',
  'HealthCheckInUse',
  // Measured latency (issue 9): the beacon's rate limits, Route 53's name for it.
  'Throttling',
  // An upstream Route 53 hosted zone (issue 11).
  'NoUpstream',
  'UpstreamUnavailable',
  'UpstreamRefused',
  'UpstreamDrift',
  // The database cannot be reached (PostgreSQL down or restarting): 503 with Retry-After.
  'StorageUnavailable',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      /**
       * Usually the list of bad fields; an object for errors that carry more (StaleProposal:
       * `{baseVersion, currentVersion, changedSince}`).
       */
      details: z.union([z.array(ErrorDetailSchema), z.record(z.string(), z.unknown())]).optional(),
    }),
  })
  .meta({
    id: 'ApiError',
    description:
      'Every 4xx/5xx response. `details` names each bad field (an object instead for StaleProposal).',
    examples: [
      {
        error: {
          code: 'InvalidChangeBatch',
          message: '1 change is invalid; nothing was applied',
          details: [
            {
              change: 0,
              field: 'ResourceRecordSet.ResourceRecords[0].Value',
              message: '"999.1.1.1" is not a valid IPv4 address',
            },
          ],
        },
      },
    ],
  });
export type ApiError = z.infer<typeof ApiErrorSchema>;
/** What `error.details` may hold. */
export type ErrorDetails = NonNullable<ApiError['error']['details']>;

/** The field problems of an error ([] when it has none, or carries an object instead). */
export function fieldErrors(error: ApiError['error']): ErrorDetail[] {
  return Array.isArray(error.details) ? error.details : [];
}

/** Render a zod issue path the way the engine names fields: `Changes[0].ResourceRecordSet.TTL`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Turn zod issues into error details. Unrecognized keys are reported at the key itself
 * (`ResourceRecordSet.Weight`), so the field named is the one to remove.
 */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({
          field: formatIssuePath([...issue.path, key]),
          message: `unknown field "${key}"`,
        });
      }
      continue;
    }
    details.push({ field: formatIssuePath(issue.path), message: issue.message });
  }
  return details;
}

/**
 * Error details for a change batch body: problems under `Changes[i]` get `change: i` and a field
 * relative to the change (`ResourceRecordSet.TTL`), the way the engine names them.
 */
export function issuesToChangeDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const paths: { path: PropertyKey[]; message: string }[] =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: [...issue.path, key],
            message: `unknown field "${key}"`,
          }))
        : [{ path: [...issue.path], message: issue.message }];
    for (const { path, message } of paths) {
      const [head, index, ...rest] = path;
      if (head === 'Changes' && typeof index === 'number') {
        details.push({
          change: index,
          field: rest.length > 0 ? formatIssuePath(rest) : `Changes[${index}]`,
          message,
        });
      } else {
        details.push({ field: formatIssuePath(path), message });
      }
    }
  }
  return details;
}
