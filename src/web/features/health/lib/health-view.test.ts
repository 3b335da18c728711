import { describe, expect, it } from 'vitest';
import type { HealthCheckStatusSummary } from '../../../../shared/health';
import { checkersSummary, checkerVerdictText, healthView, targetText } from './health-view';

const NOW = Date.parse('2026-01-01T10:45:00Z');
const probe = { At: '2026-01-01T10:44:30Z', Healthy: false, LatencyMs: 3.2, Reason: 'HTTP 503' };

describe('healthView', () => {
  const cases: [string, HealthCheckStatusSummary, string, string][] = [
    [
      'checker healthy',
      { Status: 'Healthy', Since: null, Source: 'checker' },
      'healthy',
      'Healthy',
    ],
    [
      'checker unhealthy',
      {
        Status: 'Unhealthy',
        Since: '2026-01-01T10:42:00Z',
        Source: 'checker',
        LastObservation: probe,
      },
      'unhealthy',
      'Unhealthy',
    ],
    [
      'override with a reason',
      {
        Status: 'Unhealthy',
        Since: '2026-01-01T10:40:00Z',
        Source: 'override',
        Override: {
          Status: 'Unhealthy',
          By: 'alice',
          Reason: 'maintenance',
          At: '2026-01-01T10:40:00Z',
        },
        CheckerStatus: 'Healthy',
      },
      'override',
      'Override: unhealthy (maintenance)',
    ],
    [
      'disabled',
      { Status: 'Healthy', Since: null, Source: 'disabled' },
      'muted',
      'Healthy (disabled)',
    ],
    [
      'never probed',
      { Status: 'Healthy', Since: null, Source: 'none' },
      'muted',
      'Healthy (no data)',
    ],
  ];
  it.each(cases)('%s', (_name, status, tone, label) => {
    const v = healthView(status, NOW);
    expect(v.tone).toBe(tone);
    expect(v.label).toBe(label);
  });

  it('says when the last check ran and what it saw', () => {
    const v = healthView(
      { Status: 'Unhealthy', Since: null, Source: 'checker', LastObservation: probe },
      NOW,
    );
    expect(v.detail).toBe('checked just now · HTTP 503 · 3 ms');
    expect(v.title).toContain('Last check: 2026-01-01 10:44 UTC · HTTP 503');
  });

  it('an override names who forced it and what the checker says', () => {
    const v = healthView(cases[2]?.[1], NOW);
    expect(v.title).toContain('Forced unhealthy by alice since 2026-01-01 10:40 UTC');
    expect(v.title).toContain('The checker says healthy');
  });

  it('no status yet reads as unknown, not as healthy', () => {
    expect(healthView(undefined, NOW).label).toBe('Unknown');
  });
});

describe('targetText', () => {
  const base = {
    RequestInterval: 30 as const,
    FailureThreshold: 3,
    Inverted: false,
    Disabled: false,
  };
  it.each([
    [
      {
        ...base,
        Type: 'HTTP' as const,
        IPAddress: '192.0.2.44',
        Port: 80,
        ResourcePath: '/healthz',
      },
      'http://192.0.2.44:80/healthz',
    ],
    [{ ...base, Type: 'TCP' as const, IPAddress: '::1', Port: 5432 }, 'tcp://[::1]:5432'],
    [
      {
        ...base,
        Type: 'HTTPS_STR_MATCH' as const,
        FullyQualifiedDomainName: 'eu.example.com',
        Port: 443,
        ResourcePath: '/',
        SearchString: 'ok',
      },
      'https://eu.example.com:443/ contains “ok”',
    ],
    [
      { ...base, Type: 'CALCULATED' as const, ChildHealthChecks: ['a', 'b'], HealthThreshold: 1 },
      '1 of 2 child checks',
    ],
  ])('%o → %s', (config, text) => {
    expect(targetText(config)).toBe(text);
  });
});

describe('checkersSummary', () => {
  it('says nothing for one checker, and counts several', () => {
    expect(
      checkersSummary([{ checker: 'a', healthy: true, at: '2026-01-01T00:00:00Z' }]),
    ).toBeNull();
    expect(
      checkersSummary([
        { checker: 'a', healthy: true, at: '2026-01-01T00:00:00Z' },
        { checker: 'b', healthy: false, at: '2026-01-01T00:00:00Z' },
        { checker: 'c', healthy: null, at: '2026-01-01T00:00:00Z' },
      ]),
    ).toBe(
      '3 checkers (one per instance): 1 of 2 say healthy, 1 not decided yet — healthy while more than 18 % do, as Route 53 counts its checkers',
    );
    expect(checkerVerdictText(null)).toBe('not decided yet');
    expect(checkerVerdictText(false)).toBe('✗ unhealthy');
  });
});
