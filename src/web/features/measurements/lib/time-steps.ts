import { DAY_MS, HOUR_MS } from '../../../../shared/measurements';

/**
 * Positions of the time slider, ms epoch, oldest first: one a day back from `now` (rounded up
 * to the hour, so positions stay put for an hour and their snapshots cache) to the first day
 * that still has the oldest measurement in its window. At least the "now" position.
 */
export function replaySteps(oldestIso: string | null, now: number, maxDays = 90): number[] {
  const end = Math.ceil(now / HOUR_MS) * HOUR_MS;
  const oldest = oldestIso ? Date.parse(oldestIso) : Number.NaN;
  if (!Number.isFinite(oldest) || oldest >= end) return [end];
  const days = Math.min(maxDays, Math.ceil((end - oldest) / DAY_MS) - 1);
  const steps: number[] = [];
  for (let d = Math.max(0, days); d >= 0; d--) steps.push(end - d * DAY_MS);
  return steps;
}

/** The step nearest to `at` (ms), as an index into `steps`; the last one when `at` is null. */
export function nearestStep(steps: readonly number[], at: number | null): number {
  if (at === null || steps.length === 0) return Math.max(0, steps.length - 1);
  let best = 0;
  for (let i = 1; i < steps.length; i++) {
    if (Math.abs((steps[i] as number) - at) < Math.abs((steps[best] as number) - at)) best = i;
  }
  return best;
}

/** "now", "1 day ago", "12 days ago" for a step relative to the last one. */
export function stepLabel(steps: readonly number[], index: number): string {
  const last = steps[steps.length - 1] ?? 0;
  const at = steps[index] ?? last;
  const days = Math.round((last - at) / DAY_MS);
  if (days <= 0) return 'now';
  return days === 1 ? '1 day ago' : `${days} days ago`;
}
