import { latLngToCell } from 'h3-js';
import {
  describeNonPublicAddress,
  parseIpAddress,
  truncateClientSubnet,
} from '../../engine/client-subnet';
import { distanceLatencyModel } from '../../engine/latency-model';
import {
  createMeasuredModel,
  createPointCellCache,
  type LatencySnapshot,
  MEASURED_CELL_RESOLUTION,
  type MeasuredLatencyModel,
} from '../../engine/measured-latency';
import { findRegion } from '../../engine/regions';
import type { GeoPoint, LatencyModel } from '../../engine/types';
import {
  DAY_MS,
  DEFAULT_WINDOW_DAYS,
  HOUR_MS,
  MAX_FUTURE_SKEW_MS,
  MAX_MEASUREMENTS_PER_REQUEST,
  MAX_RTT_MS,
  type PostMeasurementsResponse,
  type RejectedMeasurement,
  type RoutingModel,
} from '../../shared/measurements';
import type { ServerGeo } from '../geo/load-geo';
import type { Repository, StoredMeasurement, ZoneSettings } from '../storage/repository';
import { DomainFieldError } from './errors';

/**
 * Measured latency in the domain: rows checked and located (ip, subnet, coordinates or city),
 * stored raw, aggregated by hour; snapshots of a window turned into the engine's measured model,
 * cached by the store's measurement version and the window's end hour, so testdnsanswer, the DNS
 * server and impact all route one zone with one model.
 */

export interface MeasurementSettings {
  /** Raw samples are kept this long, days (LATENCY_ATLAS_MEASUREMENT_RETENTION_DAYS, 30). */
  retentionDays: number;
  /** Hour aggregates are kept this long, days (LATENCY_ATLAS_AGGREGATE_RETENTION_DAYS, 400). */
  aggregateRetentionDays: number;
}

export const DEFAULT_MEASUREMENT_SETTINGS: MeasurementSettings = {
  retentionDays: 30,
  aggregateRetentionDays: 400,
};

/** Snapshots (and models) kept per process: now for a few windows, plus replayed times. */
const MODEL_CACHE_LIMIT = 24;

/** A model built faster than this is rebuilt before answering when new samples arrived, ms. */
const SYNC_BUILD_MS = 250;

interface Built {
  snapshot: LatencySnapshot;
  model: MeasuredLatencyModel;
  /** The store's measurement version it was built from. */
  version: number;
  key: string;
  buildMs: number;
}

