import { compileRouting } from '../../../../engine/select-record';
import type { LatencyModel, ResourceRecordSet } from '../../../../engine/types';
import { regionColor, regionColorRgb } from '../../../lib/region-colors';
import { type CatchmentGrid, catchmentShares, computeCatchment, peopleShares } from './catchment';

/**
 * The catchment of one record layout, computed in the browser with the engine's own compiled
 * routing (the same code the server answers with), plus what the legend shows.
 */

export interface CatchmentModel {
  grid: CatchmentGrid;
  /** The compiled record list the grid's indices point into. */
  records: ResourceRecordSet[];
  /** Colour per record index, [r, g, b]. */
  colors: [number, number, number][];
}

export interface LegendEntry {
  region: string;
  setIdentifier: string;
  color: string;
  /** Share of land area routed to this record, 0–1. */
  share: number;
  /** Share of the people (city populations) routed to this record, 0–1; null until loaded. */
  people: number | null;
  healthy: boolean;
}

/** Grid size, cells: ~0.35° of longitude per column at 1024. */
export const CATCHMENT_GRID_SIZE = 1024;

/**
 * Route every grid cell. `health` is keyed by SetIdentifier (false = unhealthy). A record marked
 * unhealthy without a health check is a previewed failure ("simulate failure"): it counts as a
 * failing check, as the API's `unhealthy=` does. When none is healthy all count (Route 53).
 * `model` is the zone's latency model (the measured one from a snapshot); default distance.
 */
export function buildCatchment(
  records: readonly ResourceRecordSet[],
  health?: Readonly<Record<string, boolean>>,
  size = CATCHMENT_GRID_SIZE,
  model?: LatencyModel | null,
): CatchmentModel | null {
  const latency = records
    .filter((r) => r.Region !== undefined)
    .map((r) =>
      health?.[r.SetIdentifier ?? ''] === false && r.HealthCheckId === undefined
        ? { ...r, HealthCheckId: `preview:${r.SetIdentifier ?? ''}` }
        : r,
    );
  if (latency.length === 0) return null;
  const compiled = compileRouting(latency, model ? { model } : {});
  const healthy = health
    ? (i: number) => health[compiled.records[i]?.SetIdentifier ?? ''] !== false
    : undefined;
  const grid = computeCatchment(
    (lat, lon) => compiled.selectIndex(lat, lon, healthy),
    size,
    size,
    6,
  );
  const colors = compiled.records.map((r) => regionColorRgb(r.Region ?? ''));
  return { grid, records: compiled.records, colors };
}

/**
 * Legend rows, most people first (largest land share until the population raster is there);
 * records that win nowhere are listed last with 0.
 */
export function legendEntries(
  model: CatchmentModel,
  landMask?: Uint8Array | null,
  health?: Readonly<Record<string, boolean>>,
  people?: Float32Array | null,
): LegendEntry[] {
  const shares = catchmentShares(model.grid, model.records.length, landMask);
  const peopleShare =
    people && people.length === model.grid.cells.length
      ? peopleShares(model.grid, model.records.length, people)
      : null;
  return model.records
    .map((r, i) => ({
      region: r.Region ?? '',
      setIdentifier: r.SetIdentifier ?? '',
      color: regionColor(r.Region ?? ''),
      share: shares[i] ?? 0,
      people: peopleShare ? (peopleShare[i] ?? 0) : null,
      healthy: health?.[r.SetIdentifier ?? ''] !== false,
    }))
    .sort(
      (a, b) =>
        (b.people ?? 0) - (a.people ?? 0) || b.share - a.share || a.region.localeCompare(b.region),
    );
}
