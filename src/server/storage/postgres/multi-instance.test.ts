import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponderListSchema } from '../../../shared/dns';
import { HealthCheckStatusResponseSchema } from '../../../shared/health';
import { TestDnsAnswerResponseSchema } from '../../../shared/routing';
import { buildQuery, exchangeUdp, parse } from '../../dns/dns-test-kit';
import { call, startTestServer, type TestServer } from '../../test-server';
import { createZoneThrough, setA, sleep, until } from './instance-kit';
import { type PgTestServer, startPgTestServer } from './pg-test-server';

/**
 * Two instances on one PostgreSQL database serve the same zones: a change applied through one
 * is answered by the other, through testdnsanswer and its DNS server, within 1 s.
 */

describe('two instances on one PostgreSQL', () => {
  let pg: PgTestServer;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    pg = await startPgTestServer();
    const url = await pg.createDatabase();
    a = await startTestServer({ databaseUrl: url, dns: true });
    b = await startTestServer({ databaseUrl: url, dns: true });
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pg?.stop();
  });

  it('a change through one is answered by the other within 1 s (testdnsanswer and DNS)', async () => {
    const zone = await createZoneThrough(a, 'shared.example');
    const started = Date.now();
    const res = await setA(a, zone, 'www.shared.example', '192.0.2.42', 'CREATE');
    expect(res.status, res.text).toBe(200);
    let viaApi: string[] = [];
    let viaDns: unknown;
    while (Date.now() - started < 1_000) {
      const answer = await call(
        b.base,
        'GET',
        `/api/zones/${zone}/testdnsanswer?recordname=www.shared.example&recordtype=A`,
      );
      if (answer.status === 200) viaApi = TestDnsAnswerResponseSchema.parse(answer.body).RecordData;
      viaDns = parse(await exchangeUdp(b.dns?.port ?? 0, buildQuery('www.shared.example')))
        .answers[0]?.data;
      if (viaApi[0] === '192.0.2.42' && viaDns === '192.0.2.42') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(viaApi).toEqual(['192.0.2.42']);
    expect(viaDns).toBe('192.0.2.42');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('both see one history, and writes through both never lose an update', async () => {
    const zone = await createZoneThrough(b, 'busy.example');
    const writes = Array.from({ length: 20 }, (_, i) =>
      call(
        i % 2 === 0 ? a.base : b.base,
        'POST',
        `/api/zones/${zone}/rrsets`,
        {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: `n${i}.busy.example`,
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: `192.0.2.${i + 1}` }],
              },
            },
          ],
        },
        a.adminHeaders,
      ),
    );
    const results = await Promise.all(writes);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const history = (await call(a.base, 'GET', `/api/zones/${zone}/changes?limit=100`)).body as {
      Changes: { Version?: number }[];
    };
    expect(history.Changes).toHaveLength(20);
    const sets = (await call(b.base, 'GET', `/api/zones/${zone}/rrsets`)).body as {
      ResourceRecordSets: unknown[];
    };
    expect(sets.ResourceRecordSets).toHaveLength(22);
  });

  it('GET /api/responders on either lists both, live, each marking itself', async () => {
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const res = await call(self.base, 'GET', '/api/responders');
      expect(res.status, res.text).toBe(200);
      const { responders } = ResponderListSchema.parse(res.body);
      const byId = new Map(responders.map((r) => [r.instance, r]));
      expect(byId.get(self.responders?.id ?? '')).toMatchObject({
        address: `127.0.0.1:${self.dns?.port}`,
        live: true,
        self: true,
      });
      expect(byId.get(other.responders?.id ?? '')).toMatchObject({
        address: `127.0.0.1:${other.dns?.port}`,
        live: true,
        self: false,
      });
    }
  });
});

/**
 * INSYNC across instances: A answers PENDING until B's responder reports the change too; B,
 * once it stops sending heartbeats, drops out of the live set and is no longer waited for.
 * B's heartbeat here runs only when the test calls beat().
 */
