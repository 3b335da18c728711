import { describe, expect, it } from 'vitest';
import { effectiveHealth, type HealthCheckRules, nextCheckerVerdict } from './health-status';

const HTTP: HealthCheckRules = { Type: 'HTTP', Inverted: false, Disabled: false };

describe('effectiveHealth', () => {
  it.each([
    ['no check, no override', { override: null, config: null, checker: null }, true, 'none'],
    [
      'an override of an unknown id',
      { override: false, config: null, checker: null },
      false,
      'override',
    ],
    ['a check not probed yet', { override: null, config: HTTP, checker: null }, true, 'none'],
    [
      'the checker says unhealthy',
      { override: null, config: HTTP, checker: false },
      false,
      'checker',
    ],
    [
      'Inverted turns unhealthy into healthy',
      { override: null, config: { ...HTTP, Inverted: true }, checker: false },
      true,
      'checker',
    ],
    [
      'Inverted turns healthy into unhealthy',
      { override: null, config: { ...HTTP, Inverted: true }, checker: true },
      false,
      'checker',
    ],
    [
      'Disabled is healthy whatever the checker says',
      { override: null, config: { ...HTTP, Disabled: true }, checker: false },
      true,
      'disabled',
    ],
    [
      'the override beats Disabled',
      { override: false, config: { ...HTTP, Disabled: true }, checker: true },
      false,
      'override',
    ],
    [
      'the override beats the checker',
      { override: true, config: HTTP, checker: false },
      true,
      'override',
    ],
  ] as const)('%s', (_name, inputs, healthy, source) => {
    expect(effectiveHealth(inputs)).toMatchObject({ healthy, source });
  });

  it('CALCULATED: healthy while at least HealthThreshold children are (unknown children healthy)', () => {
    const calc = (threshold: number): HealthCheckRules => ({
      Type: 'CALCULATED',
      Inverted: false,
      Disabled: false,
      ChildHealthChecks: ['a', 'b', 'c'],
      HealthThreshold: threshold,
    });
    const children = new Map([
      ['a', true],
      ['b', false],
    ]);
    const childHealthy = (id: string) => children.get(id) ?? true;
    const at = (t: number) =>
      effectiveHealth({ override: null, config: calc(t), checker: null, childHealthy });
    expect([0, 1, 2, 3].map((t) => at(t).healthy)).toEqual([true, true, true, false]);
    expect(at(3)).toEqual({ healthy: false, source: 'calculated', checkerHealthy: null });
  });

  it('reports the checker verdict with Inverted applied, even under an override', () => {
    expect(
      effectiveHealth({ override: true, config: { ...HTTP, Inverted: true }, checker: true })
        .checkerHealthy,
    ).toBe(false);
  });
});

describe('nextCheckerVerdict (FailureThreshold)', () => {
  it('changes only after the threshold of consecutive disagreeing probes', () => {
    let state: { verdict: boolean | null; disagreeing: number } = { verdict: null, disagreeing: 0 };
    const seen: (boolean | null)[] = [];
    for (const probe of [true, false, false, true, false, false, false, true, true, true]) {
      state = nextCheckerVerdict(state.verdict, state.disagreeing, probe, 3);
      seen.push(state.verdict);
    }
    expect(seen).toEqual([true, true, true, true, true, true, false, false, false, true]);
  });

  it('with no verdict yet, a first healthy probe decides at once, failures need the threshold', () => {
    expect(nextCheckerVerdict(null, 0, true, 3)).toEqual({ verdict: true, disagreeing: 0 });
    expect(nextCheckerVerdict(null, 0, false, 3)).toEqual({ verdict: null, disagreeing: 1 });
    expect(nextCheckerVerdict(null, 2, false, 3)).toEqual({ verdict: false, disagreeing: 0 });
    expect(nextCheckerVerdict(null, 0, false, 1)).toEqual({ verdict: false, disagreeing: 0 });
  });
});
