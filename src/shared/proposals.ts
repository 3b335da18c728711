import { z } from 'zod';
import type { PlannedChange } from '../engine/change-batch';
import { MAX_WINDOW_DAYS, ROUTING_MODELS } from './measurements';
import {
  AppliedChangeSchema,
  ChangeActionSchema,
  ChangeBatchSchema,
  ChangeInfoSchema,
  ResourceRecordSetSchema,
} from './rrset';

/**
 * Operator reviews: proposals (change batches stored but not live), zone settings, the audit
 * log and rollback. Route 53 has none of these, so the fields are camelCase; the change batch
 * inside keeps Route 53's own shape.
 */

export const PROPOSAL_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'applied',
  'superseded',
] as const;
export const ProposalStatusSchema = z.enum(PROPOSAL_STATUSES).meta({
  id: 'ProposalStatus',
  description:
    'pending → approved | rejected; pending/approved → applied; pending/approved → superseded (replaced by a newer proposal). A rebase that changes the diff sends an approved proposal back to pending.',
});
export type ProposalStatus = z.infer<typeof ProposalStatusSchema>;

/** Proposal ids: `P` + 20 upper-case letters/digits. */
export const PROPOSAL_ID_PATTERN = /^P[A-Z0-9]{1,31}$/;

/** One step of a batch as planned against the zone: the stored set before and after. */
export const PlannedChangeSchema = z
  .object({
    action: ChangeActionSchema,
    /** The stored set this change replaces or deletes; null for a new set. */
    before: ResourceRecordSetSchema.nullable(),
    /** The set as it will be stored; null for DELETE. */
    after: ResourceRecordSetSchema.nullable(),
  })
  .meta({ id: 'PlannedChange' });

export const ProposalSchema = z
  .object({
    id: z.string(),
    zoneId: z.string(),
    status: ProposalStatusSchema,
    /** Token name of whoever proposed it. */
    author: z.string(),
    comment: z.string().nullable(),
    changeBatch: ChangeBatchSchema,
    /** Zone version the batch was validated against (at creation or the last rebase). */
    baseVersion: z.number().int().min(0),
    createdAt: z.string(),
    updatedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    reason: z.string().nullable(),
    /** `/change/C…` once applied. */
    appliedChangeId: z.string().nullable(),
    /** The applied change this proposal undoes (a rollback). */
    rollbackOf: z.string().nullable(),
    supersededBy: z.string().nullable(),
  })
  .meta({ id: 'Proposal' });
export type ProposalWire = z.infer<typeof ProposalSchema>;

/** GET /api/proposals/:pid (and what creating, deciding and rebasing return). */
export const ProposalDetailSchema = ProposalSchema.extend({
  /** The batch planned against baseVersion, record by record. */
  diff: z.array(PlannedChangeSchema),
  /** The zone's version now. */
  currentVersion: z.number().int().min(0),
  /** True when currentVersion ≠ baseVersion: apply answers 409 StaleProposal until a rebase. */
  stale: z.boolean(),
  /** Whether the zone needs an approval (by someone other than the author) before apply. */
  requireApproval: z.boolean(),
}).meta({ id: 'ProposalDetail' });
export type ProposalDetail = z.infer<typeof ProposalDetailSchema>;

export const ProposalListResponseSchema = z
  .object({ proposals: z.array(ProposalSchema) })
  .meta({ id: 'ProposalListResponse' });
export type ProposalListResponse = z.infer<typeof ProposalListResponseSchema>;

export const ProposalListQuerySchema = z.strictObject({
  status: ProposalStatusSchema.optional().describe('Only proposals in this status.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Most proposals to return (1–1000, default 100), newest first.'),
});

/** What may accompany a proposal's batch in the request body. */
const ProposalExtras = {
  /** An open proposal (same zone) this one replaces; it becomes `superseded`. */
  Supersedes: z.string().regex(PROPOSAL_ID_PATTERN, 'not a proposal id (P…)').optional(),
};

/**
 * POST /api/zones/:id/proposals: a change batch exactly as POST /api/zones/:id/rrsets takes it
 * (`{"Comment","Changes"}` or `{"ChangeBatch":{…}}`, where a top-level Comment overrides the
 * batch's), plus an optional `Supersedes`.
 */
