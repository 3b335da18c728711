import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema } from '../../shared/errors';
import { call, startTestServer, type TestServer } from '../test-server';
import { freePort, type Moto, startMoto } from './moto-kit';

/**
 * A zone as a managed mirror of a Route 53 hosted zone, with moto_server as upstream on
 * loopback: connect (checked), import a zone made upstream, push edits and reviewed changes,
 * drift both ways, upstream refusing or down leaves the local zone unchanged, and the secret
 * never comes back.
 */

const SECRET = 'moto-secret-access-key-never-shown-1234';

describe('upstream Route 53 (moto_server)', () => {
  let moto: Moto;
  let s: TestServer;
  let up: Route53Client;
  let upZoneId: string;
  let zone: string;
  const seen: string[] = [];
  const api = async (method: string, path: string, body?: unknown, headers = s.adminHeaders) => {
    const res = await call(s.base, method, path, body, headers);
    seen.push(res.text);
    return res;
  };
  const upstreamSets = async () =>
    (await up.send(new ListResourceRecordSetsCommand({ HostedZoneId: upZoneId })))
      .ResourceRecordSets ?? [];
  const localSets = async () =>
    (
      (await api('GET', `/api/zones/${zone}/rrsets`)).body as {
        ResourceRecordSets: ResourceRecordSet[];
      }
    ).ResourceRecordSets;
  const managed = (sets: ResourceRecordSet[]) =>
    sets
      .filter((r) => r.Type !== 'SOA' && !(r.Type === 'NS' && r.Name === 'mirror.example.'))
      // An alias has no TTL (moto lists one anyway).
      .map(
        (r) =>
          `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''} ${r.AliasTarget ? '' : (r.TTL ?? '')} ${JSON.stringify(r.ResourceRecords ?? r.AliasTarget)}`,
      )
      .sort();
  const latencyA = (
    id: string,
    region: string,
    ip: string,
    extra: Partial<ResourceRecordSet> = {},
  ) => ({
    Name: 'app.mirror.example.',
    Type: 'A',
    SetIdentifier: id,
    Region: region,
    TTL: 60,
    ResourceRecords: [{ Value: ip }],
    ...extra,
  });

  beforeAll(async () => {
    moto = await startMoto();
    s = await startTestServer({ dns: true });
    up = new Route53Client({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAMOTOTESTKEY00001', secretAccessKey: SECRET },
      maxAttempts: 1,
    });
    // Made upstream with the SDK: latency (one health-checked), simple, TXT, a latency alias.
    const hz = await up.send(
      new CreateHostedZoneCommand({ Name: 'mirror.example', CallerReference: 'up-1' }),
    );
    upZoneId = (hz.HostedZone?.Id ?? '').replace('/hostedzone/', '');
    const hc = await up.send(
      new CreateHealthCheckCommand({
        CallerReference: 'up-hc',
        HealthCheckConfig: { Type: 'HTTP', IPAddress: '192.0.2.80', Port: 80, ResourcePath: '/' },
      }),
    );
    await up.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: upZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: latencyA('virginia', 'us-east-1', '192.0.2.1') as never,
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: latencyA('dublin', 'eu-west-1', '192.0.2.2', {
                HealthCheckId: hc.HealthCheck?.Id,
              }) as never,
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: latencyA('tokyo', 'ap-northeast-1', '192.0.2.3') as never,
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'www.mirror.example.',
                Type: 'A',
                TTL: 300,
                ResourceRecords: [{ Value: '192.0.2.9' }],
              },
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'mirror.example.',
                Type: 'TXT',
                TTL: 300,
                ResourceRecords: [{ Value: '"v=spf1 -all"' }],
              },
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'go.mirror.example.',
                Type: 'A',
                SetIdentifier: 'go-virginia',
                Region: 'us-east-1',
                AliasTarget: {
                  HostedZoneId: upZoneId,
                  DNSName: 'www.mirror.example.',
                  EvaluateTargetHealth: false,
                },
              },
            },
          ],
        },
      }),
    );
    zone = ((await api('POST', '/api/zones', { name: 'mirror.example' })).body as { id: string })
      .id;
  }, 60_000);

  afterAll(async () => {
    await s?.close();
    await moto?.stop();
  });

  const connection = (over: Record<string, unknown> = {}) => ({
    provider: 'route53',
    hostedZoneId: upZoneId,
    region: 'us-east-1',
    accessKeyId: 'AKIAMOTOTESTKEY00001',
    secretAccessKey: SECRET,
    endpoint: moto.url,
    ...over,
  });
  const fields = (body: unknown) =>
    (ApiErrorSchema.parse(body).error.details as { field: string }[] | undefined)?.map(
      (d) => d.field,
    ) ?? [];

  it('checks a connection on save and never shows the secret', async () => {
    const noZone = await api(
      'PUT',
      `/api/zones/${zone}/upstream`,
      connection({ hostedZoneId: 'ZNOSUCHZONE00000000' }),
    );
    expect(noZone.status).toBe(400);
    expect(fields(noZone.body)).toContain('hostedZoneId');
    const closed = await freePort();
    const down = await api(
      'PUT',
      `/api/zones/${zone}/upstream`,
      connection({ endpoint: `http://127.0.0.1:${closed}` }),
    );
    expect(down.status).toBe(400);
    expect(fields(down.body)).toContain('endpoint');
    const bad = await api(
      'PUT',
      `/api/zones/${zone}/upstream`,
      connection({ provider: 'cloudflare', region: 'mars' }),
    );
    expect(fields(bad.body)).toEqual(expect.arrayContaining(['provider', 'region']));
    const editor = await s.createToken('ed', 'editor');
    const notAdmin = await api('PUT', `/api/zones/${zone}/upstream`, connection(), {
      authorization: `Bearer ${editor}`,
    });
    expect(notAdmin.status).toBe(403);

    const ok = await api('PUT', `/api/zones/${zone}/upstream`, connection());
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({
      provider: 'route53',
      hostedZoneId: upZoneId,
      accessKeyId: 'AKIAMOTOTESTKEY00001',
      secretAccessKey: { last4: '1234' },
      endpoint: moto.url,
    });
    const got = await api('GET', `/api/zones/${zone}/upstream`);
    expect(got.status).toBe(200);
  });

  it('imports what upstream has: a dry run changes nothing, then one audited batch', async () => {
    const before = await localSets();
    const dry = await api('POST', `/api/zones/${zone}/upstream/import`, { dryRun: true });
    expect(dry.status, dry.text).toBe(200);
    const batch = (dry.body as { ChangeBatch: { Changes: { Action: string }[] } }).ChangeBatch;
    expect(batch.Changes.length).toBe(6);
    expect(await localSets()).toEqual(before);
    const applied = await api('POST', `/api/zones/${zone}/upstream/import`, {});
    expect(applied.status, applied.text).toBe(200);
    expect(managed(await localSets())).toEqual(managed(await upstreamSets()));
    const drift = await api('GET', `/api/zones/${zone}/upstream/drift`);
    expect(drift.body).toMatchObject({ drifted: false, differences: [] });
    const audit = (await api('GET', `/api/audit?zone=${zone}`)).text;
    expect(audit).toContain('upstream.connected');
    expect(audit).toContain('changes.applied');
  });

  it('pushes an edit upstream first and follows it to INSYNC', async () => {
    const res = await api('POST', `/api/zones/${zone}/rrsets`, {
      Comment: 'add sydney',
      Changes: [
        { Action: 'CREATE', ResourceRecordSet: latencyA('sydney', 'ap-southeast-2', '192.0.2.4') },
      ],
    });
    expect(res.status, res.text).toBe(200);
    const id = (res.body as { ChangeInfo: { Id: string } }).ChangeInfo.Id;
    expect((await upstreamSets()).some((r) => r.SetIdentifier === 'sydney')).toBe(true);
    let info:
      | {
          ChangeInfo: { Status: string };
          Upstream?: { ChangeInfo: { Id: string; Status: string } };
        }
      | undefined;
    for (let i = 0; i < 60; i++) {
      info = (await api('GET', `/api/changes/${id.replace('/change/', '')}`)).body as typeof info;
      if (info?.ChangeInfo.Status === 'INSYNC' && info.Upstream?.ChangeInfo.Status === 'INSYNC')
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(info?.Upstream?.ChangeInfo.Id).toMatch(/^\/change\//);
    expect(info?.Upstream?.ChangeInfo.Status).toBe('INSYNC');
    expect(info?.ChangeInfo.Status).toBe('INSYNC');
  });

  it('a reviewed change reaches upstream when it is applied', async () => {
    await api('PUT', `/api/zones/${zone}/settings`, { requireApproval: true });
    const author = await s.createToken('pat', 'editor');
    const approver = await s.createToken('ann', 'approver');
    const proposed = await api(
      'POST',
      `/api/zones/${zone}/proposals`,
      {
        Comment: 'retire tokyo',
        Changes: [
          { Action: 'DELETE', ResourceRecordSet: latencyA('tokyo', 'ap-northeast-1', '192.0.2.3') },
        ],
      },
      { authorization: `Bearer ${author}` },
    );
    expect(proposed.status, proposed.text).toBe(201);
    const pid = (proposed.body as { id: string }).id;
    expect((await upstreamSets()).some((r) => r.SetIdentifier === 'tokyo')).toBe(true);
    await api('POST', `/api/proposals/${pid}/approve`, {}, { authorization: `Bearer ${approver}` });
    const applied = await api('POST', `/api/proposals/${pid}/apply`, {});
    expect(applied.status, applied.text).toBe(200);
    expect((await upstreamSets()).some((r) => r.SetIdentifier === 'tokyo')).toBe(false);
    await api('PUT', `/api/zones/${zone}/settings`, { requireApproval: false });
  });

  it('sees drift made upstream, refuses to push onto it, and an admin may force', async () => {
    await up.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: upZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'www.mirror.example.',
                Type: 'A',
                TTL: 300,
                ResourceRecords: [{ Value: '198.51.100.9' }],
              },
            },
          ],
        },
      }),
    );
    const drift = await api('GET', `/api/zones/${zone}/upstream/drift`);
    const report = drift.body as {
      drifted: boolean;
      differences: {
        Name: string;
        local: { ResourceRecords: unknown } | null;
        upstream: { ResourceRecords: unknown } | null;
      }[];
    };
    expect(report.drifted).toBe(true);
    expect(report.differences).toHaveLength(1);
    expect(report.differences[0]).toMatchObject({
      Name: 'www.mirror.example.',
      local: { ResourceRecords: [{ Value: '192.0.2.9' }] },
      upstream: { ResourceRecords: [{ Value: '198.51.100.9' }] },
    });
    const before = managed(await localSets());
    const edit = {
      Changes: [
        { Action: 'CREATE', ResourceRecordSet: latencyA('paris', 'eu-west-3', '192.0.2.5') },
      ],
    };
    const refused = await api('POST', `/api/zones/${zone}/rrsets`, edit);
    expect(refused.status).toBe(409);
    expect(ApiErrorSchema.parse(refused.body).error.code).toBe('UpstreamDrift');
    expect(managed(await localSets())).toEqual(before);
    expect((await upstreamSets()).some((r) => r.SetIdentifier === 'paris')).toBe(false);
    const forced = await api('POST', `/api/zones/${zone}/rrsets?force=true`, edit);
    expect(forced.status, forced.text).toBe(200);
    expect((await upstreamSets()).some((r) => r.SetIdentifier === 'paris')).toBe(true);
    // Take upstream, reviewed like any change: a proposal that sets www to upstream's value is
    // applied here only (upstream already has it), although the zone is drifted.
    const take = await api('POST', `/api/zones/${zone}/proposals`, {
      Comment: 'take upstream',
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: {
            Name: 'www.mirror.example.',
            Type: 'A',
            TTL: 300,
            ResourceRecords: [{ Value: '198.51.100.9' }],
          },
        },
      ],
    });
    expect(take.status, take.text).toBe(201);
    const applied = await api(
      'POST',
      `/api/proposals/${(take.body as { id: string }).id}/apply`,
      {},
    );
    expect(applied.status, applied.text).toBe(200);
    await api('POST', `/api/zones/${zone}/upstream/import`, {});
    expect(
      ((await api('GET', `/api/zones/${zone}/upstream/drift`)).body as { drifted: boolean })
        .drifted,
    ).toBe(false);
  });

  it('upstream down: nothing changes locally, and the answer says so', async () => {
    await moto.stop();
    const before = managed(await localSets());
    const res = await api('POST', `/api/zones/${zone}/rrsets?force=true`, {
      Changes: [
        { Action: 'CREATE', ResourceRecordSet: latencyA('mumbai', 'ap-south-1', '192.0.2.6') },
      ],
    });
    expect(res.status).toBe(502);
    const err = ApiErrorSchema.parse(res.body).error;
    expect(err.code).toBe('UpstreamUnavailable');
    expect(err.message).toContain('not changed');
    expect(managed(await localSets())).toEqual(before);
    const view = (await api('GET', `/api/zones/${zone}/upstream`)).body as {
      health: { ok: boolean | null };
    };
    expect(view).toBeDefined();
  });

  it('the stored secret appears in no response, audit entry or export', async () => {
    seen.push((await api('GET', '/api/audit?limit=500')).text);
    seen.push((await api('GET', `/api/zones/${zone}/rrsets`)).text);
    seen.push((await api('GET', `/api/zones/${zone}/changes`)).text);
    for (const text of seen) expect(text).not.toContain(SECRET);
    expect(seen.length).toBeGreaterThan(20);
  });
});

