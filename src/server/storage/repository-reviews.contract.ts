import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Impact } from '../../engine/impact';
import type { Change, ResourceRecordSet } from '../../engine/types';
import {
  ApprovalRequiredError,
  DEFAULT_ZONE_SETTINGS,
  ProposalNotFoundError,
  ProposalStateError,
  type Repository,
  SelfApprovalError,
  StaleZoneVersionError,
  TokenNameTakenError,
  ZoneNotFoundError,
} from './repository';
import type { RepositoryHarness } from './repository.contract';

function latencyA(name: string, setIdentifier: string, region: string, value: string) {
  return {
    Name: name,
    Type: 'A',
    SetIdentifier: setIdentifier,
    Region: region,
    TTL: 60,
    ResourceRecords: [{ Value: value }],
  } satisfies ResourceRecordSet;
}

const create = (r: ResourceRecordSet): Change => ({ Action: 'CREATE', ResourceRecordSet: r });
const del = (r: ResourceRecordSet): Change => ({ Action: 'DELETE', ResourceRecordSet: r });
const upsert = (r: ResourceRecordSet): Change => ({ Action: 'UPSERT', ResourceRecordSet: r });

const OREGON = latencyA('app.example.com.', 'oregon', 'us-west-2', '192.0.2.10');
const SINGAPORE = latencyA('app.example.com.', 'singapore', 'ap-southeast-1', '192.0.2.20');
const TOKYO = latencyA('app.example.com.', 'tokyo', 'ap-northeast-1', '192.0.2.30');
const OTHER = latencyA('other.example.com.', 'oregon', 'us-west-2', '192.0.2.40');

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

const IMPACT: Impact = {
  model: 'distance-v1',
  cityCount: 1,
  omittedNames: 0,
  names: [
    {
      name: 'app.example.com.',
      type: 'A',
      totalCities: 1,
      totalPopulation: 10,
      movedCities: 1,
      movedPopulation: 10,
      movedCitiesShare: 1,
      movedPopulationShare: 1,
      answerChangedCities: 1,
      answerChangedPopulation: 10,
      flows: [{ from: 'ap-southeast-1', to: 'us-west-2', cities: 1, population: 10 }],
      largestIncreases: [],
    },
  ],
};

/**
 * Issue 4's storage behaviour (tokens, settings, proposals, versions, impact, audit), part of
 * the one contract every Repository implementation runs (see repository.contract.ts).
 */
