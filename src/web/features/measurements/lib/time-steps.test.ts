import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../../shared/measurements';
import { nearestStep, replaySteps, stepLabel } from './time-steps';

const NOW = Date.parse('2026-12-01T11:20:00Z');
const END = Date.parse('2026-12-01T12:00:00Z');

describe('replaySteps', () => {
  it('steps a day at a time from the oldest measurement to now (rounded up to the hour)', () => {
    const steps = replaySteps('2026-11-20T09:00:00Z', NOW);
    expect(steps.at(-1)).toBe(END);
    expect(steps[0]).toBe(END - 11 * DAY_MS);
    expect(steps).toHaveLength(12);
    for (let i = 1; i < steps.length; i++)
      expect((steps[i] as number) - (steps[i - 1] as number)).toBe(DAY_MS);
    // The oldest step's 7-day window still reaches the oldest measurement.
    expect(steps[0] as number).toBeGreaterThan(Date.parse('2026-11-20T09:00:00Z'));
  });

  it('is just "now" without measurements or with less than a day of them', () => {
    expect(replaySteps(null, NOW)).toEqual([END]);
    expect(replaySteps('2026-12-01T10:00:00Z', NOW)).toEqual([END]);
  });

  it('stops at maxDays', () => {
    expect(replaySteps('2025-01-01T00:00:00Z', NOW, 30)).toHaveLength(31);
  });
});

describe('nearestStep and stepLabel', () => {
  const steps = [END - 2 * DAY_MS, END - DAY_MS, END];
  it('keeps a position by time, the last for null', () => {
    expect(nearestStep(steps, null)).toBe(2);
    expect(nearestStep(steps, END - DAY_MS + HOUR_MS)).toBe(1);
    expect(nearestStep(steps, 0)).toBe(0);
  });
  it('says how long ago', () => {
    expect(steps.map((_, i) => stepLabel(steps, i))).toEqual(['2 days ago', '1 day ago', 'now']);
  });
});