export const CreateProposalRequestSchema = z
  .union([
    ChangeBatchSchema.extend(ProposalExtras),
    z.strictObject({
      ChangeBatch: ChangeBatchSchema,
      Comment: z.string().max(256).optional(),
      ...ProposalExtras,
    }),
  ])
  .meta({
    id: 'CreateProposalRequest',
    examples: [
      {
        Comment: 'Retire Singapore',
        Changes: [
          {
            Action: 'DELETE',
            ResourceRecordSet: {
              Name: 'app.example.com.',
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

/**
 * Normalises a proposal body to one flat shape (`{Comment?, Changes, Supersedes?}`), unwrapping
 * `{"ChangeBatch":{…}}`; anything else is returned as is, for the flat schema to report on.
 */
export function unwrapProposalRequest(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  if (!('ChangeBatch' in b) || 'Changes' in b) return body;
  const inner = b.ChangeBatch;
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return body;
  const { ChangeBatch: _batch, ...rest } = b;
  const out: Record<string, unknown> = { ...(inner as Record<string, unknown>), ...rest };
  return out;
}

/** The flat form unwrapProposalRequest produces. */
export const ProposalBodySchema = ChangeBatchSchema.extend(ProposalExtras);
export type ProposalBody = z.infer<typeof ProposalBodySchema>;

export const RejectProposalRequestSchema = z
  .strictObject({ reason: z.string().max(1000).optional() })
  .meta({ id: 'RejectProposalRequest', examples: [{ reason: 'Singapore still serves Jakarta' }] });

export const ApproveProposalRequestSchema = z
  .strictObject({ comment: z.string().max(1000).optional() })
  .meta({ id: 'ApproveProposalRequest' });

/** POST /api/proposals/:pid/apply → the applied batch and the proposal. */
export const ApplyProposalResponseSchema = z
  .object({ ChangeInfo: ChangeInfoSchema, proposal: ProposalDetailSchema })
  .meta({ id: 'ApplyProposalResponse' });
export type ApplyProposalResponse = z.infer<typeof ApplyProposalResponseSchema>;

/** 409 StaleProposal: `error.details.changedSince` lists what was applied since the base. */
export const StaleProposalErrorSchema = z
  .object({
    error: z.object({
      code: z.literal('StaleProposal'),
      message: z.string(),
      details: z.object({
        baseVersion: z.number().int(),
        currentVersion: z.number().int(),
        changedSince: z.array(AppliedChangeSchema),
      }),
    }),
  })
  .meta({
    id: 'StaleProposalError',
    description: 'The zone moved on since the proposal was based: rebase it, review, apply.',
  });

export const ZoneSettingsSchema = z
  .object({
    /** Apply only proposals approved by someone other than their author; direct writes: admin only. */
    requireApproval: z.boolean(),
    /** How routing estimates RTT: great-circle distance (default) or measured latency. */
    routingModel: z.enum(ROUTING_MODELS),
    /** Samples of the last this-many days count "now" (1–90). */
    measurementWindowDays: z.number().int(),
    /** The browser beacon's probe URL per region code. */
    probeUrls: z.record(z.string(), z.string()),
    /** Public key for the browser beacon (POST /api/zones/{id}/beacon-key makes one); null until then. */
    beaconKey: z.string().nullable(),
  })
  .meta({
    id: 'ZoneSettings',
    examples: [
      {
        requireApproval: true,
        routingModel: 'measured',
        measurementWindowDays: 7,
        probeUrls: { 'eu-west-1': 'https://198.51.100.7/probe' },
        beaconKey: null,
      },
    ],
  });

const PROBE_URL = /^https?:\/\/[^\s]+$/i;

/** PUT /api/zones/{id}/settings: the fields to change; the rest stay as they are. */
export const ZoneSettingsUpdateSchema = z
  .strictObject({
    requireApproval: z.boolean().optional(),
    routingModel: z
      .enum(ROUTING_MODELS, { error: 'routingModel is "distance" or "measured"' })
      .optional(),
    measurementWindowDays: z
      .number({ error: `measurementWindowDays is a whole number of days in 1–${MAX_WINDOW_DAYS}` })
      .int({ error: `measurementWindowDays is a whole number of days in 1–${MAX_WINDOW_DAYS}` })
      .min(1, { error: `measurementWindowDays is a whole number of days in 1–${MAX_WINDOW_DAYS}` })
      .max(MAX_WINDOW_DAYS, {
        error: `measurementWindowDays is a whole number of days in 1–${MAX_WINDOW_DAYS}`,
      })
      .optional(),
    probeUrls: z
      .record(
        z.string(),
        z
          .string()
          .max(2048)
          .regex(PROBE_URL, { error: 'a probe URL is an http:// or https:// URL' }),
      )
      .optional(),
  })
  .meta({ id: 'ZoneSettingsUpdate', examples: [{ routingModel: 'measured' }] });
export type ZoneSettingsUpdate = z.infer<typeof ZoneSettingsUpdateSchema>;

export type ZoneSettingsWire = z.infer<typeof ZoneSettingsSchema>;

export const RollbackQuerySchema = z.strictObject({
  apply: z
    .enum(['true', 'false'])
    .optional()
    .describe('true (admin only): apply the inverse batch at once instead of proposing it.'),
});

/** Applied-change ids in a path: `C…` or `/change/C…` (URL-encoded). */
export const CHANGE_ID_PATTERN = /^C[A-Z0-9]{1,31}$/;

/** `/change/C…` for `C…` or `/change/C…`; null when it is neither. */
export function normalizeChangeId(raw: string): string | null {
  const id = raw.startsWith('/change/') ? raw.slice('/change/'.length) : raw;
  return CHANGE_ID_PATTERN.test(id) ? `/change/${id}` : null;
}

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    /** ISO-8601 UTC. */
    at: z.string(),
    /** Token name; null for unattended writes (the demo seed, startup). */
    actor: z.string().nullable(),
    /** e.g. `changes.applied`, `proposal.approved`, `settings.updated`, `token.created`. */
    action: z.string(),
    zoneId: z.string().nullable(),
    /** A change id, proposal id, zone name, token name or health check id. */
    subject: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntryWire = z.infer<typeof AuditEntrySchema>;

export const AuditListResponseSchema = z
  .object({ entries: z.array(AuditEntrySchema) })
  .meta({ id: 'AuditListResponse' });
export type AuditListResponse = z.infer<typeof AuditListResponseSchema>;

export const AuditQuerySchema = z.strictObject({
  zone: z.string().optional().describe('Only entries about this zone (Z… or /hostedzone/Z…).'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Most entries to return (1–1000, default 100), newest first.'),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Only entries older than this id (to page back).'),
});

// The diff is the engine's PlannedChange as it is.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const samePlanned: Same<z.infer<typeof PlannedChangeSchema>, PlannedChange> = true;
void samePlanned;
