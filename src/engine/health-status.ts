/**
 * The effective status of a health check, as routing sees it (Route 53's rules): a manual
 * override wins; a Disabled check is healthy; a CALCULATED check is healthy when at least
 * HealthThreshold children are; otherwise the checker's verdict with Inverted applied; no
 * verdict (or no such check) is healthy. Pure: storage implementations call it on every write.
 */

export type EffectiveHealthSource = 'checker' | 'override' | 'disabled' | 'calculated' | 'none';

export interface HealthCheckRules {
  Type: string;
  Inverted: boolean;
  Disabled: boolean;
  ChildHealthChecks?: readonly string[];
  HealthThreshold?: number;
}

export interface HealthInputs {
  /** The manual override's status, null without one. */
  override: boolean | null;
  /** The configured check, null for an id that is only named (by a record or an override). */
  config: HealthCheckRules | null;
  /** The checker's verdict after FailureThreshold (before Inverted), null before its first. */
  checker: boolean | null;
  /** Effective status of a child (CALCULATED); unknown children count as healthy. */
  childHealthy?: (id: string) => boolean;
}

export interface EffectiveHealth {
  healthy: boolean;
  source: EffectiveHealthSource;
  /** The checker's verdict with Inverted applied, when there is one (whatever overrides it). */
  checkerHealthy: boolean | null;
}

export function effectiveHealth(i: HealthInputs): EffectiveHealth {
  const inverted = i.config?.Inverted === true;
  const checkerHealthy = i.checker === null || i.config === null ? null : i.checker !== inverted;
  if (i.override !== null) return { healthy: i.override, source: 'override', checkerHealthy };
  if (i.config === null) return { healthy: true, source: 'none', checkerHealthy };
  if (i.config.Disabled) return { healthy: true, source: 'disabled', checkerHealthy };
  if (i.config.Type === 'CALCULATED') {
    const children = i.config.ChildHealthChecks ?? [];
    const up = children.filter((c) => i.childHealthy?.(c) ?? true).length;
    const threshold = i.config.HealthThreshold ?? children.length;
    return { healthy: up >= threshold !== inverted, source: 'calculated', checkerHealthy: null };
  }
  if (checkerHealthy === null) return { healthy: true, source: 'none', checkerHealthy };
  return { healthy: checkerHealthy, source: 'checker', checkerHealthy };
}

/**
 * FailureThreshold: the checker's verdict changes only after this many consecutive probes
 * disagree with it. `current` null (no verdict yet) counts as healthy, and a first healthy
 * probe makes the verdict healthy at once. Returns the new verdict and the run of disagreeing
 * probes.
 */
export function nextCheckerVerdict(
  current: boolean | null,
  disagreeing: number,
  probeHealthy: boolean,
  failureThreshold: number,
): { verdict: boolean | null; disagreeing: number } {
  const shown = current ?? true;
  if (probeHealthy === shown)
    return { verdict: current ?? (probeHealthy ? true : null), disagreeing: 0 };
  const run = disagreeing + 1;
  if (run >= failureThreshold) return { verdict: probeHealthy, disagreeing: 0 };
  return { verdict: current, disagreeing: run };
}
