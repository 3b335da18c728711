import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { createMeasuredModel } from '../../../../engine/measured-latency';
import type { ResourceRecordSet } from '../../../../engine/types';
import { latAtMercatorY } from './catchment';
import { buildCatchment, legendEntries } from './catchment-model';

const rec = (
  set: string,
  region: string,
  extra: Partial<ResourceRecordSet> = {},
): ResourceRecordSet => ({
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: set,
  Region: region,
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.1' }],
  ...extra,
});

/** The record set id chosen at the grid cell nearest to lat/lon. */
function setAt(model: NonNullable<ReturnType<typeof buildCatchment>>, lat: number, lon: number) {
  const { width, height, cells } = model.grid;
  const col = Math.floor(((lon + 180) / 360) * width);
  let row = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < height; r++) {
    const d = Math.abs(latAtMercatorY((r + 0.5) / height) - lat);
    if (d < best) {
      best = d;
      row = r;
    }
  }
  return model.records[cells[row * width + col] ?? -1]?.SetIdentifier;
}

const app = [rec('oregon', 'us-west-2'), rec('singapore', 'ap-southeast-1')];

describe('buildCatchment (the engine, in the browser)', () => {
  it('routes London to us-west-2 and Tokyo to ap-southeast-1 for the demo app layout', () => {
    const m = buildCatchment(app, undefined, 256);
    if (!m) throw new Error('no model');
    expect(setAt(m, 51.5, -0.13)).toBe('oregon');
    expect(setAt(m, 35.68, 139.69)).toBe('singapore');
    expect(setAt(m, -33.87, 151.21)).toBe('singapore');
  });

  it('moves the catchment when a health-checked record is unhealthy', () => {
    const layout = [
      rec('oregon', 'us-west-2'),
      rec('singapore', 'ap-southeast-1', { HealthCheckId: 'hc' }),
    ];
    const m = buildCatchment(layout, { singapore: false }, 128);
    if (!m) throw new Error('no model');
    expect(setAt(m, 35.68, 139.69)).toBe('oregon');
    const legend = legendEntries(m, null, { singapore: false });
    expect(legend[0]).toMatchObject({ region: 'us-west-2', share: 1 });
    expect(legend[1]).toMatchObject({ region: 'ap-southeast-1', share: 0, healthy: false });
  });

  it('treats a set marked unhealthy without a health check as a simulated failure', () => {
    const m = buildCatchment(app, { oregon: false }, 128);
    if (!m) throw new Error('no model');
    expect(setAt(m, 51.5, -0.13)).toBe('singapore');
    const all = buildCatchment(app, { oregon: false, singapore: false }, 128);
    if (!all) throw new Error('no model');
    // Every record unhealthy: all count as healthy again, so London goes back to Oregon.
    expect(setAt(all, 51.5, -0.13)).toBe('oregon');
  });

  it('has a legend row per record with shares adding up to 1', () => {
    const m = buildCatchment(app, undefined, 128);
    if (!m) throw new Error('no model');
    const legend = legendEntries(m);
    expect(legend.map((e) => e.region).sort()).toEqual(['ap-southeast-1', 'us-west-2']);
    expect(legend.reduce((s, e) => s + e.share, 0)).toBeCloseTo(1, 9);
    expect(legend.every((e) => e.share > 0.2)).toBe(true);
  });

  it('is null without latency records', () => {
    expect(buildCatchment([{ Name: 'a.', Type: 'A', TTL: 1, ResourceRecords: [] }])).toBeNull();
  });
});

describe('buildCatchment with the measured model', () => {
  const sydney = [rec('sydney', 'ap-southeast-2'), rec('singapore', 'ap-southeast-1')];
  it('routes a measured place by its measurements where distance would pick another region', () => {
    // Measured places every half degree around Sydney: Singapore answers faster there.
    const cells = new Set<string>();
    for (let dy = -2; dy <= 2; dy++)
      for (let dx = -2; dx <= 2; dx++)
        cells.add(latLngToCell(-33.87 + dy * 0.5, 151.21 + dx * 0.5, 5));
    const model = createMeasuredModel({
      resolution: 5,
      from: 0,
      to: 1,
      aggregates: [...cells].flatMap((cell) => [
        { cell, region: 'ap-southeast-1', samples: 50, medianMs: 20, p25Ms: 18, p75Ms: 24 },
        { cell, region: 'ap-southeast-2', samples: 50, medianMs: 150, p25Ms: 140, p75Ms: 160 },
      ]),
    });
    const byDistance = buildCatchment(sydney, undefined, 512);
    const measured = buildCatchment(sydney, undefined, 512, model);
    if (!byDistance || !measured) throw new Error('no catchment');
    expect(setAt(byDistance, -33.87, 151.21)).toBe('sydney');
    expect(setAt(measured, -33.87, 151.21)).toBe('singapore');
    // Far from any measurement it is the distance answer still.
    expect(setAt(measured, -31.95, 115.86)).toBe(setAt(byDistance, -31.95, 115.86));
  });
});

describe('legendEntries with people', () => {
  it('gives each record its share of the people, most people first', () => {
    const m = buildCatchment(app, undefined, 64);
    if (!m) throw new Error('no catchment');
    const people = new Float32Array(64 * 64);
    const i = m.grid.cells.indexOf(1);
    people[i] = 900;
    people[m.grid.cells.indexOf(0)] = 100;
    const rows = legendEntries(m, null, undefined, people);
    expect(rows.map((r) => [r.setIdentifier, r.people])).toEqual([
      ['singapore', 0.9],
      ['oregon', 0.1],
    ]);
    expect(legendEntries(m).every((r) => r.people === null)).toBe(true);
  });
});