export function describeReviewStorageContract(
  name: string,
  open: () => Promise<RepositoryHarness>,
): void {
  describe(`Repository contract (reviews): ${name}`, () => {
    let harness: RepositoryHarness;
    let repo: Repository;

    beforeEach(async () => {
      harness = await open();
      repo = harness.repo;
    });

    afterEach(async () => {
      await repo.close();
      await harness.cleanup();
    });

    /** The zone's record sets without its own apex NS and SOA (example.com.). */
    async function recordsOf(zoneId: string) {
      return (await repo.listRecordSets(zoneId)).filter(
        (r) => !((r.Type === 'NS' || r.Type === 'SOA') && r.Name === 'example.com.'),
      );
    }

    async function zoneWith(records: ResourceRecordSet[]) {
      const zone = await repo.createZone('example.com', { actor: 'admin' });
      if (records.length > 0) {
        const result = await repo.applyChangeBatch(
          zone.id,
          { Comment: 'seed', Changes: records.map(create) },
          { author: 'admin' },
        );
        expect(result.ok).toBe(true);
      }
      return zone;
    }

    describe('api tokens', () => {
      it('stores a token by hash, lists it without secret or hash, finds it by hash', async () => {
        const hash = hashOf('la_alice');
        const token = await repo.createApiToken(
          { name: 'alice', role: 'editor', hash },
          { actor: 'admin' },
        );
        expect(token).toMatchObject({
          name: 'alice',
          role: 'editor',
          revokedAt: null,
          lastUsedAt: null,
        });
        expect(token.id).toMatch(/^T[0-9A-Z]{20}$/);
        expect(await repo.listApiTokens()).toEqual([token]);
        expect(JSON.stringify(await repo.listApiTokens())).not.toContain(hash);
        expect(await repo.findApiTokenByHash(hash)).toEqual({ ...token, hash });
        expect(await repo.findApiTokenByHash(hashOf('la_other'))).toBeNull();
        expect(await repo.countApiTokens()).toBe(1);
      });

      it('never reuses a name, even after revoking', async () => {
        await repo.createApiToken({ name: 'alice', role: 'editor', hash: hashOf('a') });
        await expect(
          repo.createApiToken({ name: 'alice', role: 'admin', hash: hashOf('b') }),
        ).rejects.toBeInstanceOf(TokenNameTakenError);
        await repo.revokeApiToken('alice');
        await expect(
          repo.createApiToken({ name: 'alice', role: 'editor', hash: hashOf('c') }),
        ).rejects.toBeInstanceOf(TokenNameTakenError);
        expect(await repo.countApiTokens()).toBe(1);
      });

      it('revokes by name (idempotent); unknown names give null', async () => {
        await repo.createApiToken({ name: 'bob', role: 'approver', hash: hashOf('bob') });
        const revoked = await repo.revokeApiToken('bob', { actor: 'admin' });
        expect(revoked?.revokedAt).toEqual(expect.any(String));
        expect((await repo.revokeApiToken('bob'))?.revokedAt).toBe(revoked?.revokedAt);
        expect((await repo.findApiTokenByHash(hashOf('bob')))?.revokedAt).toBe(revoked?.revokedAt);
        expect(await repo.revokeApiToken('nobody')).toBeNull();
        // One audit entry for the one real revocation.
        const audit = await repo.listAudit();
        expect(audit.filter((e) => e.action === 'token.revoked')).toHaveLength(1);
      });

      it('sets a token secret from configuration: creates, rotates, un-revokes', async () => {
        const first = await repo.setApiTokenSecret({
          name: 'ci',
          role: 'admin',
          hash: hashOf('one'),
        });
        expect(await repo.findApiTokenByHash(hashOf('one'))).toMatchObject({ id: first.id });
        // Same secret again: nothing changes, nothing audited.
        const auditBefore = (await repo.listAudit()).length;
        await repo.setApiTokenSecret({ name: 'ci', role: 'admin', hash: hashOf('one') });
        expect((await repo.listAudit()).length).toBe(auditBefore);
        await repo.revokeApiToken('ci');
        const rotated = await repo.setApiTokenSecret({
          name: 'ci',
          role: 'admin',
          hash: hashOf('two'),
        });
        expect(rotated).toMatchObject({ id: first.id, revokedAt: null });
        expect(await repo.findApiTokenByHash(hashOf('one'))).toBeNull();
        expect(await repo.findApiTokenByHash(hashOf('two'))).toMatchObject({ name: 'ci' });
      });

      it('records last use', async () => {
        const token = await repo.createApiToken({
          name: 'carol',
          role: 'viewer',
          hash: hashOf('c'),
        });
        await repo.touchApiToken(token.id);
        const [listed] = await repo.listApiTokens();
        expect(listed?.lastUsedAt).toEqual(expect.any(String));
      });
    });

    describe('zone settings', () => {
      it('defaults to no approval, stores a change, and is null for an unknown zone', async () => {
        const zone = await zoneWith([]);
        expect(await repo.getZoneSettings(zone.id)).toEqual(DEFAULT_ZONE_SETTINGS);
        expect(
          await repo.updateZoneSettings(zone.id, { requireApproval: true }, { actor: 'admin' }),
        ).toEqual({ ...DEFAULT_ZONE_SETTINGS, requireApproval: true });
        expect(await repo.getZoneSettings(zone.id)).toEqual({
          ...DEFAULT_ZONE_SETTINGS,
          requireApproval: true,
        });
        // Only the fields given change.
        expect(
          await repo.updateZoneSettings(zone.id, {
            routingModel: 'measured',
            measurementWindowDays: 14,
          }),
        ).toEqual({
          ...DEFAULT_ZONE_SETTINGS,
          requireApproval: true,
          routingModel: 'measured',
          measurementWindowDays: 14,
        });
        expect(await repo.listMeasuredZones()).toEqual([{ zoneId: zone.id, windowDays: 14 }]);
        await repo.updateZoneSettings(zone.id, { beaconKey: 'lab_k1' });
        expect(await repo.findZoneByBeaconKey('lab_k1')).toBe(zone.id);
        expect(await repo.findZoneByBeaconKey('lab_nope')).toBeNull();
        expect(await repo.getZoneSettings('ZNOSUCHZONE0000000000')).toBeNull();
        await expect(
          repo.updateZoneSettings('ZNOSUCHZONE0000000000', { requireApproval: true }),
        ).rejects.toBeInstanceOf(ZoneNotFoundError);
      });
    });

    describe('versions, previews and history', () => {
      it('applies with the expected version and refuses a stale one, listing what changed', async () => {
        const zone = await zoneWith([OREGON]);
        const second = await repo.applyChangeBatch(
          zone.id,
          { Comment: 'add singapore', Changes: [create(SINGAPORE)] },
          { author: 'bob', expectedVersion: 1, impact: IMPACT },
        );
        if (!second.ok) throw new Error('refused');
        expect(second.change).toMatchObject({
          version: 2,
          author: 'bob',
          appliedBy: 'bob',
          impact: IMPACT,
        });
        const third = await repo.applyChangeBatch(zone.id, { Changes: [create(OTHER)] });
        if (!third.ok) throw new Error('refused');

        const before = await repo.listRecordSets(zone.id);
        const stale = repo.applyChangeBatch(
          zone.id,
          { Changes: [create(TOKYO)] },
          { expectedVersion: 1 },
        );
        await expect(stale).rejects.toBeInstanceOf(StaleZoneVersionError);
        const err = (await stale.catch((e: unknown) => e)) as StaleZoneVersionError;
        expect(err).toMatchObject({ expectedVersion: 1, currentVersion: 3 });
        expect(err.changedSince.map((c) => c.id)).toEqual([second.change.id, third.change.id]);
        expect(await repo.listRecordSets(zone.id)).toEqual(before);
        expect((await repo.getZone(zone.id))?.version).toBe(3);
      });

      it('keeps impact, author and applier in history; lists since a version', async () => {
        const zone = await zoneWith([OREGON, SINGAPORE]);
        await repo.applyChangeBatch(
          zone.id,
          { Comment: 'drop singapore', Changes: [del(SINGAPORE)] },
          { author: 'alice', appliedBy: 'bob', impact: IMPACT },
        );
        const [latest, seed] = await repo.listChanges(zone.id);
        expect(latest).toMatchObject({
          author: 'alice',
          appliedBy: 'bob',
          impact: IMPACT,
          proposalId: null,
        });
        expect(seed).toMatchObject({ author: 'admin', impact: null });
        expect(
          (await repo.listChanges(zone.id, { sinceVersion: 1 })).map((c) => c.version),
        ).toEqual([2]);
      });

      it('returns one applied batch with its plan (for rollback)', async () => {
        const zone = await zoneWith([OREGON]);
        const moved = { ...OREGON, TTL: 300 };
        const result = await repo.applyChangeBatch(zone.id, {
          Changes: [upsert(moved), create(TOKYO)],
        });
        if (!result.ok) throw new Error('refused');
        const change = await repo.getChange(zone.id, result.change.id);
        expect(change?.plan).toEqual([
          { action: 'UPSERT', before: OREGON, after: moved },
          { action: 'CREATE', before: null, after: TOKYO },
        ]);
        expect(await repo.getChange(zone.id, '/change/CNOSUCHCHANGE')).toBeNull();
        const other = await repo.createZone('other.example');
        expect(await repo.getChange(other.id, result.change.id)).toBeNull();
      });

      it('previews a batch without writing anything', async () => {
        const zone = await zoneWith([OREGON, SINGAPORE, OTHER]);
        const auditBefore = await repo.listAudit();
        const preview = await repo.previewChangeBatch(zone.id, { Changes: [del(SINGAPORE)] });
        expect(preview).toEqual({
          ok: true,
          version: 1,
          plan: [{ action: 'DELETE', before: SINGAPORE, after: null }],
          recordsAtNames: [OREGON, SINGAPORE],
        });
        const bad = await repo.previewChangeBatch(zone.id, { Changes: [create(OREGON)] });
        expect(bad).toMatchObject({
          ok: false,
          version: 1,
          errors: [{ change: 0 }],
          recordsAtNames: [OREGON, SINGAPORE],
        });
        expect(await recordsOf(zone.id)).toHaveLength(3);
        expect(await repo.listAudit()).toEqual(auditBefore);
        await expect(
          repo.previewChangeBatch('ZNOSUCHZONE0000000000', { Changes: [create(OREGON)] }),
        ).rejects.toBeInstanceOf(ZoneNotFoundError);
      });
    });

    describe('proposals', () => {
      it('stores a valid batch as a pending proposal based on the current version', async () => {
        const zone = await zoneWith([OREGON, SINGAPORE]);
        const result = await repo.createProposal(
          zone.id,
          { Comment: 'drop singapore', Changes: [del(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        const p = result.proposal;
        expect(p.id).toMatch(/^P[0-9A-Z]{20}$/);
        expect(p).toMatchObject({
          zoneId: zone.id,
          author: 'alice',
          comment: 'drop singapore',
          status: 'pending',
          baseVersion: 1,
          plan: [{ action: 'DELETE', before: SINGAPORE, after: null }],
          baseRecords: [OREGON, SINGAPORE],
          decidedBy: null,
          appliedChangeId: null,
          rollbackOf: null,
        });
        expect(await repo.getProposal(p.id)).toEqual(p);
        // Not live: the zone is unchanged.
        expect(await recordsOf(zone.id)).toHaveLength(2);
        expect((await repo.getZone(zone.id))?.version).toBe(1);
      });

      it('refuses an invalid batch with the engine errors and stores nothing', async () => {
        const zone = await zoneWith([OREGON]);
        const result = await repo.createProposal(
          zone.id,
          {
            Changes: [
              create(OREGON),
              create(latencyA('app.example.com.', 'x', 'us-west-2', '999.1.1.1')),
            ],
          },
          { author: 'alice' },
        );
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(new Set(result.errors.map((e) => e.change))).toEqual(new Set([0, 1]));
        expect(await repo.listProposals(zone.id)).toEqual([]);
      });

      it('lists newest first, filtered by status', async () => {
        const zone = await zoneWith([OREGON]);
        const a = await repo.createProposal(
          zone.id,
          { Changes: [create(SINGAPORE)] },
          { author: 'alice' },
        );
        const b = await repo.createProposal(
          zone.id,
          { Changes: [create(TOKYO)] },
          { author: 'alice' },
        );
        if (!a.ok || !b.ok) throw new Error('refused');
        await repo.decideProposal(a.proposal.id, {
          status: 'rejected',
          actor: 'bob',
          reason: 'no',
        });
        expect((await repo.listProposals(zone.id)).map((p) => p.id)).toEqual([
          b.proposal.id,
          a.proposal.id,
        ]);
        expect((await repo.listProposals(zone.id, { status: 'pending' })).map((p) => p.id)).toEqual(
          [b.proposal.id],
        );
        const [rejected] = await repo.listProposals(zone.id, { status: 'rejected' });
        expect(rejected).toMatchObject({ decidedBy: 'bob', reason: 'no', status: 'rejected' });
      });

      it('approval: not by the author, only while pending', async () => {
        const zone = await zoneWith([OREGON]);
        const r = await repo.createProposal(
          zone.id,
          { Changes: [create(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!r.ok) throw new Error('refused');
        const id = r.proposal.id;
        await expect(
          repo.decideProposal(id, { status: 'approved', actor: 'alice' }),
        ).rejects.toBeInstanceOf(SelfApprovalError);
        const approved = await repo.decideProposal(id, { status: 'approved', actor: 'bob' });
        expect(approved).toMatchObject({ status: 'approved', decidedBy: 'bob' });
        await expect(
          repo.decideProposal(id, { status: 'rejected', actor: 'carol' }),
        ).rejects.toBeInstanceOf(ProposalStateError);
        await expect(
          repo.decideProposal('PNOSUCHPROPOSAL000000', { status: 'approved', actor: 'bob' }),
        ).rejects.toBeInstanceOf(ProposalNotFoundError);
      });

      it('applies with the author and comment recorded, once', async () => {
        const zone = await zoneWith([OREGON, SINGAPORE]);
        const r = await repo.createProposal(
          zone.id,
          { Comment: 'drop singapore', Changes: [del(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!r.ok) throw new Error('refused');
        const { proposal, change } = await repo.applyProposal(r.proposal.id, {
          actor: 'bob',
          impact: IMPACT,
        });
        expect(change).toMatchObject({
          version: 2,
          author: 'alice',
          appliedBy: 'bob',
          comment: 'drop singapore',
          proposalId: r.proposal.id,
          impact: IMPACT,
        });
        expect(proposal).toMatchObject({ status: 'applied', appliedChangeId: change.id });
        expect(await recordsOf(zone.id)).toEqual([OREGON]);
        await expect(repo.applyProposal(r.proposal.id, { actor: 'bob' })).rejects.toBeInstanceOf(
          ProposalStateError,
        );
        expect((await repo.getZone(zone.id))?.version).toBe(2);
      });

      it('requires approval when the zone says so', async () => {
        const zone = await zoneWith([OREGON]);
        await repo.updateZoneSettings(zone.id, { requireApproval: true });
        const r = await repo.createProposal(
          zone.id,
          { Changes: [create(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!r.ok) throw new Error('refused');
        await expect(repo.applyProposal(r.proposal.id, { actor: 'alice' })).rejects.toBeInstanceOf(
          ApprovalRequiredError,
        );
        expect(await recordsOf(zone.id)).toEqual([OREGON]);
        await repo.decideProposal(r.proposal.id, { status: 'approved', actor: 'bob' });
        const { change } = await repo.applyProposal(r.proposal.id, { actor: 'alice' });
        expect(change.version).toBe(2);
      });

      it('refuses a stale base, then rebases and applies', async () => {
        const zone = await zoneWith([OREGON]);
        const r = await repo.createProposal(
          zone.id,
          { Changes: [create(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!r.ok) throw new Error('refused');
        const moved = await repo.applyChangeBatch(
          zone.id,
          { Comment: 'unrelated', Changes: [create(OTHER)] },
          { author: 'carol' },
        );
        if (!moved.ok) throw new Error('refused');
        const stale = await repo
          .applyProposal(r.proposal.id, { actor: 'bob' })
          .catch((e: unknown) => e);
        expect(stale).toBeInstanceOf(StaleZoneVersionError);
        expect((stale as StaleZoneVersionError).changedSince.map((c) => c.id)).toEqual([
          moved.change.id,
        ]);
        expect((await repo.getProposal(r.proposal.id))?.status).toBe('pending');

        const rebased = await repo.rebaseProposal(r.proposal.id, { actor: 'alice' });
        expect(rebased).toMatchObject({
          ok: true,
          proposal: { baseVersion: 2, status: 'pending' },
        });
        const { change } = await repo.applyProposal(r.proposal.id, { actor: 'bob' });
        expect(change.version).toBe(3);
      });

      it('rebase keeps an approval only when the diff and its name are unchanged', async () => {
        const zone = await zoneWith([OREGON]);
        const a = await repo.createProposal(
          zone.id,
          { Changes: [create(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!a.ok) throw new Error('refused');
        await repo.decideProposal(a.proposal.id, { status: 'approved', actor: 'bob' });
        await repo.applyChangeBatch(zone.id, { Changes: [create(OTHER)] }); // another name
        const kept = await repo.rebaseProposal(a.proposal.id, { actor: 'alice' });
        expect(kept).toMatchObject({
          ok: true,
          proposal: { status: 'approved', decidedBy: 'bob', baseVersion: 2 },
        });

        await repo.applyChangeBatch(zone.id, { Changes: [create(TOKYO)] }); // the same name
        const reset = await repo.rebaseProposal(a.proposal.id, { actor: 'alice' });
        expect(reset).toMatchObject({
          ok: true,
          proposal: { status: 'pending', decidedBy: null, baseVersion: 3 },
        });
        if (reset.ok) expect(reset.proposal.baseRecords).toEqual([OREGON, TOKYO]);
      });

      it('rebase keeps an approval at the apex when only the SOA serial moved', async () => {
        const zone = await zoneWith([OREGON]);
        const txt: ResourceRecordSet = {
          Name: 'example.com.',
          Type: 'TXT',
          TTL: 300,
          ResourceRecords: [{ Value: '"v=spf1 -all"' }],
        };
        const a = await repo.createProposal(
          zone.id,
          { Changes: [create(txt)] },
          { author: 'alice' },
        );
        if (!a.ok) throw new Error('refused');
        // The sets at the apex name include the zone's SOA, whose serial every batch moves.
        expect(a.proposal.baseRecords.map((r) => r.Type)).toEqual(['NS', 'SOA']);
        await repo.decideProposal(a.proposal.id, { status: 'approved', actor: 'bob' });
        await repo.applyChangeBatch(zone.id, { Changes: [create(OTHER)] });
        const kept = await repo.rebaseProposal(a.proposal.id, { actor: 'alice' });
        expect(kept).toMatchObject({
          ok: true,
          proposal: { status: 'approved', decidedBy: 'bob', baseVersion: 2 },
        });
        const { change } = await repo.applyProposal(a.proposal.id, { actor: 'bob' });
        expect(change.version).toBe(3);
        expect(await repo.getZone(zone.id)).toMatchObject({ version: 3, serial: 4 });
      });

      it('rebase that no longer validates changes nothing and says why', async () => {
        const zone = await zoneWith([OREGON]);
        const r = await repo.createProposal(
          zone.id,
          { Changes: [create(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!r.ok) throw new Error('refused');
        await repo.applyChangeBatch(zone.id, { Changes: [create(SINGAPORE)] });
        const result = await repo.rebaseProposal(r.proposal.id, { actor: 'alice' });
        expect(result).toMatchObject({ ok: false, errors: [{ change: 0 }] });
        expect(await repo.getProposal(r.proposal.id)).toEqual(r.proposal);
      });

      it('a new proposal can supersede an open one', async () => {
        const zone = await zoneWith([OREGON]);
        const old = await repo.createProposal(
          zone.id,
          { Changes: [create(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!old.ok) throw new Error('refused');
        const next = await repo.createProposal(
          zone.id,
          { Changes: [create(TOKYO)] },
          { author: 'alice', supersedes: old.proposal.id },
        );
        if (!next.ok) throw new Error('refused');
        expect(await repo.getProposal(old.proposal.id)).toMatchObject({
          status: 'superseded',
          supersededBy: next.proposal.id,
        });
        await expect(
          repo.createProposal(
            zone.id,
            { Changes: [create(SINGAPORE)] },
            {
              author: 'alice',
              supersedes: old.proposal.id,
            },
          ),
        ).rejects.toBeInstanceOf(ProposalStateError);
        await expect(repo.applyProposal(old.proposal.id, { actor: 'bob' })).rejects.toBeInstanceOf(
          ProposalStateError,
        );
      });

      it('refuses to create a proposal against a version the zone has left', async () => {
        const zone = await zoneWith([OREGON]);
        await expect(
          repo.createProposal(
            zone.id,
            { Changes: [create(SINGAPORE)] },
            { author: 'alice', expectedVersion: 0 },
          ),
        ).rejects.toBeInstanceOf(StaleZoneVersionError);
        expect(await repo.listProposals(zone.id)).toEqual([]);
      });

      it('remembers the change a rollback proposal undoes', async () => {
        const zone = await zoneWith([OREGON]);
        const r = await repo.createProposal(
          zone.id,
          { Changes: [del(OREGON)] },
          { author: 'alice', rollbackOf: '/change/CABC' },
        );
        expect(r).toMatchObject({ ok: true, proposal: { rollbackOf: '/change/CABC' } });
      });
    });

    describe('audit log', () => {
      it('records every write with who, what, when and subject, newest first', async () => {
        const zone = await zoneWith([OREGON]);
        const r = await repo.createProposal(
          zone.id,
          { Changes: [create(SINGAPORE)] },
          { author: 'alice' },
        );
        if (!r.ok) throw new Error('refused');
        await repo.decideProposal(r.proposal.id, { status: 'approved', actor: 'bob' });
        const { change } = await repo.applyProposal(r.proposal.id, { actor: 'carol' });
        await repo.updateZoneSettings(zone.id, { requireApproval: true }, { actor: 'admin' });
        await repo.setHealth('hc-1', false, { actor: 'dave' });
        await repo.createApiToken(
          { name: 'erin', role: 'viewer', hash: hashOf('e') },
          { actor: 'admin' },
        );

        const entries = await repo.listAudit();
        expect(entries.map((e) => [e.actor, e.action, e.subject])).toEqual([
          ['admin', 'token.created', 'erin'],
          ['dave', 'health.set', 'hc-1'],
          ['admin', 'settings.updated', zone.id],
          ['carol', 'proposal.applied', r.proposal.id],
          ['carol', 'changes.applied', change.id],
          ['bob', 'proposal.approved', r.proposal.id],
          ['alice', 'proposal.created', r.proposal.id],
          ['admin', 'changes.applied', expect.stringMatching(/^\/change\/C/)],
          ['admin', 'zone.created', 'example.com'],
        ]);
        for (const e of entries) expect(new Date(e.at).toISOString()).toBe(e.at);
        expect(entries[4]?.details).toMatchObject({
          author: 'alice',
          proposalId: r.proposal.id,
          version: 2,
        });
        const ids = entries.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((a, b) => b - a));
      });

      it('filters by zone, pages back, and outlives the zone', async () => {
        const zone = await zoneWith([OREGON]);
        const other = await repo.createZone('other.example', { actor: 'admin' });
        const all = await repo.listAudit({ zoneId: zone.id });
        expect(all.map((e) => e.action)).toEqual(['changes.applied', 'zone.created']);
        expect((await repo.listAudit({ zoneId: other.id })).map((e) => e.action)).toEqual([
          'zone.created',
        ]);
        expect(await repo.listAudit({ zoneId: zone.id, limit: 1 })).toEqual(all.slice(0, 1));
        expect(await repo.listAudit({ zoneId: zone.id, beforeId: all[0]?.id })).toEqual(
          all.slice(1),
        );

        await repo.deleteZone(zone.id, { force: true, actor: 'admin' });
        const after = await repo.listAudit({ zoneId: zone.id });
        expect(after.map((e) => e.action)).toEqual([
          'zone.deleted',
          'changes.applied',
          'zone.created',
        ]);
        expect(after[0]?.details).toMatchObject({ force: true });
      });

      it('appends an entry given by the caller', async () => {
        const entry = await repo.appendAudit({
          actor: 'admin',
          action: 'export.downloaded',
          zoneId: null,
          subject: 'example.com',
          details: { records: 8 },
        });
        expect(entry.id).toBeGreaterThan(0);
        expect(await repo.listAudit()).toEqual([entry]);
      });
    });
  });
}
