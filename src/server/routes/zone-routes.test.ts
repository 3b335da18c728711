import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, fieldErrors } from '../../shared/errors';
import {
  ChangeHistoryResponseSchema,
  ChangeInfoResponseSchema,
  ListResourceRecordSetsResponseSchema,
} from '../../shared/rrset';
import {
  CreateZoneResponseSchema,
  ZoneDetailSchema,
  ZoneListResponseSchema,
} from '../../shared/zones';
import { registerAuth } from '../auth/auth-hook';
import { ensureAdminTokens } from '../auth/bootstrap-tokens';
import { openRepository } from '../storage/open-repository';
import { call, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../test-server';
import { registerZoneRoutes } from './zone-routes';

const SAMPLES = new URL('../../../e2e/fixtures', import.meta.url).pathname;
const sampleListing = JSON.parse(
  readFileSync(`${SAMPLES}/route53-list-resource-record-sets.json`, 'utf8'),
) as { ResourceRecordSets: Record<string, unknown>[] };
const sampleBatch = JSON.parse(readFileSync(`${SAMPLES}/route53-change-batch.json`, 'utf8'));

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ demo: true });
});
afterAll(async () => {
  await s.close();
});

async function createZone(name: string): Promise<string> {
  const res = await call(s.base, 'POST', '/api/zones', { name }, s.adminHeaders);
  expect(res.status).toBe(201);
  return CreateZoneResponseSchema.parse(res.body).id;
}

async function rrsets(id: string) {
  const res = await call(s.base, 'GET', `/api/zones/${id}/rrsets`);
  expect(res.status).toBe(200);
  return ListResourceRecordSetsResponseSchema.parse(res.body).ResourceRecordSets;
}

function errorOf(body: unknown) {
  return ApiErrorSchema.parse(body).error;
}

