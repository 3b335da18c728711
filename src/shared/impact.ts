import { z } from 'zod';
import type { Impact, ImpactFlow, NameImpact, RttIncrease } from '../engine/impact';

/** What a change does to users (the engine's computeImpact), as the API returns it. */

export const ImpactFlowSchema = z
  .object({
    /** Region code before; null = the name had no latency answer. */
    from: z.string().nullable(),
    to: z.string().nullable(),
    cities: z.number().int().min(0),
    population: z.number().min(0),
  })
  .meta({ id: 'ImpactFlow' });

export const RttIncreaseSchema = z
  .object({
    city: z.string(),
    country: z.string(),
    from: z.string(),
    to: z.string(),
    rttBeforeMs: z.number(),
    rttAfterMs: z.number(),
    deltaMs: z.number(),
  })
  .meta({ id: 'RttIncrease' });

export const NameImpactSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    totalCities: z.number().int().min(0),
    totalPopulation: z.number().min(0),
    movedCities: z.number().int().min(0),
    movedPopulation: z.number().min(0),
    /** 0–1 */
    movedCitiesShare: z.number().min(0).max(1),
    /** 0–1 */
    movedPopulationShare: z.number().min(0).max(1),
    answerChangedCities: z.number().int().min(0),
    answerChangedPopulation: z.number().min(0),
    /** Moves only, largest population first. */
    flows: z.array(ImpactFlowSchema),
    /** Up to 10, largest first. */
    largestIncreases: z.array(RttIncreaseSchema),
  })
  .meta({ id: 'NameImpact' });

export const ImpactSchema = z
  .object({
    /** Latency model id, e.g. `distance-v1`. */
    model: z.string(),
    cityCount: z.number().int().min(0),
    names: z.array(NameImpactSchema),
    /** Changed name+types left out to bound the work (each costs a pass over every city). */
    omittedNames: z.number().int().min(0),
  })
  .meta({
    id: 'Impact',
    description:
      'For every name+type whose latency records change: the share of cities and population whose answer moves, from which region to which, and the largest estimated RTT increases.',
  });

/** GET /api/proposals/:pid/impact */
export const ProposalImpactResponseSchema = z
  .object({
    proposalId: z.string(),
    zoneId: z.string(),
    /** The zone version the impact was computed against (the proposal's base, or the applied batch's). */
    version: z.number().int().min(0),
    /** True when the zone has moved on since the proposal's base: rebase before apply. */
    stale: z.boolean(),
    impact: ImpactSchema,
  })
  .meta({ id: 'ProposalImpactResponse' });

export type ImpactWire = z.infer<typeof ImpactSchema>;
export type ProposalImpactResponse = z.infer<typeof ProposalImpactResponseSchema>;

// The wire shapes are the engine's own types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameFlow: Same<z.infer<typeof ImpactFlowSchema>, ImpactFlow> = true;
const sameIncrease: Same<z.infer<typeof RttIncreaseSchema>, RttIncrease> = true;
const sameName: Same<z.infer<typeof NameImpactSchema>, NameImpact> = true;
const sameImpact: Same<ImpactWire, Impact> = true;
void [sameFlow, sameIncrease, sameName, sameImpact];
