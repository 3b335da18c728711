import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { createMeasuredModel } from '../../../../engine/measured-latency';
import { REGIONS } from '../../../../engine/regions';
import { toLatencySnapshot } from './snapshot';

describe('toLatencySnapshot', () => {
  it('turns the API rows into engine aggregates the measured model routes by', () => {
    const nyc = latLngToCell(40.71, -74.0, 5);
    const snapshot = toLatencySnapshot({
      resolution: 5,
      from: '2026-11-24T12:00:00.000Z',
      to: '2026-12-01T12:00:00.000Z',
      windowDays: 7,
      rows: [[nyc, 'us-east-1', 12, 21.5, 20, 25]],
    });
    expect(snapshot.from).toBe(Date.parse('2026-11-24T12:00:00Z'));
    expect(snapshot.to - snapshot.from).toBe(7 * 86_400_000);
    expect(snapshot.aggregates).toEqual([
      { cell: nyc, region: 'us-east-1', samples: 12, medianMs: 21.5, p25Ms: 20, p75Ms: 25 },
    ]);
    const model = createMeasuredModel(snapshot);
    const region = REGIONS.find((r) => r.code === 'us-east-1');
    if (!region) throw new Error('no us-east-1');
    expect(model.estimate({ lat: 0, lon: 0 }, region).source).toBe('distance');
    expect(model.estimate({ lat: 40.71, lon: -74.0 }, region)).toMatchObject({
      source: 'measured',
      samples: 12,
      rttMs: 21.5,
    });
  });
});
