import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, fieldErrors } from '../../shared/errors';
import {
  HealthCheckListEntrySchema,
  HealthCheckListResponseSchema,
  HealthCheckResponseSchema,
  HealthCheckStatusResponseSchema,
  HealthEventSchema,
  HealthTransitionListResponseSchema,
} from '../../shared/health';
import { TestDnsAnswerResponseSchema } from '../../shared/routing';
import { buildQuery, exchangeUdp, parse } from '../dns/dns-test-kit';
import { call, startTestServer, type TestServer } from '../test-server';

/** The health-check API over real HTTP; the checker only ever probes 127.0.0.1. */

const PUBLIC = { Type: 'HTTP', IPAddress: '8.8.8.8', Disabled: true } as const;

describe('health checks: validation, versions, use (no checker, private targets refused)', () => {
  let s: TestServer;
  let zone: string;
  beforeAll(async () => {
    s = await startTestServer();
    zone = (
      (await call(s.base, 'POST', '/api/zones', { name: 'hcapi.example' }, s.adminHeaders))
        .body as { id: string }
    ).id;
  });
  afterAll(async () => {
    await s.close();
  });

  const post = (body: unknown, headers = s.adminHeaders) =>
    call(s.base, 'POST', '/api/health-checks', body, headers);

  it('creates a check with Route 53 defaults: 201, Location, UUID, version 1, audited', async () => {
    const res = await post({ Name: 'public web', HealthCheckConfig: PUBLIC });
    expect(res.status, res.text).toBe(201);
    const { HealthCheck } = HealthCheckResponseSchema.parse(res.body);
    expect(res.headers.get('location')).toBe(`/api/health-checks/${HealthCheck.Id}`);
    expect(HealthCheck.Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(HealthCheck).toMatchObject({
      Name: 'public web',
      HealthCheckVersion: 1,
      HealthCheckConfig: {
        Type: 'HTTP',
        IPAddress: '8.8.8.8',
        Port: 80,
        ResourcePath: '/',
        RequestInterval: 30,
        FailureThreshold: 3,
        Inverted: false,
        Disabled: true,
      },
    });
    const https = await post({
      Name: 'tls',
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: 'www.example.com',
        Disabled: true,
      },
    });
    expect(HealthCheckResponseSchema.parse(https.body).HealthCheck.HealthCheckConfig.Port).toBe(
      443,
    );

    const got = HealthCheckListEntrySchema.parse(
      (await call(s.base, 'GET', `/api/health-checks/${HealthCheck.Id}`)).body,
    );
    expect(got).toMatchObject({
      id: HealthCheck.Id,
      healthy: true,
      HealthCheck,
      Status: { Status: 'Healthy', Source: 'disabled' },
      records: [],
    });
    const list = HealthCheckListResponseSchema.parse(
      (await call(s.base, 'GET', '/api/health-checks')).body,
    );
    expect(list.map((e) => e.id)).toContain(HealthCheck.Id);
    const audit = (await call(s.base, 'GET', '/api/audit', undefined, s.adminHeaders)).body as {
      entries?: { action: string; subject: string }[];
    };
    const entries = Array.isArray(audit) ? audit : (audit.entries ?? []);
    expect(JSON.stringify(entries)).toContain('health_check.created');
  });

  it.each([
    [{ HealthCheckConfig: PUBLIC }, 'Name'],
    [{ Name: '', HealthCheckConfig: PUBLIC }, 'Name'],
    [{ Name: 'x' }, 'HealthCheckConfig'],
    [{ Name: 'x', HealthCheckConfig: { ...PUBLIC, Type: 'UDP' } }, 'HealthCheckConfig.Type'],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, IPAddress: '999.1.1.1' } },
      'HealthCheckConfig.IPAddress',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'HTTP', Disabled: true } },
      'HealthCheckConfig.IPAddress',
    ],
    [{ Name: 'x', HealthCheckConfig: { ...PUBLIC, Port: 0 } }, 'HealthCheckConfig.Port'],
    [{ Name: 'x', HealthCheckConfig: { ...PUBLIC, Port: 70000 } }, 'HealthCheckConfig.Port'],
    [{ Name: 'x', HealthCheckConfig: { ...PUBLIC, Port: '80' } }, 'HealthCheckConfig.Port'],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, ResourcePath: 'health' } },
      'HealthCheckConfig.ResourcePath',
    ],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, RequestInterval: 20 } },
      'HealthCheckConfig.RequestInterval',
    ],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, FailureThreshold: 0 } },
      'HealthCheckConfig.FailureThreshold',
    ],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, FailureThreshold: 11 } },
      'HealthCheckConfig.FailureThreshold',
    ],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, Inverted: 'yes' } },
      'HealthCheckConfig.Inverted',
    ],
    [{ Name: 'x', HealthCheckConfig: { ...PUBLIC, Disabled: 1 } }, 'HealthCheckConfig.Disabled'],
    [{ Name: 'x', HealthCheckConfig: { ...PUBLIC, Weight: 1 } }, 'HealthCheckConfig.Weight'],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, FullyQualifiedDomainName: 'not a name' } },
      'HealthCheckConfig.FullyQualifiedDomainName',
    ],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, Type: 'HTTP_STR_MATCH' } },
      'HealthCheckConfig.SearchString',
    ],
    [
      {
        Name: 'x',
        HealthCheckConfig: { ...PUBLIC, Type: 'HTTP_STR_MATCH', SearchString: 'x'.repeat(256) },
      },
      'HealthCheckConfig.SearchString',
    ],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, SearchString: 'ok' } },
      'HealthCheckConfig.SearchString',
    ],
    [{ Name: 'x', HealthCheckConfig: { ...PUBLIC, Type: 'TCP' } }, 'HealthCheckConfig.Port'],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, Type: 'TCP', Port: 22, ResourcePath: '/' } },
      'HealthCheckConfig.ResourcePath',
    ],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, ChildHealthChecks: ['a'] } },
      'HealthCheckConfig.ChildHealthChecks',
    ],
    [
      { Name: 'x', HealthCheckConfig: { ...PUBLIC, HealthThreshold: 1 } },
      'HealthCheckConfig.HealthThreshold',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'CALCULATED' } },
      'HealthCheckConfig.ChildHealthChecks',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: ['missing'] } },
      'HealthCheckConfig.ChildHealthChecks[0]',
    ],
    [
      {
        Name: 'x',
        HealthCheckConfig: { Type: 'CALCULATED', IPAddress: '8.8.8.8', ChildHealthChecks: ['a'] },
      },
      'HealthCheckConfig.IPAddress',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'CALCULATED', Port: 80, ChildHealthChecks: ['a'] } },
      'HealthCheckConfig.Port',
    ],
    [
      {
        Name: 'x',
        HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: ['a'], HealthThreshold: 2 },
      },
      'HealthCheckConfig.HealthThreshold',
    ],
    [
      {
        Name: 'x',
        HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: ['a'], HealthThreshold: 300 },
      },
      'HealthCheckConfig.HealthThreshold',
    ],
    [{ Name: 'x', HealthCheckConfig: PUBLIC, Extra: true }, 'Extra'],
    // SSRF: loopback, private, metadata, link-local, IPv6 loopback and link-local.
    [
      { Name: 'x', HealthCheckConfig: { Type: 'HTTP', IPAddress: '127.0.0.1' } },
      'HealthCheckConfig.IPAddress',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'HTTP', IPAddress: '10.0.0.1' } },
      'HealthCheckConfig.IPAddress',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'HTTP', IPAddress: '169.254.169.254' } },
      'HealthCheckConfig.IPAddress',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'HTTP', IPAddress: '::1' } },
      'HealthCheckConfig.IPAddress',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'HTTP', IPAddress: 'fe80::1' } },
      'HealthCheckConfig.IPAddress',
    ],
    [
      { Name: 'x', HealthCheckConfig: { Type: 'TCP', IPAddress: '192.168.0.1', Port: 22 } },
      'HealthCheckConfig.IPAddress',
    ],
  ])('POST %j → 400 naming %s, nothing stored', async (body, field) => {
    const before = (await call(s.base, 'GET', '/api/health-checks')).text;
    const res = await post(body);
    expect(res.status, res.text).toBe(400);
    const error = ApiErrorSchema.parse(res.body).error;
    expect(error.code).toBe('InvalidInput');
    expect(fieldErrors(error).map((d) => d.field)).toContain(field);
    expect((await call(s.base, 'GET', '/api/health-checks')).text).toBe(before);
  });

  it('names every bad field of one body, the refused address with the others', async () => {
    const res = await post({
      Name: 'x',
      HealthCheckConfig: { Type: 'HTTP', IPAddress: '10.0.0.1', Port: 0, FailureThreshold: 99 },
    });
    expect(
      fieldErrors(ApiErrorSchema.parse(res.body).error)
        .map((d) => d.field)
        .sort(),
    ).toEqual([
      'HealthCheckConfig.FailureThreshold',
      'HealthCheckConfig.IPAddress',
      'HealthCheckConfig.Port',
    ]);
    const ssrf = await post({
      Name: 'x',
      HealthCheckConfig: { Type: 'HTTP', IPAddress: '169.254.169.254' },
    });
    expect(ApiErrorSchema.parse(ssrf.body).error.message).toContain('cloud metadata service');
  });

  it('writes need the editor role', async () => {
    const viewer = await s.createToken('hc-viewer', 'viewer');
    const bearer = { authorization: `Bearer ${viewer}` };
    expect((await post({ Name: 'x', HealthCheckConfig: PUBLIC }, {})).status).toBe(401);
    expect((await post({ Name: 'x', HealthCheckConfig: PUBLIC }, bearer)).status).toBe(403);
    expect(
      (await call(s.base, 'PUT', '/api/health-checks/a', { healthy: false }, bearer)).status,
    ).toBe(403);
    expect(
      (await call(s.base, 'DELETE', '/api/health-checks/a/override', undefined, bearer)).status,
    ).toBe(403);
  });

  it('PATCH with the version read; 409 HealthCheckVersionMismatch when stale; fields named', async () => {
    const id = HealthCheckResponseSchema.parse(
      (await post({ Name: 'patch me', HealthCheckConfig: PUBLIC })).body,
    ).HealthCheck.Id;
    const patch = (body: unknown) =>
      call(s.base, 'PATCH', `/api/health-checks/${id}`, body, s.adminHeaders);
    const ok = await patch({
      HealthCheckVersion: 1,
      Name: 'patched',
      FailureThreshold: 5,
      Port: 8080,
    });
    expect(ok.status, ok.text).toBe(200);
    expect(HealthCheckResponseSchema.parse(ok.body).HealthCheck).toMatchObject({
      Name: 'patched',
      HealthCheckVersion: 2,
      HealthCheckConfig: { FailureThreshold: 5, Port: 8080, IPAddress: '8.8.8.8' },
    });
    const stale = await patch({ HealthCheckVersion: 1, FailureThreshold: 2 });
    expect(stale.status).toBe(409);
    expect(ApiErrorSchema.parse(stale.body).error).toMatchObject({
      code: 'HealthCheckVersionMismatch',
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    for (const [body, field] of [
      [{ FailureThreshold: 2 }, 'HealthCheckVersion'],
      [{ HealthCheckVersion: 2, Port: -1 }, 'HealthCheckConfig.Port'],
      [{ HealthCheckVersion: 2, IPAddress: '10.0.0.1' }, 'HealthCheckConfig.IPAddress'],
      [{ HealthCheckVersion: 2, Type: 'TCP' }, 'HealthCheckConfig.Type'],
      [{ HealthCheckVersion: 2, SearchString: 'x' }, 'HealthCheckConfig.SearchString'],
      [{ HealthCheckVersion: 2, ResetElements: ['IPAddress'] }, 'HealthCheckConfig.IPAddress'],
    ] as const) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fieldErrors(ApiErrorSchema.parse(res.body).error).map((d) => d.field)).toContain(
        field,
      );
    }
    const unchanged = HealthCheckListEntrySchema.parse(
      (await call(s.base, 'GET', `/api/health-checks/${id}`)).body,
    );
    expect(unchanged.HealthCheck?.HealthCheckVersion).toBe(2);
    const missing = await call(
      s.base,
      'PATCH',
      '/api/health-checks/nope',
      { HealthCheckVersion: 1 },
      s.adminHeaders,
    );
    expect(ApiErrorSchema.parse(missing.body).error.code).toBe('NoSuchHealthCheck');
  });

  it('DELETE → 409 HealthCheckInUse while a record set names it, listing it; then 204', async () => {
    const id = HealthCheckResponseSchema.parse(
      (await post({ Name: 'in use', HealthCheckConfig: PUBLIC })).body,
    ).HealthCheck.Id;
    const record = {
      Name: 'www.hcapi.example',
      Type: 'A',
      SetIdentifier: 'eu',
      Region: 'eu-west-1',
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.1' }],
      HealthCheckId: id,
    };
    const rr = (Action: string) =>
      call(
        s.base,
        'POST',
        `/api/zones/${zone}/rrsets`,
        { Changes: [{ Action, ResourceRecordSet: record }] },
        s.adminHeaders,
      );
    expect((await rr('CREATE')).status).toBe(200);
    const refused = await call(
      s.base,
      'DELETE',
      `/api/health-checks/${id}`,
      undefined,
      s.adminHeaders,
    );
    expect(refused.status).toBe(409);
    expect(ApiErrorSchema.parse(refused.body).error).toMatchObject({
      code: 'HealthCheckInUse',
      details: {
        records: [
          {
            zoneId: zone,
            name: 'www.hcapi.example.',
            type: 'A',
            setIdentifier: 'eu',
            region: 'eu-west-1',
          },
        ],
      },
    });
    expect((await call(s.base, 'GET', `/api/health-checks/${id}`)).body).toMatchObject({
      HealthCheck: { Id: id },
      records: [{ zoneId: zone }],
    });
    expect((await rr('DELETE')).status).toBe(200);
    const deleted = await call(
      s.base,
      'DELETE',
      `/api/health-checks/${id}`,
      undefined,
      s.adminHeaders,
    );
    expect(deleted.status).toBe(204);
    expect(
      (await call(s.base, 'DELETE', `/api/health-checks/${id}`, undefined, s.adminHeaders)).status,
    ).toBe(404);
  });

  it('the override: PUT for any id records who and why; DELETE …/override clears it', async () => {
    const put = await call(
      s.base,
      'PUT',
      '/api/health-checks/maint-1',
      { healthy: false, reason: 'patching' },
      s.adminHeaders,
    );
    expect(put.body).toEqual({ id: 'maint-1', healthy: false });
    const status = HealthCheckStatusResponseSchema.parse(
      (await call(s.base, 'GET', '/api/health-checks/maint-1/status')).body,
    );
    expect(status).toMatchObject({
      Id: 'maint-1',
      Status: 'Unhealthy',
      Source: 'override',
      Override: { Status: 'Unhealthy', By: 'admin-env', Reason: 'patching' },
      LastObservations: [],
    });
    const cleared = await call(
      s.base,
      'DELETE',
      '/api/health-checks/maint-1/override',
      undefined,
      s.adminHeaders,
    );
    expect(cleared.status).toBe(200);
    expect(HealthCheckStatusResponseSchema.parse(cleared.body)).toMatchObject({
      Status: 'Healthy',
      Source: 'none',
    });
    const transitions = HealthTransitionListResponseSchema.parse(
      (await call(s.base, 'GET', '/api/health-checks/transitions')).body,
    ).filter((t) => t.HealthCheckId === 'maint-1');
    expect(transitions.map((t) => [t.From, t.To, t.Reason])).toEqual([
      ['Unhealthy', 'Healthy', 'override cleared by admin-env'],
      ['Healthy', 'Unhealthy', 'override by admin-env: unhealthy (patching)'],
    ]);
    expect((await call(s.base, 'GET', '/api/health-checks/transitions?since=nope')).status).toBe(
      400,
    );
  });
});

