import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Repository, Responder } from '../storage/repository';
import type { ServedVersions } from './change-status';

/** What the registry needs of this process's DNS server. */
export interface LocalDnsResponder {
  host: string;
  port: number;
  /** The lowest version every responder of this process serves (-1: not served). */
  servedVersion(zoneId: string): number;
  /** Every served zone id with its version. */
  servedVersions(): [zoneId: string, version: number][];
}

export interface ResponderRegistryOptions {
  /** How often this process sends its heartbeat (and re-reads the others), ms; default 1 s. */
  heartbeatMs?: number;
  /** A responder is live while its last heartbeat is younger than this, ms; default 5 s. */
  liveMs?: number;
  /**
   * A responder silent for this long is removed from the registry (by whichever instance sees
   * it first), ms; default one day. Until then it is listed, not live.
   */
  forgetAfterMs?: number;
  /** This responder's id; default `<hostname>:<pid>:<random>`. */
  id?: string;
  onError?: (err: unknown) => void;
}

/** `127.0.0.1:8053`, `[::1]:8053`. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * This process's DNS server among every instance's on one database: it registers and sends a
 * heartbeat with the versions it serves, and keeps the last-read live set so `servedVersion`
 * (synchronous, as change status needs) is the lowest version every live responder serves.
 */
export class ResponderRegistry implements ServedVersions {
  readonly id: string;
  readonly heartbeatMs: number;
  readonly liveMs: number;
  private timer: NodeJS.Timeout | null = null;
  private others: Responder[] = [];
  private beating: Promise<void> | null = null;
  private beatAgain = false;
  private lastPrune = 0;
  /** When `others` was last read (ms epoch), and the read under way. */
  private othersReadAt = 0;
  private reading: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly repository: Repository,
    private readonly dns: LocalDnsResponder,
    private readonly opts: ResponderRegistryOptions = {},
  ) {
    this.id = opts.id ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.heartbeatMs = opts.heartbeatMs ?? 1_000;
    this.liveMs = opts.liveMs ?? 5_000;
  }

  get address(): string {
    return hostPort(this.dns.host, this.dns.port);
  }

  /** Sends the first heartbeat (and reads the others), then one every `heartbeatMs`. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.beat();
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      if (this.beating === null) this.beat().catch((err) => this.opts.onError?.(err));
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /**
   * What this process's DNS serves changed: report it now rather than at the next heartbeat,
   * so a change is INSYNC as soon as every responder serves it. Calls while a heartbeat is
   * under way are folded into one more heartbeat after it.
   */
  served(): void {
    if (this.stopped || this.timer === null) return;
    if (this.beating !== null) {
      this.beatAgain = true;
      return;
    }
    this.beat().catch((err) => this.opts.onError?.(err));
  }

  /** Stops the heartbeat and removes this responder from the registry. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.beating?.catch(() => {});
    this.others = [];
    await this.repository.removeResponder(this.id).catch((err) => this.opts.onError?.(err));
  }

  /** One heartbeat now: report what this process serves, then re-read the live set. */
  beat(): Promise<void> {
    const run = async () => {
      try {
        await this.repository.heartbeatResponder({
          id: this.id,
          address: this.address,
          versions: Object.fromEntries(this.dns.servedVersions()),
        });
        await this.readOthers();
        await this.prune();
      } finally {
        this.beating = null;
        if (this.beatAgain && !this.stopped) {
          this.beatAgain = false;
          this.beat().catch((err) => this.opts.onError?.(err));
        }
      }
    };
    this.beating = run();
    return this.beating;
  }

  private async readOthers(): Promise<void> {
    const at = Date.now();
    const live = await this.repository.listResponders({ liveSince: this.liveSince(at) });
    if (this.stopped) return;
    this.others = live.filter((r) => r.id !== this.id);
    this.othersReadAt = at;
  }

  /**
   * Re-reads the other responders when the last read is older than `maxAgeMs`, so a status
   * that clients poll sees their reports within that, not only at this process's heartbeat.
   * A failed read keeps the last view (and is reported).
   */
  async fresh(maxAgeMs = 100): Promise<void> {
    if (this.stopped || Date.now() - this.othersReadAt <= maxAgeMs) return;
    this.reading ??= this.readOthers()
      .catch((err) => this.opts.onError?.(err))
      .finally(() => {
        this.reading = null;
      });
    await this.reading;
  }

  /** At most once a minute: forget responders silent for longer than `forgetAfterMs`. */
  private async prune(now = Date.now()): Promise<void> {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    const before = new Date(now - (this.opts.forgetAfterMs ?? 86_400_000)).toISOString();
    for (const r of await this.repository.listResponders()) {
      if (r.id !== this.id && r.lastSeen < before) await this.repository.removeResponder(r.id);
    }
  }

  /** ISO: responders seen at or after it are live. */
  liveSince(now = Date.now()): string {
    return new Date(now - this.liveMs).toISOString();
  }

  /**
   * The lowest version of the zone every live responder serves: this process's DNS (read now)
   * and the others as of the last read (a heartbeat, or fresh() for polled statuses; -1 where
   * one does not serve the zone yet).
   */
  servedVersion(zoneId: string): number {
    let min = this.dns.servedVersion(zoneId);
    const since = this.liveSince();
    for (const r of this.others) {
      if (r.lastSeen < since) continue;
      min = Math.min(min, r.versions[zoneId] ?? -1);
    }
    return min;
  }
}
