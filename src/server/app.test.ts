import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema } from '../shared/errors';
import { ListResourceRecordSetsResponseSchema } from '../shared/rrset';
import { ZoneListResponseSchema } from '../shared/zones';
import { BODY_LIMIT_BYTES, registeredRoutes } from './app';
import { call, startTestServer, type TestServer } from './test-server';

let s: TestServer;
let zone: string;
beforeAll(async () => {
  s = await startTestServer({ demo: true });
  zone = ZoneListResponseSchema.parse((await call(s.base, 'GET', '/api/zones')).body)[0]?.id ?? '';
});
afterAll(async () => {
  await s.close();
});

function errorOf(body: unknown) {
  return ApiErrorSchema.parse(body).error;
}

describe('service routes', () => {
  it('GET /api/health → {"status":"ok"}', async () => {
    const res = await call(s.base, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('unknown routes and methods → 404 JSON', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['POST', '/api/health'],
      ['PATCH', `/api/zones/${zone}`],
      ['GET', '/nope.js'],
    ] as const) {
      const res = await call(s.base, method, path, undefined, s.adminHeaders);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(errorOf(res.body)).toMatchObject({
        code: 'NotFound',
        message: expect.stringContaining(path),
      });
    }
  });

  it('without a built SPA, / says to run npm run build:web', async () => {
    const res = await call(s.base, 'GET', '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('npm run build:web');
  });
});

describe('bad input never gets a 500', () => {
  const zonePath = () => `/api/zones/${zone}/rrsets`;

  it('malformed JSON → 400 MalformedJSON', async () => {
    for (const body of ['{', '{"Changes": [}', 'null x', '\u0000', '{"a":1}}']) {
      const res = await call(s.base, 'POST', zonePath(), body, s.adminHeaders);
      expect(res.status, body).toBe(400);
      expect(errorOf(res.body).code).toBe('MalformedJSON');
    }
  });

  it('an empty JSON body is no body: POST says what is missing, DELETE works', async () => {
    const res = await call(s.base, 'POST', '/api/zones', '', {
      ...s.adminHeaders,
      'content-type': 'application/json',
    });
    expect(res.status).toBe(400);
    expect(errorOf(res.body)).toMatchObject({ code: 'InvalidInput', details: [{ field: 'name' }] });
    const created = await call(
      s.base,
      'POST',
      '/api/zones',
      { name: 'empty-body.example' },
      s.adminHeaders,
    );
    const id = (created.body as { id: string }).id;
    const del = await call(s.base, 'DELETE', `/api/zones/${id}`, undefined, {
      ...s.adminHeaders,
      'content-type': 'application/json',
    });
    expect(del.status).toBe(204);
  });

  it('a body that is not JSON → 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await call(s.base, 'POST', '/api/zones', 'name=example.org', {
        ...s.adminHeaders,
        'content-type': type,
      });
      expect(res.status, type).toBe(415);
      expect(errorOf(res.body).code).toBe('UnsupportedMediaType');
    }
  });

  it('a body over the limit → 413, nothing stored', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT_BYTES + 10) });
    const res = await call(s.base, 'POST', '/api/zones', huge, s.adminHeaders);
    expect(res.status).toBe(413);
    expect(errorOf(res.body).code).toBe('PayloadTooLarge');
    expect(
      ZoneListResponseSchema.parse((await call(s.base, 'GET', '/api/zones')).body),
    ).toHaveLength(1);
  });

  it('a table of malformed requests all get a 4xx JSON error', async () => {
    const table: [string, string, unknown?][] = [
      ['POST', '/api/zones', []],
      ['POST', '/api/zones', 'null'],
      ['POST', '/api/zones', '"example.org"'],
      ['POST', '/api/zones', '12'],
      ['POST', '/api/zones', { name: null }],
      ['POST', '/api/zones', { name: ['a.com'] }],
      ['POST', '/api/zones', { name: { toString: 'a' } }],
      ['POST', '/api/zones', { __proto__: { name: 'x.com' } }],
      ['POST', '/api/zones', '{"constructor":{"prototype":{"polluted":1}}}'],
      ['POST', zonePath(), 'null'],
      ['POST', zonePath(), []],
      ['POST', zonePath(), { ChangeBatch: null }],
      ['POST', zonePath(), { ChangeBatch: { Changes: 'x' } }],
      ['POST', zonePath(), { Changes: [null] }],
      ['POST', zonePath(), { Changes: [{ Action: 'CREATE' }] }],
      ['POST', zonePath(), { Changes: [{ Action: 'CREATE', ResourceRecordSet: null }] }],
      [
        'POST',
        zonePath(),
        { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 1, Type: [] } }] },
      ],
      [
        'POST',
        zonePath(),
        // TTL parses to Infinity
        '{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"a.example.com","Type":"A","TTL":1e400}}]}',
      ],
      [
        'POST',
        zonePath(),
        {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'a.example.com',
                Type: 'A',
                TTL: -1,
                ResourceRecords: [{ Value: '1.2.3.4' }],
              },
            },
          ],
        },
      ],
      [
        'POST',
        zonePath(),
        {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'a.example.com',
                Type: 'A',
                TTL: 60,
                ResourceRecords: 'x',
              },
            },
          ],
        },
      ],
      [
        'POST',
        zonePath(),
        {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: { Name: 'a.example.com', Type: 'A', TTL: 60, ResourceRecords: [] },
            },
          ],
        },
      ],
      [
        'POST',
        zonePath(),
        {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: { Name: 'a.example.com', Type: 'A', AliasTarget: { DNSName: 1 } },
            },
          ],
        },
      ],
      [
        'POST',
        zonePath(),
        {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: `${'a'.repeat(300)}.example.com`,
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '1.2.3.4' }],
              },
            },
          ],
        },
      ],
      [
        'POST',
        zonePath(),
        {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'a\\.example.com',
                Type: 'TYPE65534',
                TTL: 60,
                ResourceRecords: [{ Value: '1.2.3.4' }],
              },
            },
          ],
        },
      ],
      ['POST', zonePath(), { Changes: Array.from({ length: 10_001 }, () => ({})) }],
      ['GET', '/api/zones/%ZZ/rrsets'],
      ['GET', `/api/zones/${'Z'.repeat(300)}/rrsets`],
      ['GET', '/api/zones/%2Fhostedzone%2F/rrsets'],
      ['GET', '/api/zones/Z%00/rrsets'],
      ['DELETE', '/api/zones/..%2F..%2Fetc'],
      ['GET', '/api/cities'],
      ['GET', '/api/cities?q='],
      ['GET', '/api/cities?q=a&limit=-1'],
      ['GET', '/api/cities?q=a&limit=1e9'],
      ['GET', '/api/cities?q=a&q=b'],
      ['GET', '/api/geoip'],
      ['GET', '/api/geoip?ip=%00'],
      ['GET', '/api/geoip?ip=1.2.3.4.5'],
      ['GET', `/api/zones/${zone}/testdnsanswer?recordname=${'a'.repeat(2000)}&recordtype=A`],
      ['GET', `/api/zones/${zone}/testdnsanswer?recordname=a&recordtype=A&lat=NaN&lon=0`],
      ['GET', `/api/zones/${zone}/testdnsanswer?recordname=a&recordtype=A&lat=1e999&lon=0`],
      [
        'GET',
        `/api/zones/${zone}/testdnsanswer?recordname=a&recordtype=A&edns0clientsubnetip=::1&edns0clientsubnetmask=999`,
      ],
      ['PUT', '/api/health-checks/x', { healthy: 'false' }],
      ['PUT', '/api/health-checks/x', {}],
      ['PUT', '/api/health-checks/x', 'true'],
      ['PUT', `/api/health-checks/${'x'.repeat(65)}`, { healthy: true }],
    ];
    const before = ListResourceRecordSetsResponseSchema.parse(
      (await call(s.base, 'GET', zonePath())).body,
    );
    for (const [method, path, body] of table) {
      const res = await call(s.base, method, path, body, s.adminHeaders);
      const label = `${method} ${path.slice(0, 80)} ${JSON.stringify(body)?.slice(0, 120)}`;
      expect(res.status, label).toBeGreaterThanOrEqual(400);
      expect(res.status, label).toBeLessThan(500);
      const parsed = ApiErrorSchema.safeParse(res.body);
      expect(parsed.success, `${label} → ${res.text.slice(0, 200)}`).toBe(true);
      expect(parsed.data?.error.message.length, label).toBeGreaterThan(0);
    }
    const after = ListResourceRecordSetsResponseSchema.parse(
      (await call(s.base, 'GET', zonePath())).body,
    );
    expect(after).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(
      ZoneListResponseSchema.parse((await call(s.base, 'GET', '/api/zones')).body),
    ).toHaveLength(1);
  });
});

