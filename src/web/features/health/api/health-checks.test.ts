import { describe, expect, it } from 'vitest';
import type { HealthCheckListEntry } from '../../../../shared/health';
import {
  FIRST_PROBE_REFRESH_MS,
  healthChecksRefetchInterval,
  LAST_CHECK_REFRESH_MS,
} from './health-checks';

const entry = (source: 'none' | 'checker', disabled = false): HealthCheckListEntry => ({
  id: 'hc',
  healthy: true,
  records: [],
  Status: { Status: 'Healthy', Since: null, Source: source },
  HealthCheck: {
    Id: 'hc',
    Name: 'n',
    HealthCheckVersion: 1,
    CreatedAt: '2026-01-01T00:00:00Z',
    HealthCheckConfig: {
      Type: 'TCP',
      IPAddress: '192.0.2.1',
      Port: 1,
      RequestInterval: 30,
      FailureThreshold: 3,
      Inverted: false,
      Disabled: disabled,
    },
  },
});

describe('healthChecksRefetchInterval', () => {
  it('asks again soon while a new check waits for its first probe', () => {
    expect(healthChecksRefetchInterval([entry('none')], 'open')).toBe(FIRST_PROBE_REFRESH_MS);
  });
  it('otherwise slowly (status changes are pushed)', () => {
    expect(healthChecksRefetchInterval([entry('checker')], 'open')).toBe(LAST_CHECK_REFRESH_MS);
    expect(healthChecksRefetchInterval([entry('none', true)], 'open')).toBe(LAST_CHECK_REFRESH_MS);
    expect(healthChecksRefetchInterval(undefined, 'down')).toBe(30_000);
  });
});
