import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repository } from './repository';
import type { RepositoryHarness } from './repository.contract';

/** DNS responders: heartbeats (upsert), the live set by last heartbeat, removal. */
export function describeResponderStorageContract(
  name: string,
  open: () => Promise<RepositoryHarness>,
): void {
  describe(`Repository contract (DNS responders): ${name}`, () => {
    let harness: RepositoryHarness;
    let repo: Repository;
    const others: Repository[] = [];

    beforeEach(async () => {
      harness = await open();
      repo = harness.repo;
    });

    afterEach(async () => {
      for (const o of others.splice(0)) await o.close();
      await repo.close();
      await harness.cleanup();
    });

    it('a heartbeat registers a responder; the next one updates it and keeps started_at', async () => {
      expect(await repo.listResponders()).toEqual([]);
      const before = new Date().toISOString();
      await repo.heartbeatResponder({
        id: 'host-a:100:abcd',
        address: '127.0.0.1:5300',
        versions: { Z1: 3, Z2: 1 },
      });
      const [first] = await repo.listResponders();
      expect(first).toEqual({
        id: 'host-a:100:abcd',
        address: '127.0.0.1:5300',
        startedAt: expect.any(String),
        lastSeen: first?.startedAt,
        versions: { Z1: 3, Z2: 1 },
      });
      expect((first?.startedAt ?? '') >= before).toBe(true);
      expect(new Date(first?.lastSeen ?? '').toISOString()).toBe(first?.lastSeen);

      await new Promise((r) => setTimeout(r, 5));
      await repo.heartbeatResponder({
        id: 'host-a:100:abcd',
        address: '127.0.0.1:5301',
        versions: { Z1: 4 },
      });
      const [second, ...rest] = await repo.listResponders();
      expect(rest).toEqual([]);
      expect(second).toMatchObject({
        id: 'host-a:100:abcd',
        address: '127.0.0.1:5301',
        startedAt: first?.startedAt,
        versions: { Z1: 4 },
      });
      expect((second?.lastSeen ?? '') > (first?.lastSeen ?? '')).toBe(true);
    });

    it('lists every responder by id; liveSince keeps only recent heartbeats', async () => {
      await repo.heartbeatResponder({ id: 'b:2:x', address: '127.0.0.1:2', versions: {} });
      await new Promise((r) => setTimeout(r, 5));
      const between = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await repo.heartbeatResponder({ id: 'a:1:x', address: '127.0.0.1:1', versions: { Z: 1 } });
      expect((await repo.listResponders()).map((r) => r.id)).toEqual(['a:1:x', 'b:2:x']);
      expect((await repo.listResponders({ liveSince: between })).map((r) => r.id)).toEqual([
        'a:1:x',
      ]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect(await repo.listResponders({ liveSince: future })).toEqual([]);
    });

    it('removes a responder (unknown ids are ignored); another connection sees the same set', async () => {
      await repo.heartbeatResponder({ id: 'a:1:x', address: '127.0.0.1:1', versions: { Z: 1 } });
      await repo.heartbeatResponder({ id: 'b:2:x', address: '127.0.0.1:2', versions: { Z: 2 } });
      const other = await harness.reopen();
      others.push(other);
      expect((await other.listResponders()).map((r) => r.versions)).toEqual([{ Z: 1 }, { Z: 2 }]);
      await other.removeResponder('a:1:x');
      await other.removeResponder('nobody');
      expect((await repo.listResponders()).map((r) => r.id)).toEqual(['b:2:x']);
    });
  });
}