describe('INSYNC waits for every live responder', () => {
  const LIVE_MS = 1_500;
  let pg: PgTestServer;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    pg = await startPgTestServer();
    const url = await pg.createDatabase();
    a = await startTestServer({
      databaseUrl: url,
      dns: true,
      heartbeatMs: 50,
      responderLiveMs: LIVE_MS,
    });
    b = await startTestServer({
      databaseUrl: url,
      dns: true,
      heartbeatMs: 600_000,
      responderLiveMs: LIVE_MS,
      reportOnServe: false,
    });
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pg?.stop();
  });

  const status = async (id: string) =>
    (
      (await call(a.base, 'GET', `/api/changes/${id.replace('/change/', '')}`)).body as {
        ChangeInfo: { Status: string };
      }
    ).ChangeInfo.Status;
  const liveOnA = async () =>
    ResponderListSchema.parse((await call(a.base, 'GET', '/api/responders')).body)
      .responders.filter((r) => r.live)
      .map((r) => r.instance)
      .sort();
  const change = async (zone: string, name: string) => {
    const res = await setA(a, zone, name, '192.0.2.7', 'CREATE');
    expect(res.status, res.text).toBe(200);
    return (res.body as { ChangeInfo: { Id: string } }).ChangeInfo.Id;
  };

  it('is PENDING on A until B serves the change, and stops waiting once B falls silent', async () => {
    const ids = [a.responders?.id ?? '', b.responders?.id ?? ''].sort();
    await b.responders?.beat();
    expect(await until(liveOnA, (l) => l.length === 2, 1_000)).toEqual(ids);

    const zone = await createZoneThrough(a, 'insync.example');
    const id = await change(zone, 'www.insync.example');
    const version = (await a.repository.getZone(zone))?.version ?? 0;
    // A's own DNS serves it soon; B has not reported it: still PENDING.
    await until(
      async () => a.dns?.servedVersion(zone) ?? -1,
      (v) => v >= version,
      1_000,
    );
    expect(a.dns?.servedVersion(zone)).toBeGreaterThanOrEqual(version);
    await sleep(150);
    expect(await status(id)).toBe('PENDING');

    // B's DNS serves it; once B reports that, A says INSYNC.
    await until(
      async () => b.dns?.servedVersion(zone) ?? -1,
      (v) => v >= version,
      1_000,
    );
    await b.responders?.beat();
    expect(
      await until(
        () => status(id),
        (s) => s === 'INSYNC',
        1_000,
      ),
    ).toBe('INSYNC');

    // B sends no more heartbeats: within the live window it drops out, and a new change
    // through A is INSYNC without it.
    const silentSince = Date.now();
    expect(await until(liveOnA, (l) => l.length === 1, LIVE_MS + 1_000)).toEqual([
      a.responders?.id,
    ]);
    expect(Date.now() - silentSince).toBeLessThan(LIVE_MS + 500);
    const later = await change(zone, 'api.insync.example');
    expect(
      await until(
        () => status(later),
        (s) => s === 'INSYNC',
        1_000,
      ),
    ).toBe('INSYNC');
    const listed = ResponderListSchema.parse((await call(a.base, 'GET', '/api/responders')).body);
    expect(listed.responders.find((r) => r.instance === b.responders?.id)?.live).toBe(false);
  }, 20_000);
});

