import { describe, expect, it } from 'vitest';
import { recordSetKey } from './names';
import { type HistoryBatch, recordSetsAt } from './records-at';
import type { Change, ResourceRecordSet } from './types';

function latencyA(setIdentifier: string, region: string, value: string, ttl = 60) {
  return {
    Name: 'app.example.com.',
    Type: 'A',
    SetIdentifier: setIdentifier,
    Region: region,
    TTL: ttl,
    ResourceRecords: [{ Value: value }],
  } satisfies ResourceRecordSet;
}

const OREGON = latencyA('oregon', 'us-west-2', '192.0.2.10');
const OREGON_MOVED = latencyA('oregon', 'us-west-2', '192.0.2.11', 30);
const SINGAPORE = latencyA('singapore', 'ap-southeast-1', '192.0.2.20');
const TOKYO = latencyA('tokyo', 'ap-northeast-1', '192.0.2.30');

const OUTAGE = '2026-12-01T10:42:00.000Z';

function batch(version: number, at: string, ...changes: Change[]): HistoryBatch {
  return { Version: version, SubmittedAt: at, Changes: changes };
}
const create = (r: ResourceRecordSet): Change => ({ Action: 'CREATE', ResourceRecordSet: r });
const del = (r: ResourceRecordSet): Change => ({ Action: 'DELETE', ResourceRecordSet: r });
const upsert = (r: ResourceRecordSet): Change => ({ Action: 'UPSERT', ResourceRecordSet: r });

const byKey = (rs: readonly ResourceRecordSet[]) =>
  [...rs].sort((a, b) => recordSetKey(a).localeCompare(recordSetKey(b)));

describe('recordSetsAt', () => {
  it.each<[string, ResourceRecordSet[], HistoryBatch[], ResourceRecordSet[], number]>([
    ['no batches: today is the past', [OREGON], [], [OREGON], 0],
    [
      'batches older than the time are not undone',
      [OREGON, SINGAPORE],
      [
        batch(2, '2026-12-01T10:00:00.000Z', create(SINGAPORE)),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON)),
      ],
      [OREGON, SINGAPORE],
      0,
    ],
    [
      'a batch at exactly the time was in effect',
      [OREGON, TOKYO],
      [batch(2, OUTAGE, create(TOKYO)), batch(1, '2026-12-01T09:00:00.000Z', create(OREGON))],
      [OREGON, TOKYO],
      0,
    ],
    [
      'a CREATE after the time is undone: the set was not there',
      [OREGON, TOKYO],
      [
        batch(2, '2026-12-01T11:00:00.000Z', create(TOKYO)),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON)),
      ],
      [OREGON],
      1,
    ],
    [
      'a DELETE after the time is undone: the set comes back as it was',
      [OREGON],
      [
        batch(3, '2026-12-01T11:00:00.000Z', del(SINGAPORE)),
        batch(2, '2026-12-01T09:30:00.000Z', create(SINGAPORE)),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON)),
      ],
      [OREGON, SINGAPORE],
      1,
    ],
    [
      'an UPSERT after the time restores the last earlier write (even one before the time)',
      [OREGON_MOVED],
      [
        batch(2, '2026-12-01T11:00:00.000Z', upsert(OREGON_MOVED)),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON)),
      ],
      [OREGON],
      1,
    ],
    [
      'an UPSERT that created the set (history from the first batch) is undone with a delete',
      [OREGON, TOKYO],
      [
        batch(2, '2026-12-01T11:00:00.000Z', upsert(TOKYO)),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON)),
      ],
      [OREGON],
      1,
    ],
    [
      'an UPSERT after a DELETE of the same set re-created it',
      [OREGON, SINGAPORE],
      [
        batch(3, '2026-12-01T11:00:00.000Z', upsert(SINGAPORE)),
        batch(2, '2026-12-01T10:00:00.000Z', del(SINGAPORE)),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON), create(SINGAPORE)),
      ],
      [OREGON],
      1,
    ],
    [
      'several batches after the time, newest undone first',
      [OREGON_MOVED, TOKYO],
      [
        batch(4, '2026-12-01T12:00:00.000Z', upsert(OREGON_MOVED), create(TOKYO)),
        batch(3, '2026-12-01T11:00:00.000Z', del(SINGAPORE)),
        batch(2, '2026-12-01T10:00:00.000Z', create(SINGAPORE)),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON)),
      ],
      [OREGON, SINGAPORE],
      2,
    ],
    [
      'a batch that deleted and re-created one set is undone in order',
      [OREGON_MOVED],
      [
        batch(2, '2026-12-01T11:00:00.000Z', del(OREGON), create(OREGON_MOVED)),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON)),
      ],
      [OREGON],
      1,
    ],
  ])('%s', (_, today, history, expected, undone) => {
    const at = recordSetsAt(today, history, OUTAGE);
    expect(byKey(at.records)).toEqual(byKey(expected));
    expect(at).toMatchObject({ undone, reachesBack: true, unknown: [] });
  });

  it('an UPSERT whose earlier form is not in the loaded history keeps its form, listed as unknown', () => {
    const at = recordSetsAt(
      [OREGON_MOVED, TOKYO],
      [
        batch(8, '2026-12-01T11:00:00.000Z', upsert(OREGON_MOVED), create(TOKYO)),
        batch(7, '2026-12-01T09:00:00.000Z', create(SINGAPORE)),
      ],
      OUTAGE,
    );
    expect(at.records).toEqual([OREGON_MOVED]);
    expect(at).toMatchObject({ undone: 1, reachesBack: true, unknown: [recordSetKey(OREGON)] });
  });

  it('history that starts after the time (not at the first batch) undoes nothing', () => {
    const today = [OREGON_MOVED, TOKYO];
    const at = recordSetsAt(
      today,
      [batch(9, '2026-12-01T12:00:00.000Z', create(TOKYO)), batch(8, '2026-12-01T11:00:00.000Z')],
      OUTAGE,
    );
    expect(at).toEqual({ records: today, undone: 0, reachesBack: false, unknown: [] });
  });

  it('names in the history match today’s sets in any accepted form', () => {
    const at = recordSetsAt(
      [OREGON],
      [
        batch(2, '2026-12-01T11:00:00.000Z', del({ ...SINGAPORE, Name: 'APP.example.com' })),
        batch(1, '2026-12-01T09:00:00.000Z', create(OREGON), create(SINGAPORE)),
      ],
      OUTAGE,
    );
    expect(byKey(at.records)).toEqual(byKey([OREGON, SINGAPORE]));
  });
});
