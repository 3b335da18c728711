import { z } from 'zod';
import { MAX_CHANGES_PER_BATCH } from '../engine/limits';
import type { AliasTarget, Change, ChangeBatch, ResourceRecordSet } from '../engine/types';
import { ImpactSchema } from './impact';

/**
 * Route 53 record-set wire shapes, exactly as `aws route53` prints and accepts them.
 * Structure and JSON types only: what values mean (valid IPs, regions, TTL range, ...)
 * is the engine's job (validateRecordSet / planChangeBatch), so both sides share one rulebook.
 */

export const AliasTargetSchema = z
  .strictObject({
    HostedZoneId: z.string().max(32),
    DNSName: z.string().max(1024),
    EvaluateTargetHealth: z.boolean(),
  })
  .meta({ id: 'AliasTarget' });

export const ResourceRecordSchema = z
  .strictObject({
    /** Up to 4,000 characters per value, as Route 53 allows. */
    Value: z.string().max(4000),
  })
  .meta({ id: 'ResourceRecord' });

export const ResourceRecordSetSchema = z
  .strictObject({
    Name: z.string().min(1).max(1024),
    Type: z.string().min(1).max(16),
    SetIdentifier: z.string().max(1024).optional(),
    Region: z.string().max(64).optional(),
    TTL: z.number().optional(),
    ResourceRecords: z.array(ResourceRecordSchema).max(1000).optional(),
    HealthCheckId: z.string().max(1024).optional(),
    AliasTarget: AliasTargetSchema.optional(),
  })
  .meta({
    id: 'ResourceRecordSet',
    description:
      'One record set as `aws route53 list-resource-record-sets` prints it. Latency records carry SetIdentifier and Region.',
    examples: [
      {
        Name: 'app.example.com.',
        Type: 'A',
        SetIdentifier: 'oregon',
        Region: 'us-west-2',
        TTL: 60,
        ResourceRecords: [{ Value: '192.0.2.10' }],
      },
    ],
  });

export const ChangeActionSchema = z
  .enum(['CREATE', 'DELETE', 'UPSERT'])
  .meta({ id: 'ChangeAction' });

export const ChangeSchema = z
  .strictObject({
    Action: ChangeActionSchema,
    ResourceRecordSet: ResourceRecordSetSchema,
  })
  .meta({ id: 'Change' });

export const ChangeBatchSchema = z
  .strictObject({
    /** Route 53 allows up to 256 characters. */
    Comment: z.string().max(256).optional(),
    Changes: z.array(ChangeSchema).min(1).max(MAX_CHANGES_PER_BATCH),
  })
  .meta({
    id: 'ChangeBatch',
    description: 'The body of an `aws route53 change-resource-record-sets --change-batch` file.',
    examples: [
      {
        Comment: 'Add Singapore',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'app.example.com',
              Type: 'A',
              SetIdentifier: 'singapore',
              Region: 'ap-southeast-1',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.20' }],
            },
          },
        ],
      },
    ],
  });

/** POST /api/zones/:id/rrsets accepts the batch itself or `{"ChangeBatch":{…}}` (the CLI's `--cli-input-json` form). */
export const ChangeBatchRequestSchema = z
  .union([ChangeBatchSchema, z.strictObject({ ChangeBatch: ChangeBatchSchema })])
  .meta({ id: 'ChangeBatchRequest' });

/**
 * The batch inside a request body: unwraps `{"ChangeBatch":{…}}`; anything else is returned as is
 * so that ChangeBatchSchema reports what is wrong with it.
 */
export function unwrapChangeBatch(body: unknown): unknown {
  if (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    'ChangeBatch' in body &&
    !('Changes' in body)
  ) {
    return (body as { ChangeBatch: unknown }).ChangeBatch;
  }
  return body;
}

export const ChangeInfoSchema = z
  .object({
    /** `/change/C…` */
    Id: z.string(),
    Status: z.enum(['PENDING', 'INSYNC']),
    /** ISO-8601 UTC. */
    SubmittedAt: z.string(),
    /** Present when the batch had one. */
    Comment: z.string().optional(),
  })
  .meta({ id: 'ChangeInfo' });

export const ChangeInfoResponseSchema = z
  .object({
    ChangeInfo: ChangeInfoSchema,
    /** For a zone mirrored to Route 53: the change as upstream knows it (polled until INSYNC). */
    Upstream: z.object({ ChangeInfo: ChangeInfoSchema.omit({ Comment: true }) }).optional(),
  })
  .meta({
    id: 'ChangeInfoResponse',
    examples: [
      {
        ChangeInfo: {
          Id: '/change/C2682N5HXP0BZ4',
          Status: 'INSYNC',
          SubmittedAt: '2026-01-01T00:00:00.000Z',
          Comment: 'Add Singapore',
        },
      },
    ],
  });

export const ListResourceRecordSetsResponseSchema = z
  .object({ ResourceRecordSets: z.array(ResourceRecordSetSchema) })
  .meta({ id: 'ListResourceRecordSetsResponse' });

/** One applied change batch in a zone's history. */
export const AppliedChangeSchema = z
  .object({
    Id: z.string(),
    SubmittedAt: z.string(),
    Comment: z.string().nullable(),
    /** Who made it (token name) when known: for an applied proposal, its author. */
    Author: z.string().nullable(),
    /** Who applied it (token name) when known; differs from Author for a proposal. */
    AppliedBy: z.string().nullable(),
    /** The proposal it came from, if any. */
    ProposalId: z.string().nullable(),
    /** The zone version this batch produced (1 for the first batch). */
    Version: z.number().int(),
    Changes: z.array(ChangeSchema),
    /** What it did to users, computed when it was applied (null when not computed, e.g. the demo seed). */
    Impact: ImpactSchema.nullable(),
  })
  .meta({ id: 'AppliedChange' });

/** GET /api/zones/:id/changes: applied batches, newest first. */
export const ChangeHistoryResponseSchema = z
  .object({ Changes: z.array(AppliedChangeSchema) })
  .meta({ id: 'ChangeHistoryResponse' });

export const ChangeHistoryQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Most batches to return (1–1000, default 100).'),
});

export type AliasTargetWire = z.infer<typeof AliasTargetSchema>;
export type ResourceRecordSetWire = z.infer<typeof ResourceRecordSetSchema>;
export type ChangeWire = z.infer<typeof ChangeSchema>;
export type ChangeBatchWire = z.infer<typeof ChangeBatchSchema>;
export type ChangeBatchRequest = z.infer<typeof ChangeBatchRequestSchema>;
export type ChangeInfo = z.infer<typeof ChangeInfoSchema>;
export type ChangeInfoResponse = z.infer<typeof ChangeInfoResponseSchema>;
export type ListResourceRecordSetsResponse = z.infer<typeof ListResourceRecordSetsResponseSchema>;
export type AppliedChange = z.infer<typeof AppliedChangeSchema>;
export type ChangeHistoryResponse = z.infer<typeof ChangeHistoryResponseSchema>;

// The wire types are the engine's domain types: parsed input goes straight to the engine.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameAlias: Same<AliasTargetWire, AliasTarget> = true;
const sameRecordSet: Same<ResourceRecordSetWire, ResourceRecordSet> = true;
const sameChange: Same<ChangeWire, Change> = true;
const sameBatch: Same<ChangeBatchWire, ChangeBatch> = true;
void [sameAlias, sameRecordSet, sameChange, sameBatch];
