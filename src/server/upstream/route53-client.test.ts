import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamClient, UpstreamError } from './route53-client';

/**
 * The upstream client's retries, against a loopback HTTP server that answers as Route 53 does
 * when it throttles (Throttling, PriorRequestNotComplete: 400 with its ErrorResponse) before it
 * accepts. The SDK parses the real XML; only the timing is arranged.
 */

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const error = (code: string) =>
  `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>slow down</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
const accepted = `<?xml version="1.0"?><ChangeResourceRecordSetsResponse xmlns="${NS}"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-12-01T00:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`;

describe('upstream client: Throttling and PriorRequestNotComplete are retried', () => {
  let server: Server;
  let url: string;
  let script: { status: number; body: string }[] = [];
  let calls = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const next = script[calls] ?? { status: 200, body: accepted };
        calls++;
        res.writeHead(next.status, { 'content-type': 'text/xml' });
        res.end(next.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const client = () =>
    createUpstreamClient(
      {
        endpoint: url,
        region: 'us-east-1',
        accessKeyId: 'AKIATEST0000000000',
        secretAccessKey: 'x'.repeat(40),
      },
      { retryDelaysMs: [10, 20, 40] },
    );
  const batch = {
    Changes: [
      {
        Action: 'CREATE' as const,
        ResourceRecordSet: {
          Name: 'a.example.',
          Type: 'A',
          TTL: 60,
          ResourceRecords: [{ Value: '192.0.2.1' }],
        },
      },
    ],
  };

  it('retries until upstream accepts', async () => {
    calls = 0;
    script = [
      { status: 400, body: error('Throttling') },
      { status: 400, body: error('PriorRequestNotComplete') },
    ];
    const out = await client().changeRecordSets('Z1', batch);
    expect(out).toMatchObject({ id: '/change/C1', status: 'PENDING' });
    expect(calls).toBe(3);
  });

  it('gives up after its back-off steps and says upstream is throttling', async () => {
    calls = 0;
    script = Array.from({ length: 10 }, () => ({ status: 400, body: error('Throttling') }));
    await expect(client().changeRecordSets('Z1', batch)).rejects.toMatchObject({
      kind: 'throttled',
    });
    expect(calls).toBe(4);
  });

  it('does not retry a refused batch', async () => {
    calls = 0;
    script = [{ status: 400, body: error('InvalidChangeBatch') }];
    const err = await client()
      .changeRecordSets('Z1', batch)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).kind).toBe('invalid-batch');
    expect(calls).toBe(1);
  });
});
