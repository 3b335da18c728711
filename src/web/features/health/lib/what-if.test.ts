import { describe, expect, it } from 'vitest';
import type { ImpactCity } from '../../../../engine/impact';
import type { ResourceRecordSet } from '../../../../engine/types';
import { parseCityTable, whatIf } from './what-if';
import { withFailures } from './with-failures';

const rec = (set: string, region: string, check?: string): ResourceRecordSet => ({
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: set,
  Region: region,
  TTL: 60,
  ResourceRecords: [{ Value: `192.0.2.${set.length}` }],
  ...(check ? { HealthCheckId: check } : {}),
});

const cities: ImpactCity[] = [
  { name: 'Portland', country: 'US', lat: 45.52, lon: -122.68, population: 650_000 },
  { name: 'Seattle', country: 'US', lat: 47.61, lon: -122.33, population: 750_000 },
  { name: 'Singapore', country: 'SG', lat: 1.29, lon: 103.85, population: 5_600_000 },
  { name: 'Jakarta', country: 'ID', lat: -6.21, lon: 106.85, population: 10_000_000 },
];

const records = [rec('oregon', 'us-west-2', 'hc-1'), rec('singapore', 'ap-southeast-1')];

describe('whatIf', () => {
  it('moves the users of a failed region to the next best one', () => {
    const r = whatIf(records, {}, ['oregon'], cities);
    expect(r.impact?.movedCities).toBe(2);
    expect(r.impact?.movedPopulation).toBe(1_400_000);
    expect(r.impact?.flows).toEqual([
      { from: 'us-west-2', to: 'ap-southeast-1', cities: 2, population: 1_400_000 },
    ]);
    expect(r.allDown).toBe(false);
    expect(r.totalPopulation).toBe(17_000_000);
  });

  it('works for records without a health check too (a what-if check stands in)', () => {
    const r = whatIf(records, {}, ['singapore'], cities);
    expect(r.impact?.flows).toEqual([
      { from: 'ap-southeast-1', to: 'us-west-2', cities: 2, population: 15_600_000 },
    ]);
  });

  it('starts from the real status: a region already down moves nobody again', () => {
    expect(whatIf(records, { oregon: false }, ['oregon'], cities).impact).toBeNull();
    expect(whatIf(records, {}, [], cities).impact).toBeNull();
  });

  it('all down is all healthy (Route 53): failing the last healthy region moves users back', () => {
    const r = whatIf(records, { oregon: false }, ['singapore'], cities);
    expect(r.allDown).toBe(true);
    // Real: everyone on singapore. All down: each city on its nearest region again.
    expect(r.impact?.flows).toEqual([
      { from: 'ap-southeast-1', to: 'us-west-2', cities: 2, population: 1_400_000 },
    ]);
  });
});

describe('withFailures', () => {
  it('adds the picked failures to the real status', () => {
    expect(withFailures({ a: true, b: false }, ['a'])).toEqual({ a: false, b: false });
  });
});

describe('parseCityTable', () => {
  it('reads tab-separated rows and skips malformed ones', () => {
    expect(parseCityTable('Tokyo\tJP\t35.69\t139.69\t8336599\nbad\tXX\tx\t1\t2\n')).toEqual([
      { name: 'Tokyo', country: 'JP', lat: 35.69, lon: 139.69, population: 8_336_599 },
    ]);
  });
});