describe('upstream: a second latency-atlas instance’s Route 53 API', () => {
  let a: TestServer;
  let b: TestServer;
  let zoneA: string;
  let zoneB: string;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
    zoneA = (
      (await call(a.base, 'POST', '/api/zones', { name: 'pair.example' }, a.adminHeaders)).body as {
        id: string;
      }
    ).id;
    zoneB = (
      (await call(b.base, 'POST', '/api/zones', { name: 'pair.example' }, b.adminHeaders)).body as {
        id: string;
      }
    ).id;
    const key = await b.createAwsKey('mirror', 'admin');
    const res = await call(
      a.base,
      'PUT',
      `/api/zones/${zoneA}/upstream`,
      {
        provider: 'route53',
        hostedZoneId: zoneB,
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        endpoint: b.base,
      },
      a.adminHeaders,
    );
    expect(res.status, res.text).toBe(200);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const setOf = (value: string) => ({
    Name: 'both.pair.example.',
    Type: 'A',
    TTL: 60,
    ResourceRecords: [{ Value: value }],
  });
  const sets = async (s: TestServer, zone: string) =>
    (
      (await call(s.base, 'GET', `/api/zones/${zone}/rrsets`)).body as {
        ResourceRecordSets: ResourceRecordSet[];
      }
    ).ResourceRecordSets.filter((r) => r.Type === 'A');

  it('pushes through Route 53’s API, and upstream refusing a batch leaves the local zone unchanged', async () => {
    const pushed = await call(
      a.base,
      'POST',
      `/api/zones/${zoneA}/rrsets`,
      {
        Changes: [{ Action: 'CREATE', ResourceRecordSet: setOf('192.0.2.1') }],
      },
      a.adminHeaders,
    );
    expect(pushed.status, pushed.text).toBe(200);
    expect((await sets(b, zoneB)).map((r) => r.ResourceRecords?.[0]?.Value)).toEqual(['192.0.2.1']);
    // Someone deletes it upstream and makes a different one there.
    await call(
      b.base,
      'POST',
      `/api/zones/${zoneB}/rrsets`,
      {
        Changes: [
          { Action: 'DELETE', ResourceRecordSet: setOf('192.0.2.1') },
          {
            Action: 'CREATE',
            ResourceRecordSet: { ...setOf('192.0.2.9'), Name: 'other.pair.example.' },
          },
        ],
      },
      b.adminHeaders,
    );
    await call(
      b.base,
      'POST',
      `/api/zones/${zoneB}/rrsets`,
      {
        Changes: [{ Action: 'CREATE', ResourceRecordSet: setOf('192.0.2.2') }],
      },
      b.adminHeaders,
    );
    // Here, UPSERT to a third value but say DELETE of the old one upstream cannot match: force it.
    const before = await sets(a, zoneA);
    const refused = await call(
      a.base,
      'POST',
      `/api/zones/${zoneA}/rrsets?force=true`,
      {
        Changes: [{ Action: 'DELETE', ResourceRecordSet: setOf('192.0.2.1') }],
      },
      a.adminHeaders,
    );
    expect(refused.status, refused.text).toBe(400);
    const err = ApiErrorSchema.parse(refused.body).error;
    expect(err.code).toBe('InvalidChangeBatch');
    expect(err.message).toContain('upstream');
    // Upstream's message comes back at the change it is about.
    expect(err.details).toEqual([
      expect.objectContaining({ change: 0, field: 'ResourceRecordSet' }),
    ]);
    expect(await sets(a, zoneA)).toEqual(before);

    // Push local: a dry run shows the batch; then upstream is made what this zone is.
    const dry = await call(
      a.base,
      'POST',
      `/api/zones/${zoneA}/upstream/push`,
      { dryRun: true },
      a.adminHeaders,
    );
    expect(dry.status, dry.text).toBe(200);
    expect(
      (dry.body as { ChangeBatch: { Changes: unknown[] } }).ChangeBatch.Changes.length,
    ).toBeGreaterThan(0);
    const pushedLocal = await call(
      a.base,
      'POST',
      `/api/zones/${zoneA}/upstream/push`,
      {},
      a.adminHeaders,
    );
    expect(pushedLocal.status, pushedLocal.text).toBe(200);
    const drift = await call(a.base, 'GET', `/api/zones/${zoneA}/upstream/drift`);
    expect(drift.body).toMatchObject({ drifted: false });
    expect(await sets(b, zoneB)).toEqual(await sets(a, zoneA));
  });
});
