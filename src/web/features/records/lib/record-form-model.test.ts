import { describe, expect, it } from 'vitest';
import {
  batchForSave,
  EMPTY_RECORD_FORM,
  fieldForPath,
  formToRecordSet,
  fqdnFromInput,
  groupErrors,
  recordSetToForm,
} from './record-form-model';

describe('fqdnFromInput', () => {
  it.each([
    ['app', 'example.com', 'app.example.com.'],
    ['', 'example.com', 'example.com.'],
    ['@', 'example.com', 'example.com.'],
    ['*.eu', 'example.com', '*.eu.example.com.'],
    ['other.example.org.', 'example.com', 'other.example.org.'],
    ['  app  ', 'example.com.', 'app.example.com.'],
  ])('%j in %s → %s', (input, zone, expected) => {
    expect(fqdnFromInput(input, zone)).toBe(expected);
  });
});

describe('form ↔ record set', () => {
  const stored = {
    Name: 'www.shop.example.net.',
    Type: 'A',
    SetIdentifier: 'virginia',
    Region: 'us-east-1',
    TTL: 60,
    ResourceRecords: [{ Value: '198.51.100.11' }, { Value: '198.51.100.12' }],
    HealthCheckId: '4a7b0c1e-5f2d-4e8a-9b3c-0d1e2f3a4b5c',
  };

  it('round-trips a latency record with several values and a health check', () => {
    const form = recordSetToForm(stored, 'shop.example.net');
    expect(form.name).toBe('www');
    expect(form.values).toBe('198.51.100.11\n198.51.100.12');
    expect(formToRecordSet(form, 'shop.example.net')).toEqual(stored);
  });

  it('round-trips an alias record (no TTL, no values)', () => {
    const alias = {
      Name: 'api.shop.example.net.',
      Type: 'A',
      SetIdentifier: 'sydney-alb',
      Region: 'ap-southeast-2',
      AliasTarget: {
        HostedZoneId: 'Z1GM3OXH4ZPM65',
        DNSName: 'alb.example.com.',
        EvaluateTargetHealth: true,
      },
    };
    expect(formToRecordSet(recordSetToForm(alias, 'shop.example.net'), 'shop.example.net')).toEqual(
      alias,
    );
  });

  it('shows the escaped wildcard and the apex in the relative form', () => {
    expect(
      recordSetToForm({ ...stored, Name: '\\052.shop.example.net.' }, 'shop.example.net').name,
    ).toBe('*');
    expect(recordSetToForm({ ...stored, Name: 'shop.example.net.' }, 'shop.example.net').name).toBe(
      '@',
    );
  });

  it('drops blank lines in values and leaves TTL out when empty', () => {
    const r = formToRecordSet(
      { ...EMPTY_RECORD_FORM, name: 'a', ttl: '', values: '\n192.0.2.1\n\n 192.0.2.2 \n' },
      'z.test',
    );
    expect(r.TTL).toBeUndefined();
    expect(r.ResourceRecords).toEqual([{ Value: '192.0.2.1' }, { Value: '192.0.2.2' }]);
  });
});

describe('batchForSave', () => {
  const original = {
    Name: 'app.example.com.',
    Type: 'A',
    SetIdentifier: 'oregon',
    Region: 'us-west-2',
    TTL: 60,
    ResourceRecords: [{ Value: '192.0.2.10' }],
  };
  it('creates a new record', () => {
    expect(batchForSave(original, null)).toEqual({
      Changes: [{ Action: 'CREATE', ResourceRecordSet: original }],
    });
  });
  it('upserts when the identity stays (name written differently counts as the same)', () => {
    const next = { ...original, Name: 'APP.example.com', TTL: 300 };
    expect(batchForSave(next, original).Changes.map((c) => c.Action)).toEqual(['UPSERT']);
  });
  it('deletes the stored record and creates the new one when the set id changes', () => {
    const next = { ...original, SetIdentifier: 'portland' };
    expect(batchForSave(next, original)).toEqual({
      Changes: [
        { Action: 'DELETE', ResourceRecordSet: original },
        { Action: 'CREATE', ResourceRecordSet: next },
      ],
    });
  });
});

describe('error paths map to form fields', () => {
  it.each([
    ['ResourceRecordSet.ResourceRecords[1].Value', 'values'],
    ['Changes[0].ResourceRecordSet.Region', 'region'],
    ['ChangeBatch.Changes[2].ResourceRecordSet.TTL', 'ttl'],
    ['ResourceRecordSet.AliasTarget.HostedZoneId', 'aliasHostedZoneId'],
    ['ResourceRecordSet.AliasTarget.DNSName', 'aliasDnsName'],
    ['ResourceRecordSet.Name', 'name'],
    ['ResourceRecordSet.SetIdentifier', 'setIdentifier'],
    ['ResourceRecordSet.HealthCheckId', 'healthCheckId'],
    ['Comment', 'form'],
    [undefined, 'form'],
  ])('%s → %s', (path, field) => {
    expect(fieldForPath(path)).toBe(field);
  });

  it('groups messages by field, names the value line, and drops repeats', () => {
    expect(
      groupErrors([
        {
          field: 'ResourceRecordSet.ResourceRecords[1].Value',
          message: '"999.1.1.1" is not a valid IPv4 address',
        },
        { field: 'ResourceRecordSet.Region', message: 'taken' },
        { field: 'Changes[0].ResourceRecordSet.Region', message: 'taken' },
        { message: 'something else' },
      ]),
    ).toEqual({
      values: ['line 2: "999.1.1.1" is not a valid IPv4 address'],
      region: ['taken'],
      form: ['something else'],
    });
  });
});
