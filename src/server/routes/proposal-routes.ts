import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Impact, ImpactCity } from '../../engine/impact';
import { findRegion } from '../../engine/regions';
import { invertPlan, rollbackConflicts } from '../../engine/rollback';
import { issuesToChangeDetails } from '../../shared/errors';
import type { ProposalImpactResponse } from '../../shared/impact';
import {
  type ApplyProposalResponse,
  ApproveProposalRequestSchema,
  normalizeChangeId,
  PROPOSAL_ID_PATTERN,
  ProposalBodySchema,
  type ProposalDetail,
  ProposalListQuerySchema,
  type ProposalListResponse,
  RejectProposalRequestSchema,
  RollbackQuerySchema,
  unwrapProposalRequest,
  ZoneSettingsUpdateSchema,
  type ZoneSettingsWire,
} from '../../shared/proposals';
import type { ChangeInfoResponse } from '../../shared/rrset';
import { requireRole } from '../auth/auth-hook';
import { changeInfoOf, type ServedVersions } from '../domain/change-status';
import type { MeasurementService } from '../domain/measurements';
import type { UpstreamService } from '../domain/upstream';
import { applyWithImpact } from '../reviews/apply-with-impact';
import { impactOfPlan } from '../reviews/impact';
import { toProposalDetail, toProposalWire } from '../reviews/wire';
import {
  type AppliedChangeBatch,
  DEFAULT_ZONE_SETTINGS,
  type Proposal,
  type Repository,
  StaleZoneVersionError,
} from '../storage/repository';
import { invalidChangeBatch, invalidField, invalidInput } from './api-error';
import { parseAtParam } from './measurement-routes';
import { reviewError, staleProposal, toReviewHttpError } from './review-errors';
import { findZone } from './zone-routes';

export const ProposalParamsSchema = z.strictObject({
  pid: z.string().meta({ description: 'Proposal id, `P…`.' }),
});

export const ChangeParamsSchema = z.strictObject({
  id: z.string().meta({ description: 'Zone id: `Z…` or `/hostedzone/Z…` (URL-encoded).' }),
  changeId: z
    .string()
    .meta({ description: 'Applied change id: `C…` or `/change/C…` (URL-encoded).' }),
});

export const ImpactQuerySchema = z.strictObject({
  at: z
    .string()
    .optional()
    .describe('Count as at this ISO time (zones on the measured model: the window ending then).'),
});

export interface ReviewRouteOptions {
  repository: Repository;
  /** The cities impact is counted over (loaded on first use). */
  cities: () => readonly ImpactCity[];
  /** The DNS server's served versions, for ChangeInfo.Status (null: DNS off, always INSYNC). */
  dns?: ServedVersions | null;
  /** Each zone's latency model, for impact (default: distance). */
  measurements?: MeasurementService;
  /** Zones mirrored to an upstream hosted zone push every applied batch there first. */
  upstream?: UpstreamService;
}

/** Runs a storage call, turning its typed refusals into API errors. */
async function storage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw toReviewHttpError(err);
  }
}

async function findProposal(repository: Repository, params: unknown): Promise<Proposal> {
  const parsed = ProposalParamsSchema.safeParse(params);
  if (!parsed.success) throw invalidInput(parsed.error);
  const pid = parsed.data.pid;
  if (!PROPOSAL_ID_PATTERN.test(pid))
    throw invalidField('pid', `"${pid}" is not a proposal id (P…)`);
  const proposal = await repository.getProposal(pid);
  if (!proposal) throw reviewError(404, 'NoSuchProposal', `no proposal with id ${pid}`);
  return proposal;
}

/** Small memo for proposal impacts: keyed by id and last update, so any change recomputes. */
class ImpactMemo {
  private readonly entries = new Map<string, Impact>();
  get(key: string): Impact | undefined {
    return this.entries.get(key);
  }
  set(key: string, impact: Impact): void {
    if (this.entries.size >= 200) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, impact);
  }
}

/**
 * Operator reviews: proposals (create, list, read, impact, approve, reject, rebase, apply),
 * zone settings, and rollback of applied batches.
 */
