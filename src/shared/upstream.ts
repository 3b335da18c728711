import { z } from 'zod';
import { ChangeInfoSchema, ChangeSchema, ResourceRecordSetSchema } from './rrset';

/**
 * Wire shapes of /api/zones/:id/upstream (issue 11): a zone connected to a Route 53 hosted zone,
 * its import and push batches, and drift record set by record set.
 */

export const UpstreamConnectInputSchema = z.object({
  provider: z.literal('route53'),
  hostedZoneId: z.string(),
  region: z.string().optional(),
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  /** Omitted: the real Route 53 endpoint. */
  endpoint: z.string().optional(),
});
export type UpstreamConnectInput = z.infer<typeof UpstreamConnectInputSchema>;

/** The connection as the API shows it: the secret only as its box key id and last 4 characters. */
export const UpstreamConnectionSchema = z.object({
  provider: z.literal('route53'),
  hostedZoneId: z.string(),
  region: z.string(),
  accessKeyId: z.string(),
  secretAccessKey: z.object({ keyId: z.string(), last4: z.string() }),
  endpoint: z.string(),
  connectedAt: z.string(),
  updatedAt: z.string(),
  /** ok null: not checked since connecting. */
  health: z.object({
    ok: z.boolean().nullable(),
    checkedAt: z.string().nullable(),
    error: z.string().nullable(),
  }),
  /** The last drift check; `differences` is a count here. */
  drift: z
    .object({
      drifted: z.boolean(),
      checkedAt: z.string().nullable(),
      differences: z.number(),
    })
    .nullable(),
});
export type UpstreamConnection = z.infer<typeof UpstreamConnectionSchema>;

/** A change batch that may be empty (nothing to import or push). */
export const UpstreamBatchSchema = z.object({
  Comment: z.string().optional(),
  Changes: z.array(ChangeSchema),
});
export type UpstreamBatch = z.infer<typeof UpstreamBatchSchema>;

export const SetRefSchema = z.object({
  Name: z.string(),
  Type: z.string(),
  SetIdentifier: z.string().optional(),
});

/** POST …/upstream/import `{dryRun:true}`: the batch that makes this zone equal upstream. */
export const UpstreamImportPreviewSchema = z.object({
  ChangeBatch: UpstreamBatchSchema,
  /** Upstream sets this zone cannot hold (left out of the batch). */
  skipped: z.array(SetRefSchema),
});
export type UpstreamImportPreview = z.infer<typeof UpstreamImportPreviewSchema>;

/** POST …/upstream/import `{}`: applied locally (ChangeInfo null when nothing differed). */
export const UpstreamImportResultSchema = z.object({
  ChangeInfo: ChangeInfoSchema.nullable(),
  skipped: z.array(SetRefSchema),
  unchanged: z.boolean().optional(),
});
export type UpstreamImportResult = z.infer<typeof UpstreamImportResultSchema>;

/** POST …/upstream/push: the batch that makes upstream equal this zone; the id when sent. */
export const UpstreamPushResultSchema = z.object({
  ChangeBatch: UpstreamBatchSchema,
  upstreamChangeId: z.string().nullable().optional(),
});
export type UpstreamPushResult = z.infer<typeof UpstreamPushResultSchema>;

export const DriftDifferenceSchema = z.object({
  Name: z.string(),
  Type: z.string(),
  SetIdentifier: z.string().optional(),
  local: ResourceRecordSetSchema.nullable(),
  upstream: ResourceRecordSetSchema.nullable(),
});
export type DriftDifference = z.infer<typeof DriftDifferenceSchema>;

export const DriftReportSchema = z.object({
  drifted: z.boolean(),
  checkedAt: z.string(),
  differences: z.array(DriftDifferenceSchema),
});
export type DriftReport = z.infer<typeof DriftReportSchema>;
