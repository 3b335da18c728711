import type { ImpactCity } from '../../engine/impact';
import type { ChangeBatch, LatencyModel } from '../../engine/types';
import { type ApplyResult, type Repository, StaleZoneVersionError } from '../storage/repository';
import { impactOfPlan } from './impact';

/** Tries before giving up on recording impact when other writers keep moving the zone. */
const ATTEMPTS = 3;

/**
 * Applies a batch directly, with its impact computed against exactly the zone it lands on:
 * preview (plan + sets at the touched names, at version v) → impact → apply expecting v.
 * Without `expectedVersion` a concurrent write just means another try (the last try applies
 * without impact rather than fail); with it, StaleZoneVersionError reaches the caller.
 */
export async function applyWithImpact(
  repository: Repository,
  zoneId: string,
  batch: ChangeBatch,
  opts: {
    author: string | null;
    cities: () => readonly ImpactCity[];
    expectedVersion?: number;
    /** The zone's latency model, for impact (default: distance). */
    model?: LatencyModel;
  },
): Promise<ApplyResult> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const preview = await repository.previewChangeBatch(zoneId, batch);
    if (!preview.ok) return { ok: false, errors: preview.errors };
    const expected = opts.expectedVersion ?? preview.version;
    const impact =
      preview.version === expected
        ? await impactOfPlan(
            repository,
            preview.recordsAtNames,
            preview.plan,
            opts.cities(),
            opts.model,
          )
        : null;
    try {
      return await repository.applyChangeBatch(zoneId, batch, {
        author: opts.author,
        expectedVersion: expected,
        impact,
      });
    } catch (err) {
      if (!(err instanceof StaleZoneVersionError) || opts.expectedVersion !== undefined) throw err;
    }
  }
  return repository.applyChangeBatch(zoneId, batch, { author: opts.author });
}