type Located = GeoPoint & { network: string | null };
type Reject = { field: string; message: string };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** An ISO 8601 time with a zone (Z or ±hh:mm) → ms epoch, or null. */
export function parseIsoTime(text: string): number | null {
  if (!ISO_TIME.test(text.trim())) return null;
  const t = Date.parse(text.trim());
  return Number.isFinite(t) ? t : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const CLIENT_FORMS = 'one of {"ip"}, {"subnet"}, {"lat","lon"} or {"city"}';

/** The network a measurement stands for: the /24 (IPv4) or /48 (IPv6) holding the client. */
function networkOf(address: string, prefix: number, family: 4 | 6): string | null {
  const want = family === 4 ? 24 : 48;
  if (prefix < want) return null;
  const t = truncateClientSubnet(address, want);
  return t.ok ? t.cidr : null;
}

export interface ZoneModel {
  model: LatencyModel;
  routingModel: RoutingModel;
  key: string;
}

export interface MeasurementService {
  readonly settings: MeasurementSettings;
  /**
   * Checks, locates and stores rows; bad rows are named (index, field, message) and skipped.
   * `defaultSource` stands in for a row without `source` (the token's name).
   */
  ingest(
    rows: readonly unknown[],
    opts?: {
      defaultSource?: string;
      /** Position in the input of each row (text forms skip unreadable rows). */
      positions?: readonly number[];
      extraRejected?: RejectedMeasurement[];
    },
  ): Promise<PostMeasurementsResponse>;
  /** The aggregates of the window [at − windowDays, at), networks pooled. */
  snapshot(opts: { at?: number; windowDays: number }): Promise<LatencySnapshot>;
  /** The latency model a zone routes with (the distance model unless it chose "measured"). */
  modelFor(
    settings: Pick<ZoneSettings, 'routingModel' | 'measurementWindowDays'> | null,
    at?: number,
  ): Promise<LatencyModel>;
  /**
   * The model a zone routes with at `at` (default now), and a key that changes exactly when the
   * model does (for caches of answers and compiled tables).
   */
  zoneModel(zoneId: string, at?: number): Promise<ZoneModel>;
  /** Aggregate pending hours and drop samples past retention. */
  compact(): Promise<void>;
  /** The store's measurement version (changes with every insert and prune). */
  version(): Promise<number>;
  locate(client: unknown): Located | Reject;
}

export function createMeasurementService(
  repository: Repository,
  geo: ServerGeo,
  opts: { settings?: Partial<MeasurementSettings>; now?: () => number } = {},
): MeasurementService {
  const settings: MeasurementSettings = { ...DEFAULT_MEASUREMENT_SETTINGS, ...opts.settings };
  const now = opts.now ?? Date.now;
  const latest = new Map<string, Built>();
  const building = new Map<string, { version: number; promise: Promise<Built> }>();
  // One point → cell table for every model of this process: DNS leaves and cities repeat.
  const cellCache = createPointCellCache(MEASURED_CELL_RESOLUTION);

  function locate(client: unknown): Located | Reject {
    if (!isRecord(client)) {
      return { field: 'client', message: `client is required: ${CLIENT_FORMS}` };
    }
    const keys = Object.keys(client);
    if ('ip' in client) {
      if (keys.length !== 1) return { field: 'client', message: `client must be ${CLIENT_FORMS}` };
      const raw = client.ip;
      const parsed = typeof raw === 'string' ? parseIpAddress(raw.trim()) : null;
      if (parsed === null) {
        return {
          field: 'client.ip',
          message: `${JSON.stringify(raw)} is not an IPv4 or IPv6 address`,
        };
      }
      const found = geo.ip(parsed.address);
      if (found === null) return noLocation('client.ip', parsed.address);
      return {
        lat: found.lat,
        lon: found.lon,
        network: networkOf(parsed.address, parsed.family === 4 ? 32 : 128, parsed.family),
      };
    }
    if ('subnet' in client) {
      if (keys.length !== 1) return { field: 'client', message: `client must be ${CLIENT_FORMS}` };
      const raw = client.subnet;
      const m = typeof raw === 'string' ? /^\s*([^/\s]+)\/(\d{1,3})\s*$/.exec(raw) : null;
      if (m === null) {
        return {
          field: 'client.subnet',
          message: `${JSON.stringify(raw)} is not a network in CIDR form, e.g. 81.2.69.0/24`,
        };
      }
      const t = truncateClientSubnet(m[1] as string, Number(m[2]));
      if (!t.ok) return { field: 'client.subnet', message: t.message };
      const found = geo.ip(t.address);
      if (found === null) return noLocation('client.subnet', t.cidr);
      return { lat: found.lat, lon: found.lon, network: networkOf(t.address, t.prefix, t.family) };
    }
    if ('lat' in client || 'lon' in client) {
      if (keys.length !== 2 || !('lat' in client) || !('lon' in client)) {
        return { field: 'client', message: 'client coordinates need both lat and lon (degrees)' };
      }
      const lat = client.lat;
      const lon = client.lon;
      if (typeof lat !== 'number' || !Number.isFinite(lat) || Math.abs(lat) > 90) {
        return {
          field: 'client.lat',
          message: `lat ${JSON.stringify(lat)} is not a latitude in -90..90 degrees`,
        };
      }
      if (typeof lon !== 'number' || !Number.isFinite(lon) || Math.abs(lon) > 180) {
        return {
          field: 'client.lon',
          message: `lon ${JSON.stringify(lon)} is not a longitude in -180..180 degrees`,
        };
      }
      return { lat, lon, network: null };
    }
    if ('city' in client) {
      if (keys.length !== 1) return { field: 'client', message: `client must be ${CLIENT_FORMS}` };
      const raw = client.city;
      const id =
        typeof raw === 'number' && Number.isInteger(raw)
          ? String(raw)
          : typeof raw === 'string' && /^\s*\d{1,12}\s*$/.test(raw)
            ? raw.trim()
            : null;
      if (id === null) {
        return {
          field: 'client.city',
          message: `${JSON.stringify(raw)} is not a GeoNames city id`,
        };
      }
      const city = geo.city(id);
      if (city === null) return { field: 'client.city', message: `no city with id ${id}` };
      return { lat: city.lat, lon: city.lon, network: null };
    }
    return { field: 'client', message: `client must be ${CLIENT_FORMS}` };
  }

  function noLocation(field: string, address: string): Reject {
    const why = describeNonPublicAddress(address.split('/')[0] ?? address);
    return {
      field,
      message:
        why !== null
          ? `${address} is in ${why}, so it has no location`
          : `${address} is not in the IP location data`,
    };
  }

  function checkRow(
    row: unknown,
    t: number,
    defaultSource: string | undefined,
  ): StoredMeasurement | Reject {
    if (!isRecord(row)) return { field: '', message: 'a measurement is an object' };
    for (const key of Object.keys(row)) {
      if (
        key !== 'region' &&
        key !== 'rttMs' &&
        key !== 'at' &&
        key !== 'client' &&
        key !== 'source'
      ) {
        return {
          field: key,
          message: `unknown field "${key}" (region, rttMs, at, client, source)`,
        };
      }
    }
    const region = row.region;
    if (typeof region !== 'string' || region === '') {
      return { field: 'region', message: 'region is required, e.g. "eu-west-1"' };
    }
    if (findRegion(region) === undefined) {
      return { field: 'region', message: `"${region}" is not an AWS region` };
    }
    let rtt = row.rttMs;
    if (typeof rtt === 'string' && DECIMAL.test(rtt.trim())) rtt = Number(rtt.trim());
    if (typeof rtt !== 'number' || !Number.isFinite(rtt)) {
      return {
        field: 'rttMs',
        message: `rttMs ${JSON.stringify(row.rttMs)} is not a number of ms`,
      };
    }
    if (!(rtt > 0) || rtt > MAX_RTT_MS) {
      return { field: 'rttMs', message: `rttMs ${rtt} is outside 0 < rttMs ≤ ${MAX_RTT_MS} ms` };
    }
    let at = t;
    if (row.at !== undefined && row.at !== null && row.at !== '') {
      const parsed = typeof row.at === 'string' ? parseIsoTime(row.at) : null;
      if (parsed === null) {
        return {
          field: 'at',
          message: `at ${JSON.stringify(row.at)} is not an ISO 8601 time with a zone, e.g. 2026-11-30T12:00:00Z`,
        };
      }
      if (parsed > t + MAX_FUTURE_SKEW_MS) {
        return { field: 'at', message: `at ${row.at} is in the future` };
      }
      if (parsed < t - settings.retentionDays * DAY_MS) {
        return {
          field: 'at',
          message: `at ${row.at} is older than the ${settings.retentionDays}-day retention of raw measurements`,
        };
      }
      at = parsed;
    }
    let source: string | null = defaultSource ?? null;
    if (row.source !== undefined && row.source !== null && row.source !== '') {
      if (typeof row.source !== 'string' || row.source.length > 128) {
        return { field: 'source', message: 'source is text of at most 128 characters' };
      }
      source = row.source;
    }
    const where = locate(row.client);
    if ('field' in where) return where;
    return {
      at,
      region,
      rttMs: Math.round(rtt * 1000) / 1000,
      lat: where.lat,
      lon: where.lon,
      cell: latLngToCell(where.lat, where.lon, MEASURED_CELL_RESOLUTION),
      network: where.network,
      source,
    };
  }

  /** Builds (or shares the build in flight of) the model of one window at one store version. */
  function build(slot: string, windowDays: number, hour: number, version: number): Promise<Built> {
    const running = building.get(slot);
    if (running !== undefined && running.version === version) return running.promise;
    const promise = (async (): Promise<Built> => {
      const started = Date.now();
      const to = hour * HOUR_MS;
      const from = to - windowDays * DAY_MS;
      // Per network and hour as stored: the model pools them itself.
      const rows = await repository.measurementAggregates({ from, to });
      const snapshot: LatencySnapshot = {
        resolution: MEASURED_CELL_RESOLUTION,
        from,
        to,
        aggregates: rows,
      };
      const model = createMeasuredModel(snapshot, { cellCache });
      const built: Built = {
        snapshot,
        model,
        version,
        key: `measured|${slot}|${version}`,
        buildMs: Date.now() - started,
      };
      if (!latest.has(slot) && latest.size >= MODEL_CACHE_LIMIT) {
        const oldest = latest.keys().next().value;
        if (oldest !== undefined) latest.delete(oldest);
      }
      const have = latest.get(slot);
      if (have === undefined || have.version <= version) latest.set(slot, built);
      return built;
    })();
    building.set(slot, { version, promise });
    const done = () => {
      if (building.get(slot)?.promise === promise) building.delete(slot);
    };
    promise.then(done, done);
    return promise;
  }

  /**
   * The model of the window ending at `at` (hour-aligned). Current when the store has not moved
   * since it was built; when it has, a small model is rebuilt at once, while a large one (built
   * in more than SYNC_BUILD_MS) keeps answering and is rebuilt in the background, so new
   * measurements never stall answers.
   */
  async function measuredModel(windowDays: number, at: number): Promise<Built> {
    const version = await repository.measurementsVersion();
    const hour = Math.ceil(at / HOUR_MS);
    const slot = `${windowDays}|${hour}`;
    const have = latest.get(slot);
    if (have !== undefined && have.version === version) return have;
    if (have !== undefined && have.buildMs > SYNC_BUILD_MS) {
      build(slot, windowDays, hour, version).catch((err: unknown) => {
        console.error('latency-atlas: building the measured model failed', err);
      });
      return have;
    }
    return build(slot, windowDays, hour, version);
  }

  return {
    settings,
    locate,
    async ingest(rows, o = {}) {
      if (rows.length > MAX_MEASUREMENTS_PER_REQUEST) {
        throw new DomainFieldError(
          'measurements',
          `${rows.length} rows is more than ${MAX_MEASUREMENTS_PER_REQUEST} a request: split them`,
        );
      }
      const t = now();
      const rejected: RejectedMeasurement[] = [...(o.extraRejected ?? [])];
      const good: StoredMeasurement[] = [];
      rows.forEach((row, i) => {
        const r = checkRow(row, t, o.defaultSource);
        if ('field' in r)
          rejected.push({ index: o.positions?.[i] ?? i, field: r.field, message: r.message });
        else good.push(r);
      });
      rejected.sort((a, b) => a.index - b.index);
      const accepted = await repository.insertMeasurements(good);
      return { accepted, rejected };
    },
    async snapshot({ at, windowDays }) {
      return (await measuredModel(windowDays, at ?? now())).snapshot;
    },
    async modelFor(zoneSettings, at) {
      if (zoneSettings?.routingModel !== 'measured') return distanceLatencyModel;
      const days = zoneSettings.measurementWindowDays ?? DEFAULT_WINDOW_DAYS;
      return (await measuredModel(days, at ?? now())).model;
    },
    async zoneModel(zoneId, at) {
      const zs = await repository.getZoneSettings(zoneId);
      if (zs?.routingModel !== 'measured') {
        return { model: distanceLatencyModel, routingModel: 'distance', key: 'distance' };
      }
      const t = at ?? now();
      const days = zs.measurementWindowDays;
      const entry = await measuredModel(days, t);
      return { model: entry.model, routingModel: 'measured', key: entry.key };
    },
    async compact() {
      // An hour per transaction, yielding between: the event loop (and DNS in this process)
      // is never held for more than one hour's samples.
      for (;;) {
        const t = now();
        const r = await repository.compactMeasurements({
          rawBefore: t - settings.retentionDays * DAY_MS,
          aggregatesBefore: t - settings.aggregateRetentionDays * DAY_MS,
          maxHours: 1,
        });
        if (r.hoursPending === 0) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    version: () => repository.measurementsVersion(),
  };
}