describe('OpenAPI document and docs page', () => {
  it('lists every registered API route with its parameters and responses', async () => {
    const res = await call(s.base, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }
        >
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const apiRoutes = registeredRoutes(s.app).filter(
      (r) => r.url.startsWith('/api') && r.method !== 'HEAD',
    );
    expect(apiRoutes.length).toBeGreaterThanOrEqual(17);
    for (const r of apiRoutes) {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${path}`).toBeDefined();
      expect(Object.keys(op?.responses ?? {}).length).toBeGreaterThan(0);
      for (const param of path.match(/\{(\w+)\}/g) ?? []) {
        expect(
          op?.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === param),
          `${path} ${param}`,
        ).toBe(true);
      }
    }
    const tda = doc.paths['/api/zones/{id}/testdnsanswer']?.get;
    expect(tda?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'id',
        'recordname',
        'recordtype',
        'resolverip',
        'edns0clientsubnetip',
        'edns0clientsubnetmask',
        'city',
        'lat',
        'lon',
        'ip',
        'unhealthy',
      ]),
    );
    for (const name of [
      'ResourceRecordSet',
      'ChangeBatch',
      'ChangeInfoResponse',
      'TestDnsAnswerResponse',
      'ApiError',
      'City',
      'Region',
    ]) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    // every $ref resolves
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z0-9_]+/g) ?? [];
    for (const ref of refs)
      expect(doc.components.schemas[ref.split('/').pop() ?? ''], ref).toBeDefined();
  });

  it('/api/docs renders paths, parameters, schemas and examples without external resources', async () => {
    const res = await call(s.base, 'GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = res.text;
    for (const text of [
      '/api/zones/{id}/testdnsanswer',
      'edns0clientsubnetmask',
      'id="schema-ChangeBatch"',
      '192.0.2.10',
      'DELETE',
      'InvalidChangeBatch',
    ]) {
      expect(html, text).toContain(text);
    }
    expect(html).not.toMatch(/<script|https?:\/\/(?!db-ip\.com|json-schema\.org)[a-z]/i);
  });
});

describe('the built SPA', () => {
  let web: TestServer;
  let webDir: string;
  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'latency-atlas-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>atlas spa</title>');
    writeFileSync(join(webDir, 'assets', 'app-abc123.js'), 'console.log(1)');
    web = await startTestServer({ webRoot: webDir });
  });
  afterAll(async () => {
    await web.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes, assets as files, /api/* as JSON 404', async () => {
    const root = await call(web.base, 'GET', '/');
    expect(root.text).toContain('atlas spa');
    const deep = await call(web.base, 'GET', '/zones/Z123/records?name=app');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('atlas spa');
    expect((await call(web.base, 'GET', '/assets/gone-123.js')).status).toBe(404);
    const asset = await call(web.base, 'GET', '/assets/app-abc123.js');
    expect(asset.text).toBe('console.log(1)');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const api = await call(web.base, 'GET', '/api/nope');
    expect(api.status).toBe(404);
    expect(errorOf(api.body).code).toBe('NotFound');
    expect((await call(web.base, 'POST', '/somewhere', undefined, web.adminHeaders)).status).toBe(
      404,
    );
  });
});

describe('restart', () => {
  it('keeps zones, records and history in the SQLite file', async () => {
    const first = await startTestServer({ demo: false });
    const created = await call(
      first.base,
      'POST',
      '/api/zones',
      { name: 'persist.example' },
      first.adminHeaders,
    );
    const id = (created.body as { id: string }).id;
    const applied = await call(
      first.base,
      'POST',
      `/api/zones/${id}/rrsets`,
      {
        Comment: 'before restart',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.persist.example',
              Type: 'A',
              SetIdentifier: 'eu',
              Region: 'eu-west-1',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.7' }],
            },
          },
        ],
      },
      first.adminHeaders,
    );
    expect(applied.status).toBe(200);
    await call(
      first.base,
      'PUT',
      '/api/health-checks/hc-1',
      { healthy: false },
      first.adminHeaders,
    );
    await first.stop();

    const second = await startTestServer({ dir: first.dir, demo: true });
    try {
      // demo seeding skips a database that already has zones
      expect(
        ZoneListResponseSchema.parse((await call(second.base, 'GET', '/api/zones')).body),
      ).toEqual([{ id, name: 'persist.example', recordCount: 3 }]);
      const sets = ListResourceRecordSetsResponseSchema.parse(
        (await call(second.base, 'GET', `/api/zones/${id}/rrsets`)).body,
      ).ResourceRecordSets;
      // The zone's own apex NS and SOA (serial 2 after one batch), then the record.
      expect(sets).toEqual([
        {
          Name: 'persist.example.',
          Type: 'NS',
          TTL: 172800,
          ResourceRecords: [{ Value: 'ns1.persist.example.' }, { Value: 'ns2.persist.example.' }],
        },
        {
          Name: 'persist.example.',
          Type: 'SOA',
          TTL: 900,
          ResourceRecords: [
            { Value: 'ns1.persist.example. hostmaster.persist.example. 2 7200 900 1209600 86400' },
          ],
        },
        {
          Name: 'www.persist.example.',
          Type: 'A',
          SetIdentifier: 'eu',
          Region: 'eu-west-1',
          TTL: 60,
          ResourceRecords: [{ Value: '192.0.2.7' }],
        },
      ]);
      const history = (await call(second.base, 'GET', `/api/zones/${id}/changes`)).body as {
        Changes: { Comment: string }[];
      };
      expect(history.Changes.map((c) => c.Comment)).toEqual(['before restart']);
      expect((await call(second.base, 'GET', `/api/zones/${id}`)).body).toMatchObject({
        version: 1,
        serial: 2,
      });
      expect((await call(second.base, 'GET', '/api/health-checks/hc-1')).body).toMatchObject({
        id: 'hc-1',
        healthy: false,
        Status: { Status: 'Unhealthy', Source: 'override' },
      });
    } finally {
      await second.close();
    }
  });
});
