import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Repository, ZoneExistsError } from './repository';
import type { RepositoryHarness } from './repository.contract';

/** What Route 53's API keeps besides records: caller references, comments, tags, change ids. */
export function describeRoute53StorageContract(
  name: string,
  open: () => Promise<RepositoryHarness>,
): void {
  describe(`Repository contract (Route 53 metadata): ${name}`, () => {
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

    it('keeps a zone’s caller reference, comment and creation change id; refuses a reused reference', async () => {
      const zone = await repo.createZone('r53.example', {
        callerReference: 'ref-1',
        comment: 'hi',
      });
      const info = await repo.getHostedZoneInfo(zone.id);
      expect(info).toMatchObject({ zoneId: zone.id, callerReference: 'ref-1', comment: 'hi' });
      expect(info?.createdChangeId).toMatch(/^\/change\/C[0-9A-Z]{20}$/);
      expect(await repo.findZoneByCallerReference('ref-1')).toBe(zone.id);
      expect(await repo.findZoneCreation(info?.createdChangeId ?? '')).toMatchObject({
        zoneId: zone.id,
      });
      await expect(repo.createZone('other.example', { callerReference: 'ref-1' })).rejects.toEqual(
        expect.objectContaining({ conflict: 'callerReference' }),
      );
      await expect(repo.createZone('r53.example')).rejects.toBeInstanceOf(ZoneExistsError);
      await repo.setZoneComment(zone.id, null, { actor: 'admin' });
      expect((await repo.getHostedZoneInfo(zone.id))?.comment).toBeNull();
      expect(await repo.getHostedZoneInfo('ZNOSUCHZONE0000000000')).toBeNull();
    });

    it('adds, overwrites and removes tags in one call', async () => {
      const zone = await repo.createZone('tags.example');
      await repo.changeTags(
        'hostedzone',
        zone.id,
        [
          { Key: 'team', Value: 'edge' },
          { Key: 'env', Value: 'prod' },
        ],
        [],
      );
      await repo.changeTags('hostedzone', zone.id, [{ Key: 'env', Value: 'staging' }], ['team']);
      expect(await repo.listTags('hostedzone', zone.id)).toEqual([
        { Key: 'env', Value: 'staging' },
      ]);
      expect(await repo.listTags('healthcheck', zone.id)).toEqual([]);
    });

    it('applies a proposal under the change id it was given when proposed', async () => {
      const zone = await repo.createZone('prop.example');
      const created = await repo.createProposal(
        zone.id,
        {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'a.prop.example',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.1' }],
              },
            },
          ],
        },
        { author: 'ed' },
      );
      if (!created.ok) throw new Error('proposal refused');
      const changeId = created.proposal.changeId;
      expect(changeId).toMatch(/^\/change\/C/);
      expect((await repo.findProposalByChangeId(changeId))?.id).toBe(created.proposal.id);
      expect(await repo.findChange(changeId)).toBeNull();
      const { change } = await repo.applyProposal(created.proposal.id, { actor: 'admin' });
      expect(change.id).toBe(changeId);
      expect((await repo.findChange(changeId))?.id).toBe(changeId);
    });

    it('finds a health check by its caller reference', async () => {
      const { check } = await repo.createHealthCheck({
        name: 'web',
        callerReference: 'hc-ref',
        config: {
          Type: 'HTTP',
          IPAddress: '192.0.2.10',
          Port: 80,
          ResourcePath: '/',
          RequestInterval: 30,
          FailureThreshold: 3,
          Inverted: false,
          Disabled: true,
        },
      });
      expect(await repo.findHealthCheckByCallerReference('hc-ref')).toBe(check.id);
      expect(await repo.findHealthCheckByCallerReference('nope')).toBeNull();
    });
  });
}
