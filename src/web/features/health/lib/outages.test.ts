import { describe, expect, it } from 'vitest';
import type { HealthTransition } from '../../../../shared/health';
import { clockText, durationText, pairOutages } from './outages';

const ref = {
  zoneId: 'Z1',
  name: 'app.example.com.',
  type: 'A',
  setIdentifier: 'oregon',
  region: 'us-west-2',
};
const t = (At: string, To: 'Healthy' | 'Unhealthy', id = 'hc-1'): HealthTransition => ({
  At,
  HealthCheckId: id,
  Name: 'oregon web',
  From: To === 'Healthy' ? 'Unhealthy' : 'Healthy',
  To,
  Source: 'checker',
  Reason: To === 'Healthy' ? 'OK 200 (3 consecutive)' : 'HTTP 503 (3 consecutive)',
  Records: [ref],
});

describe('pairOutages', () => {
  it('pairs down and up per check, newest outage first; one still going has no end', () => {
    const list = [
      t('2026-01-01T11:00:00Z', 'Unhealthy'),
      t('2026-01-01T10:50:00Z', 'Unhealthy', 'hc-2'),
      t('2026-01-01T10:47:00Z', 'Healthy'),
      t('2026-01-01T10:42:00Z', 'Unhealthy'),
    ];
    const out = pairOutages(list);
    expect(out.map((o) => [o.healthCheckId, o.down?.At ?? null, o.up?.At ?? null])).toEqual([
      ['hc-1', '2026-01-01T11:00:00Z', null],
      ['hc-2', '2026-01-01T10:50:00Z', null],
      ['hc-1', '2026-01-01T10:42:00Z', '2026-01-01T10:47:00Z'],
    ]);
  });

  it('a recovery whose start is older than the history is an outage without a start', () => {
    const [o] = pairOutages([t('2026-01-01T10:47:00Z', 'Healthy')]);
    expect(o?.down).toBeNull();
    expect(o?.up?.At).toBe('2026-01-01T10:47:00Z');
  });
});

describe('texts', () => {
  it.each([
    ['2026-01-01T10:42:00Z', '2026-01-01T10:47:00Z', '5 min'],
    ['2026-01-01T10:42:00Z', '2026-01-01T10:42:40Z', '40 s'],
    ['2026-01-01T10:00:00Z', '2026-01-01T12:10:00Z', '2 h 10 min'],
  ])('%s → %s is %s', (a, b, text) => expect(durationText(a, b)).toBe(text));
  it('clock with the date only on another day', () => {
    expect(clockText('2026-01-01T10:42:10Z', '2026-01-01T23:00:00Z')).toBe('10:42 UTC');
    expect(clockText('2025-12-31T10:42:10Z', '2026-01-01T23:00:00Z')).toBe('2025-12-31 10:42 UTC');
  });
});
