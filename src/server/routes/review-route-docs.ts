import { z } from 'zod';
import { MeResponseSchema } from '../../shared/auth';
import { ApiErrorSchema } from '../../shared/errors';
import { ProposalImpactResponseSchema } from '../../shared/impact';
import {
  ApplyProposalResponseSchema,
  ApproveProposalRequestSchema,
  AuditListResponseSchema,
  AuditQuerySchema,
  CreateProposalRequestSchema,
  ProposalDetailSchema,
  ProposalListQuerySchema,
  ProposalListResponseSchema,
  RejectProposalRequestSchema,
  RollbackQuerySchema,
  StaleProposalErrorSchema,
  ZoneSettingsSchema,
  ZoneSettingsUpdateSchema,
} from '../../shared/proposals';
import { ChangeInfoResponseSchema } from '../../shared/rrset';
import type { RouteDoc } from './openapi';
import { ChangeParamsSchema, ImpactQuerySchema, ProposalParamsSchema } from './proposal-routes';
import { ZoneParamsSchema } from './zone-routes';

/** OpenAPI entries for the review routes (proposals, settings, rollback, audit, me). */

const error = (description: string) => ({ description, schema: ApiErrorSchema });
const badInput = error('Bad input: `error.details` names each bad field.');
const unauthorized = error('Unauthorized: no token, or one that is unknown or revoked.');
const forbidden = (role: string) => error(`Forbidden: the token's role is below ${role}.`);
const noProposal = error('NoSuchProposal (or 400 for a malformed id).');
const invalidBatch = error('InvalidChangeBatch: `details[].change` is the 0-based change index.');

const AuditEntryParamsSchema = z.strictObject({
  entryId: z.string().meta({ description: 'Audit entry id.' }),
});

