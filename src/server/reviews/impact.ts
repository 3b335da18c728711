import type { PlannedChange } from '../../engine/change-batch';
import {
  applyPlanToRecordSets,
  computeImpact,
  type Impact,
  type ImpactCity,
} from '../../engine/impact';
import type { LatencyModel, ResourceRecordSet } from '../../engine/types';
import type { Repository } from '../storage/repository';

/**
 * Most changed name+types evaluated per impact: each costs two routing passes over ~135k
 * cities (~50 ms), so a whole-zone import stays around a second; the rest are counted in
 * `omittedNames`.
 */
export const IMPACT_MAX_NAMES = 20;

/**
 * The impact of a planned batch on users: `recordsAtNames` are the stored sets at the touched
 * names before the batch; health comes from the stored health-check status.
 */
export async function impactOfPlan(
  repository: Repository,
  recordsAtNames: readonly ResourceRecordSet[],
  plan: readonly PlannedChange[],
  cities: readonly ImpactCity[],
  /** The zone's latency model (default: distance). */
  model?: LatencyModel,
): Promise<Impact> {
  const after = applyPlanToRecordSets(recordsAtNames, plan);
  const ids = new Set<string>();
  for (const r of [...recordsAtNames, ...after]) if (r.HealthCheckId) ids.add(r.HealthCheckId);
  const health = ids.size > 0 ? await repository.getHealth([...ids]) : new Map<string, boolean>();
  return computeImpact({
    before: recordsAtNames,
    after,
    cities,
    maxNames: IMPACT_MAX_NAMES,
    ...(model !== undefined ? { model } : {}),
    ...(health.size > 0
      ? {
          isHealthy: (r: ResourceRecordSet) =>
            r.HealthCheckId === undefined || (health.get(r.HealthCheckId) ?? true),
        }
      : {}),
  });
}
