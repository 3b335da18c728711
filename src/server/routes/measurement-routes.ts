import type { FastifyInstance } from 'fastify';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { greatCircleKm } from '../../engine/geo';
import { estimateRttFromDistance } from '../../engine/latency-model';
import { combineAggregates, MEASURED_CELL_RESOLUTION } from '../../engine/measured-latency';
import { findRegion } from '../../engine/regions';
import {
  DAY_MS,
  DEFAULT_WINDOW_DAYS,
  HOUR_MS,
  MAX_WINDOW_DAYS,
  type MeasurementSeries,
  MeasurementSeriesQuerySchema,
  MeasurementSnapshotQuerySchema,
  type MeasurementSnapshotWire,
  type MeasurementSummary,
  type PostMeasurementsResponse,
} from '../../shared/measurements';
import { requireRole } from '../auth/auth-hook';
import {
  CsvHeaderError,
  type ParsedRows,
  parseCsv,
  parseNdjson,
} from '../domain/measurement-formats';
import { type MeasurementService, parseIsoTime } from '../domain/measurements';
import type { ServerGeo } from '../geo/load-geo';
import type { Repository } from '../storage/repository';
import { invalidField, invalidInput } from './api-error';
import { findZone } from './zone-routes';

/** 100,000 rows of JSON are about 15 MB. */
export const MEASUREMENT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/** `at=` (ISO) → ms epoch, or the field error. */
export function parseAtParam(raw: string | undefined, field = 'at'): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const t = parseIsoTime(raw);
  if (t === null) {
    throw invalidField(
      field,
      `"${raw}" is not an ISO 8601 time with a zone, e.g. 2026-11-30T12:00:00Z`,
    );
  }
  return t;
}

function parseWindowDays(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!/^\d{1,2}$/.test(raw.trim()) || n < 1 || n > MAX_WINDOW_DAYS) {
    throw invalidField(
      'windowDays',
      `"${raw}" is not a whole number of days in 1–${MAX_WINDOW_DAYS}`,
    );
  }
  return n;
}

/**
 * POST /api/measurements (JSON, NDJSON or CSV), the snapshot a zone routes by (for the
 * dashboard's catchment, built with the same engine), the store's summary, and a place's RTT
 * series. Encapsulated so that the text parsers apply to these routes only.
 */
