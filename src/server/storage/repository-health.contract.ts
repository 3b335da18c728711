import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from '../../engine/types';
import type { HealthCheckConfig } from '../../shared/health';
import {
  HealthCheckInUseError,
  HealthCheckNotFoundError,
  HealthCheckVersionError,
  InvalidHealthCheckError,
  type Repository,
} from './repository';
import type { RepositoryHarness } from './repository.contract';

const HTTP: HealthCheckConfig = {
  Type: 'HTTP',
  IPAddress: '192.0.2.10',
  Port: 80,
  ResourcePath: '/',
  RequestInterval: 30,
  FailureThreshold: 3,
  Inverted: false,
  Disabled: false,
};

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString();
const probe = (healthy: boolean, s: number, reason = healthy ? 'OK 200' : 'HTTP 503') => ({
  at: at(s),
  healthy,
  latencyMs: 1.5,
  reason,
});

/** Health checks, overrides, effective status, observations and transitions. */
export function describeHealthStorageContract(
  name: string,
  open: () => Promise<RepositoryHarness>,
): void {
  describe(`Repository contract (health): ${name}`, () => {
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

    async function zoneUsing(healthCheckId: string) {
      const zone = await repo.createZone('health.example');
      const set: ResourceRecordSet = {
        Name: 'www.health.example.',
        Type: 'A',
        SetIdentifier: 'eu',
        Region: 'eu-west-1',
        TTL: 60,
        ResourceRecords: [{ Value: '192.0.2.1' }],
        HealthCheckId: healthCheckId,
      };
      const applied = await repo.applyChangeBatch(zone.id, {
        Changes: [{ Action: 'CREATE', ResourceRecordSet: set }],
      });
      expect(applied.ok).toBe(true);
      return zone;
    }

    it('creates, reads, lists, updates with the version and deletes a check, audited', async () => {
      const { check } = await repo.createHealthCheck(
        { name: 'eu web', config: HTTP },
        { actor: 'alice' },
      );
      expect(check).toMatchObject({ name: 'eu web', config: HTTP, version: 1 });
      expect(check.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(await repo.getHealthCheck(check.id)).toEqual(check);
      expect(await repo.listHealthChecks()).toEqual([check]);

      const updated = await repo.updateHealthCheck(
        check.id,
        { expectedVersion: 1, name: 'eu web 2', config: { ...HTTP, FailureThreshold: 1 } },
        { actor: 'bob' },
      );
      expect(updated.check).toMatchObject({ name: 'eu web 2', version: 2 });
      expect(updated.check.config.FailureThreshold).toBe(1);
      await expect(
        repo.updateHealthCheck(check.id, { expectedVersion: 1, name: 'x', config: HTTP }),
      ).rejects.toBeInstanceOf(HealthCheckVersionError);
      await expect(
        repo.updateHealthCheck('nope', { expectedVersion: 1, name: 'x', config: HTTP }),
      ).rejects.toBeInstanceOf(HealthCheckNotFoundError);
      expect((await repo.getHealthCheck(check.id))?.version).toBe(2);

      expect(await repo.deleteHealthCheck(check.id, { actor: 'carol' })).toMatchObject({
        deleted: true,
      });
      expect(await repo.getHealthCheck(check.id)).toBeNull();
      expect((await repo.deleteHealthCheck(check.id)).deleted).toBe(false);

      const actions = (await repo.listAudit())
        .filter((e) => e.subject === check.id)
        .map((e) => [e.action, e.actor]);
      expect(actions).toEqual([
        ['health_check.deleted', 'carol'],
        ['health_check.updated', 'bob'],
        ['health_check.created', 'alice'],
      ]);
    });

    it('refuses to delete a check a record set or a calculated check names, listing them', async () => {
      const { check } = await repo.createHealthCheck({ name: 'a', config: HTTP });
      const zone = await zoneUsing(check.id);
      const err = await repo.deleteHealthCheck(check.id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HealthCheckInUseError);
      expect((err as HealthCheckInUseError).records).toEqual([
        {
          zoneId: zone.id,
          name: 'www.health.example.',
          type: 'A',
          setIdentifier: 'eu',
          region: 'eu-west-1',
        },
      ]);
      expect(await repo.healthCheckReferences([check.id, 'other'])).toEqual(
        new Map([
          [check.id, (err as HealthCheckInUseError).records],
          ['other', []],
        ]),
      );
      expect([...(await repo.healthCheckReferences()).keys()]).toEqual([check.id]);

      const { check: b } = await repo.createHealthCheck({ name: 'b', config: HTTP });
      await repo.createHealthCheck({
        name: 'calc',
        config: { ...HTTP, Type: 'CALCULATED', ChildHealthChecks: [b.id], HealthThreshold: 1 },
      });
      const err2 = await repo.deleteHealthCheck(b.id).catch((e: unknown) => e);
      expect(err2).toBeInstanceOf(HealthCheckInUseError);
      expect((err2 as HealthCheckInUseError).parents).toHaveLength(1);
      expect(await repo.getHealthCheck(b.id)).not.toBeNull();
    });

    it('refuses calculated children that do not exist, are calculated or are itself', async () => {
      const calc = (children: string[]): HealthCheckConfig => ({
        Type: 'CALCULATED',
        RequestInterval: 30,
        FailureThreshold: 3,
        Inverted: false,
        Disabled: false,
        ChildHealthChecks: children,
        HealthThreshold: 1,
      });
      await expect(
        repo.createHealthCheck({ name: 'c', config: calc(['missing']) }),
      ).rejects.toBeInstanceOf(InvalidHealthCheckError);
      const { check: child } = await repo.createHealthCheck({ name: 'child', config: HTTP });
      const { check: parent } = await repo.createHealthCheck({
        name: 'p',
        config: calc([child.id]),
      });
      await expect(
        repo.createHealthCheck({ name: 'pp', config: calc([parent.id]) }),
      ).rejects.toBeInstanceOf(InvalidHealthCheckError);
      await expect(
        repo.updateHealthCheck(parent.id, {
          expectedVersion: 1,
          name: 'p',
          config: calc([parent.id]),
        }),
      ).rejects.toBeInstanceOf(InvalidHealthCheckError);
      expect(await repo.listHealthChecks()).toHaveLength(2);
    });

    it('effective status: checker verdict, Inverted, Disabled, override, with transitions', async () => {
      const { check } = await repo.createHealthCheck({ name: 'eu', config: HTTP });
      const zone = await zoneUsing(check.id);
      const status = async () => (await repo.getHealth([check.id])).get(check.id);
      expect(await status()).toBe(true);
      expect((await repo.getHealthStates([check.id])).get(check.id)).toMatchObject({
        healthy: true,
        source: 'none',
        checker: null,
        override: null,
      });

      await repo.recordHealthObservation(check.id, probe(true, 1), true);
      expect((await repo.getHealthStates([check.id])).get(check.id)?.source).toBe('checker');
      const down = await repo.recordHealthObservation(check.id, probe(false, 2), false);
      expect(down.transitions).toMatchObject([
        { healthCheckId: check.id, name: 'eu', from: true, to: false, reason: 'HTTP 503' },
      ]);
      expect(down.transitions[0]?.records).toEqual([
        expect.objectContaining({ zoneId: zone.id, region: 'eu-west-1' }),
      ]);
      expect(await status()).toBe(false);
      expect((await repo.getHealthStates([check.id])).get(check.id)).toMatchObject({
        healthy: false,
        source: 'checker',
        since: at(2),
        checker: false,
      });
      // The same verdict again: no transition, since unchanged.
      expect(
        (await repo.recordHealthObservation(check.id, probe(false, 3), false)).transitions,
      ).toEqual([]);

      // Inverted flips the verdict at once.
      await repo.updateHealthCheck(check.id, {
        expectedVersion: 1,
        name: 'eu',
        config: { ...HTTP, Inverted: true },
      });
      expect(await status()).toBe(true);
      // Disabled is healthy whatever the checker says.
      await repo.updateHealthCheck(check.id, {
        expectedVersion: 2,
        name: 'eu',
        config: { ...HTTP, Disabled: true },
      });
      expect(await status()).toBe(true);
      expect((await repo.getHealthStates([check.id])).get(check.id)?.source).toBe('disabled');

      // An override beats everything, and records who and why.
      await repo.setHealth(check.id, false, { actor: 'ops', reason: 'maintenance' });
      expect(await status()).toBe(false);
      expect((await repo.getHealthStates([check.id])).get(check.id)).toMatchObject({
        source: 'override',
        override: { healthy: false, by: 'ops', reason: 'maintenance' },
      });
      expect((await repo.clearHealthOverride(check.id, { actor: 'ops' })).cleared).toBe(true);
      expect((await repo.clearHealthOverride(check.id)).cleared).toBe(false);
      expect(await status()).toBe(true);

      const transitions = await repo.listHealthTransitions({ healthCheckIds: [check.id] });
      expect(transitions.map((t) => [t.from, t.to, t.source, t.reason])).toEqual([
        [false, true, 'disabled', 'override cleared by ops'],
        [true, false, 'override', 'override by ops: unhealthy (maintenance)'],
        [false, true, 'checker', 'inverted'],
        [true, false, 'checker', 'HTTP 503'],
      ]);
      expect(
        await repo.listHealthTransitions({ since: at(3), healthCheckIds: [check.id] }),
      ).toEqual(transitions.filter((t) => t.at >= at(3)));
      expect(await repo.listHealthTransitions({ healthCheckIds: ['other'] })).toEqual([]);
      // By zone: the records named then (and the check the zone names now).
      expect(await repo.listHealthTransitions({ zoneId: zone.id })).toEqual(transitions);
      expect(await repo.listHealthTransitions({ zoneId: 'ZOTHER' })).toEqual([]);
    });

    it('calculated: healthy while at least HealthThreshold children are', async () => {
      const { check: a } = await repo.createHealthCheck({ name: 'a', config: HTTP });
      const { check: b } = await repo.createHealthCheck({ name: 'b', config: HTTP });
      const { check: calc } = await repo.createHealthCheck({
        name: 'calc',
        config: {
          Type: 'CALCULATED',
          RequestInterval: 30,
          FailureThreshold: 3,
          Inverted: false,
          Disabled: false,
          ChildHealthChecks: [a.id, b.id],
          HealthThreshold: 2,
        },
      });
      expect((await repo.getHealth([calc.id])).get(calc.id)).toBe(true);
      const r = await repo.recordHealthObservation(a.id, probe(false, 1), false);
      expect(r.transitions.map((t) => t.healthCheckId)).toEqual([a.id, calc.id]);
      expect(r.transitions[1]?.reason).toBe('1 of 2 child health checks healthy (threshold 2)');
      expect((await repo.getHealthStates([calc.id])).get(calc.id)).toMatchObject({
        healthy: false,
        source: 'calculated',
      });
      // An override of a child counts as that child's status.
      await repo.setHealth(a.id, true);
      expect((await repo.getHealth([calc.id])).get(calc.id)).toBe(true);
    });

    it('keeps a bounded number of observations, newest first', async () => {
      const { check } = await repo.createHealthCheck({ name: 'a', config: HTTP });
      for (let i = 0; i < 120; i++) {
        await repo.recordHealthObservation(check.id, probe(true, i % 60), true);
      }
      const all = await repo.listHealthObservations(check.id, 1000);
      expect(all.length).toBe(100);
      expect(await repo.listHealthObservations(check.id)).toHaveLength(20);
      expect((await repo.listHealthObservations(check.id, 1))[0]).toEqual(probe(true, 119 % 60));
      // An id that is not a configured check records nothing.
      await repo.recordHealthObservation('gone', probe(false, 1), false);
      expect(await repo.listHealthObservations('gone')).toEqual([]);
      expect((await repo.getHealth(['gone'])).get('gone')).toBe(true);
    });

    it('keeps checks, overrides and status across a restart', async () => {
      const { check } = await repo.createHealthCheck({ name: 'a', config: HTTP });
      await repo.recordHealthObservation(check.id, probe(false, 1), false);
      await repo.setHealth('plain-id', false, { actor: 'ops', reason: 'why' });
      await repo.close();
      repo = await harness.reopen();
      expect(await repo.getHealth([check.id, 'plain-id'])).toEqual(
        new Map([
          [check.id, false],
          ['plain-id', false],
        ]),
      );
      expect((await repo.listHealthOverrides()).get('plain-id')).toMatchObject({
        healthy: false,
        by: 'ops',
        reason: 'why',
      });
      expect((await repo.getHealthCheck(check.id))?.config).toEqual(HTTP);
    });

    it('several checkers: healthy while more than 18 % of the live ones say so', async () => {
      const { check } = await repo.createHealthCheck({ name: 'eu', config: HTTP });
      const status = async () => (await repo.getHealth([check.id])).get(check.id);
      const report = (checkerId: string, healthy: boolean | null, s: number, since = at(0)) =>
        repo.recordHealthObservation(check.id, probe(healthy === true, s), healthy, {
          checkerId,
          liveSince: since,
        });
      // One checker's broken path does not take the endpoint out: 1 of 2 healthy is 50 %.
      await report('a', true, 1);
      await report('b', false, 2);
      expect(await status()).toBe(true);
      // Both say unhealthy: unhealthy, one transition.
      const down = await report('a', false, 3);
      expect(down.transitions).toMatchObject([{ from: true, to: false }]);
      expect(await status()).toBe(false);
      // Six checkers: 1 healthy of 6 (16.7 %) stays unhealthy; 2 of 6 (33 %) is healthy.
      for (const c of ['c', 'd', 'e', 'f']) await report(c, false, 4);
      await report('a', true, 5);
      expect(await status()).toBe(false);
      await report('b', true, 6);
      expect(await status()).toBe(true);
      // A checker that has not decided yet does not count.
      await report('g', null, 7);
      expect(await status()).toBe(true);
      // Checkers not heard from since `liveSince` drop out (and are forgotten): only c–g are
      // left, none healthy.
      await report('c', false, 20, at(10));
      expect(await status()).toBe(false);
      expect((await repo.listCheckerVerdicts(check.id)).map((v) => v.checkerId)).toEqual(['c']);
      // Deleting the check forgets its checkers.
      await repo.deleteHealthCheck(check.id);
      expect(await repo.listCheckerVerdicts(check.id)).toEqual([]);
    });
  });
}
