import { describe, expect, it } from 'vitest';
import type { AppliedChange } from '../../../../shared/rrset';
import { interleave } from './timeline';

const batch = (v: number, at: string) =>
  ({ Id: `/change/C${v}`, Version: v, SubmittedAt: at }) as unknown as AppliedChange;
const item = (key: string, at: string) => ({ key, at, node: null });

describe('interleave', () => {
  it('puts each event between the batches by time, newest first', () => {
    const out = interleave(
      [batch(3, '2026-01-01T11:00:00Z'), batch(2, '2026-01-01T10:00:00Z')],
      [
        item('old', '2026-01-01T09:00:00Z'),
        item('mid', '2026-01-01T10:30:00Z'),
        item('new', '2026-01-01T12:00:00Z'),
      ],
    );
    expect(out.map((e) => ('key' in e ? e.key : `v${e.change.Version}`))).toEqual([
      'new',
      'v3',
      'mid',
      'v2',
      'old',
    ]);
  });
});
