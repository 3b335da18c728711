import { describe, expect, it } from 'vitest';
import { findRegion, isRegionCode, REGIONS } from './regions';

describe('REGIONS', () => {
  it('lists the 34 commercial regions that can hold a latency record, each once', () => {
    expect(REGIONS).toHaveLength(34);
    expect(new Set(REGIONS.map((r) => r.code)).size).toBe(34);
    for (const code of [
      'us-east-1',
      'ap-southeast-7',
      'mx-central-1',
      'il-central-1',
      'ca-west-1',
    ]) {
      expect(isRegionCode(code)).toBe(true);
    }
  });

  it('flags only the two China regions', () => {
    expect(REGIONS.filter((r) => r.china).map((r) => r.code)).toEqual([
      'cn-north-1',
      'cn-northwest-1',
    ]);
  });

  it('holds valid coordinates and a name and city for every region', () => {
    for (const r of REGIONS) {
      expect(Math.abs(r.lat), r.code).toBeLessThanOrEqual(90);
      expect(Math.abs(r.lon), r.code).toBeLessThanOrEqual(180);
      expect(r.name.length, r.code).toBeGreaterThan(3);
      expect(r.city.length, r.code).toBeGreaterThan(2);
    }
  });

  it.each([
    ['us-east-1', 'US East (N. Virginia)', 'Ashburn', 39.04, -77.49],
    ['us-west-2', 'US West (Oregon)', 'Boardman', 45.84, -119.7],
    ['ap-southeast-7', 'Asia Pacific (Thailand)', 'Bangkok', 13.76, 100.5],
    ['mx-central-1', 'Mexico (Central)', 'Querétaro', 20.59, -100.39],
    ['sa-east-1', 'South America (São Paulo)', 'São Paulo', -23.55, -46.63],
  ])('%s is %s at %s', (code, name, city, lat, lon) => {
    expect(findRegion(code)).toMatchObject({ code, name, city, lat, lon });
  });

  it('finds nothing for unknown or differently cased codes', () => {
    expect(findRegion('us-east-9')).toBeUndefined();
    expect(isRegionCode('US-EAST-1')).toBe(false);
    expect(isRegionCode('')).toBe(false);
  });
});