describe('LISTEN/NOTIFY: responders reload when another instance commits', () => {
  let pgServer: PgTestServer;
  let url: string;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    pgServer = await startPgTestServer();
    url = await pgServer.createDatabase();
    // Polling and heartbeats once a minute or slower: only the notification can make B serve a
    // change within a second, and only B's report on serving can make it INSYNC that fast.
    const quiet = {
      databaseUrl: url,
      dns: true,
      dnsRefreshMs: 60_000,
      heartbeatMs: 600_000,
      responderLiveMs: 600_000,
    };
    a = await startTestServer(quiet);
    b = await startTestServer(quiet);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pgServer?.stop();
  });

  const setIn = async (zone: string, name: string, value: string) => {
    const res = await setA(a, zone, name, value);
    expect(res.status, res.text).toBe(200);
  };
  const answerOfB = async (name: string) =>
    parse(await exchangeUdp(b.dns?.port ?? 0, buildQuery(name))).answers[0]?.data;
  const waitFor = async (name: string, value: string, withinMs: number) => {
    const started = Date.now();
    while (Date.now() - started < withinMs) {
      if ((await answerOfB(name)) === value) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 20));
    }
    return null;
  };

  it('a change through A is served by B within 1 s with polling off', async () => {
    const zone = await createZoneThrough(a, 'notify.example');
    await setIn(zone, 'www.notify.example', '192.0.2.1');
    expect(await waitFor('www.notify.example', '192.0.2.1', 1_000)).not.toBeNull();
  });

  it('is INSYNC within 1 s: each responder reports as soon as it serves the change', async () => {
    const zone = await createZoneThrough(a, 'report.example');
    const live = ResponderListSchema.parse((await call(a.base, 'GET', '/api/responders')).body)
      .responders.filter((r) => r.live)
      .map((r) => r.instance)
      .sort();
    expect(live).toEqual([a.responders?.id, b.responders?.id].sort());
    const started = Date.now();
    const res = await setA(a, zone, 'www.report.example', '192.0.2.9', 'CREATE');
    expect(res.status, res.text).toBe(200);
    const id = (res.body as { ChangeInfo: { Id: string } }).ChangeInfo.Id.replace('/change/', '');
    let status = '';
    while (Date.now() - started < 1_000 && status !== 'INSYNC') {
      status = (
        (await call(a.base, 'GET', `/api/changes/${id}`)).body as { ChangeInfo: { Status: string } }
      ).ChangeInfo.Status;
      if (status !== 'INSYNC') await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe('INSYNC');
    expect(Date.now() - started).toBeLessThan(1_000);
    const version = (await a.repository.getZone(zone))?.version ?? 0;
    const rows = await a.repository.listResponders();
    expect(rows.find((r) => r.id === b.responders?.id)?.versions[zone]).toBeGreaterThanOrEqual(
      version,
    );
  });

  it('after its LISTEN connection is cut, B reconnects and catches up on what it missed', async () => {
    const zone = await createZoneThrough(a, 'catchup.example');
    await setIn(zone, 'www.catchup.example', '192.0.2.1');
    expect(await waitFor('www.catchup.example', '192.0.2.1', 1_000)).not.toBeNull();
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Cut every listener, then change the zone while nobody listens.
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN latency_atlas_zones' AND pid <> pg_backend_pid()",
      );
      await setIn(zone, 'www.catchup.example', '192.0.2.2');
      expect(await waitFor('www.catchup.example', '192.0.2.2', 3_000)).not.toBeNull();
    } finally {
      await admin.end();
    }
  });
});

/**
 * Every instance runs a health checker. Their verdicts are combined as Route 53 combines its
 * checkers': one instance's broken path to an endpoint does not take it out of DNS; the
 * endpoint failing for all of them does, on both instances' DNS. A's checker reaches the origin
 * (the name resolves to 127.0.0.1 for it); B's gets a refused connection (127.0.0.2).
 */
