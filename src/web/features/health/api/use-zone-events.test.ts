import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { healthCheckListKey } from './health-check-keys';
import {
  fallbackInterval,
  invalidateForHealthEvent,
  invalidateForZoneEvent,
} from './use-zone-events';

function seeded() {
  const qc = new QueryClient();
  const keys = [
    healthCheckListKey(),
    ['zones', 'Z1', 'testdnsanswer', 'app.example.com', 'A', {}],
    ['zones', 'Z1', 'rrsets'],
    ['zones', 'Z1', 'dns-status'],
    ['zones', 'Z2', 'testdnsanswer', 'x', 'A', {}],
  ];
  for (const k of keys) qc.setQueryData(k, 1);
  const stale = () =>
    qc
      .getQueryCache()
      .getAll()
      .filter((q) => q.state.isInvalidated)
      .map((q) => JSON.stringify(q.queryKey.slice(0, 3)));
  return { qc, stale };
}

describe('zone events', () => {
  it('a health event refreshes health and this zone’s answers, not its records', () => {
    const { qc, stale } = seeded();
    invalidateForHealthEvent(qc, 'Z1');
    expect(stale()).toEqual([
      JSON.stringify(['health-checks', 'list']),
      JSON.stringify(['zones', 'Z1', 'testdnsanswer']),
    ]);
  });

  it('a zone event refreshes the zone (not the DNS indicator, which polls itself)', () => {
    const { qc, stale } = seeded();
    invalidateForZoneEvent(qc, 'Z1');
    expect(stale().sort()).toEqual(
      [
        JSON.stringify(['health-checks', 'list']),
        JSON.stringify(['zones', 'Z1', 'testdnsanswer']),
        JSON.stringify(['zones', 'Z1', 'rrsets']),
      ].sort(),
    );
  });

  it('polls slowly only while the stream is not open', () => {
    expect(fallbackInterval('open')).toBe(false);
    expect(fallbackInterval('down')).toBe(30_000);
  });
});