describe('health checks drive answers (checker on, loopback allowed, 100 ms interval)', () => {
  let s: TestServer;
  let zone: string;
  let checkId: string;
  let failing = false;
  const origin = http.createServer((_req, res) => {
    res.writeHead(failing ? 503 : 200);
    res.end('ok');
  });
  const INTERVAL = 100;

  beforeAll(async () => {
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const port = (origin.address() as AddressInfo).port;
    s = await startTestServer({
      dns: true,
      healthChecker: true,
      allowPrivateHealthTargets: true,
      healthIntervalMs: INTERVAL,
    });
    zone = (
      (await call(s.base, 'POST', '/api/zones', { name: 'flip.example' }, s.adminHeaders)).body as {
        id: string;
      }
    ).id;
    const created = await call(
      s.base,
      'POST',
      '/api/health-checks',
      {
        Name: 'london origin',
        HealthCheckConfig: {
          Type: 'HTTP',
          IPAddress: '127.0.0.1',
          Port: port,
          FailureThreshold: 2,
        },
      },
      s.adminHeaders,
    );
    expect(created.status, created.text).toBe(201);
    checkId = HealthCheckResponseSchema.parse(created.body).HealthCheck.Id;
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Changes: [
          ['london', 'eu-west-2', '192.0.2.1', checkId],
          ['ireland', 'eu-west-1', '192.0.2.2', undefined],
        ].map(([id, region, value, hc]) => ({
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'www.flip.example',
            Type: 'A',
            SetIdentifier: id,
            Region: region,
            TTL: 60,
            ResourceRecords: [{ Value: value }],
            ...(hc ? { HealthCheckId: hc } : {}),
          },
        })),
      },
      s.adminHeaders,
    );
    expect(res.status, res.text).toBe(200);
  });
  afterAll(async () => {
    await s.close();
    await new Promise<void>((resolve) => origin.close(() => resolve()));
  });

  const apiAnswer = async () =>
    TestDnsAnswerResponseSchema.parse(
      (
        await call(
          s.base,
          'GET',
          `/api/zones/${zone}/testdnsanswer?recordname=www.flip.example&recordtype=A&edns0clientsubnetip=81.2.69.0`,
        )
      ).body,
    ).RecordData[0];
  const dnsAnswer = async () =>
    parse(
      await exchangeUdp(
        s.dns?.port ?? 0,
        buildQuery('www.flip.example', { subnet: { family: 1, source: 24, address: '81.2.69.0' } }),
      ),
    ).answers[0]?.data as string | undefined;

  async function within(ms: number, fn: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    while (!(await fn())) {
      if (Date.now() - start > ms) {
        throw new Error(`not within ${ms} ms (API ${await apiAnswer()}, DNS ${await dnsAnswer()})`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return Date.now() - start;
  }

  it('an origin that fails moves users to the next-best region after the threshold, and back', async () => {
    await within(5000, async () => (await apiAnswer()) === '192.0.2.1');
    await within(5000, async () => (await dnsAnswer()) === '192.0.2.1');
    await within(5000, async () =>
      (await s.health.status(checkId)).LastObservations.some((o) => o.Reason === 'OK 200'),
    );

    // SSE: a health event arrives when the status changes.
    const abort = new AbortController();
    const stream = await fetch(`${s.base}/api/events?zoneId=${zone}`, { signal: abort.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const healthEvent = (async () => {
      const decoder = new TextDecoder();
      while (!text.includes('event: health')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    })();

    failing = true;
    // FailureThreshold 2 at 100 ms: unhealthy after ~200 ms, within one interval after that
    // both the API and DNS answer from Ireland. The bound leaves room for a loaded machine.
    const budget = 2 * INTERVAL + INTERVAL + 2500;
    await within(budget, async () => (await apiAnswer()) === '192.0.2.2');
    await within(budget, async () => (await dnsAnswer()) === '192.0.2.2');
    const status = HealthCheckStatusResponseSchema.parse(
      (await call(s.base, 'GET', `/api/health-checks/${checkId}/status`)).body,
    );
    expect(status).toMatchObject({ Status: 'Unhealthy', Source: 'checker' });
    expect(status.LastObservations.slice(0, 2).map((o) => o.Reason)).toEqual([
      'HTTP 503',
      'HTTP 503',
    ]);

    await Promise.race([healthEvent, new Promise((r) => setTimeout(r, 3000))]);
    const line = text
      .split('\n')
      .find((l, i, all) => all[i - 1] === 'event: health' && l.startsWith('data: '));
    expect(line, text).toBeDefined();
    expect(HealthEventSchema.parse(JSON.parse((line as string).slice(6)))).toMatchObject({
      HealthCheckId: checkId,
      Status: 'Unhealthy',
    });
    abort.abort();

    failing = false;
    await within(budget, async () => (await apiAnswer()) === '192.0.2.1');
    await within(budget, async () => (await dnsAnswer()) === '192.0.2.1');

    const transitions = HealthTransitionListResponseSchema.parse(
      (await call(s.base, 'GET', `/api/health-checks/transitions?zoneId=${zone}`)).body,
    );
    expect(transitions.slice(0, 2).map((t) => [t.From, t.To])).toEqual([
      ['Unhealthy', 'Healthy'],
      ['Healthy', 'Unhealthy'],
    ]);
    expect(transitions[1]).toMatchObject({
      Name: 'london origin',
      Reason: 'HTTP 503',
      Records: [
        { zoneId: zone, name: 'www.flip.example.', setIdentifier: 'london', region: 'eu-west-2' },
      ],
    });
    const other = HealthTransitionListResponseSchema.parse(
      (await call(s.base, 'GET', '/api/health-checks/transitions?zoneId=ZNOSUCHZONE')).body,
    );
    expect(other).toEqual([]);
  });

  it('streams zone events and ends open streams when the server closes', async () => {
    const stream = await fetch(`${s.base}/api/events`);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return 'ended';
        text += decoder.decode(value);
      }
    })();
    await new Promise((r) => setTimeout(r, 400));
    const applied = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'txt.flip.example',
              Type: 'TXT',
              TTL: 60,
              ResourceRecords: [{ Value: '"x"' }],
            },
          },
        ],
      },
      s.adminHeaders,
    );
    expect(applied.status).toBe(200);
    const start = Date.now();
    while (!text.includes('event: zone') && Date.now() - start < 3000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(text).toContain(`event: zone\ndata: {"zoneId":"${zone}","version":2}`);
    const closing = Date.now();
    await s.stop();
    expect(await read).toBe('ended');
    expect(Date.now() - closing).toBeLessThan(3000);
  });
});
