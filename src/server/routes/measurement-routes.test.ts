import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, fieldErrors } from '../../shared/errors';
import {
  MeasurementSeriesSchema,
  MeasurementSnapshotSchema,
  MeasurementSummarySchema,
  PostMeasurementsResponseSchema,
} from '../../shared/measurements';
import { ZoneSettingsSchema } from '../../shared/proposals';
import { TestDnsAnswerResponseSchema } from '../../shared/routing';
import { buildQuery, exchangeUdp, parse } from '../dns/dns-test-kit';
import { call, startTestServer, type TestServer } from '../test-server';

/**
 * Measured latency over real HTTP and DNS: every input form and rejected row, the reporter role,
 * routing by measurements against the distance answer, `at=` replays, retention.
 */

const DAY = 86_400_000;
const LONDON = 2643743;
/** A fixed clock, so windows and retention are exact: 2026-11-30T12:30:00Z. */
const NOW = Date.parse('2026-11-30T12:30:00Z');
const iso = (t: number) => new Date(t).toISOString();
const fieldsOf = (body: unknown) =>
  fieldErrors(ApiErrorSchema.parse(body).error).map((d) => d.field);

describe('measured latency: ingest, settings, routing, replay', () => {
  let s: TestServer;
  let zone: string;
  let reporter: string;
  let viewer: string;
  beforeAll(async () => {
    s = await startTestServer({
      dns: true,
      dnsModelCheckMs: 20,
      measurementNow: () => NOW,
    });
    reporter = await s.createToken('probe-fleet', 'reporter');
    viewer = await s.createToken('vic', 'viewer');
    zone = (
      (await call(s.base, 'POST', '/api/zones', { name: 'measured.example' }, s.adminHeaders))
        .body as { id: string }
    ).id;
    const set = (id: string, region: string, ip: string) => ({
      Action: 'CREATE',
      ResourceRecordSet: {
        Name: 'app.measured.example',
        Type: 'A',
        SetIdentifier: id,
        Region: region,
        TTL: 60,
        ResourceRecords: [{ Value: ip }],
      },
    });
    const res = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/rrsets`,
      {
        ChangeBatch: {
          Changes: [
            set('dublin', 'eu-west-1', '192.0.2.1'),
            set('frankfurt', 'eu-central-1', '192.0.2.2'),
          ],
        },
      },
      s.adminHeaders,
    );
    expect(res.status, res.text).toBe(200);
  });
  afterAll(async () => {
    await s.close();
  });

  const post = (body: unknown, token = reporter, type = 'application/json') =>
    call(s.base, 'POST', '/api/measurements', body, {
      authorization: `Bearer ${token}`,
      'content-type': type,
    });
  const answer = async (extra = '') => {
    const res = await call(
      s.base,
      'GET',
      `/api/zones/${zone}/testdnsanswer?recordname=app.measured.example&recordtype=A&city=${LONDON}${extra}`,
    );
    expect(res.status, res.text).toBe(200);
    return TestDnsAnswerResponseSchema.parse(res.body);
  };

  it('accepts every client form and names each rejected row', async () => {
    const res = await post({
      measurements: [
        { region: 'eu-west-1', rttMs: 12.5, at: iso(NOW - DAY), client: { ip: '81.2.69.160' } },
        { region: 'eu-west-1', rttMs: 13, client: { subnet: '81.2.69.0/24' }, source: 'p1' },
        { region: 'eu-west-1', rttMs: 14, client: { lat: 51.5, lon: -0.12 } },
        { region: 'eu-west-1', rttMs: 15, client: { city: LONDON } },
        { region: 'mars-1', rttMs: 1, client: { city: LONDON } },
        { region: 'eu-west-1', rttMs: -3, client: { city: LONDON } },
        { region: 'eu-west-1', rttMs: 'fast', client: { city: LONDON } },
        { region: 'eu-west-1', rttMs: 5, at: 'yesterday', client: { city: LONDON } },
        { region: 'eu-west-1', rttMs: 5, at: iso(NOW + DAY), client: { city: LONDON } },
        { region: 'eu-west-1', rttMs: 5, at: iso(NOW - 40 * DAY), client: { city: LONDON } },
        { region: 'eu-west-1', rttMs: 5, client: { ip: '10.1.2.3' } },
        { region: 'eu-west-1', rttMs: 5, client: { ip: 'not-an-ip' } },
        { region: 'eu-west-1', rttMs: 5, client: { subnet: '81.2.69.0' } },
        { region: 'eu-west-1', rttMs: 5, client: { lat: 95, lon: 0 } },
        { region: 'eu-west-1', rttMs: 5, client: { city: 1 } },
        { region: 'eu-west-1', rttMs: 5, client: { ip: '81.2.69.160', city: LONDON } },
        { region: 'eu-west-1', rttMs: 5 },
        { region: 'eu-west-1', rttMs: 5, client: { city: LONDON }, colour: 'red' },
        'not an object',
      ],
    });
    expect(res.status, res.text).toBe(202);
    const body = PostMeasurementsResponseSchema.parse(res.body);
    expect(body.accepted).toBe(4);
    expect(body.rejected.map((r) => [r.index, r.field])).toEqual([
      [4, 'region'],
      [5, 'rttMs'],
      [6, 'rttMs'],
      [7, 'at'],
      [8, 'at'],
      [9, 'at'],
      [10, 'client.ip'],
      [11, 'client.ip'],
      [12, 'client.subnet'],
      [13, 'client.lat'],
      [14, 'client.city'],
      [15, 'client'],
      [16, 'client'],
      [17, 'colour'],
      [18, ''],
    ]);
    expect(body.rejected[0]?.message).toContain('mars-1');
    expect(body.rejected[6]?.message).toContain('private range');
    expect(body.rejected[5]?.message).toContain('30-day retention');
  });

  it('takes NDJSON and CSV, and says which line or header is wrong', async () => {
    const ndjson = [
      JSON.stringify({ region: 'eu-west-1', rttMs: 20, client: { city: LONDON } }),
      '',
      '{not json',
      JSON.stringify({ region: 'nowhere', rttMs: 20, client: { city: LONDON } }),
    ].join('\n');
    const nd = PostMeasurementsResponseSchema.parse(
      (await post(ndjson, reporter, 'application/x-ndjson')).body,
    );
    expect(nd.accepted).toBe(1);
    expect(nd.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, ''],
      [2, 'region'],
    ]);

    const csv = [
      'at,region,rttMs,ip,subnet,lat,lon,city,source',
      `${iso(NOW - DAY)},eu-west-1,21.5,81.2.69.160,,,,,"probe, london"`,
      ',eu-west-1,22,,81.2.69.0/24,,,,',
      ',eu-west-1,23,,,51.5,-0.12,,',
      `,eu-west-1,24,,,,,${LONDON},`,
      ',eu-west-1,oops,,,,,1,',
      ',eu-west-1,25,,,',
    ].join('\r\n');
    const c = PostMeasurementsResponseSchema.parse((await post(csv, reporter, 'text/csv')).body);
    expect(c.accepted).toBe(4);
    expect(c.rejected.map((r) => [r.index, r.field])).toEqual([
      [4, 'rttMs'],
      [5, ''],
    ]);

    const bad = await post('when,where\n1,2', reporter, 'text/csv');
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toContain('header');
  });

  it('lets a reporter post and nothing else; a viewer may not post', async () => {
    const asViewer = await post({ measurements: [] }, viewer);
    expect(asViewer.status).toBe(403);
    const write = await call(
      s.base,
      'POST',
      '/api/zones',
      { name: 'nope.example' },
      {
        authorization: `Bearer ${reporter}`,
      },
    );
    expect(write.status).toBe(403);
    const anonymous = await call(s.base, 'POST', '/api/measurements', { measurements: [] });
    expect(anonymous.status).toBe(401);
    const noArray = await post({ rows: [] });
    expect(noArray.status).toBe(400);
    expect(fieldsOf(noArray.body)).toContain('measurements');
  });

  it('validates zone settings and changes only the fields given', async () => {
    const bad = await call(
      s.base,
      'PUT',
      `/api/zones/${zone}/settings`,
      { routingModel: 'psychic' },
      s.adminHeaders,
    );
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toContain('routingModel');
    const badWindow = await call(
      s.base,
      'PUT',
      `/api/zones/${zone}/settings`,
      { measurementWindowDays: 0 },
      s.adminHeaders,
    );
    expect(fieldsOf(badWindow.body)).toContain('measurementWindowDays');
    const settings = ZoneSettingsSchema.parse(
      (await call(s.base, 'GET', `/api/zones/${zone}/settings`)).body,
    );
    expect(settings).toMatchObject({
      requireApproval: false,
      routingModel: 'distance',
      measurementWindowDays: 7,
    });
  });

  it('routes a measured place by its measurements, not by distance', async () => {
    // London → Dublin is 460 km, → Frankfurt 640 km: distance says eu-west-1. The measurements
    // say Frankfurt answers London in 9 ms and Dublin in 31 ms.
    const rows = [];
    for (let i = 0; i < 10; i++) {
      const at = iso(NOW - (i + 1) * 3_600_000);
      rows.push({ region: 'eu-central-1', rttMs: 9 + (i % 3), at, client: { city: LONDON } });
      rows.push({ region: 'eu-west-1', rttMs: 31 + (i % 4), at, client: { city: LONDON } });
    }
    expect(PostMeasurementsResponseSchema.parse((await post({ measurements: rows })).body)).toEqual(
      {
        accepted: 20,
        rejected: [],
      },
    );
    const before = await answer();
    expect(before.Routing.model).toBe('distance');
    expect(before.Routing.chosen?.region).toBe('eu-west-1');
    expect(before.Routing.candidates[0]).toMatchObject({ source: 'distance', samples: 0 });

    const put = await call(
      s.base,
      'PUT',
      `/api/zones/${zone}/settings`,
      { routingModel: 'measured' },
      s.adminHeaders,
    );
    expect(put.status, put.text).toBe(200);
    expect(ZoneSettingsSchema.parse(put.body).routingModel).toBe('measured');

    const after = await answer();
    expect(after.Routing.model).toBe('measured');
    expect(after.Routing.chosen?.region).toBe('eu-central-1');
    const [best, second] = after.Routing.candidates;
    expect(best).toMatchObject({ region: 'eu-central-1', source: 'measured' });
    expect(best?.samples).toBe(10);
    expect(best?.rttMs).toBe(10);
    expect(best?.rttLowMs).toBeLessThanOrEqual(10);
    expect(best?.rttHighMs).toBeGreaterThanOrEqual(10);
    // The second region has measurements too (the earlier rows from London).
    expect(second?.source).toBe('measured');
    expect(after.RecordData).toEqual(['192.0.2.2']);

    // The DNS server answers the same, from London's network.
    let dnsAnswer: unknown;
    for (let i = 0; i < 50; i++) {
      const reply = parse(
        await exchangeUdp(
          s.dns?.port ?? 0,
          buildQuery('app.measured.example', {
            subnet: { family: 1, source: 24, address: '81.2.69.0' },
          }),
        ),
      );
      dnsAnswer = reply.answers[0]?.data;
      if (dnsAnswer === '192.0.2.2') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(dnsAnswer).toBe('192.0.2.2');
  });

  it('replays an older week with at=', async () => {
    // Three weeks ago Dublin was the fast one for London.
    const rows = [];
    const then = NOW - 21 * DAY;
    for (let i = 0; i < 12; i++) {
      const at = iso(then + i * 3_600_000);
      rows.push({ region: 'eu-central-1', rttMs: 40, at, client: { city: LONDON } });
      rows.push({ region: 'eu-west-1', rttMs: 8, at, client: { city: LONDON } });
    }
    expect(
      PostMeasurementsResponseSchema.parse((await post({ measurements: rows })).body).accepted,
    ).toBe(24);
    const now = await answer();
    expect(now.Routing.chosen?.region).toBe('eu-central-1');
    const replay = await answer(`&at=${encodeURIComponent(iso(then + DAY))}`);
    expect(replay.Routing.at).toBe(iso(then + DAY));
    expect(replay.Routing.chosen?.region).toBe('eu-west-1');
    expect(replay.Routing.candidates[0]).toMatchObject({ source: 'measured', samples: 12 });
    const badAt = await call(
      s.base,
      'GET',
      `/api/zones/${zone}/testdnsanswer?recordname=app.measured.example&recordtype=A&at=last-week`,
    );
    expect(badAt.status).toBe(400);
    expect(fieldsOf(badAt.body)).toContain('at');
  });

  it('serves the snapshot the dashboard routes by, a summary and a place’s series', async () => {
    const snap = MeasurementSnapshotSchema.parse(
      (await call(s.base, 'GET', `/api/measurements/snapshot?zone=${zone}`)).body,
    );
    expect(snap.windowDays).toBe(7);
    expect(snap.resolution).toBe(5);
    const central = snap.rows.filter((r) => r[1] === 'eu-central-1');
    expect(central.length).toBeGreaterThan(0);
    expect(Date.parse(snap.to) - Date.parse(snap.from)).toBe(7 * DAY);

    const summary = MeasurementSummarySchema.parse(
      (await call(s.base, 'GET', '/api/measurements/summary')).body,
    );
    expect(summary.samples).toBe(53);
    expect(summary.retentionDays).toBe(30);
    expect(summary.regions).toEqual(['eu-central-1', 'eu-west-1']);
    expect(summary.oldest).toBe(iso(Math.floor((NOW - 21 * DAY) / 3_600_000) * 3_600_000));

    const series = MeasurementSeriesSchema.parse(
      (
        await call(
          s.base,
          'GET',
          `/api/measurements/series?region=eu-west-1&city=${LONDON}&from=${iso(NOW - 25 * DAY)}&to=${iso(NOW)}`,
        )
      ).body,
    );
    expect(series.bucket).toBe('day');
    expect(series.points[0]).toMatchObject({ samples: 12, medianMs: 8 });
    expect(series.points.at(-1)?.medianMs).toBeGreaterThan(20);
    expect(series.distanceMs).toBeGreaterThan(0);
    const noRegion = await call(s.base, 'GET', `/api/measurements/series?region=x&city=${LONDON}`);
    expect(fieldsOf(noRegion.body)).toContain('region');
  });

  it('counts the impact of a proposal with the zone’s model, and as at a time', async () => {
    // Retire Dublin: under the measured model London is on Frankfurt already, so it does not
    // move now; three weeks ago (Dublin fast) it would have.
    const created = await call(
      s.base,
      'POST',
      `/api/zones/${zone}/proposals`,
      {
        ChangeBatch: {
          Changes: [
            {
              Action: 'DELETE',
              ResourceRecordSet: {
                Name: 'app.measured.example',
                Type: 'A',
                SetIdentifier: 'dublin',
                Region: 'eu-west-1',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.1' }],
              },
            },
          ],
        },
      },
      s.adminHeaders,
    );
    expect(created.status, created.text).toBe(201);
    const pid = (created.body as { id: string }).id;
    const impactAt = async (at?: string) => {
      const res = await call(
        s.base,
        'GET',
        `/api/proposals/${pid}/impact${at ? `?at=${encodeURIComponent(at)}` : ''}`,
      );
      expect(res.status, res.text).toBe(200);
      return (
        res.body as {
          impact: {
            model: string;
            names: { flows: { from: string; to: string; population: number }[] }[];
          };
        }
      ).impact;
    };
    const now = await impactAt();
    expect(now.model).toBe('measured');
    const then = await impactAt(iso(NOW - 20 * DAY));
    const movedNow = now.names[0]?.flows.reduce((t, f) => t + f.population, 0) ?? 0;
    const movedThen = then.names[0]?.flows.reduce((t, f) => t + f.population, 0) ?? 0;
    // London (8.9 M) moves only in the replay.
    expect(movedThen - movedNow).toBeGreaterThan(5_000_000);
    const bad = await call(s.base, 'GET', `/api/proposals/${pid}/impact?at=soon`);
    expect(fieldsOf(bad.body)).toContain('at');
  });

  it('keeps aggregates after raw samples pass retention', async () => {
    const before = await s.repository.measurementAggregates({
      from: NOW - 22 * DAY,
      to: NOW - 20 * DAY,
    });
    expect(before.length).toBeGreaterThan(0);
    await s.repository.compactMeasurements({
      rawBefore: NOW - 10 * DAY,
      aggregatesBefore: NOW - 400 * DAY,
    });
    const stats = await s.repository.measurementStats();
    expect(stats.samples).toBeLessThan(60);
    const after = await s.repository.measurementAggregates({
      from: NOW - 22 * DAY,
      to: NOW - 20 * DAY,
    });
    expect(after).toEqual(before);
    const replay = await answer(`&at=${encodeURIComponent(iso(NOW - 20 * DAY))}`);
    expect(replay.Routing.chosen?.region).toBe('eu-west-1');
  });
});
