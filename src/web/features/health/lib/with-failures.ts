/** Health by SetIdentifier: false = unhealthy (the preview's `fail=` and the what-if view). */
export type HealthBySet = Readonly<Record<string, boolean>>;

/** Health with the picked set ids failed as well. Kept apart from what-if.ts so the app shell
 * does not load the impact engine until the what-if view opens. */
export function withFailures(
  real: HealthBySet,
  failed: readonly string[],
): Record<string, boolean> {
  const out: Record<string, boolean> = { ...real };
  for (const id of failed) out[id] = false;
  return out;
}