export function registerMeasurementRoutes(
  app: FastifyInstance,
  deps: { repository: Repository; geo: ServerGeo; measurements: MeasurementService },
): void {
  const { repository, geo, measurements } = deps;
  app.register(async (scoped) => {
    for (const type of ['text/csv', 'application/x-ndjson', 'application/ndjson']) {
      scoped.addContentTypeParser(
        type,
        { parseAs: 'string', bodyLimit: MEASUREMENT_BODY_LIMIT_BYTES },
        (_req, body, done) => done(null, { [type]: body }),
      );
    }

    scoped.post(
      '/api/measurements',
      { config: { access: 'token' }, bodyLimit: MEASUREMENT_BODY_LIMIT_BYTES },
      async (req, reply): Promise<PostMeasurementsResponse> => {
        // A reporter token, or an editor and above: a viewer only reads.
        const principal =
          req.principal?.role === 'reporter'
            ? req.principal
            : requireRole(req, 'editor', 'posting measurements (or a reporter token)');
        const body = req.body as unknown;
        let parsed: ParsedRows;
        if (typeof body === 'object' && body !== null && 'text/csv' in body) {
          try {
            parsed = parseCsv(String((body as Record<string, unknown>)['text/csv']));
          } catch (err) {
            if (err instanceof CsvHeaderError) throw invalidField('header', err.message);
            throw err;
          }
        } else if (
          typeof body === 'object' &&
          body !== null &&
          ('application/x-ndjson' in body || 'application/ndjson' in body)
        ) {
          const b = body as Record<string, unknown>;
          parsed = parseNdjson(String(b['application/x-ndjson'] ?? b['application/ndjson']));
        } else {
          const rows = (body as { measurements?: unknown } | undefined)?.measurements;
          if (typeof body !== 'object' || body === null || Array.isArray(body)) {
            throw invalidField(
              'measurements',
              'send {"measurements":[…]} as JSON, or the rows as NDJSON or CSV',
            );
          }
          if (!Array.isArray(rows)) {
            throw invalidField(
              'measurements',
              'measurements is required: an array of measurements',
            );
          }
          parsed = { rows, rejected: [], positions: rows.map((_, i) => i) };
        }
        const result = await measurements.ingest(parsed.rows, {
          defaultSource: principal.name,
          positions: parsed.positions,
          extraRejected: parsed.rejected,
        });
        return reply.code(202).send(result);
      },
    );
  });

  app.get('/api/measurements/summary', async (): Promise<MeasurementSummary> => {
    await measurements.compact();
    const s = await repository.measurementStats();
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      samples: s.samples,
      aggregates: s.aggregates,
      oldest: iso(s.oldestHour),
      newest: iso(s.newestHour),
      retentionDays: measurements.settings.retentionDays,
      aggregateRetentionDays: measurements.settings.aggregateRetentionDays,
      cells: s.cells,
      regions: s.regions,
    };
  });

  app.get('/api/measurements/snapshot', async (req): Promise<MeasurementSnapshotWire> => {
    const q = MeasurementSnapshotQuerySchema.safeParse(req.query);
    if (!q.success) throw invalidInput(q.error);
    const at = parseAtParam(q.data.at);
    let windowDays = parseWindowDays(q.data.windowDays);
    if (windowDays === undefined && q.data.zone !== undefined) {
      const zone = await findZone(repository, { id: q.data.zone });
      windowDays = (await repository.getZoneSettings(zone.id))?.measurementWindowDays;
    }
    const days = windowDays ?? DEFAULT_WINDOW_DAYS;
    const snap = await measurements.snapshot({
      windowDays: days,
      ...(at !== undefined ? { at } : {}),
    });
    return {
      resolution: snap.resolution,
      from: new Date(snap.from).toISOString(),
      to: new Date(snap.to).toISOString(),
      windowDays: days,
      rows: combineAggregates(snap.aggregates, { dropNetwork: true }).map((a) => [
        a.cell,
        a.region,
        a.samples,
        a.medianMs,
        a.p25Ms,
        a.p75Ms,
      ]),
    };
  });

  app.get('/api/measurements/series', async (req): Promise<MeasurementSeries> => {
    const q = MeasurementSeriesQuerySchema.safeParse(req.query);
    if (!q.success) throw invalidInput(q.error);
    const region = findRegion(q.data.region);
    if (region === undefined)
      throw invalidField('region', `"${q.data.region}" is not an AWS region`);
    let client: unknown;
    if (q.data.city !== undefined) client = { city: q.data.city };
    else if (q.data.lat !== undefined || q.data.lon !== undefined) {
      client = { lat: Number(q.data.lat), lon: Number(q.data.lon) };
    } else if (q.data.ip !== undefined) client = { ip: q.data.ip };
    else throw invalidField('city', 'give the place: city, lat and lon, or ip');
    const where = measurements.locate(client);
    if ('field' in where) throw invalidField(where.field.replace(/^client\./, ''), where.message);
    const to = parseAtParam(q.data.to, 'to') ?? Date.now();
    const from = parseAtParam(q.data.from, 'from') ?? to - 30 * DAY_MS;
    if (!(from < to)) throw invalidField('from', 'from must be before to');
    const bucket = q.data.bucket ?? 'day';
    const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
    if ((to - from) / size > 5_000) {
      throw invalidField('from', `that is more than 5,000 ${bucket}s: narrow it or use bucket=day`);
    }
    const cell = latLngToCell(where.lat, where.lon, MEASURED_CELL_RESOLUTION);
    const rows = await repository.measurementAggregates({
      from,
      to,
      dropNetwork: true,
      cell,
      region: region.code,
    });
    const byBucket = new Map<number, typeof rows>();
    for (const r of rows) {
      const b = Math.floor(r.hour / size) * size;
      const list = byBucket.get(b);
      if (list === undefined) byBucket.set(b, [r]);
      else list.push(r);
    }
    const points = [...byBucket]
      .sort((a, b) => a[0] - b[0])
      .map(([b, list]) => {
        const [c] = combineAggregates(list, { dropNetwork: true });
        return {
          at: new Date(b).toISOString(),
          samples: c?.samples ?? 0,
          medianMs: c?.medianMs ?? 0,
          p25Ms: c?.p25Ms ?? 0,
          p75Ms: c?.p75Ms ?? 0,
        };
      });
    const [clat, clon] = cellToLatLng(cell);
    const label =
      q.data.city !== undefined
        ? (geo.city(q.data.city)?.label ?? q.data.city)
        : `${where.lat.toFixed(2)}, ${where.lon.toFixed(2)}`;
    return {
      region: region.code,
      cell,
      place: { lat: clat, lon: clon, label },
      bucket,
      points,
      distanceMs: estimateRttFromDistance(greatCircleKm(where, region)).rttMs,
    };
  });
}
