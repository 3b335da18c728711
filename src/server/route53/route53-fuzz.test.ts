import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../test-server';

/**
 * Hostile input on the two new write paths, signed (so it reaches the parsers): mutated Route 53
 * XML bodies and junk measurement rows. Every answer is a 2xx or a 4xx with the right envelope,
 * never a 5xx; the server keeps answering, and a zone changes only through well-formed batches.
 */

/** A seeded PRNG (mulberry32): the same mutations every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mutated bodies per run (FUZZ_ROUNDS=5000 for a longer hunt). */
const FUZZ_ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 400);

const NS = 'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"';
const VALID = `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest ${NS}><ChangeBatch><Comment>c</Comment><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>a.fuzz.example</Name><Type>A</Type><SetIdentifier>x</SetIdentifier><Region>eu-west-1</Region><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
const PIECES = [
  '<',
  '>',
  '</',
  '&',
  '&amp;',
  '&#x0;',
  '&#1114112;',
  ']]>',
  '<![CDATA[',
  '"',
  "'",
  '<Change>',
  '</Changes>',
  '<TTL>-1</TTL>',
  '<ResourceRecords/>',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '<?xml?>',
  '<!-- -->',
  'x'.repeat(300),
];

function mutate(r: () => number, text: string): string {
  let s = text;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * s.length);
    const op = Math.floor(r() * 4);
    const piece = PIECES[Math.floor(r() * PIECES.length)] ?? '';
    if (op === 0) s = s.slice(0, at) + piece + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
    else if (op === 2) s = s.slice(0, at);
    else s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x2fff)) + s.slice(at + 1);
  }
  return s;
}

describe('hostile input: Route 53 XML and measurement rows', () => {
  let s: TestServer;
  let key: { accessKeyId: string; secretAccessKey: string };
  let zoneId: string;
  beforeAll(async () => {
    s = await startTestServer();
    key = await s.createAwsKey('fuzz', 'admin');
    const r53 = new Route53Client({
      endpoint: s.base,
      region: 'us-east-1',
      credentials: key,
      maxAttempts: 1,
    });
    zoneId =
      (
        await r53.send(
          new CreateHostedZoneCommand({ Name: 'fuzz.example', CallerReference: 'fuzz' }),
        )
      ).HostedZone?.Id?.replace('/hostedzone/', '') ?? '';
  });
  afterAll(async () => {
    await s.close();
  });

  it('mutated ChangeResourceRecordSets bodies (400 a run): 2xx or 4xx with ErrorResponse, never 5xx', async () => {
    const r = rng(7);
    const statuses = new Map<number, number>();
    const r53 = new Route53Client({
      endpoint: s.base,
      region: 'us-east-1',
      credentials: key,
      maxAttempts: 1,
    });
    let body = '';
    r53.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body?: unknown; headers: Record<string, string> };
        req.body = body;
        req.headers['content-length'] = String(Buffer.byteLength(body));
        return next(args);
      },
      { step: 'build', name: 'fuzzBody' },
    );
    for (let i = 0; i < FUZZ_ROUNDS; i++) {
      body = mutate(r, VALID);
      let status = 200;
      try {
        await r53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: {
              Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'x', Type: 'A' } }],
            },
          }),
        );
      } catch (e) {
        const err = e as { $metadata?: { httpStatusCode?: number }; name: string };
        status = err.$metadata?.httpStatusCode ?? 0;
        expect(err.name, body).not.toBe('InternalError');
        expect(status, `${err.name}: ${body}`).toBeGreaterThanOrEqual(400);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, body).toBeGreaterThanOrEqual(200);
      expect(status, body).toBeLessThan(500);
    }
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    // Still answering, and the zone holds at most the one set the valid body makes.
    const listed = await call(s.base, 'GET', `/api/zones/${zoneId}/rrsets`);
    expect(listed.status).toBe(200);
    const sets = (listed.body as { ResourceRecordSets: { Name: string }[] }).ResourceRecordSets;
    expect(sets.length).toBeLessThanOrEqual(4);
  }, 120_000);

  it('mutated CreateHostedZone, CreateHealthCheck and ChangeTagsForResource bodies: never 5xx', async () => {
    const r = rng(13);
    const cases: [string, () => unknown][] = [
      [
        `<CreateHostedZoneRequest ${NS}><Name>f2.example</Name><CallerReference>c</CallerReference><HostedZoneConfig><Comment>x</Comment><PrivateZone>false</PrivateZone></HostedZoneConfig></CreateHostedZoneRequest>`,
        () => new CreateHostedZoneCommand({ Name: 'x', CallerReference: 'x' }),
      ],
      [
        `<CreateHealthCheckRequest ${NS}><CallerReference>h</CallerReference><HealthCheckConfig><IPAddress>8.8.8.8</IPAddress><Port>80</Port><Type>HTTP</Type><ResourcePath>/</ResourcePath><RequestInterval>30</RequestInterval><FailureThreshold>3</FailureThreshold><Disabled>true</Disabled><ChildHealthChecks><ChildHealthCheck>a</ChildHealthCheck></ChildHealthChecks></HealthCheckConfig></CreateHealthCheckRequest>`,
        () =>
          new CreateHealthCheckCommand({
            CallerReference: 'x',
            HealthCheckConfig: { Type: 'HTTP' },
          }),
      ],
      [
        `<ChangeTagsForResourceRequest ${NS}><AddTags><Tag><Key>k</Key><Value>v</Value></Tag></AddTags><RemoveTagKeys><Key>z</Key></RemoveTagKeys></ChangeTagsForResourceRequest>`,
        () => new ChangeTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zoneId }),
      ],
    ];
    for (const [valid, command] of cases) {
      let body = '';
      const client = new Route53Client({
        endpoint: s.base,
        region: 'us-east-1',
        credentials: key,
        maxAttempts: 1,
      });
      client.middlewareStack.add(
        (next) => async (args) => {
          const req = args.request as { body?: unknown; headers: Record<string, string> };
          req.body = body;
          req.headers['content-length'] = String(Buffer.byteLength(body));
          return next(args);
        },
        { step: 'build', name: 'fuzzBody' },
      );
      for (let i = 0; i < FUZZ_ROUNDS / 4; i++) {
        body = mutate(r, valid);
        try {
          await client.send(command() as never);
        } catch (e) {
          const err = e as { $metadata?: { httpStatusCode?: number }; name: string };
          // A real answer from the server (not a client-side failure), below 500.
          expect(err.$metadata?.httpStatusCode, `${err.name}: ${body}`).toBeGreaterThanOrEqual(400);
          expect(err.$metadata?.httpStatusCode ?? 0, body).toBeLessThan(500);
          expect(err.name, body).not.toBe('InternalError');
        }
      }
    }
    expect((await call(s.base, 'GET', '/api/health')).status).toBe(200);
  }, 120_000);

  it('junk measurement rows are named and skipped; the request never fails as a whole', async () => {
    const r = rng(11);
    const values: unknown[] = [
      null,
      true,
      0,
      -1,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      '',
      'x',
      '1e3',
      [],
      {},
      { ip: 1 },
      'eu-west-1',
      '2026-11-30T12:00:00Z',
      '\u0000',
      'a'.repeat(500),
    ];
    const pick = () => values[Math.floor(r() * values.length)];
    const rows: unknown[] = [];
    for (let i = 0; i < 2000; i++) {
      const row: Record<string, unknown> = {};
      for (const k of ['region', 'rttMs', 'at', 'client', 'source', 'extra'])
        if (r() < 0.7) row[k] = pick();
      if (r() < 0.3)
        row.client = { ip: pick(), subnet: pick(), lat: pick(), lon: pick(), city: pick() };
      rows.push(r() < 0.05 ? pick() : row);
    }
    const res = await call(
      s.base,
      'POST',
      '/api/measurements',
      { measurements: rows },
      s.adminHeaders,
    );
    expect(res.status, res.text).toBe(202);
    const body = res.body as {
      accepted: number;
      rejected: { index: number; field: string; message: string }[];
    };
    expect(body.accepted + body.rejected.length).toBe(rows.length);
    for (const rej of body.rejected) expect(rej.message.length).toBeGreaterThan(0);
    // Broken NDJSON and CSV bodies too.
    const nd = await call(s.base, 'POST', '/api/measurements', '{"region":\n\u0000\n[1,2]\n"x"', {
      ...s.adminHeaders,
      'content-type': 'application/x-ndjson',
    });
    expect(nd.status).toBe(202);
    const csv = await call(
      s.base,
      'POST',
      '/api/measurements',
      'region,rttMs,city\n"eu-west-1,5,\n,,,,,\n"',
      {
        ...s.adminHeaders,
        'content-type': 'text/csv',
      },
    );
    expect(csv.status).toBeLessThan(500);
    expect((await call(s.base, 'GET', '/api/health')).status).toBe(200);
  });
});
