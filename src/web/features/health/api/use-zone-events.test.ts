import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { healthCheckListKey } from './health-check-keys';
import {
  fallbackInterval,
  invalidateForHealthEvent,
  invalidateForZoneEvent,
  reconnectDelayMs,
  stepAfterStreamError,
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

  describe('after a stream error', () => {
    const expiresAt = 60_000;
    it.each([
      // [what happened, closed, now, ticket expiry, what to do]
      ['no ticket, the browser retries', false, 0, null, { kind: 'browser-retries' }],
      ['no ticket, the server refused', true, 0, null, { kind: 'down' }],
      [
        'ticket still valid, the browser retries',
        false,
        59_999,
        expiresAt,
        { kind: 'browser-retries' },
      ],
      [
        'ticket expired, the retry would be refused',
        false,
        60_000,
        expiresAt,
        { kind: 'renew-ticket', delayMs: 1_000 },
      ],
      [
        'ticket refused before its expiry (clock skew, revoked)',
        true,
        10_000,
        expiresAt,
        { kind: 'renew-ticket', delayMs: 1_000 },
      ],
    ] as const)('%s', (_what, closed, nowMs, ticketExpiresAtMs, step) => {
      expect(stepAfterStreamError({ closed, nowMs, ticketExpiresAtMs, attempt: 0 })).toEqual(step);
    });

    it('backs off 1 s, 2 s, 4 s … up to 30 s between renewals in a row', () => {
      expect([0, 1, 2, 3, 4, 5, 10].map(reconnectDelayMs)).toEqual([
        1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
      ]);
      expect(
        stepAfterStreamError({ closed: true, nowMs: 0, ticketExpiresAtMs: 1, attempt: 3 }),
      ).toEqual({ kind: 'renew-ticket', delayMs: 8_000 });
    });
  });
});