describe('health checkers on two instances', () => {
  let pgServer: PgTestServer;
  let a: TestServer;
  let b: TestServer;
  let failing = false;
  let zone = '';
  let checkId = '';
  const origin = http.createServer((_req, res) => {
    res.writeHead(failing ? 503 : 200);
    res.end('ok');
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const port = (origin.address() as AddressInfo).port;
    pgServer = await startPgTestServer();
    const url = await pgServer.createDatabase();
    const common = {
      databaseUrl: url,
      dns: true,
      healthChecker: true,
      allowPrivateHealthTargets: true,
      healthIntervalMs: 100,
    };
    a = await startTestServer({
      ...common,
      healthLookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    b = await startTestServer({
      ...common,
      healthLookup: async () => [{ address: '127.0.0.2', family: 4 }],
    });
    zone = await createZoneThrough(a, 'checked.example');
    const created = await call(
      a.base,
      'POST',
      '/api/health-checks',
      {
        Name: 'london origin',
        HealthCheckConfig: {
          Type: 'HTTP',
          FullyQualifiedDomainName: 'origin.checked.example',
          Port: port,
          FailureThreshold: 2,
        },
      },
      a.adminHeaders,
    );
    expect(created.status, created.text).toBe(201);
    checkId = (created.body as { HealthCheck: { Id: string } }).HealthCheck.Id;
    const res = await call(
      a.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Changes: [
          ['london', 'eu-west-2', '192.0.2.1', checkId],
          ['ireland', 'eu-west-1', '192.0.2.2', undefined],
        ].map(([id, region, value, hc]) => ({
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'www.checked.example',
            Type: 'A',
            SetIdentifier: id,
            Region: region,
            TTL: 60,
            ResourceRecords: [{ Value: value }],
            ...(hc ? { HealthCheckId: hc } : {}),
          },
        })),
      },
      a.adminHeaders,
    );
    expect(res.status, res.text).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pgServer?.stop();
    await new Promise<void>((resolve) => origin.close(() => resolve()));
  });

  const statusOn = async (s: TestServer) =>
    HealthCheckStatusResponseSchema.parse(
      (await call(s.base, 'GET', `/api/health-checks/${checkId}/status`)).body,
    );
  const dnsOf = async (s: TestServer) =>
    parse(
      await exchangeUdp(
        s.dns?.port ?? 0,
        buildQuery('www.checked.example', {
          subnet: { family: 1, source: 24, address: '81.2.69.0' },
        }),
      ),
    ).answers[0]?.data;

  it('one instance failing to reach the endpoint keeps it in; all failing takes it out everywhere', async () => {
    // Both checkers report: A healthy, B unhealthy (connection refused). 1 of 2 > 18 %: healthy.
    // B's checker learns of the check made through A at its next config re-read (5 s).
    const split = await until(
      () => statusOn(b),
      (st) =>
        (st.Checkers ?? []).some((c) => c.Healthy === true) &&
        (st.Checkers ?? []).some((c) => c.Healthy === false),
      12_000,
    );
    expect(Object.fromEntries((split.Checkers ?? []).map((c) => [c.Checker, c.Healthy]))).toEqual({
      [a.responders?.id ?? 'a']: true,
      [b.responders?.id ?? 'b']: false,
    });
    expect(split.Status).toBe('Healthy');
    // Each checker is named by its instance's DNS address too.
    expect(new Set((split.Checkers ?? []).map((c) => c.Address))).toEqual(
      new Set([`127.0.0.1:${a.dns?.port}`, `127.0.0.1:${b.dns?.port}`]),
    );
    expect(await dnsOf(a)).toBe('192.0.2.1');
    expect(await dnsOf(b)).toBe('192.0.2.1');

    // The endpoint fails for both: unhealthy, and both instances' DNS answer the fallback.
    failing = true;
    const down = await until(
      () => statusOn(a),
      (st) => st.Status === 'Unhealthy',
      5_000,
    );
    expect(down.Status).toBe('Unhealthy');
    expect(
      await until(
        () => dnsOf(a),
        (v) => v === '192.0.2.2',
        3_000,
      ),
    ).toBe('192.0.2.2');
    expect(
      await until(
        () => dnsOf(b),
        (v) => v === '192.0.2.2',
        3_000,
      ),
    ).toBe('192.0.2.2');

    // Back for A's checker only: healthy again.
    failing = false;
    expect(
      (
        await until(
          () => statusOn(b),
          (st) => st.Status === 'Healthy',
          5_000,
        )
      ).Status,
    ).toBe('Healthy');
  }, 30_000);
});
