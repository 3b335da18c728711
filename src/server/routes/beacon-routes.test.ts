import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostMeasurementsResponseSchema } from '../../shared/measurements';
import { call, startTestServer, type TestServer } from '../test-server';
import { BeaconKeyResponseSchema } from './beacon-routes';

/** The beacon's server side over real HTTP: key, script, posts, limits, CORS. */

describe('browser beacon: key, script, posts', () => {
  let s: TestServer;
  let zone: string;
  let key: string;
  beforeAll(async () => {
    s = await startTestServer({
      beaconLoopbackAddress: '81.2.69.160',
      beaconLimits: { perAddressPerMinute: 3 },
    });
    zone = (
      (await call(s.base, 'POST', '/api/zones', { name: 'beacon.example' }, s.adminHeaders))
        .body as { id: string }
    ).id;
    const put = await call(
      s.base,
      'PUT',
      `/api/zones/${zone}/settings`,
      {
        probeUrls: {
          'eu-west-1': 'http://127.0.0.1:9/probe',
          'us-east-1': 'http://127.0.0.1:9/probe?r=use1',
        },
      },
      s.adminHeaders,
    );
    expect(put.status, put.text).toBe(200);
  });
  afterAll(async () => {
    await s.close();
  });

  const beaconPost = (body: string, k = key, z = zone) =>
    call(s.base, 'POST', `/api/beacon?zone=${z}&key=${k}`, body, {
      'content-type': 'text/plain;charset=UTF-8',
      origin: 'http://shop.example',
    });

  it('makes a key only for an admin, and a script that carries the zone’s probes', async () => {
    const editor = await s.createToken('ed', 'editor');
    const refused = await call(s.base, 'POST', `/api/zones/${zone}/beacon-key`, undefined, {
      authorization: `Bearer ${editor}`,
    });
    expect(refused.status).toBe(403);
    const made = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/beacon-key`,
      undefined,
      s.adminHeaders,
    );
    expect(made.status, made.text).toBe(200);
    const body = BeaconKeyResponseSchema.parse(made.body);
    key = body.beaconKey;
    expect(key).toMatch(/^lab_[A-Za-z0-9_-]{24}$/);
    expect(body.snippet).toContain(`/beacon.js?zone=${zone}&key=${key}`);

    const script = await fetch(`${s.base}/beacon.js?zone=${zone}&key=${key}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const text = await script.text();
    expect(text).toContain('"eu-west-1":"http://127.0.0.1:9/probe"');
    expect(text).toContain('/api/beacon?zone=');
    expect(() => new Function(text)).not.toThrow();

    const wrong = await fetch(`${s.base}/beacon.js?zone=${zone}&key=lab_wrong`);
    expect(wrong.status).toBe(404);
    const missing = await fetch(`${s.base}/beacon.js`);
    expect(missing.status).toBe(400);
  });

  it('stores timings as from the posting address, names bad rows, answers any origin', async () => {
    const res = await beaconPost(
      JSON.stringify({
        measurements: [
          { region: 'eu-west-1', rttMs: 12.3 },
          { region: 'ap-south-1', rttMs: 40 },
          { region: 'us-east-1', rttMs: -1 },
        ],
      }),
    );
    expect(res.status, res.text).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = PostMeasurementsResponseSchema.parse(res.body);
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'region'],
      [2, 'rttMs'],
    ]);
    // Loopback stands for 81.2.69.160 (London) here: the sample is at London, in its /24.
    const [row] = await s.repository.measurementAggregates({ from: 0, to: Date.now() + 3.6e6 });
    expect(row).toMatchObject({ region: 'eu-west-1', network: '81.2.69.0/24', samples: 1 });
  });

  it('refuses a wrong key, bad JSON, and too many posts (429 with Retry-After)', async () => {
    const wrong = await beaconPost('{"measurements":[]}', 'lab_nope');
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('access-control-allow-origin')).toBe('*');
    const badJson = await beaconPost('{nope');
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('access-control-allow-origin')).toBe('*');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await beaconPost('{"measurements":[{"region":"eu-west-1","rttMs":5}]}')).status,
      );
    }
    // The limit is 3 a minute per address; the first post above counted.
    expect(statuses).toContain(429);
    const limited = await beaconPost('{"measurements":[]}');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
  });

  it('rotating the key retires the old one', async () => {
    const old = key;
    const made = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/beacon-key`,
      undefined,
      s.adminHeaders,
    );
    key = BeaconKeyResponseSchema.parse(made.body).beaconKey;
    expect(key).not.toBe(old);
    expect((await fetch(`${s.base}/beacon.js?zone=${zone}&key=${old}`)).status).toBe(404);
    expect((await fetch(`${s.base}/beacon.js?zone=${zone}&key=${key}`)).status).toBe(200);
  });
});
