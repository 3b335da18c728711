import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repository } from './repository';
import type { RepositoryHarness } from './repository.contract';

/** A zone's upstream connection, its checks and drift, and the changes pushed there. */
export function describeUpstreamStorageContract(
  name: string,
  open: () => Promise<RepositoryHarness>,
): void {
  describe(`Repository contract (upstream): ${name}`, () => {
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

    const conn = (zoneId: string) => ({
      zoneId,
      provider: 'route53' as const,
      hostedZoneId: 'Z0UPSTREAM',
      region: 'us-east-1',
      accessKeyId: 'AKIAEXAMPLE000000000',
      secretBox: 'v1.sealed',
      secretLast4: 'abcd',
      endpoint: null,
    });

    it('stores, replaces and removes a connection; checks and drift are kept with it', async () => {
      const zone = await repo.createZone('up.example');
      expect(await repo.getUpstream(zone.id)).toBeNull();
      const made = await repo.setUpstream(conn(zone.id), { actor: 'admin' });
      expect(made).toMatchObject({
        ...conn(zone.id),
        updatedBy: 'admin',
        checkedAt: null,
        drift: null,
      });
      await repo.recordUpstreamCheck(zone.id, { at: '2026-12-01T10:00:00.000Z', error: 'down' });
      await repo.recordUpstreamCheck(zone.id, {
        at: '2026-12-01T10:01:00.000Z',
        error: null,
        drift: { drifted: true, differences: [{ Name: 'a.' }] },
      });
      expect(await repo.getUpstream(zone.id)).toMatchObject({
        checkedAt: '2026-12-01T10:01:00.000Z',
        checkError: null,
        driftCheckedAt: '2026-12-01T10:01:00.000Z',
        drift: { drifted: true, differences: [{ Name: 'a.' }] },
      });
      // Replacing the connection starts its checks afresh.
      await repo.setUpstream({ ...conn(zone.id), region: 'eu-west-1' });
      expect(await repo.getUpstream(zone.id)).toMatchObject({ region: 'eu-west-1', drift: null });
      expect((await repo.listUpstreams()).map((c) => c.zoneId)).toEqual([zone.id]);
      expect(await repo.deleteUpstream(zone.id)).toBe(true);
      expect(await repo.deleteUpstream(zone.id)).toBe(false);
      expect(await repo.getUpstream(zone.id)).toBeNull();
      const audit = await repo.listAudit({ zoneId: zone.id });
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(['upstream.connected', 'upstream.updated', 'upstream.disconnected']),
      );
      expect(JSON.stringify(audit)).not.toContain('v1.sealed');
    });

    it('follows a pushed change from PENDING to INSYNC', async () => {
      const zone = await repo.createZone('push.example');
      await repo.recordUpstreamChange({
        changeId: '/change/CLOCAL1',
        zoneId: zone.id,
        upstreamChangeId: '/change/CUP1',
        status: 'PENDING',
        submittedAt: '2026-12-01T10:00:00.000Z',
      });
      expect((await repo.listPendingUpstreamChanges()).map((c) => c.changeId)).toEqual([
        '/change/CLOCAL1',
      ]);
      await repo.updateUpstreamChange('/change/CLOCAL1', {
        status: 'PENDING',
        at: '2026-12-01T10:00:01.000Z',
      });
      await repo.updateUpstreamChange('/change/CLOCAL1', {
        status: 'INSYNC',
        at: '2026-12-01T10:00:03.000Z',
      });
      expect(await repo.getUpstreamChange('/change/CLOCAL1')).toMatchObject({
        status: 'INSYNC',
        polledAt: '2026-12-01T10:00:03.000Z',
        insyncAt: '2026-12-01T10:00:03.000Z',
        polls: 2,
      });
      expect(await repo.listPendingUpstreamChanges()).toEqual([]);
      expect(await repo.getUpstreamChange('/change/CNONE')).toBeNull();
    });
  });
}
