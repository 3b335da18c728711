import {
  createMeasuredModel,
  createPointCellCache,
  type MeasuredLatencyModel,
  type PointCellCache,
} from '../../../../engine/measured-latency';
import type { MeasurementSnapshotWire } from '../../../../shared/measurements';
import { toLatencySnapshot } from './snapshot';

/**
 * The engine's measured model for a snapshot from the API. Loaded with a dynamic import (h3-js
 * and the model stay out of the first screen). One point → cell cache per resolution is shared
 * by every model, so replaying the slider over the same catchment grid looks each grid point's
 * H3 cell up once.
 */

const caches = new Map<number, PointCellCache>();

/** Enough slots for the sampled points of a 1024² catchment grid. */
const CACHE_POINTS = 1 << 19;

export function measuredModelFor(wire: MeasurementSnapshotWire): MeasuredLatencyModel {
  let cellCache = caches.get(wire.resolution);
  if (!cellCache) {
    cellCache = createPointCellCache(wire.resolution, CACHE_POINTS);
    caches.set(wire.resolution, cellCache);
  }
  return createMeasuredModel(toLatencySnapshot(wire), { cellCache });
}
