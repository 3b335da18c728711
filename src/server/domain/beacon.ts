import { randomBytes } from 'node:crypto';
import { MAX_RTT_MS, type PostMeasurementsResponse } from '../../shared/measurements';
import type { Repository } from '../storage/repository';
import { DomainFieldError } from './errors';
import type { MeasurementService } from './measurements';

/**
 * The browser beacon: visitors' browsers time fetches to a zone's probe URLs and post the RTTs
 * with the zone's public key. The key can do nothing but this; the client is the address the
 * post comes from (never what the page claims), and posts are rate limited per address and per
 * zone, so a copied key cannot flood the store.
 */

export const BEACON_KEY_PREFIX = 'lab_';

/** Most timings one post may carry (one per region, a few rounds). */
export const MAX_BEACON_ROWS = 64;

export interface BeaconLimits {
  /** Posts one client address may make per minute (per zone). */
  perAddressPerMinute: number;
  /** Posts a zone accepts per minute from everyone. */
  perZonePerMinute: number;
}

export const DEFAULT_BEACON_LIMITS: BeaconLimits = {
  perAddressPerMinute: 6,
  perZonePerMinute: 6_000,
};

export function newBeaconKey(): string {
  return `${BEACON_KEY_PREFIX}${randomBytes(18).toString('base64url')}`;
}

/** A fixed-window counter per key (minute buckets), bounded in size. */
class MinuteCounter {
  private minute = -1;
  private counts = new Map<string, number>();
  constructor(private readonly maxKeys = 100_000) {}
  /** Counts one; false when `limit` is already reached this minute. */
  take(key: string, limit: number, now: number): boolean {
    const m = Math.floor(now / 60_000);
    if (m !== this.minute) {
      this.minute = m;
      this.counts = new Map();
    }
    const n = this.counts.get(key) ?? 0;
    if (n >= limit) return false;
    if (this.counts.size >= this.maxKeys && n === 0) return false;
    this.counts.set(key, n + 1);
    return true;
  }
}

export class BeaconRateLimitedError extends Error {
  constructor(readonly scope: 'address' | 'zone') {
    super(
      scope === 'address'
        ? 'too many beacon posts from this address: try again in a minute'
        : 'this zone takes no more beacon posts this minute',
    );
  }
}

export interface BeaconService {
  /** The zone's probe URLs when `key` is its beacon key; null otherwise. */
  probesFor(zoneId: string, key: string): Promise<Record<string, string> | null>;
  /** Store one post's timings as measurements from `clientAddress`. */
  post(
    zoneId: string,
    key: string,
    body: unknown,
    clientAddress: string,
  ): Promise<PostMeasurementsResponse>;
}

export function createBeaconService(
  repository: Repository,
  measurements: MeasurementService,
  opts: {
    limits?: Partial<BeaconLimits>;
    /**
     * A post from loopback counts as coming from this address (tests and local demos, whose
     * browsers are on this machine); without it such posts are rejected (no location).
     */
    loopbackAddress?: string;
    now?: () => number;
  } = {},
): BeaconService {
  const limits = { ...DEFAULT_BEACON_LIMITS, ...opts.limits };
  const now = opts.now ?? Date.now;
  const byAddress = new MinuteCounter();
  const byZone = new MinuteCounter();

  async function probesFor(zoneId: string, key: string) {
    if (!key.startsWith(BEACON_KEY_PREFIX)) return null;
    if ((await repository.findZoneByBeaconKey(key)) !== zoneId) return null;
    return (await repository.getZoneSettings(zoneId))?.probeUrls ?? null;
  }

  return {
    probesFor,
    async post(zoneId, key, body, clientAddress) {
      const probes = await probesFor(zoneId, key);
      if (probes === null) throw new DomainFieldError('key', 'not the beacon key of this zone');
      const t = now();
      if (!byAddress.take(`${zoneId}|${clientAddress}`, limits.perAddressPerMinute, t)) {
        throw new BeaconRateLimitedError('address');
      }
      if (!byZone.take(zoneId, limits.perZonePerMinute, t)) {
        throw new BeaconRateLimitedError('zone');
      }
      const rows = (body as { measurements?: unknown } | null)?.measurements;
      if (!Array.isArray(rows)) {
        throw new DomainFieldError('measurements', 'measurements is required: [{region, rttMs}]');
      }
      if (rows.length > MAX_BEACON_ROWS) {
        throw new DomainFieldError('measurements', `at most ${MAX_BEACON_ROWS} timings a post`);
      }
      const isLoopback = /^(127\.|::1$|::ffff:127\.)/.test(clientAddress);
      const address = isLoopback && opts.loopbackAddress ? opts.loopbackAddress : clientAddress;
      const rejected: PostMeasurementsResponse['rejected'] = [];
      const good: unknown[] = [];
      const positions: number[] = [];
      rows.forEach((row, index) => {
        const r = row as { region?: unknown; rttMs?: unknown } | null;
        const region = typeof r?.region === 'string' ? r.region : '';
        if (probes[region] === undefined) {
          rejected.push({
            index,
            field: 'region',
            message: `the zone has no probe for "${region}"`,
          });
          return;
        }
        if (typeof r?.rttMs !== 'number' || !(r.rttMs > 0) || r.rttMs > MAX_RTT_MS) {
          rejected.push({ index, field: 'rttMs', message: 'rttMs is a number of ms > 0' });
          return;
        }
        good.push({ region, rttMs: r.rttMs, client: { ip: address }, source: `beacon:${zoneId}` });
        positions.push(index);
      });
      return measurements.ingest(good, { positions, extraRejected: rejected });
    },
  };
}
