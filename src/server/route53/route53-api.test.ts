import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  DeleteHealthCheckCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetDNSSECCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  GetHostedZoneCountCommand,
  ListHealthChecksCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  Route53Client,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
  UpdateHostedZoneCommentCommand,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server';

/**
 * Route 53's API with real clients over loopback: the JS SDK v3 in process, the AWS CLI v1 and
 * boto3 as child processes (async, so this process keeps serving). Every request is signed with
 * an access key made for a token; errors come back as Route 53's XML and the SDKs parse them.
 */

const run = promisify(execFile);
const SAMPLE = JSON.parse(
  readFileSync(
    // The shared sample, as kept in the repo (a clean clone has no ../shared).
    new URL('../../../e2e/fixtures/route53-change-batch.json', import.meta.url),
    'utf8',
  ),
) as { Comment: string; Changes: { Action: string; ResourceRecordSet: Record<string, unknown> }[] };

function sdk(s: TestServer, key: { accessKeyId: string; secretAccessKey: string }) {
  return new Route53Client({
    endpoint: s.base,
    region: 'us-east-1',
    credentials: key,
    maxAttempts: 1,
  });
}

describe('Route 53 API: the JS SDK, the AWS CLI and boto3', () => {
  let s: TestServer;
  let admin: { accessKeyId: string; secretAccessKey: string };
  let editor: { accessKeyId: string; secretAccessKey: string };
  let viewer: { accessKeyId: string; secretAccessKey: string };
  let home: string;
  beforeAll(async () => {
    s = await startTestServer({ dns: true, dnsRefreshMs: 50 });
    admin = await s.createAwsKey('ci-admin', 'admin');
    editor = await s.createAwsKey('ci-editor', 'editor');
    viewer = await s.createAwsKey('ci-viewer', 'viewer');
    home = mkdtempSync(join(tmpdir(), 'la-aws-home-'));
  });
  afterAll(async () => {
    await s.close();
    rmSync(home, { recursive: true, force: true });
  });

  const env = (key: { accessKeyId: string; secretAccessKey: string }) => ({
    ...process.env,
    HOME: home,
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
  });
  const cli = async (key: typeof admin, ...args: string[]) => {
    try {
      const r = await run(
        'aws',
        ['route53', '--endpoint-url', s.base, '--output', 'json', ...args],
        {
          env: env(key),
          encoding: 'utf8',
        },
      );
      return {
        ok: true as const,
        json: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {},
      };
    } catch (e) {
      return { ok: false as const, stderr: String((e as { stderr?: string }).stderr ?? e) };
    }
  };

  it('JS SDK: zone, latency records from the sample batch, paging, GetChange to INSYNC, TestDNSAnswer', async () => {
    const r53 = sdk(s, admin);
    const created = await r53.send(
      new CreateHostedZoneCommand({
        Name: 'shop.example.net',
        CallerReference: 'sdk-1',
        HostedZoneConfig: { Comment: 'from the SDK' },
      }),
    );
    expect(created.HostedZone?.Id).toMatch(/^\/hostedzone\/Z[0-9A-Z]+$/);
    expect(created.HostedZone?.Name).toBe('shop.example.net.');
    expect(created.HostedZone?.ResourceRecordSetCount).toBe(2);
    expect(created.DelegationSet?.NameServers?.length).toBeGreaterThan(0);
    expect(created.Location).toContain(created.HostedZone?.Id?.slice('/hostedzone/'.length));
    const zoneId = created.HostedZone?.Id ?? '';
    // The same zone is the JSON API's and the dashboard's.
    const json = await call(s.base, 'GET', `/api/zones/${zoneId.slice('/hostedzone/'.length)}`);
    expect(json.status).toBe(200);

    // What the sample's UPSERT and DELETE need, then the sample itself.
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'www.shop.example.net',
                Type: 'A',
                SetIdentifier: 'tokyo',
                Region: 'ap-northeast-1',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.31' }],
              },
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'www.shop.example.net',
                Type: 'A',
                SetIdentifier: 'frankfurt',
                Region: 'eu-central-1',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.21' }],
              },
            },
          ],
        },
      }),
    );
    const change = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: SAMPLE as never,
      }),
    );
    expect(change.ChangeInfo?.Id).toMatch(/^\/change\/C/);
    expect(change.ChangeInfo?.Comment).toBe(SAMPLE.Comment);
    let status = change.ChangeInfo?.Status;
    for (let i = 0; i < 100 && status !== 'INSYNC'; i++) {
      await new Promise((r) => setTimeout(r, 30));
      status = (await r53.send(new GetChangeCommand({ Id: change.ChangeInfo?.Id }))).ChangeInfo
        ?.Status;
    }
    expect(status).toBe('INSYNC');

    // Paging one set at a time with the Next* start points gives the whole zone, in order.
    const seen: string[] = [];
    let start: {
      StartRecordName?: string;
      StartRecordType?: string;
      StartRecordIdentifier?: string;
    } = {};
    for (let guard = 0; guard < 20; guard++) {
      const page = await r53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 1, ...start } as never),
      );
      for (const r of page.ResourceRecordSets ?? [])
        seen.push(`${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`);
      if (!page.IsTruncated) break;
      start = {
        StartRecordName: page.NextRecordName,
        StartRecordType: page.NextRecordType,
        ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
      };
    }
    expect(seen).toEqual([
      'shop.example.net. NS ',
      'shop.example.net. SOA ',
      'www.shop.example.net. A frankfurt',
      'www.shop.example.net. A singapore',
    ]);
    const all = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const frankfurt = all.ResourceRecordSets?.find((r) => r.SetIdentifier === 'frankfurt');
    expect(frankfurt).toMatchObject({
      Region: 'eu-central-1',
      TTL: 60,
      HealthCheckId: '9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      ResourceRecords: [{ Value: '203.0.113.22' }, { Value: '203.0.113.23' }],
    });

    // TestDNSAnswer agrees with the JSON API's preview (and so with the dashboard).
    const answer = await r53.send(
      new TestDNSAnswerCommand({
        HostedZoneId: zoneId,
        RecordName: 'www.shop.example.net',
        RecordType: 'A',
        EDNS0ClientSubnetIP: '133.242.0.1',
      }),
    );
    const preview = await call(
      s.base,
      'GET',
      `/api/zones/${zoneId.slice('/hostedzone/'.length)}/testdnsanswer?recordname=www.shop.example.net&recordtype=A&edns0clientsubnetip=133.242.0.1`,
    );
    expect(answer.RecordData).toEqual((preview.body as { RecordData: string[] }).RecordData);
    expect(answer.RecordData).toEqual(['192.0.2.41']);
    expect(answer.ResponseCode).toBe('NOERROR');

    // Zones: get, list, by name, count, comment, tags, DNSSEC.
    const got = await r53.send(new GetHostedZoneCommand({ Id: zoneId }));
    expect(got.HostedZone?.Config?.Comment).toBe('from the SDK');
    expect(got.HostedZone?.ResourceRecordSetCount).toBe(4);
    const list = await r53.send(new ListHostedZonesCommand({}));
    expect(list.HostedZones?.map((z) => z.Name)).toContain('shop.example.net.');
    const byName = await r53.send(
      new ListHostedZonesByNameCommand({ DNSName: 'shop.example.net' }),
    );
    expect(byName.HostedZones?.[0]?.Name).toBe('shop.example.net.');
    expect(
      (await r53.send(new GetHostedZoneCountCommand({}))).HostedZoneCount,
    ).toBeGreaterThanOrEqual(1);
    const renamed = await r53.send(
      new UpdateHostedZoneCommentCommand({ Id: zoneId, Comment: 'renamed' }),
    );
    expect(renamed.HostedZone?.Config?.Comment).toBe('renamed');
    await r53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'hostedzone',
        ResourceId: zoneId.slice('/hostedzone/'.length),
        AddTags: [{ Key: 'team', Value: 'edge' }],
      }),
    );
    const tags = await r53.send(
      new ListTagsForResourceCommand({
        ResourceType: 'hostedzone',
        ResourceId: zoneId.slice('/hostedzone/'.length),
      }),
    );
    expect(tags.ResourceTagSet?.Tags).toEqual([{ Key: 'team', Value: 'edge' }]);
    const dnssec = await r53.send(new GetDNSSECCommand({ HostedZoneId: zoneId }));
    expect(dnssec.Status?.ServeSignature).toBe('NOT_SIGNING');
  });

  it('JS SDK: errors are Route 53’s (codes, statuses, every message), and change nothing', async () => {
    const r53 = sdk(s, admin);
    const zone = await r53.send(
      new CreateHostedZoneCommand({ Name: 'err.example', CallerReference: 'sdk-err' }),
    );
    const zoneId = zone.HostedZone?.Id ?? '';
    const bare = zoneId.slice('/hostedzone/'.length);
    const version = async () =>
      ((await call(s.base, 'GET', `/api/zones/${bare}`)).body as { version: number }).version;
    const v0 = await version();
    const fail = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
        return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
      }
      throw new Error('expected an error');
    };
    expect(
      await fail(r53.send(new GetHostedZoneCommand({ Id: 'ZNOSUCHZONE0000000000' }))),
    ).toMatchObject({
      name: 'NoSuchHostedZone',
      status: 404,
    });
    const bad = await fail(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: 'a.err.example',
                  Type: 'A',
                  TTL: 60,
                  ResourceRecords: [{ Value: '999.1.1.1' }],
                },
              },
              {
                Action: 'DELETE',
                ResourceRecordSet: {
                  Name: 'gone.err.example',
                  Type: 'A',
                  TTL: 60,
                  ResourceRecords: [{ Value: '192.0.2.1' }],
                },
              },
            ],
          },
        }),
      ),
    );
    expect(bad).toMatchObject({ name: 'InvalidChangeBatch', status: 400 });
    expect(bad.message.startsWith('[')).toBe(true);
    expect(bad.message).toContain('999.1.1.1');
    expect(bad.message).toContain('gone.err.example');
    expect(
      await fail(
        r53.send(
          new CreateHostedZoneCommand({ Name: 'err.example', CallerReference: 'sdk-err-2' }),
        ),
      ),
    ).toMatchObject({ name: 'HostedZoneAlreadyExists', status: 409 });
    expect(
      await fail(
        r53.send(
          new CreateHostedZoneCommand({ Name: 'x..example', CallerReference: 'sdk-bad-name' }),
        ),
      ),
    ).toMatchObject({ status: 400 });
    expect(
      await fail(r53.send(new GetChangeCommand({ Id: 'CNOSUCHCHANGE00000000' }))),
    ).toMatchObject({
      name: 'NoSuchChange',
      status: 404,
    });
    // Not empty → HostedZoneNotEmpty; a viewer may not write; an editor may not delete a zone.
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'a.err.example',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.1' }],
              },
            },
          ],
        },
      }),
    );
    expect(await fail(r53.send(new DeleteHostedZoneCommand({ Id: zoneId })))).toMatchObject({
      name: 'HostedZoneNotEmpty',
      status: 400,
    });
    expect(
      await fail(
        sdk(s, viewer).send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: {
              Changes: [
                {
                  Action: 'DELETE',
                  ResourceRecordSet: {
                    Name: 'a.err.example',
                    Type: 'A',
                    TTL: 60,
                    ResourceRecords: [{ Value: '192.0.2.1' }],
                  },
                },
              ],
            },
          }),
        ),
      ),
    ).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(
      await fail(sdk(s, editor).send(new DeleteHostedZoneCommand({ Id: zoneId }))),
    ).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    // A wrong secret and an unknown key.
    expect(
      await fail(
        sdk(s, { ...admin, secretAccessKey: `${admin.secretAccessKey.slice(1)}x` }).send(
          new ListHostedZonesCommand({}),
        ),
      ),
    ).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(
      await fail(
        sdk(s, { accessKeyId: 'LAAKNOSUCHKEY0000000', secretAccessKey: 'x'.repeat(40) }).send(
          new ListHostedZonesCommand({}),
        ),
      ),
    ).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await version()).toBe(v0 + 1);
  });

  it('refuses unsigned, malformed, unknown, oversized and entity-laden bodies with Route 53’s XML', async () => {
    const r53 = sdk(s, admin);
    const zone = await r53.send(
      new CreateHostedZoneCommand({ Name: 'xml.example', CallerReference: 'sdk-xml' }),
    );
    const bare = zone.HostedZone?.Id?.slice('/hostedzone/'.length) ?? '';
    const unsigned = await fetch(`${s.base}/2013-04-01/hostedzone`);
    expect(unsigned.status).toBe(403);
    const text = await unsigned.text();
    expect(text).toContain('<ErrorResponse');
    expect(text).toContain('<Code>MissingAuthenticationToken</Code>');

    // Signed raw bodies: the SDK signs whatever body a build-step middleware puts in place of
    // the one it serialised, so these are real SigV4 requests with bodies no SDK would send.
    const post = async (_path: string, body: string) => {
      const client = sdk(s, admin);
      let status = 0;
      let text = '';
      client.middlewareStack.add(
        (next) => async (args) => {
          const req = args.request as { body?: unknown; headers: Record<string, string> };
          req.body = body;
          req.headers['content-length'] = String(Buffer.byteLength(body));
          const out = await next(args);
          return out;
        },
        { step: 'build', name: 'replaceBody' },
      );
      client.middlewareStack.add(
        (next) => async (args) => {
          const out = await next(args);
          const res = out.response as { statusCode: number; body: AsyncIterable<Uint8Array> };
          status = res.statusCode;
          return out;
        },
        { step: 'deserialize', name: 'captureStatus', priority: 'low' },
      );
      try {
        await client.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: bare,
            ChangeBatch: {
              Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'x', Type: 'A' } }],
            },
          }),
        );
      } catch (e) {
        const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
        status = err.$metadata?.httpStatusCode ?? status;
        // The SDK found Route 53's code and message in the ErrorResponse XML.
        text = `${err.name}: ${err.message}`;
        return { status, text };
      }
      return { status: status || 200, text };
    };
    const rrset = `/2013-04-01/hostedzone/${bare}/rrset/`;
    const ns = 'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"';
    const good = (inner: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest ${ns}><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>a.xml.example</Name><Type>TXT</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>${inner}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
    const cases: [string, string, RegExp][] = [
      ['malformed', '<ChangeResourceRecordSetsRequest><ChangeBatch>', /InvalidInput/],
      ['wrong root', `<Nope ${ns}/>`, /root element/],
      [
        'unknown element',
        good('"x"').replace('<TTL>60</TTL>', '<TTL>60</TTL><Colour>red</Colour>'),
        /unknown element .*Colour/,
      ],
      [
        'billion laughs',
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${good('&b;')}`,
        /DOCTYPE/,
      ],
      [
        'external entity',
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${good('&x;')}`,
        /DOCTYPE/,
      ],
      [
        'weighted record',
        good('"x"').replace('<TTL>60</TTL>', '<Weight>10</Weight><TTL>60</TTL>'),
        /Weight/,
      ],
      ['oversized', good(`"${'x'.repeat(2 * 1024 * 1024)}"`), /larger than/],
    ];
    for (const [what, body, message] of cases) {
      const res = await post(rrset, body);
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(res.status, what).toBeLessThan(500);
      expect(res.text, what).toMatch(/^(InvalidInput|InvalidChangeBatch): /);
      expect(res.text, what).toMatch(message);
    }
    const sets = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: bare }));
    expect(sets.ResourceRecordSets?.length).toBe(2);
    // The predefined entities still decode; no Content-Type is fine too (botocore sends none).
    const ok = await post(rrset, good('"a &amp; b &lt;c&gt;"'));
    expect(ok.status, ok.text).toBe(200);
    const txt = (
      await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: bare }))
    ).ResourceRecordSets?.find((r) => r.Type === 'TXT');
    expect(txt?.ResourceRecords?.[0]?.Value).toBe('"a & b <c>"');
  });

  it('a zone that requires approval: an editor’s change is a proposal, PENDING until approved and served', async () => {
    const r53admin = sdk(s, admin);
    const zone = await r53admin.send(
      new CreateHostedZoneCommand({ Name: 'review.example', CallerReference: 'sdk-review' }),
    );
    const bare = zone.HostedZone?.Id?.slice('/hostedzone/'.length) ?? '';
    await call(
      s.base,
      'PUT',
      `/api/zones/${bare}/settings`,
      { requireApproval: true },
      s.adminHeaders,
    );
    const proposed = await sdk(s, editor).send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: bare,
        ChangeBatch: {
          Comment: 'add dublin',
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'app.review.example',
                Type: 'A',
                SetIdentifier: 'dublin',
                Region: 'eu-west-1',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.9' }],
              },
            },
          ],
        },
      }),
    );
    expect(proposed.ChangeInfo?.Status).toBe('PENDING');
    const id = proposed.ChangeInfo?.Id ?? '';
    expect((await r53admin.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status).toBe(
      'PENDING',
    );
    const { proposals } = (await call(s.base, 'GET', `/api/zones/${bare}/proposals`)).body as {
      proposals: { id: string; author: string }[];
    };
    const p = proposals[0];
    expect(p?.author).toBe('ci-editor');
    // Nothing is live yet.
    expect(
      (await r53admin.send(new ListResourceRecordSetsCommand({ HostedZoneId: bare })))
        .ResourceRecordSets,
    ).toHaveLength(2);
    // A person approves it in the dashboard's API; then it is applied under the same change id.
    const approver = await s.createToken('ann', 'approver');
    expect(
      (
        await call(
          s.base,
          'POST',
          `/api/proposals/${p?.id}/approve`,
          {},
          { authorization: `Bearer ${approver}` },
        )
      ).status,
    ).toBe(200);
    const applied = await call(s.base, 'POST', `/api/proposals/${p?.id}/apply`, {}, s.adminHeaders);
    expect(applied.status, applied.text).toBe(200);
    let status = 'PENDING';
    for (let i = 0; i < 100 && status !== 'INSYNC'; i++) {
      status = (await r53admin.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status ?? '';
      if (status !== 'INSYNC') await new Promise((r) => setTimeout(r, 30));
    }
    expect(status).toBe('INSYNC');
  });

  it('health checks through Route 53’s API are the server’s health checks', async () => {
    const r53 = sdk(s, admin);
    const created = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: 'hc-sdk-1',
        HealthCheckConfig: {
          Type: 'HTTP',
          IPAddress: '8.8.8.8',
          Port: 8080,
          ResourcePath: '/healthz',
          RequestInterval: 30,
          FailureThreshold: 2,
          // Never probed: the checker is off in this test server, and the check is disabled.
          Disabled: true,
        },
      }),
    );
    const id = created.HealthCheck?.Id ?? '';
    expect(created.HealthCheck).toMatchObject({
      CallerReference: 'hc-sdk-1',
      HealthCheckVersion: 1,
    });
    expect(created.Location).toContain(id);
    // The same request again returns the same check; other settings under the same reference are refused.
    const again = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: 'hc-sdk-1',
        HealthCheckConfig: {
          Type: 'HTTP',
          IPAddress: '8.8.8.8',
          Port: 8080,
          ResourcePath: '/healthz',
          RequestInterval: 30,
          FailureThreshold: 2,
          Disabled: true,
        },
      }),
    );
    expect(again.HealthCheck?.Id).toBe(id);
    await expect(
      r53.send(
        new CreateHealthCheckCommand({
          CallerReference: 'hc-sdk-1',
          HealthCheckConfig: { Type: 'TCP', IPAddress: '8.8.8.8', Port: 22, Disabled: true },
        }),
      ),
    ).rejects.toMatchObject({ name: 'HealthCheckAlreadyExists' });
    const json = await call(s.base, 'GET', `/api/health-checks/${id}`);
    expect(json.status).toBe(200);
    expect(
      (await r53.send(new GetHealthCheckCommand({ HealthCheckId: id }))).HealthCheck
        ?.HealthCheckConfig,
    ).toMatchObject({
      Type: 'HTTP',
      Port: 8080,
      FailureThreshold: 2,
      Inverted: false,
    });
    const updated = await r53.send(
      new UpdateHealthCheckCommand({
        HealthCheckId: id,
        HealthCheckVersion: 1,
        FailureThreshold: 4,
      }),
    );
    expect(updated.HealthCheck).toMatchObject({ HealthCheckVersion: 2 });
    await expect(
      r53.send(
        new UpdateHealthCheckCommand({
          HealthCheckId: id,
          HealthCheckVersion: 1,
          FailureThreshold: 5,
        }),
      ),
    ).rejects.toMatchObject({ name: 'HealthCheckVersionMismatch' });
    expect(
      (await r53.send(new ListHealthChecksCommand({}))).HealthChecks?.map((h) => h.Id),
    ).toContain(id);
    expect(
      (await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id })))
        .HealthCheckObservations,
    ).toEqual([]);
    await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));
    await expect(r53.send(new GetHealthCheckCommand({ HealthCheckId: id }))).rejects.toMatchObject({
      name: 'NoSuchHealthCheck',
    });
  });

  it('the AWS CLI: create, change from the sample file, paginate, get-change, test-dns-answer, errors', async () => {
    const zone = await cli(
      admin,
      'create-hosted-zone',
      '--name',
      'cli.example.net',
      '--caller-reference',
      'cli-1',
    );
    expect(zone.ok, zone.ok ? '' : zone.stderr).toBe(true);
    const zoneId = ((zone.ok && zone.json.HostedZone) as { Id: string }).Id;
    const dir = mkdtempSync(join(tmpdir(), 'la-cli-'));
    const batch = JSON.parse(
      JSON.stringify(SAMPLE).replaceAll('shop.example.net', 'cli.example.net'),
    ) as typeof SAMPLE;
    // The sample UPSERTs frankfurt and DELETEs tokyo: make them first.
    const seed = {
      Changes: batch.Changes.filter((c) => c.Action !== 'CREATE').map((c) => ({
        Action: 'CREATE',
        ResourceRecordSet: { ...c.ResourceRecordSet, HealthCheckId: undefined },
      })),
    };
    writeFileSync(join(dir, 'seed.json'), JSON.stringify(seed));
    writeFileSync(join(dir, 'batch.json'), JSON.stringify(batch));
    expect(
      (
        await cli(
          admin,
          'change-resource-record-sets',
          '--hosted-zone-id',
          zoneId,
          '--change-batch',
          `file://${join(dir, 'seed.json')}`,
        )
      ).ok,
    ).toBe(true);
    const applied = await cli(
      admin,
      'change-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--change-batch',
      `file://${join(dir, 'batch.json')}`,
    );
    expect(applied.ok, applied.ok ? '' : applied.stderr).toBe(true);
    const changeId = ((applied.ok && applied.json.ChangeInfo) as { Id: string }).Id;
    // The CLI paginates on its own; a page size of 1 makes it follow every NextRecord*.
    const listed = await cli(
      admin,
      'list-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--page-size',
      '1',
    );
    expect(listed.ok, listed.ok ? '' : listed.stderr).toBe(true);
    const names = (
      (listed.ok && listed.json.ResourceRecordSets) as {
        Name: string;
        Type: string;
        SetIdentifier?: string;
      }[]
    ).map((r) => `${r.Type} ${r.SetIdentifier ?? ''}`);
    expect(names).toEqual(['NS ', 'SOA ', 'A frankfurt', 'A singapore']);
    let status = '';
    for (let i = 0; i < 50 && status !== 'INSYNC'; i++) {
      const got = await cli(admin, 'get-change', '--id', changeId);
      status = ((got.ok && got.json.ChangeInfo) as { Status: string }).Status;
    }
    expect(status).toBe('INSYNC');
    const answer = await cli(
      admin,
      'test-dns-answer',
      '--hosted-zone-id',
      zoneId,
      '--record-name',
      'www.cli.example.net',
      '--record-type',
      'A',
      '--edns0-client-subnet-ip',
      '81.2.69.160',
    );
    expect(answer.ok && answer.json.RecordData).toEqual(['203.0.113.22', '203.0.113.23']);
    const missing = await cli(admin, 'get-hosted-zone', '--id', 'ZNOSUCHZONE0000000000');
    expect(!missing.ok && missing.stderr).toContain('NoSuchHostedZone');
    const wrong = await cli({ ...admin, secretAccessKey: 'wrong'.repeat(8) }, 'list-hosted-zones');
    expect(!wrong.ok && wrong.stderr).toContain('SignatureDoesNotMatch');
    rmSync(dir, { recursive: true, force: true });
  });

  it('boto3: paginators, the resource_record_sets_changed waiter and error codes', async () => {
    const script = `
import json, os, sys, boto3
from botocore.config import Config
c = boto3.client('route53', endpoint_url=os.environ['EP'], region_name='us-east-1',
                 config=Config(retries={'max_attempts': 1}))
z = c.create_hosted_zone(Name='boto.example', CallerReference='boto-1')['HostedZone']['Id']
changes = [{'Action': 'CREATE', 'ResourceRecordSet': {'Name': 'app.boto.example', 'Type': 'A',
            'SetIdentifier': r, 'Region': r, 'TTL': 60, 'ResourceRecords': [{'Value': '192.0.2.%d' % i}]}}
           for i, r in enumerate(['us-east-1', 'eu-west-1', 'ap-southeast-1', 'sa-east-1'], 1)]
info = c.change_resource_record_sets(HostedZoneId=z, ChangeBatch={'Changes': changes})['ChangeInfo']
c.get_waiter('resource_record_sets_changed').wait(Id=info['Id'], WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
pages = c.get_paginator('list_resource_record_sets').paginate(HostedZoneId=z, PaginationConfig={'PageSize': 2})
sets = [r['SetIdentifier'] if 'SetIdentifier' in r else r['Type'] for p in pages for r in p['ResourceRecordSets']]
zones = [hz['Name'] for p in c.get_paginator('list_hosted_zones').paginate(PaginationConfig={'PageSize': 1}) for hz in p['HostedZones']]
try:
    c.delete_hosted_zone(Id=z)
    err = None
except c.exceptions.HostedZoneNotEmpty as e:
    err = e.response['Error']['Code']
print(json.dumps({'sets': sets, 'zones': zones, 'err': err, 'status': c.get_change(Id=info['Id'])['ChangeInfo']['Status']}))
`;
    const r = await run('python3', ['-c', script], {
      env: { ...env(admin), EP: s.base },
      encoding: 'utf8',
    });
    const out = JSON.parse(r.stdout) as {
      sets: string[];
      zones: string[];
      err: string;
      status: string;
    };
    expect(out.sets).toEqual([
      'NS',
      'SOA',
      'ap-southeast-1',
      'eu-west-1',
      'sa-east-1',
      'us-east-1',
    ]);
    expect(out.zones).toContain('boto.example.');
    expect(out.err).toBe('HostedZoneNotEmpty');
    expect(out.status).toBe('INSYNC');
  }, 60_000);
});