export const REVIEW_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/me',
    tag: 'access',
    summary: 'Who the presented token belongs to',
    access: 'token',
    responses: {
      200: { description: 'Name and role', schema: MeResponseSchema },
      401: unauthorized,
    },
  },
  {
    method: 'post',
    path: '/api/zones/{id}/proposals',
    tag: 'reviews',
    summary: 'Propose a change batch (stored, not live)',
    description:
      'Same body, rules and 400 InvalidChangeBatch errors as POST /api/zones/{id}/rrsets; nothing goes live. `Supersedes` replaces an open proposal of yours.',
    access: 'editor',
    params: ZoneParamsSchema,
    body: CreateProposalRequestSchema,
    responses: {
      201: {
        description: 'Stored as pending, based on the current zone version',
        schema: ProposalDetailSchema,
      },
      400: invalidBatch,
      401: unauthorized,
      403: forbidden('editor'),
      404: error('NoSuchHostedZone'),
    },
  },
  {
    method: 'get',
    path: '/api/zones/{id}/proposals',
    tag: 'reviews',
    summary: 'Proposals of a zone, newest first',
    access: 'read',
    params: ZoneParamsSchema,
    query: ProposalListQuerySchema,
    responses: {
      200: { description: 'Proposals', schema: ProposalListResponseSchema },
      400: badInput,
      404: error('NoSuchHostedZone'),
    },
  },
  {
    method: 'get',
    path: '/api/proposals/{pid}',
    tag: 'reviews',
    summary: 'One proposal with its diff (before/after per change)',
    access: 'read',
    params: ProposalParamsSchema,
    responses: {
      200: { description: 'The proposal', schema: ProposalDetailSchema },
      400: badInput,
      404: noProposal,
    },
  },
  {
    method: 'get',
    path: '/api/proposals/{pid}/impact',
    tag: 'reviews',
    summary: 'What the proposal does to users',
    description:
      'Every GeoNames city (~135k) routed before and after: the share of cities and population whose answer moves, flows between regions, the 10 largest RTT increases. For an applied proposal, the impact recorded when it was applied (unless `at` asks for another time). Zones on the measured model count with it.',
    access: 'read',
    params: ProposalParamsSchema,
    query: ImpactQuerySchema,
    responses: {
      200: { description: 'Impact', schema: ProposalImpactResponseSchema },
      400: badInput,
      404: noProposal,
    },
  },
  {
    method: 'post',
    path: '/api/proposals/{pid}/approve',
    tag: 'reviews',
    summary: 'Approve a pending proposal (not your own)',
    access: 'approver',
    params: ProposalParamsSchema,
    body: ApproveProposalRequestSchema,
    responses: {
      200: { description: 'Approved', schema: ProposalDetailSchema },
      401: unauthorized,
      403: error('Forbidden (below approver) or SelfApprovalNotAllowed'),
      404: noProposal,
      409: error('InvalidProposalState: the proposal is not pending'),
    },
  },
  {
    method: 'post',
    path: '/api/proposals/{pid}/reject',
    tag: 'reviews',
    summary: 'Reject a pending proposal, with an optional reason',
    access: 'approver',
    params: ProposalParamsSchema,
    body: RejectProposalRequestSchema,
    responses: {
      200: { description: 'Rejected', schema: ProposalDetailSchema },
      400: badInput,
      401: unauthorized,
      403: forbidden('approver'),
      404: noProposal,
      409: error('InvalidProposalState: the proposal is not pending'),
    },
  },
  {
    method: 'post',
    path: '/api/proposals/{pid}/apply',
    tag: 'reviews',
    summary: 'Apply a proposal (author and comment recorded, impact stored)',
    description:
      'Refused with 409 ApprovalRequired when the zone requires approval and the proposal is not approved, and with 409 StaleProposal (`error.details.changedSince`) when the zone has moved on since its base version: rebase, review, apply.',
    access: 'editor',
    params: ProposalParamsSchema,
    responses: {
      200: { description: 'Applied', schema: ApplyProposalResponseSchema },
      401: unauthorized,
      403: forbidden('editor'),
      404: noProposal,
      409: {
        description: 'StaleProposal, ApprovalRequired or InvalidProposalState',
        schema: StaleProposalErrorSchema,
      },
    },
  },
  {
    method: 'post',
    path: '/api/proposals/{pid}/rebase',
    tag: 'reviews',
    summary: 'Revalidate against the zone as it is now and move the base version',
    description:
      'For the author or an admin. An approval stands only if the diff and the records at its names are unchanged; otherwise the proposal is pending again.',
    access: 'editor',
    params: ProposalParamsSchema,
    responses: {
      200: { description: 'Rebased', schema: ProposalDetailSchema },
      400: error('InvalidChangeBatch: the batch no longer applies; the proposal is unchanged'),
      401: unauthorized,
      403: error('Forbidden: not the author nor an admin'),
      404: noProposal,
      409: error('InvalidProposalState'),
    },
  },
  {
    method: 'get',
    path: '/api/zones/{id}/settings',
    tag: 'reviews',
    summary: 'Zone settings (review, routing model, measurement window, beacon)',
    access: 'read',
    params: ZoneParamsSchema,
    responses: {
      200: { description: 'Settings', schema: ZoneSettingsSchema },
      404: error('NoSuchHostedZone'),
    },
  },
  {
    method: 'put',
    path: '/api/zones/{id}/settings',
    tag: 'reviews',
    summary: 'Change zone settings (only the fields given)',
    description:
      'requireApproval: proposals need an approval by someone other than their author before apply, and direct POST rrsets is for admins only.',
    access: 'admin',
    params: ZoneParamsSchema,
    body: ZoneSettingsUpdateSchema,
    responses: {
      200: { description: 'Stored', schema: ZoneSettingsSchema },
      400: badInput,
      401: unauthorized,
      403: forbidden('admin'),
      404: error('NoSuchHostedZone'),
    },
  },
  {
    method: 'post',
    path: '/api/zones/{id}/changes/{changeId}/rollback',
    tag: 'reviews',
    summary: 'Roll back an applied batch: propose its inverse, or apply it at once (admin)',
    description:
      'The inverse batch (created → DELETE, deleted → CREATE, replaced → UPSERT of the previous set) restores exactly the sets the batch found. 409 RollbackConflict when those sets changed since; 400 InvalidChangeBatch when the inverse does not validate.',
    access: 'editor',
    params: ChangeParamsSchema,
    query: RollbackQuerySchema,
    responses: {
      200: { description: 'Applied at once (?apply=true)', schema: ChangeInfoResponseSchema },
      201: { description: 'Proposed', schema: ProposalDetailSchema },
      400: invalidBatch,
      401: unauthorized,
      403: error('Forbidden: below editor, or ?apply=true below admin'),
      404: error('NoSuchHostedZone or NoSuchChange'),
      409: error('RollbackConflict: `details` names each set changed since'),
    },
  },
  {
    method: 'get',
    path: '/api/audit',
    tag: 'reviews',
    summary: 'Audit log, newest first (append-only)',
    access: 'read',
    query: AuditQuerySchema,
    responses: { 200: { description: 'Entries', schema: AuditListResponseSchema }, 400: badInput },
  },
  ...(['post', 'put', 'patch', 'delete'] as const).flatMap((method) =>
    ['/api/audit', '/api/audit/{entryId}'].map(
      (path): RouteDoc => ({
        method,
        path,
        tag: 'reviews',
        summary: 'Not allowed: audit entries are never changed or deleted',
        access: 'public',
        ...(path.includes('{entryId}') ? { params: AuditEntryParamsSchema } : {}),
        responses: { 405: error('MethodNotAllowed') },
      }),
    ),
  ),
];
