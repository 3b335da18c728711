import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponderListSchema } from '../../../shared/dns';
import { buildQuery, exchangeUdp, parse } from '../../dns/dns-test-kit';
import { call, startTestServer, type TestServer } from '../../test-server';
import { createZoneThrough, setA, sleep, until } from './instance-kit';
import { type PgTestServer, startPgTestServer } from './pg-test-server';

/**
 * PostgreSQL goes away under a running instance and comes back: DNS keeps answering from what
 * it serves, the API says 503 StorageUnavailable (Retry-After) instead of failing or crashing,
 * a write refused meanwhile changes nothing, and once the database is back the API, the
 * heartbeat and the DNS responder (its LISTEN connection reconnects) carry on by themselves.
 */

describe('PostgreSQL outage under a running instance', () => {
  let pg: PgTestServer;
  let s: TestServer;
  let zone = '';
  beforeAll(async () => {
    pg = await startPgTestServer();
    s = await startTestServer({ databaseUrl: await pg.createDatabase(), dns: true });
    zone = await createZoneThrough(s, 'outage.example');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await pg?.stop();
  });

  const put = (name: string, value: string) => setA(s, zone, name, value);
  const dns = async (name: string) =>
    parse(await exchangeUdp(s.dns?.port ?? 0, buildQuery(name))).answers[0]?.data;

  it('serves DNS, answers 503 and changes nothing while down; carries on when back', async () => {
    const key = await s.createAwsKey('outage-admin', 'admin');
    expect((await put('www.outage.example', '192.0.2.1')).status).toBe(200);
    expect(
      await until(
        () => dns('www.outage.example'),
        (v) => v === '192.0.2.1',
        2_000,
      ),
    ).toBe('192.0.2.1');

    await pg.pause();
    // DNS answers from the tables it serves.
    for (let i = 0; i < 5; i++) {
      expect(await dns('www.outage.example')).toBe('192.0.2.1');
      await sleep(100);
    }
    // The API says what is wrong, and when to come back.
    const read = await call(s.base, 'GET', `/api/zones/${zone}/rrsets`);
    expect(read.status, read.text).toBe(503);
    expect(read.headers.get('retry-after')).toBe('2');
    expect(read.body).toMatchObject({ error: { code: 'StorageUnavailable' } });
    const write = await put('api.outage.example', '192.0.2.2');
    expect(write.status, write.text).toBe(503);
    expect(write.body).toMatchObject({ error: { code: 'StorageUnavailable' } });
    // Route 53's API (signed by the JS SDK): ServiceUnavailable, which the SDKs retry. The
    // key lookup itself needs the database, so this is not a 403 either.
    const r53 = new Route53Client({
      endpoint: s.base,
      region: 'us-east-1',
      credentials: key,
      maxAttempts: 1,
    });
    const failed = await r53
      .send(new ListResourceRecordSetsCommand({ HostedZoneId: zone }))
      .then(() => null)
      .catch((e: { name?: string; $metadata?: { httpStatusCode?: number } }) => e);
    expect(failed?.name).toBe('ServiceUnavailable');
    expect(failed?.$metadata?.httpStatusCode).toBe(503);

    await pg.resume();
    const back = await until(
      () => call(s.base, 'GET', `/api/zones/${zone}/rrsets`),
      (r) => r.status === 200,
      10_000,
    );
    expect(back.status).toBe(200);
    // The write refused during the outage is not there.
    const names = (back.body as { ResourceRecordSets: { Name: string }[] }).ResourceRecordSets.map(
      (r) => r.Name,
    );
    expect(names).not.toContain('api.outage.example.');
    // A change now reaches DNS again, and the heartbeat is back.
    expect((await put('www.outage.example', '192.0.2.3')).status).toBe(200);
    expect(
      await until(
        () => dns('www.outage.example'),
        (v) => v === '192.0.2.3',
        6_000,
      ),
    ).toBe('192.0.2.3');
    const responders = await until(
      async () =>
        ResponderListSchema.parse((await call(s.base, 'GET', '/api/responders')).body).responders,
      (list) => list.some((r) => r.self && r.live),
      6_000,
    );
    expect(responders.some((r) => r.self && r.live)).toBe(true);
  }, 60_000);
});
