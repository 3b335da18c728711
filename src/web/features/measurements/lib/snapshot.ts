import type { LatencySnapshot } from '../../../../engine/measured-latency';
import type { MeasurementSnapshotWire } from '../../../../shared/measurements';

/** The API's compact snapshot (rows as tuples, ISO window) as the engine's LatencySnapshot. */
export function toLatencySnapshot(wire: MeasurementSnapshotWire): LatencySnapshot {
  return {
    resolution: wire.resolution,
    from: Date.parse(wire.from),
    to: Date.parse(wire.to),
    aggregates: wire.rows.map(([cell, region, samples, medianMs, p25Ms, p75Ms]) => ({
      cell,
      region,
      samples,
      medianMs,
      p25Ms,
      p75Ms,
    })),
  };
}
