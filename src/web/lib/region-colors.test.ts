import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../engine/regions';
import { REGION_COLORS, regionColor, regionColorRgb, regionTextColor } from './region-colors';

describe('region colours', () => {
  it('gives every engine region its own colour', () => {
    expect(REGIONS).toHaveLength(34);
    const colors = REGIONS.map((r) => regionColor(r.code));
    for (const r of REGIONS) expect(REGION_COLORS[r.code], r.code).toMatch(/^#[0-9A-F]{6}$/);
    expect(new Set(colors.map((c) => c.toUpperCase())).size).toBe(34);
  });

  it('keeps the demo pairs far apart in colour', () => {
    const dist = (a: string, b: string) => {
      const x = regionColorRgb(a);
      const y = regionColorRgb(b);
      return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
    };
    expect(dist('us-west-2', 'ap-southeast-1')).toBeGreaterThan(150);
    const api = [
      'us-east-1',
      'eu-west-1',
      'eu-central-1',
      'ap-northeast-1',
      'ap-southeast-2',
      'sa-east-1',
    ];
    for (const a of api)
      for (const b of api) if (a < b) expect(dist(a, b), `${a}/${b}`).toBeGreaterThan(60);
  });

  it('is stable for unknown codes and picks a readable text colour', () => {
    expect(regionColor('xx-new-9')).toBe(regionColor('xx-new-9'));
    expect(regionColor('xx-new-9')).toMatch(/^#[0-9A-F]{6}$/i);
    expect(regionColorRgb('us-east-1')).toEqual([0x00, 0x72, 0xb2]);
    expect(regionTextColor('us-east-1')).toBe('#FFFFFF');
    expect(regionTextColor('ca-west-1')).toBe('#000000');
  });
});
