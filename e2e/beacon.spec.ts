import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { E2E_PORT } from './e2e-env';
import { ADMIN_HEADERS, expect, test } from './support';

/**
 * The browser beacon in a real Chromium: a shop page on one loopback origin embeds
 * /beacon.js from the e2e server; the beacon times fetches to two probe endpoints on other
 * loopback ports (one answers at once, one after 120 ms, as a far region would) and posts the
 * timings with the zone's public key. The e2e server counts loopback posts as coming from
 * 81.2.69.160 (London; LATENCY_ATLAS_BEACON_LOOPBACK_IP in playwright.config.ts).
 */

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{
  server: Server;
  origin: string;
}> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function probe(delayMs: number) {
  const hits: string[] = [];
  return {
    hits,
    start: () =>
      listen((req, res) => {
        hits.push(req.url ?? '');
        setTimeout(() => {
          res.writeHead(204, {
            'Cache-Control': 'no-store',
            'Timing-Allow-Origin': '*',
          });
          res.end();
        }, delayMs);
      }),
  };
}

test('the beacon times each probe from a visitor’s browser and posts the RTTs', async ({
  page,
  request,
  zone,
}) => {
  const near = probe(0);
  const far = probe(120);
  const nearServer = await near.start();
  const farServer = await far.start();
  const put = await request.put(`/api/zones/${zone.id}/settings`, {
    headers: ADMIN_HEADERS,
    data: {
      probeUrls: {
        'eu-west-1': `${nearServer.origin}/probe`,
        'us-east-1': `${farServer.origin}/probe?size=0`,
      },
    },
  });
  expect(put.ok(), await put.text()).toBe(true);
  const made = await request.post(`/api/zones/${zone.id}/beacon-key`, { headers: ADMIN_HEADERS });
  const { beaconKey } = (await made.json()) as { beaconKey: string };

  const appOrigin = `http://127.0.0.1:${E2E_PORT}`;
  const shop = await listen((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>shop</title>
<script async src="${appOrigin}/beacon.js?zone=${zone.id}&key=${beaconKey}"></script>
</head><body><h1>A shop</h1></body></html>`);
  });

  try {
    const posted = page.waitForEvent('console', {
      predicate: (m) => m.text().startsWith('beacon:'),
      timeout: 30_000,
    });
    await page.addInitScript(() => {
      window.addEventListener('latency-atlas-beacon', (e) => {
        console.log(`beacon:${JSON.stringify((e as CustomEvent).detail)}`);
      });
    });
    await page.goto(shop.origin);
    const detail = JSON.parse((await posted).text().slice('beacon:'.length)) as {
      status: number;
      measurements: { region: string; rttMs: number }[];
    };
    expect(detail.status).toBe(202);
    const byRegion = Object.fromEntries(detail.measurements.map((m) => [m.region, m.rttMs]));
    expect(byRegion['us-east-1']).toBeGreaterThanOrEqual(110);
    expect(byRegion['eu-west-1']).toBeLessThan(byRegion['us-east-1'] ?? 0);
    // Each probe was fetched three times (one warm-up, two timed), with cache busting.
    expect(near.hits).toHaveLength(3);
    expect(new Set(near.hits).size).toBe(3);

    // Stored as measurements from London's network.
    const series = await request.get(
      '/api/measurements/series?region=us-east-1&city=2643743&bucket=hour',
    );
    const body = (await series.json()) as { points: { samples: number; medianMs: number }[] };
    const last = body.points.at(-1);
    expect(last?.samples).toBeGreaterThanOrEqual(1);
    expect(last?.medianMs).toBeGreaterThanOrEqual(110);
  } finally {
    for (const s of [nearServer, farServer, shop]) s.server.close();
  }
});
