import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigV4Request, SigV4Result } from './aws-sigv4';

/** What the loopback server saw: the request as handed to the verifier, and its verdict. */
export interface SeenRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  result: SigV4Result;
}

export interface SigV4TestServer {
  url: string;
  seen: SeenRequest[];
  close: () => Promise<void>;
}

const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/**
 * A tiny HTTP server on 127.0.0.1 for tests with real AWS clients: it hands each request, as
 * received, to `verify`, records the verdict, and answers with Route 53-shaped XML (an
 * ErrorResponse for a refusal). A path containing `ZTAMPER` has its body changed after it
 * arrived, as if tampered with on the way.
 */
export async function startSigV4TestServer(
  verify: (req: SigV4Request) => Promise<SigV4Result>,
): Promise<SigV4TestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.url ?? '/';
      const q = target.indexOf('?');
      const rawPath = q < 0 ? target : target.slice(0, q);
      const rawQuery = q < 0 ? '' : target.slice(q + 1);
      let body = Buffer.concat(chunks);
      if (rawPath.includes('ZTAMPER') && body.length > 0) {
        body = Buffer.from(body.toString('utf8').replace('192.0.2.1', '192.0.2.9'));
      }
      const method = req.method ?? 'GET';
      verify({ method, rawPath, rawQuery, headers: req.headers, body }).then(
        (result) => {
          seen.push({ method, rawPath, rawQuery, result });
          res.setHeader('content-type', 'text/xml');
          if (!result.ok) {
            res.statusCode = result.status;
            res.end(
              `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${result.code}</Code>` +
                `<Message>${result.message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error>` +
                '<RequestId>test</RequestId></ErrorResponse>',
            );
          } else if (rawPath === '/2013-04-01/hostedzone' && method === 'GET') {
            res.end(
              `<ListHostedZonesResponse xmlns="${XMLNS}"><HostedZones/><IsTruncated>false</IsTruncated>` +
                '<MaxItems>100</MaxItems></ListHostedZonesResponse>',
            );
          } else {
            res.end(`<OkResponse xmlns="${XMLNS}"/>`);
          }
        },
        (e: unknown) => {
          res.statusCode = 500;
          res.end(String(e));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
