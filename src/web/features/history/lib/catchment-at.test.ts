import { describe, expect, it } from 'vitest';
import type { Change, ResourceRecordSet } from '../../../../engine/types';
import type { AppliedChange } from '../../../../shared/rrset';
import { type CatchmentAtInput, catchmentAt } from './catchment-at';

function latencyA(setIdentifier: string, region: string, value: string, healthCheckId?: string) {
  const r: ResourceRecordSet = {
    Name: 'app.example.com.',
    Type: 'A',
    SetIdentifier: setIdentifier,
    Region: region,
    TTL: 60,
    ResourceRecords: [{ Value: value }],
  };
  if (healthCheckId) r.HealthCheckId = healthCheckId;
  return r;
}

const OREGON = latencyA('oregon', 'us-west-2', '192.0.2.10', 'hc-oregon');
const SINGAPORE = latencyA('singapore', 'ap-southeast-1', '192.0.2.20');
const TOKYO = latencyA('tokyo', 'ap-northeast-1', '192.0.2.30');
const OTHER = { ...TOKYO, Name: 'api.example.com.' };

function applied(version: number, at: string, ...changes: Change[]): AppliedChange {
  return {
    Id: `/change/C${version}`,
    SubmittedAt: at,
    Comment: null,
    Author: null,
    AppliedBy: null,
    ProposalId: null,
    Version: version,
    Changes: changes,
    Impact: null,
  };
}

const base: Omit<CatchmentAtInput, 'today' | 'changes'> = {
  atIso: '2026-12-01T10:42:00.000Z',
  atText: '10:42 UTC',
  name: 'app.example.com',
  type: 'A',
  healthCheckId: 'hc-oregon',
  failedSetIds: [],
};

describe('catchmentAt', () => {
  it('draws the sets of the outage’s time, not today’s: a later batch deleted Singapore and added Tokyo', () => {
    const out = catchmentAt({
      ...base,
      today: [OREGON, TOKYO, OTHER],
      changes: [
        applied(
          2,
          '2026-12-01T11:00:00.000Z',
          { Action: 'DELETE', ResourceRecordSet: SINGAPORE },
          { Action: 'CREATE', ResourceRecordSet: TOKYO },
        ),
        applied(
          1,
          '2026-12-01T09:00:00.000Z',
          { Action: 'CREATE', ResourceRecordSet: OREGON },
          { Action: 'CREATE', ResourceRecordSet: SINGAPORE },
          { Action: 'CREATE', ResourceRecordSet: OTHER },
        ),
      ],
    });
    expect(out.sets.map((r) => r.SetIdentifier).sort()).toEqual(['oregon', 'singapore']);
    expect(out.down).toEqual({ oregon: false });
    expect(out.note).toBe('The records as they were at 10:42 UTC (1 later change batch undone).');
  });

  it('the failed sets are those the outage names and those carrying its check at the time', () => {
    const out = catchmentAt({
      ...base,
      today: [OREGON, SINGAPORE],
      changes: [],
      failedSetIds: ['singapore'],
    });
    expect(out.down).toEqual({ oregon: false, singapore: false });
    expect(out.note).toBe('Today’s records: no change batch since 10:42 UTC.');
  });

  it.each<[string, AppliedChange[] | null, string]>([
    [
      'history that does not reach back',
      [applied(9, '2026-12-01T11:00:00.000Z', { Action: 'CREATE', ResourceRecordSet: TOKYO })],
      'Drawn from today’s records: the history does not reach back to 10:42 UTC.',
    ],
    [
      'history that could not be loaded',
      null,
      'Drawn from today’s records: the change history could not be loaded.',
    ],
  ])('falls back to today’s records, and says so, for %s', (_, changes, note) => {
    const out = catchmentAt({ ...base, today: [OREGON, TOKYO], changes });
    expect(out.sets.map((r) => r.SetIdentifier)).toEqual(['oregon', 'tokyo']);
    expect(out.note).toBe(note);
  });

  it('names a set an UPSERT rewrote whose earlier form the history lacks', () => {
    const moved = { ...SINGAPORE, ResourceRecords: [{ Value: '192.0.2.21' }] };
    const out = catchmentAt({
      ...base,
      today: [OREGON, moved],
      changes: [
        applied(5, '2026-12-01T11:00:00.000Z', { Action: 'UPSERT', ResourceRecordSet: moved }),
        applied(4, '2026-12-01T10:00:00.000Z', { Action: 'CREATE', ResourceRecordSet: OREGON }),
      ],
    });
    expect(out.sets).toEqual([OREGON, moved]);
    expect(out.note).toBe(
      'The records as they were at 10:42 UTC (1 later change batch undone). singapore drawn as today: the history does not show it before a later UPSERT.',
    );
  });
});
