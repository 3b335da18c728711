import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsAnswerResponseSchema } from '../../../shared/routing';
import { buildQuery, exchangeUdp, parse } from '../../dns/dns-test-kit';
import { call, startTestServer, type TestServer } from '../../test-server';
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
    const zone = (
      (await call(a.base, 'POST', '/api/zones', { name: 'shared.example' }, a.adminHeaders))
        .body as {
        id: string;
      }
    ).id;
    const started = Date.now();
    const res = await call(
      a.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.shared.example',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '192.0.2.42' }],
            },
          },
        ],
      },
      a.adminHeaders,
    );
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
    const zone = (
      (await call(b.base, 'POST', '/api/zones', { name: 'busy.example' }, b.adminHeaders)).body as {
        id: string;
      }
    ).id;
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
});