describe('zones', () => {
  it('lists the demo zone with its record count', async () => {
    const res = await call(s.base, 'GET', '/api/zones');
    expect(res.status).toBe(200);
    const zones = ZoneListResponseSchema.parse(res.body);
    expect(zones).toEqual([
      // Eight demo records and the apex NS and SOA.
      { id: expect.stringMatching(/^Z[A-Z0-9]+$/), name: 'example.com', recordCount: 10 },
    ]);
  });

  it('creates a zone (201, Location), normalising the name, and refuses a duplicate with 409', async () => {
    const res = await call(
      s.base,
      'POST',
      '/api/zones',
      { name: 'Created.Example.ORG.' },
      s.adminHeaders,
    );
    expect(res.status).toBe(201);
    const zone = CreateZoneResponseSchema.parse(res.body);
    expect(zone.name).toBe('created.example.org');
    expect(res.headers.get('location')).toBe(`/api/zones/${zone.id}`);

    const again = await call(
      s.base,
      'POST',
      '/api/zones',
      { name: 'created.example.org' },
      s.adminHeaders,
    );
    expect(again.status).toBe(409);
    expect(errorOf(again.body).code).toBe('HostedZoneAlreadyExists');

    const detail = await call(s.base, 'GET', `/api/zones/${zone.id}`);
    expect(ZoneDetailSchema.parse(detail.body)).toMatchObject({
      id: zone.id,
      name: 'created.example.org',
      version: 0,
      serial: 1,
    });
    // A new zone holds its apex NS and SOA, as in Route 53.
    expect(await rrsets(zone.id)).toEqual([
      {
        Name: 'created.example.org.',
        Type: 'NS',
        TTL: 172800,
        ResourceRecords: [
          { Value: 'ns1.created.example.org.' },
          { Value: 'ns2.created.example.org.' },
        ],
      },
      {
        Name: 'created.example.org.',
        Type: 'SOA',
        TTL: 900,
        ResourceRecords: [
          {
            Value:
              'ns1.created.example.org. hostmaster.created.example.org. 1 7200 900 1209600 86400',
          },
        ],
      },
    ]);
  });

  it('shows the SOA serial in the zone detail, one up with every applied batch', async () => {
    const id = await createZone('serial.example');
    const detail = async () =>
      ZoneDetailSchema.parse((await call(s.base, 'GET', `/api/zones/${id}`)).body);
    expect(await detail()).toMatchObject({ version: 0, serial: 1 });
    const batch = (Action: string) => ({
      Changes: [
        {
          Action,
          ResourceRecordSet: {
            Name: 'www.serial.example',
            Type: 'A',
            TTL: 60,
            ResourceRecords: [{ Value: '192.0.2.1' }],
          },
        },
      ],
    });
    const post = (body: unknown) =>
      call(s.base, 'POST', `/api/zones/${id}/rrsets`, body, s.adminHeaders);
    expect((await post(batch('CREATE'))).status).toBe(200);
    expect(await detail()).toMatchObject({ version: 1, serial: 2 });
    expect((await post(batch('CREATE'))).status).toBe(400); // exists: refused, no bump
    expect(await detail()).toMatchObject({ version: 1, serial: 2 });
    expect((await post(batch('DELETE'))).status).toBe(200);
    expect(await detail()).toMatchObject({ version: 2, serial: 3 });
    const soa = (await rrsets(id)).find((r) => r.Type === 'SOA');
    expect(soa?.ResourceRecords?.[0]?.Value.split(' ')[2]).toBe('3');
  });

  it('refuses to delete the apex NS or SOA, or to create a second SOA, naming the field', async () => {
    const id = await createZone('apex.example');
    const [ns, soa] = await rrsets(id);
    const post = (Action: string, ResourceRecordSet: unknown) =>
      call(
        s.base,
        'POST',
        `/api/zones/${id}/rrsets`,
        { Changes: [{ Action, ResourceRecordSet }] },
        s.adminHeaders,
      );
    for (const [action, set, field, message] of [
      [
        'DELETE',
        ns,
        'ResourceRecordSet.Type',
        "the zone's own NS record at apex.example. can't be deleted",
      ],
      [
        'DELETE',
        soa,
        'ResourceRecordSet.Type',
        "the zone's own SOA record at apex.example. can't be deleted",
      ],
      [
        'CREATE',
        { ...soa, TTL: 60 },
        'ResourceRecordSet.Name',
        "can't create apex.example. SOA: it already exists (use UPSERT to replace it)",
      ],
    ] as const) {
      const res = await post(action, set);
      expect(res.status).toBe(400);
      expect(errorOf(res.body).details).toEqual([{ change: 0, field, message }]);
    }
    // UPSERT of the NS changes the zone's name servers.
    const servers = { ...ns, ResourceRecords: [{ Value: 'ns-0.awsdns-00.com.' }] };
    expect((await post('UPSERT', servers)).status).toBe(200);
    expect((await rrsets(id))[0]).toEqual(servers);
  });

  it('gives new zones the name servers registerZoneRoutes is configured with', async () => {
    const repository = await openRepository('sqlite::memory:');
    await ensureAdminTokens(repository, { configuredSecret: TEST_ADMIN_TOKEN });
    const app = Fastify();
    registerAuth(app, repository);
    registerZoneRoutes(app, repository, {
      cities: () => [],
      nameServers: ['ns1.atlas.example', 'ns2.atlas.example'],
    });
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/api/zones',
        headers: s.adminHeaders,
        payload: { name: 'configured.example' },
      });
      expect(created.statusCode).toBe(201);
      const { id } = CreateZoneResponseSchema.parse(created.json());
      const listed = await app.inject({ method: 'GET', url: `/api/zones/${id}/rrsets` });
      const [ns, soa] = ListResourceRecordSetsResponseSchema.parse(
        listed.json(),
      ).ResourceRecordSets;
      expect(ns?.ResourceRecords).toEqual([
        { Value: 'ns1.atlas.example.' },
        { Value: 'ns2.atlas.example.' },
      ]);
      expect(soa?.ResourceRecords?.[0]?.Value).toBe(
        'ns1.atlas.example. hostmaster.configured.example. 1 7200 900 1209600 86400',
      );
    } finally {
      await app.close();
      await repository.close();
    }
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 42 }, 'name'],
    [{ name: 'bad..name' }, 'name'],
    [{ name: '-bad.example' }, 'name'],
    [{ name: `${'a'.repeat(64)}.com` }, 'name'],
    [{ name: 'ok.example', extra: 1 }, 'extra'],
  ])('POST /api/zones %j → 400 naming %s', async (body, field) => {
    const before = await call(s.base, 'GET', '/api/zones');
    const res = await call(s.base, 'POST', '/api/zones', body, s.adminHeaders);
    expect(res.status).toBe(400);
    const error = errorOf(res.body);
    expect(error.code).toBe('InvalidInput');
    expect(fieldErrors(error).map((d) => d.field)).toContain(field);
    expect((await call(s.base, 'GET', '/api/zones')).body).toEqual(before.body);
  });

  it('accepts /hostedzone/Z… ids (URL-encoded) and says 404 NoSuchHostedZone for unknown ids', async () => {
    const id = await createZone('ids.example');
    const encoded = encodeURIComponent(`/hostedzone/${id}`);
    expect((await call(s.base, 'GET', `/api/zones/${encoded}/rrsets`)).status).toBe(200);
    expect((await call(s.base, 'GET', `/api/zones/${encoded}`)).body).toMatchObject({ id });

    const unknown = await call(s.base, 'GET', '/api/zones/ZNOSUCHZONE123/rrsets');
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.body).code).toBe('NoSuchHostedZone');
    for (const path of ['/api/zones/ZNOSUCHZONE123/changes', '/api/zones/ZNOSUCHZONE123']) {
      expect((await call(s.base, 'GET', path)).status).toBe(404);
    }
    const post = await call(
      s.base,
      'POST',
      '/api/zones/ZNOSUCHZONE123/rrsets',
      sampleBatch,
      s.adminHeaders,
    );
    expect(post.status).toBe(404);

    const malformed = await call(s.base, 'GET', '/api/zones/not-a-zone-id/rrsets');
    expect(malformed.status).toBe(400);
    expect(fieldErrors(errorOf(malformed.body))[0]?.field).toBe('id');
  });

  it('deletes an empty zone (204), refuses a non-empty one (409) unless force=true', async () => {
    const empty = await createZone('empty.example');
    const del = await call(s.base, 'DELETE', `/api/zones/${empty}`, undefined, s.adminHeaders);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call(s.base, 'GET', `/api/zones/${empty}`)).status).toBe(404);
    expect(
      (await call(s.base, 'DELETE', `/api/zones/${empty}`, undefined, s.adminHeaders)).status,
    ).toBe(404);

    const full = await createZone('full.example');
    const applied = await call(
      s.base,
      'POST',
      `/api/zones/${full}/rrsets`,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.full.example',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
        ],
      },
      s.adminHeaders,
    );
    expect(applied.status).toBe(200);
    const refused = await call(s.base, 'DELETE', `/api/zones/${full}`, undefined, s.adminHeaders);
    expect(refused.status).toBe(409);
    expect(errorOf(refused.body).code).toBe('HostedZoneNotEmpty');
    expect(await rrsets(full)).toHaveLength(3); // www and the apex NS and SOA

    const badForce = await call(
      s.base,
      'DELETE',
      `/api/zones/${full}?force=yes`,
      undefined,
      s.adminHeaders,
    );
    expect(badForce.status).toBe(400);
    expect(fieldErrors(errorOf(badForce.body))[0]?.field).toBe('force');

    expect(
      (await call(s.base, 'DELETE', `/api/zones/${full}?force=true`, undefined, s.adminHeaders))
        .status,
    ).toBe(204);
    expect((await call(s.base, 'GET', `/api/zones/${full}/rrsets`)).status).toBe(404);
  });
});

