import { describe, expect, it } from 'vitest';
import type { ResourceRecordSet } from '../../../../engine/types';
import { healthChangeText } from './use-health-announcement';

const rec = (set: string, region: string): ResourceRecordSet => ({
  Name: 'app.example.com.',
  Type: 'A',
  SetIdentifier: set,
  Region: region,
  TTL: 60,
  ResourceRecords: [{ Value: '192.0.2.1' }],
});

describe('healthChangeText', () => {
  const records = [rec('oregon', 'us-west-2'), rec('singapore', 'ap-southeast-1')];
  it('names what flipped', () => {
    expect(healthChangeText(records, {}, { oregon: false })).toBe(
      'us-west-2 oregon is now unhealthy.',
    );
    expect(healthChangeText(records, { oregon: false }, { oregon: true, singapore: false })).toBe(
      'us-west-2 oregon is now healthy; ap-southeast-1 singapore is now unhealthy.',
    );
  });
  it('says nothing when nothing changed', () => {
    expect(healthChangeText(records, { oregon: true }, {})).toBeNull();
  });
});
