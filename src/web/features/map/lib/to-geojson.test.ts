import { describe, expect, it } from 'vitest';
import { greatCircleKm } from '../../../../engine/geo';
import { REGIONS } from '../../../../engine/regions';
import type { ResourceRecordSet } from '../../../../engine/types';
import { regionColor } from '../../../lib/region-colors';
import {
  clientArc,
  clientPoint,
  greatCirclePoints,
  normalizeLon,
  recordMarkers,
  regionDots,
  splitAtAntimeridian,
} from './to-geojson';

const app: ResourceRecordSet[] = [
  {
    Name: 'app.example.com.',
    Type: 'A',
    SetIdentifier: 'singapore',
    Region: 'ap-southeast-1',
    TTL: 60,
    ResourceRecords: [{ Value: '192.0.2.20' }],
  },
  {
    Name: 'app.example.com.',
    Type: 'A',
    SetIdentifier: 'oregon',
    Region: 'us-west-2',
    TTL: 60,
    ResourceRecords: [{ Value: '192.0.2.10' }, { Value: '192.0.2.11' }],
    HealthCheckId: 'hc-1',
  },
];

const region = (code: string) => {
  const r = REGIONS.find((x) => x.code === code);
  if (!r) throw new Error(code);
  return r;
};

describe('recordMarkers', () => {
  it('places each latency record at its region, west to east, with an accessible label', () => {
    const m = recordMarkers(app, REGIONS);
    expect(m.map((x) => x.region)).toEqual(['us-west-2', 'ap-southeast-1']);
    expect(m[0]?.ariaLabel).toBe('us-west-2 oregon 192.0.2.10 192.0.2.11');
    expect(m[1]?.ariaLabel).toBe('ap-southeast-1 singapore 192.0.2.20');
    expect(m[0]?.color).toBe(regionColor('us-west-2'));
    expect(m[0]?.lat).toBe(region('us-west-2').lat);
  });

  it('marks unhealthy records by set id and says so in the label', () => {
    const m = recordMarkers(app, REGIONS, { oregon: false });
    expect(m[0]?.healthy).toBe(false);
    expect(m[0]?.ariaLabel).toMatch(/unhealthy$/);
    expect(m[1]?.healthy).toBe(true);
  });

  it('shows an alias target as the value and skips non-latency or unknown-region sets', () => {
    const m = recordMarkers(
      [
        { Name: 'x.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] },
        { Name: 'x.', Type: 'A', SetIdentifier: 'mars', Region: 'mars-1', TTL: 60 },
        {
          Name: 'x.',
          Type: 'A',
          SetIdentifier: 'eu',
          Region: 'eu-west-1',
          AliasTarget: {
            DNSName: 'lb.example.net.',
            HostedZoneId: 'Z1',
            EvaluateTargetHealth: true,
          },
        },
      ],
      REGIONS,
    );
    expect(m).toHaveLength(1);
    expect(m[0]?.values).toEqual(['alias lb.example.net.']);
  });
});

describe('regionDots', () => {
  it('has every region once, flagging those with a record', () => {
    const fc = regionDots(REGIONS, ['us-west-2']);
    expect(fc.features).toHaveLength(REGIONS.length);
    const active = fc.features.filter((f) => f.properties.active).map((f) => f.properties.code);
    expect(active).toEqual(['us-west-2']);
  });
});

describe('great-circle arc', () => {
  it('starts and ends at the two points and follows the great circle', () => {
    const a = { lat: 51.5, lon: -0.13 };
    const b = region('us-west-2');
    const pts = greatCirclePoints(a, b, 32);
    expect(pts).toHaveLength(33);
    expect(pts[0]).toEqual([-0.13, 51.5]);
    expect(pts[32]).toEqual([b.lon, b.lat]);
    // Summed segment lengths equal the great-circle distance (a straight line would differ).
    let sum = 0;
    for (let i = 1; i < pts.length; i++) {
      const p = pts[i - 1] ?? [0, 0];
      const q = pts[i] ?? [0, 0];
      sum += greatCircleKm({ lon: p[0] ?? 0, lat: p[1] ?? 0 }, { lon: q[0] ?? 0, lat: q[1] ?? 0 });
    }
    expect(sum).toBeCloseTo(greatCircleKm(a, b), 0);
    // London → Oregon passes north of both ends (over Greenland / Canada).
    expect(Math.max(...pts.map((p) => p[1] ?? 0))).toBeGreaterThan(60);
  });

  it('is split at the antimeridian for Tokyo → Oregon, meeting ±180° at one latitude', () => {
    const fc = clientArc({ lat: 35.68, lon: 139.69 }, region('us-west-2'));
    const lines = fc.features[0]?.geometry.coordinates ?? [];
    expect(lines).toHaveLength(2);
    const endFirst = lines[0]?.[lines[0].length - 1];
    const startSecond = lines[1]?.[0];
    expect(endFirst?.[0]).toBe(180);
    expect(startSecond?.[0]).toBe(-180);
    expect(endFirst?.[1]).toBeCloseTo(startSecond?.[1] ?? 0, 9);
    for (const line of lines) {
      for (let i = 1; i < line.length; i++) {
        expect(Math.abs((line[i]?.[0] ?? 0) - (line[i - 1]?.[0] ?? 0))).toBeLessThan(180);
      }
    }
    expect(fc.features[0]?.properties.region).toBe('us-west-2');
  });

  it('stays one piece when it does not cross ±180°', () => {
    const fc = clientArc({ lat: 51.5, lon: -0.13 }, region('ap-southeast-1'));
    expect(fc.features[0]?.geometry.coordinates).toHaveLength(1);
  });

  it('splitAtAntimeridian handles a westward crossing', () => {
    const lines = splitAtAntimeridian([
      [-170, 10],
      [170, 20],
    ]);
    expect(lines).toEqual([
      [
        [-170, 10],
        [-180, 15],
      ],
      [
        [180, 15],
        [170, 20],
      ],
    ]);
  });

  it('is empty without a client or a region', () => {
    expect(clientArc(null, region('us-west-2')).features).toHaveLength(0);
    expect(clientArc({ lat: 0, lon: 0 }, null).features).toHaveLength(0);
  });
});

describe('clientPoint / normalizeLon', () => {
  it('wraps longitudes into [−180, 180)', () => {
    expect(normalizeLon(190)).toBe(-170);
    expect(normalizeLon(-190)).toBe(170);
    expect(normalizeLon(180)).toBe(-180);
    expect(clientPoint({ lat: 1, lon: 370, label: 'x' }).features[0]?.geometry.coordinates).toEqual(
      [10, 1],
    );
    expect(clientPoint(null).features).toHaveLength(0);
  });
});