describe('record sets and change batches', () => {
  it('imports the sample listing, then applies the sample change batch', async () => {
    const id = await createZone('shop.example.net');
    // The listing's apex NS/SOA are managed by the zone; import the rest as one batch.
    const importable = sampleListing.ResourceRecordSets.filter(
      (r) => !(r.Name === 'shop.example.net.' && (r.Type === 'NS' || r.Type === 'SOA')),
    );
    const imported = await call(
      s.base,
      'POST',
      `/api/zones/${id}/rrsets`,
      {
        ChangeBatch: {
          Comment: 'import',
          Changes: importable.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: r })),
        },
      },
      s.adminHeaders,
    );
    expect(imported.status).toBe(200);
    const listed = await rrsets(id);
    for (const r of importable) expect(listed).toContainEqual(r);

    const res = await call(s.base, 'POST', `/api/zones/${id}/rrsets`, sampleBatch, s.adminHeaders);
    expect(res.status).toBe(200);
    const info = ChangeInfoResponseSchema.parse(res.body).ChangeInfo;
    expect(info).toMatchObject({
      Id: expect.stringMatching(/^\/change\/C[A-Z0-9]+$/),
      Status: 'INSYNC',
      Comment: 'Add Singapore and move Frankfurt to new addresses',
    });
    expect(Number.isNaN(Date.parse(info.SubmittedAt))).toBe(false);

    const after = await rrsets(id);
    const www = after.filter((r) => r.Name === 'www.shop.example.net.' && r.Type === 'A');
    expect(www.map((r) => r.SetIdentifier).sort()).toEqual(['frankfurt', 'singapore', 'virginia']);
    expect(www.find((r) => r.SetIdentifier === 'frankfurt')?.ResourceRecords).toEqual([
      { Value: '203.0.113.22' },
      { Value: '203.0.113.23' },
    ]);
    expect(after.find((r) => r.Name === '\\052.shop.example.net.')?.Type).toBe('CNAME');

    const history = ChangeHistoryResponseSchema.parse(
      (await call(s.base, 'GET', `/api/zones/${id}/changes`)).body,
    ).Changes;
    expect(history.map((h) => h.Comment)).toEqual([
      'Add Singapore and move Frankfurt to new addresses',
      'import',
    ]);
    expect(history[0]).toMatchObject({ Id: info.Id, Version: 2, Author: 'admin-env' });
    expect(history[0]?.Changes.map((c) => c.Action)).toEqual(['CREATE', 'UPSERT', 'DELETE']);
    // Names are stored normalised, with the trailing dot.
    expect(history[0]?.Changes[0]?.ResourceRecordSet.Name).toBe('www.shop.example.net.');
    const limited = await call(s.base, 'GET', `/api/zones/${id}/changes?limit=1`);
    expect(ChangeHistoryResponseSchema.parse(limited.body).Changes).toHaveLength(1);
  });

  it('applies nothing when one change is bad, and reports every bad change with its index', async () => {
    const id = await createZone('atomic.example');
    const first = await call(
      s.base,
      'POST',
      `/api/zones/${id}/rrsets`,
      {
        Comment: 'seed',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'app.atomic.example',
              Type: 'A',
              SetIdentifier: 'oregon',
              Region: 'us-west-2',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.10' }],
            },
          },
        ],
      },
      s.adminHeaders,
    );
    expect(first.status).toBe(200);
    const before = await rrsets(id);
    const zoneBefore = (await call(s.base, 'GET', `/api/zones/${id}`)).body;
    const historyBefore = (await call(s.base, 'GET', `/api/zones/${id}/changes`)).body;

    const res = await call(
      s.base,
      'POST',
      `/api/zones/${id}/rrsets`,
      {
        Comment: 'half good',
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'app.atomic.example.',
              Type: 'A',
              SetIdentifier: 'singapore',
              Region: 'ap-southeast-1',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.20' }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'app.atomic.example',
              Type: 'A',
              SetIdentifier: 'tokyo',
              Region: 'ap-northeast-1',
              TTL: 60,
              ResourceRecords: [{ Value: '999.1.1.1' }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'app.atomic.example',
              Type: 'A',
              SetIdentifier: 'oregon-2',
              Region: 'us-west-2',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.11' }],
            },
          },
        ],
      },
      s.adminHeaders,
    );
    expect(res.status).toBe(400);
    const error = errorOf(res.body);
    expect(error.code).toBe('InvalidChangeBatch');
    expect(error.details).toContainEqual({
      change: 1,
      field: 'ResourceRecordSet.ResourceRecords[0].Value',
      message: expect.stringContaining('999.1.1.1'),
    });
    expect(fieldErrors(error).some((d) => d.change === 2)).toBe(true);
    expect(fieldErrors(error).some((d) => d.change === 0)).toBe(false);

    expect(await rrsets(id)).toEqual(before);
    expect((await call(s.base, 'GET', `/api/zones/${id}`)).body).toEqual(zoneBefore);
    expect((await call(s.base, 'GET', `/api/zones/${id}/changes`)).body).toEqual(historyBefore);
  });

  it.each([
    ['Changes missing', { Comment: 'x' }, { field: 'Changes' }],
    ['Changes empty', { Changes: [] }, { field: 'Changes' }],
    ['Changes not an array', { Changes: {} }, { field: 'Changes' }],
    ['a change that is a string', { Changes: ['CREATE'] }, { change: 0, field: 'Changes[0]' }],
    [
      'unknown action',
      { Changes: [{ Action: 'INSERT', ResourceRecordSet: { Name: 'a.example.com', Type: 'A' } }] },
      { change: 0, field: 'Action' },
    ],
    [
      'TTL as a string',
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'a.example.com',
              Type: 'A',
              TTL: '60',
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
        ],
      },
      { change: 0, field: 'ResourceRecordSet.TTL' },
    ],
    [
      'an unsupported routing field (Weight)',
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'a.example.com',
              Type: 'A',
              Weight: 10,
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
        ],
      },
      { change: 0, field: 'ResourceRecordSet.Weight' },
    ],
    [
      'a value that is a number',
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'a.example.com',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: 1 }],
            },
          },
        ],
      },
      { change: 0, field: 'ResourceRecordSet.ResourceRecords[0].Value' },
    ],
    [
      'a name outside the zone',
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.example.org',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
        ],
      },
      { change: 0, field: 'ResourceRecordSet.Name' },
    ],
    [
      'an unknown region',
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'x.example.com',
              Type: 'A',
              SetIdentifier: 'mars',
              Region: 'mars-north-1',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.1' }],
            },
          },
        ],
      },
      { change: 0, field: 'ResourceRecordSet.Region' },
    ],
    [
      'a second record in the same region',
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'app.example.com',
              Type: 'A',
              SetIdentifier: 'oregon-2',
              Region: 'us-west-2',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.11' }],
            },
          },
        ],
      },
      { change: 0 },
    ],
    [
      'a DELETE that does not match the stored record',
      {
        Changes: [
          {
            Action: 'DELETE',
            ResourceRecordSet: {
              Name: 'app.example.com',
              Type: 'A',
              SetIdentifier: 'oregon',
              Region: 'us-west-2',
              TTL: 300,
              ResourceRecords: [{ Value: '192.0.2.10' }],
            },
          },
        ],
      },
      { change: 0 },
    ],
    [
      'a CREATE of an existing set',
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'app.example.com',
              Type: 'A',
              SetIdentifier: 'oregon',
              Region: 'us-west-2',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.10' }],
            },
          },
        ],
      },
      { change: 0 },
    ],
  ])('demo zone: %s → 400 InvalidChangeBatch', async (_label, body, expected) => {
    const zones = ZoneListResponseSchema.parse((await call(s.base, 'GET', '/api/zones')).body);
    const demo = zones.find((z) => z.name === 'example.com');
    if (!demo) throw new Error('demo zone missing');
    const before = await rrsets(demo.id);
    const res = await call(s.base, 'POST', `/api/zones/${demo.id}/rrsets`, body, s.adminHeaders);
    expect(res.status).toBe(400);
    const error = errorOf(res.body);
    expect(error.code).toBe('InvalidChangeBatch');
    expect(error.message).toContain('nothing was applied');
    expect(error.details).toContainEqual(expect.objectContaining(expected));
    expect(await rrsets(demo.id)).toEqual(before);
  });

  it('keeps the demo records as Route 53 lists them', async () => {
    const zones = ZoneListResponseSchema.parse((await call(s.base, 'GET', '/api/zones')).body);
    const demo = zones.find((z) => z.name === 'example.com');
    const list = await rrsets(demo?.id ?? '');
    expect(list).toContainEqual({
      Name: 'app.example.com.',
      Type: 'A',
      SetIdentifier: 'oregon',
      Region: 'us-west-2',
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.10' }],
    });
    expect(
      list
        .filter((r) => r.Name === 'api.example.com.')
        .map((r) => r.Region)
        .sort(),
    ).toEqual([
      'ap-northeast-1',
      'ap-southeast-2',
      'eu-central-1',
      'eu-west-1',
      'sa-east-1',
      'us-east-1',
    ]);
  });

  it('refuses a bad history limit', async () => {
    const zones = ZoneListResponseSchema.parse((await call(s.base, 'GET', '/api/zones')).body);
    const id = zones[0]?.id ?? '';
    for (const q of ['limit=0', 'limit=abc', 'limit=5000', 'other=1']) {
      const res = await call(s.base, 'GET', `/api/zones/${id}/changes?${q}`);
      expect(res.status, q).toBe(400);
      expect(fieldErrors(errorOf(res.body))[0]?.field).toBe(q.split('=')[0]);
    }
  });
});
