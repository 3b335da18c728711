import { describe, expect, it } from 'vitest';
import type { HealthCheck } from '../../../../shared/health';
import {
  EMPTY_HEALTH_CHECK_FORM,
  fieldForPath,
  formToCreateRequest,
  formToUpdateRequest,
  type HealthCheckFormValues,
  healthCheckToForm,
  serverErrorsToFields,
  validateHealthCheckForm,
} from './health-check-form';

const form = (v: Partial<HealthCheckFormValues>): HealthCheckFormValues => ({
  ...EMPTY_HEALTH_CHECK_FORM,
  Name: 'oregon web',
  ...v,
});

const stored: HealthCheck = {
  Id: '9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  Name: 'oregon web',
  HealthCheckVersion: 4,
  CreatedAt: '2026-01-01T10:00:00Z',
  HealthCheckConfig: {
    Type: 'HTTP',
    IPAddress: '192.0.2.10',
    FullyQualifiedDomainName: 'app.example.com',
    Port: 80,
    ResourcePath: '/healthz',
    RequestInterval: 10,
    FailureThreshold: 3,
    Inverted: false,
    Disabled: false,
  },
};

describe('validateHealthCheckForm', () => {
  it.each<[string, Partial<HealthCheckFormValues>, string, RegExp]>([
    ['no target', {}, 'IPAddress', /IPAddress or FullyQualifiedDomainName is required/],
    ['a bad address', { IPAddress: '300.1.1.1' }, 'IPAddress', /IPv4 or IPv6/],
    ['port out of range', { IPAddress: '192.0.2.1', Port: '70000' }, 'Port', /between 1 and 65535/],
    ['port not a number', { IPAddress: '192.0.2.1', Port: 'eighty' }, 'Port', /number/],
    [
      'path without /',
      { IPAddress: '192.0.2.1', ResourcePath: 'healthz' },
      'ResourcePath',
      /start with \//,
    ],
    [
      'threshold 11',
      { IPAddress: '192.0.2.1', FailureThreshold: '11' },
      'FailureThreshold',
      /between 1 and 10/,
    ],
    [
      'string match without string',
      { Type: 'HTTP_STR_MATCH', IPAddress: '192.0.2.1' },
      'SearchString',
      /required/,
    ],
    ['TCP without port', { Type: 'TCP', IPAddress: '192.0.2.1' }, 'Port', /required for TCP/],
    ['calculated without children', { Type: 'CALCULATED' }, 'ChildHealthChecks', /at least one/],
    ['no name', { Name: ' ', IPAddress: '192.0.2.1' }, 'Name', /Name/],
  ])('%s → %s', (_label, values, field, message) => {
    const errors = validateHealthCheckForm(form(values));
    expect(Object.keys(errors)).toContain(field);
    expect(errors[field as keyof typeof errors]?.join(' ')).toMatch(message);
  });

  it('a complete HTTP check has no errors, and fields of other types are not sent', () => {
    const v = form({ IPAddress: '192.0.2.1', SearchString: 'left over', ChildHealthChecks: ['x'] });
    expect(validateHealthCheckForm(v)).toEqual({});
    expect(formToCreateRequest(v)).toEqual({
      Name: 'oregon web',
      HealthCheckConfig: {
        Type: 'HTTP',
        IPAddress: '192.0.2.1',
        ResourcePath: '/',
        RequestInterval: 30,
        FailureThreshold: 3,
      },
    });
  });

  it('threshold above the number of children is named', () => {
    const errors = validateHealthCheckForm(
      form({ Type: 'CALCULATED', ChildHealthChecks: ['a'], HealthThreshold: '2' }),
    );
    expect(errors.HealthThreshold?.[0]).toMatch(/must not exceed/);
  });
});

describe('formToUpdateRequest', () => {
  it('sends the version and only what changed; a cleared name target is reset', () => {
    const v = { ...healthCheckToForm(stored), FullyQualifiedDomainName: '', FailureThreshold: '2' };
    expect(formToUpdateRequest(v, stored)).toEqual({
      HealthCheckVersion: 4,
      FailureThreshold: 2,
      ResetElements: ['FullyQualifiedDomainName'],
    });
  });

  it('unchanged form: only the version', () => {
    expect(formToUpdateRequest(healthCheckToForm(stored), stored)).toEqual({
      HealthCheckVersion: 4,
    });
  });

  it('rename, disable, invert', () => {
    const v = { ...healthCheckToForm(stored), Name: 'renamed', Disabled: true, Inverted: true };
    expect(formToUpdateRequest(v, stored)).toEqual({
      HealthCheckVersion: 4,
      Name: 'renamed',
      Disabled: true,
      Inverted: true,
    });
  });
});

describe('server errors', () => {
  it('land at the field they name', () => {
    expect(fieldForPath('HealthCheckConfig.Port')).toBe('Port');
    expect(fieldForPath('HealthCheckConfig.ChildHealthChecks.1')).toBe('ChildHealthChecks');
    expect(fieldForPath('body')).toBeNull();
    expect(
      serverErrorsToFields([
        { field: 'HealthCheckConfig.IPAddress', message: '127.0.0.1 is a loopback address' },
        { message: 'something else' },
      ]),
    ).toEqual({
      fields: { IPAddress: ['127.0.0.1 is a loopback address'] },
      other: ['something else'],
    });
  });
});
