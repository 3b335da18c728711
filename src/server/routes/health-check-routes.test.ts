import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, fieldErrors } from '../../shared/errors';
import { HealthCheckListEntrySchema, HealthCheckListResponseSchema } from '../../shared/health';
import { call, startTestServer, type TestServer } from '../test-server';

let s: TestServer;
let zone: string;
beforeAll(async () => {
  s = await startTestServer();
  zone = (
    (await call(s.base, 'POST', '/api/zones', { name: 'hc.example' }, s.adminHeaders)).body as {
      id: string;
    }
  ).id;
  const res = await call(
    s.base,
    'POST',
    `/api/zones/${zone}/rrsets`,
    {
      Changes: ['a', 'b'].map((id, i) => ({
        Action: 'CREATE',
        ResourceRecordSet: {
          Name: 'www.hc.example',
          Type: 'A',
          SetIdentifier: id,
          Region: i === 0 ? 'eu-west-1' : 'us-east-1',
          TTL: 60,
          ResourceRecords: [{ Value: `192.0.2.${i + 1}` }],
          HealthCheckId: `check-${id}`,
        },
      })),
    },
    s.adminHeaders,
  );
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await s.close();
});

describe('/api/health-checks', () => {
  it('unknown ids are healthy; PUT stores a status that GET and the list report', async () => {
    expect(
      HealthCheckListEntrySchema.parse(
        (await call(s.base, 'GET', '/api/health-checks/never-seen')).body,
      ),
    ).toEqual({
      id: 'never-seen',
      healthy: true,
      Status: { Status: 'Healthy', Since: null, Source: 'none' },
      records: [],
    });
    const put = await call(
      s.base,
      'PUT',
      '/api/health-checks/check-a',
      { healthy: false },
      s.adminHeaders,
    );
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ id: 'check-a', healthy: false });
    expect((await call(s.base, 'GET', '/api/health-checks/check-a')).body).toMatchObject({
      id: 'check-a',
      healthy: false,
      Status: { Status: 'Unhealthy', Source: 'override', Override: { By: 'admin-env' } },
    });

    const list = HealthCheckListResponseSchema.parse(
      (await call(s.base, 'GET', '/api/health-checks')).body,
    );
    expect(list).toMatchObject([
      {
        id: 'check-a',
        healthy: false,
        records: [
          {
            zoneId: zone,
            name: 'www.hc.example.',
            type: 'A',
            setIdentifier: 'a',
            region: 'eu-west-1',
          },
        ],
      },
      {
        id: 'check-b',
        healthy: true,
        records: [
          {
            zoneId: zone,
            name: 'www.hc.example.',
            type: 'A',
            setIdentifier: 'b',
            region: 'us-east-1',
          },
        ],
      },
    ]);

    await call(s.base, 'PUT', '/api/health-checks/check-a', { healthy: true }, s.adminHeaders);
    expect((await call(s.base, 'GET', '/api/health-checks/check-a')).body).toMatchObject({
      id: 'check-a',
      healthy: true,
    });
  });

  it.each([
    [{ healthy: 'no' }, 'healthy'],
    [{}, 'healthy'],
    [{ healthy: true, reason: 5 }, 'reason'],
    [{ healthy: true, why: 'x' }, 'why'],
    [[true], ''],
  ])('PUT %j → 400 naming %j, status unchanged', async (body, field) => {
    const res = await call(s.base, 'PUT', '/api/health-checks/check-b', body, s.adminHeaders);
    expect(res.status).toBe(400);
    const error = ApiErrorSchema.parse(res.body).error;
    expect(error.code).toBe('InvalidInput');
    expect(fieldErrors(error).map((d) => d.field)).toContain(field);
    expect((await call(s.base, 'GET', '/api/health-checks/check-b')).body).toMatchObject({
      id: 'check-b',
      healthy: true,
    });
  });

  it('refuses ids longer than 64 characters', async () => {
    const res = await call(
      s.base,
      'PUT',
      `/api/health-checks/${'x'.repeat(65)}`,
      {
        healthy: false,
      },
      s.adminHeaders,
    );
    expect(res.status).toBe(400);
    expect(fieldErrors(ApiErrorSchema.parse(res.body).error)[0]?.field).toBe('id');
  });
});
