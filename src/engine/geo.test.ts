import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_KM, greatCircleKm, writeUnitVector } from './geo';

const LONDON = { lat: 51.507, lon: -0.128 };
const NEW_YORK = { lat: 40.713, lon: -74.006 };
const SYDNEY = { lat: -33.868, lon: 151.209 };

describe('greatCircleKm', () => {
  it.each([
    ['London → New York', LONDON, NEW_YORK, 5570],
    ['London → Sydney', LONDON, SYDNEY, 16994],
    ['New York → Sydney', NEW_YORK, SYDNEY, 15990],
  ])('%s ≈ %i km', (_label, a, b, km) => {
    expect(greatCircleKm(a, b)).toBeGreaterThan(km * 0.995);
    expect(greatCircleKm(a, b)).toBeLessThan(km * 1.005);
  });

  it('is zero for the same point and symmetric', () => {
    expect(greatCircleKm(LONDON, LONDON)).toBe(0);
    expect(greatCircleKm(LONDON, SYDNEY)).toBeCloseTo(greatCircleKm(SYDNEY, LONDON), 9);
  });

  it('gives half the circumference for antipodes, across the date line too', () => {
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(
      Math.PI * EARTH_RADIUS_KM,
      6,
    );
    expect(greatCircleKm({ lat: 10, lon: 179.5 }, { lat: 10, lon: -179.5 })).toBeLessThan(110);
  });
});

describe('writeUnitVector', () => {
  it('writes a unit vector whose dot products order points by distance', () => {
    const v = new Float64Array(9);
    writeUnitVector(LONDON.lat, LONDON.lon, v, 0);
    writeUnitVector(NEW_YORK.lat, NEW_YORK.lon, v, 3);
    writeUnitVector(SYDNEY.lat, SYDNEY.lon, v, 6);
    const [x = 0, y = 0, z = 0] = v;
    expect(Math.hypot(x, y, z)).toBeCloseTo(1, 12);
    const dot = (o: number) => x * (v[o] ?? 0) + y * (v[o + 1] ?? 0) + z * (v[o + 2] ?? 0);
    expect(dot(3)).toBeGreaterThan(dot(6)); // New York is nearer London than Sydney is
  });
});