export function registerProposalRoutes(app: FastifyInstance, options: ReviewRouteOptions): void {
  const { repository, cities } = options;
  const changeInfo = (change: AppliedChangeBatch): ChangeInfoResponse['ChangeInfo'] =>
    changeInfoOf(change, options.dns ?? null);
  const memo = new ImpactMemo();

  async function detail(p: Proposal): Promise<ProposalDetail> {
    const zone = await repository.getZone(p.zoneId);
    const settings = await repository.getZoneSettings(p.zoneId);
    return toProposalDetail(
      p,
      { version: zone?.version ?? p.baseVersion },
      settings?.requireApproval ?? false,
    );
  }

  /** Impact as the reviewer sees it: the stored plan against the sets at its base version. */
  async function proposalImpact(p: Proposal, at?: number): Promise<Impact> {
    // An applied proposal keeps the impact recorded when it landed (unless replayed at a time).
    if (p.appliedChangeId && at === undefined) {
      const stored = (await repository.getChange(p.zoneId, p.appliedChangeId))?.impact;
      if (stored) return stored;
    }
    const zm = await options.measurements?.zoneModel(p.zoneId, at);
    const key = `${p.id} ${p.updatedAt} ${zm?.key ?? 'distance'}`;
    const cached = memo.get(key);
    if (cached) return cached;
    const impact = await impactOfPlan(repository, p.baseRecords, p.plan, cities(), zm?.model);
    memo.set(key, impact);
    return impact;
  }

  function requireAuthorOrAdmin(req: FastifyRequest, p: Proposal, action: string) {
    const principal = requireRole(req, 'editor', action);
    if (principal.name !== p.author && principal.role !== 'admin') {
      throw reviewError(
        403,
        'Forbidden',
        `${action} is for the proposal's author (${p.author}) or an admin`,
        [{ field: 'author', message: `the proposal belongs to ${p.author}` }],
      );
    }
    return principal;
  }

  app.post(
    '/api/zones/:id/proposals',
    { config: { access: 'editor' } },
    async (req, reply): Promise<ProposalDetail> => {
      const principal = requireRole(req, 'editor', 'proposing a change');
      const zone = await findZone(repository, req.params);
      const parsed = ProposalBodySchema.safeParse(unwrapProposalRequest(req.body));
      if (!parsed.success) {
        throw invalidChangeBatch(issuesToChangeDetails(parsed.error.issues), 'nothing was stored');
      }
      const { Supersedes: supersedes, ...batch } = parsed.data;
      if (supersedes) {
        const old = await repository.getProposal(supersedes);
        if (old && old.zoneId === zone.id) requireAuthorOrAdmin(req, old, 'superseding a proposal');
      }
      const result = await storage(
        repository.createProposal(zone.id, batch, {
          author: principal.name,
          ...(supersedes ? { supersedes } : {}),
        }),
      );
      if (!result.ok) throw invalidChangeBatch(result.errors, 'nothing was stored');
      reply.code(201).header('location', `/api/proposals/${result.proposal.id}`);
      return detail(result.proposal);
    },
  );

  app.get('/api/zones/:id/proposals', async (req): Promise<ProposalListResponse> => {
    const query = ProposalListQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidInput(query.error);
    const zone = await findZone(repository, req.params);
    const proposals = await repository.listProposals(zone.id, {
      limit: query.data.limit ?? 100,
      ...(query.data.status ? { status: query.data.status } : {}),
    });
    return { proposals: proposals.map(toProposalWire) };
  });

  app.get(
    '/api/proposals/:pid',
    async (req): Promise<ProposalDetail> => detail(await findProposal(repository, req.params)),
  );

  app.get('/api/proposals/:pid/impact', async (req): Promise<ProposalImpactResponse> => {
    const q = ImpactQuerySchema.safeParse(req.query ?? {});
    if (!q.success) throw invalidInput(q.error);
    const at = parseAtParam(q.data.at);
    const p = await findProposal(repository, req.params);
    const zone = await repository.getZone(p.zoneId);
    const applied = p.appliedChangeId
      ? await repository.getChange(p.zoneId, p.appliedChangeId)
      : null;
    return {
      proposalId: p.id,
      zoneId: p.zoneId,
      version: p.baseVersion,
      stale: !applied && zone !== null && zone.version !== p.baseVersion,
      impact: await proposalImpact(p, at),
    };
  });

  app.post(
    '/api/proposals/:pid/approve',
    { config: { access: 'approver' } },
    async (req): Promise<ProposalDetail> => {
      const principal = requireRole(req, 'approver', 'approving a proposal');
      const p = await findProposal(repository, req.params);
      const body = ApproveProposalRequestSchema.safeParse(req.body ?? {});
      if (!body.success) throw invalidInput(body.error);
      const decided = await storage(
        repository.decideProposal(p.id, {
          status: 'approved',
          actor: principal.name,
          reason: body.data.comment ?? null,
        }),
      );
      return detail(decided);
    },
  );

  app.post(
    '/api/proposals/:pid/reject',
    { config: { access: 'approver' } },
    async (req): Promise<ProposalDetail> => {
      const principal = requireRole(req, 'approver', 'rejecting a proposal');
      const p = await findProposal(repository, req.params);
      const body = RejectProposalRequestSchema.safeParse(req.body ?? {});
      if (!body.success) throw invalidInput(body.error);
      const decided = await storage(
        repository.decideProposal(p.id, {
          status: 'rejected',
          actor: principal.name,
          reason: body.data.reason ?? null,
        }),
      );
      return detail(decided);
    },
  );

  app.post(
    '/api/proposals/:pid/rebase',
    { config: { access: 'editor' } },
    async (req): Promise<ProposalDetail> => {
      const p = await findProposal(repository, req.params);
      const principal = requireAuthorOrAdmin(req, p, 'rebasing a proposal');
      const result = await storage(repository.rebaseProposal(p.id, { actor: principal.name }));
      if (!result.ok) {
        throw invalidChangeBatch(
          result.errors,
          'the proposal no longer applies to the zone as it is now and was left unchanged',
        );
      }
      return detail(result.proposal);
    },
  );

  app.post(
    '/api/proposals/:pid/apply',
    { config: { access: 'editor' } },
    async (req): Promise<ApplyProposalResponse> => {
      const principal = requireRole(req, 'editor', 'applying a proposal');
      const p = await findProposal(repository, req.params);
      // Cheap refusals first, so a doomed apply does not pay for an impact computation; the
      // repository checks all of them again inside its transaction.
      const zone = await repository.getZone(p.zoneId);
      if (zone && (p.status === 'pending' || p.status === 'approved')) {
        const settings = await repository.getZoneSettings(zone.id);
        if (settings?.requireApproval && p.status !== 'approved') {
          throw reviewError(
            409,
            'ApprovalRequired',
            `the zone requires approval before apply and proposal ${p.id} is ${p.status}; an approver other than ${p.author} has to approve it first`,
            [{ field: 'status', message: `the proposal is ${p.status}, not approved` }],
          );
        }
        if (zone.version !== p.baseVersion) {
          const since = await repository.listChanges(zone.id, { sinceVersion: p.baseVersion });
          throw staleProposal(
            new StaleZoneVersionError(zone.id, p.baseVersion, zone.version, since.reverse()),
          );
        }
      }
      const impact = await proposalImpact(p);
      const applyIt = () =>
        storage(repository.applyProposal(p.id, { actor: principal.name, impact })).then((r) => ({
          ok: true as const,
          ...r,
        }));
      const { proposal, change } = options.upstream
        ? await options.upstream.applyThrough(p.zoneId, p.batch, applyIt, {
            changeIdOf: (r) => r.change.id,
          })
        : await applyIt();
      return { ChangeInfo: changeInfo(change), proposal: await detail(proposal) };
    },
  );

  app.get('/api/zones/:id/settings', async (req): Promise<ZoneSettingsWire> => {
    const zone = await findZone(repository, req.params);
    return (await repository.getZoneSettings(zone.id)) ?? { ...DEFAULT_ZONE_SETTINGS };
  });

  app.put(
    '/api/zones/:id/settings',
    { config: { access: 'admin' } },
    async (req): Promise<ZoneSettingsWire> => {
      const principal = requireRole(req, 'admin', 'changing zone settings');
      const zone = await findZone(repository, req.params);
      const body = ZoneSettingsUpdateSchema.safeParse(req.body ?? {});
      if (!body.success) throw invalidInput(body.error);
      for (const region of Object.keys(body.data.probeUrls ?? {})) {
        if (findRegion(region) === undefined) {
          throw invalidField(`probeUrls.${region}`, `"${region}" is not an AWS region`);
        }
      }
      return storage(repository.updateZoneSettings(zone.id, body.data, { actor: principal.name }));
    },
  );

  app.post(
    '/api/zones/:id/changes/:changeId/rollback',
    { config: { access: 'editor' } },
    async (req, reply): Promise<ProposalDetail | ChangeInfoResponse> => {
      const query = RollbackQuerySchema.safeParse(req.query);
      if (!query.success) throw invalidInput(query.error);
      const applyNow = query.data.apply === 'true';
      const principal = applyNow
        ? requireRole(req, 'admin', 'rolling back at once (?apply=true)')
        : requireRole(req, 'editor', 'proposing a rollback');
      const zone = await findZone(repository, req.params);
      const rawChangeId = (req.params as { changeId?: string }).changeId ?? '';
      const changeId = normalizeChangeId(rawChangeId);
      if (!changeId) {
        throw invalidField('changeId', `"${rawChangeId}" is not a change id (C… or /change/C…)`);
      }
      const change = await repository.getChange(zone.id, changeId);
      if (!change) {
        throw reviewError(404, 'NoSuchChange', `zone ${zone.id} has no applied change ${changeId}`);
      }
      const comment = `Roll back ${change.id}${change.comment ? `: ${change.comment}` : ''}`;
      const inverse = invertPlan(
        change.plan,
        comment.length > 256 ? `${comment.slice(0, 255)}…` : comment,
      );

      for (let attempt = 1; ; attempt++) {
        const preview = await repository.previewChangeBatch(zone.id, inverse);
        const conflicts = rollbackConflicts(change.plan, preview.recordsAtNames);
        if (conflicts.length > 0) {
          throw reviewError(
            409,
            'RollbackConflict',
            `${change.id} cannot be rolled back exactly: ${conflicts.length} of its record sets ${conflicts.length === 1 ? 'was' : 'were'} changed since (${conflicts[0]?.message})`,
            conflicts,
          );
        }
        if (!preview.ok) {
          throw invalidChangeBatch(preview.errors, 'nothing was rolled back');
        }
        try {
          if (applyNow) {
            const zm = await options.measurements?.zoneModel(zone.id);
            const apply = () =>
              applyWithImpact(repository, zone.id, inverse, {
                author: principal.name,
                cities,
                expectedVersion: preview.version,
                ...(zm !== undefined ? { model: zm.model } : {}),
              });
            const result = options.upstream
              ? await options.upstream.applyThrough(zone.id, inverse, apply, {
                  changeIdOf: (r) => (r.ok ? r.change.id : null),
                })
              : await apply();
            if (!result.ok) throw invalidChangeBatch(result.errors, 'nothing was rolled back');
            return { ChangeInfo: changeInfo(result.change) };
          }
          const result = await repository.createProposal(zone.id, inverse, {
            author: principal.name,
            rollbackOf: change.id,
            expectedVersion: preview.version,
          });
          if (!result.ok) throw invalidChangeBatch(result.errors, 'nothing was stored');
          reply.code(201).header('location', `/api/proposals/${result.proposal.id}`);
          return detail(result.proposal);
        } catch (err) {
          // The zone moved between the check and the write: check again against the new state.
          if (err instanceof StaleZoneVersionError && attempt < 3) continue;
          throw toReviewHttpError(err);
        }
      }
    },
  );
}
