import { lookup as dnsLookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { nextCheckerVerdict } from '../../engine/health-status';
import type { StoredHealthCheck } from '../storage/repository';
import type { HealthService } from './health-checks';
import {
  type ProbeResult,
  type ProbeTarget,
  type ProbeTimeouts,
  probeHttp,
  probeTcp,
  ROUTE53_PROBE_TIMEOUTS,
} from './health-probe';

/** The clock and timers the checker runs on; tests pass their own. */
export interface CheckerClock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: CheckerClock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type AddressLookup = (host: string) => Promise<{ address: string; family: number }[]>;

export interface HealthCheckerOptions {
  health: HealthService;
  /** Overrides every check's RequestInterval, ms (LATENCY_ATLAS_HEALTH_INTERVAL_MS; tests). */
  intervalMs?: number;
  /** Probes in flight at once across all checks (default 16). */
  concurrency?: number;
  timeouts?: Partial<ProbeTimeouts>;
  clock?: CheckerClock;
  /** 0 ≤ x < 1, for the jitter of each check's first probe. */
  random?: () => number;
  /** Name → addresses for FullyQualifiedDomainName targets (default node:dns lookup). */
  lookup?: AddressLookup;
  /**
   * This checker's id among every instance's checkers on the database (default
   * `<hostname>:<pid>`). A checker's verdict counts while its latest probe is younger than three
   * of the check's intervals plus 5 s.
   */
  checkerId?: string;
  /** How often configs are re-read from storage (changes by other processes), ms; default 5 s. */
  resyncMs?: number;
  onError?: (err: unknown) => void;
}

interface Scheduled {
  check: StoredHealthCheck;
  timer: unknown;
  inFlight: Promise<void> | null;
  verdict: boolean | null;
  disagreeing: number;
}

const defaultLookup: AddressLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Probes every enabled endpoint check on its interval, as Route 53's checkers do, and reports
 * each probe and the verdict after FailureThreshold to the HealthService (which stores it and
 * recomputes the effective status). One timer per check (first probe jittered), never more
 * than one probe in flight per check, at most `concurrency` in flight overall. CALCULATED and
 * Disabled checks are not probed. Targets are held to the service's target policy at probe
 * time, a name's addresses too (resolved on every probe, connected to as resolved).
 */
export class HealthChecker {
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly clock: CheckerClock;
  private readonly timeouts: ProbeTimeouts;
  private readonly random: () => number;
  private readonly lookup: AddressLookup;
  private readonly concurrency: number;
  readonly checkerId: string;
  private abort = new AbortController();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private stopped = true;
  private syncing: Promise<void> = Promise.resolve();
  private resyncTimer: unknown;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: HealthCheckerOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.timeouts = { ...ROUTE53_PROBE_TIMEOUTS, ...options.timeouts };
    this.random = options.random ?? Math.random;
    this.lookup = options.lookup ?? defaultLookup;
    this.concurrency = Math.max(1, options.concurrency ?? 16);
    this.checkerId = options.checkerId ?? `${hostname()}:${process.pid}`;
  }

  /** Loads the checks and starts probing; config writes through the service re-sync at once. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.unsubscribe = this.options.health.onConfigChange(() => {
      void this.sync();
    });
    await this.sync();
    this.scheduleResync();
  }

  /** Stops every timer and aborts probes in flight; resolves when they have settled. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clock.clearTimeout(this.resyncTimer);
    this.abort.abort();
    const inFlight: Promise<void>[] = [];
    for (const s of this.scheduled.values()) {
      this.clock.clearTimeout(s.timer);
      if (s.inFlight) inFlight.push(s.inFlight);
    }
    this.scheduled.clear();
    await this.syncing.catch(() => {});
    await Promise.allSettled(inFlight);
  }

  /** Ids of the checks being probed. */
  get probing(): string[] {
    return [...this.scheduled.keys()];
  }

  private scheduleResync(): void {
    const ms = this.options.resyncMs ?? 5000;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      void this.sync().finally(() => {
        if (!this.stopped) this.scheduleResync();
      });
    }, ms);
  }

  private intervalOf(check: StoredHealthCheck): number {
    return this.options.intervalMs ?? check.config.RequestInterval * 1000;
  }

  /** Re-reads the configs: new checks scheduled, changed ones updated, gone ones dropped. */
  sync(): Promise<void> {
    const run = async () => {
      if (this.stopped) return;
      const checks = await this.options.health.repository.listHealthChecks();
      if (this.stopped) return;
      const probed = checks.filter((c) => c.config.Type !== 'CALCULATED' && !c.config.Disabled);
      const keep = new Set(probed.map((c) => c.id));
      for (const [id, s] of this.scheduled) {
        if (!keep.has(id)) {
          this.clock.clearTimeout(s.timer);
          this.scheduled.delete(id);
        }
      }
      const fresh = probed.filter((c) => !this.scheduled.has(c.id));
      const states =
        fresh.length > 0
          ? await this.options.health.repository.getHealthStates(fresh.map((c) => c.id))
          : new Map();
      if (this.stopped) return;
      for (const check of probed) {
        const have = this.scheduled.get(check.id);
        if (have) {
          if (have.check.version !== check.version) {
            have.check = check;
            have.disagreeing = 0;
          }
          continue;
        }
        const entry: Scheduled = {
          check,
          timer: null,
          inFlight: null,
          verdict: states.get(check.id)?.checker ?? null,
          disagreeing: 0,
        };
        this.scheduled.set(check.id, entry);
        const first = this.random() * Math.min(this.intervalOf(check), 1000);
        entry.timer = this.clock.setTimeout(() => this.tick(entry), first);
      }
    };
    const next = this.syncing.then(run, run);
    this.syncing = next.catch((err: unknown) => this.options.onError?.(err));
    return this.syncing;
  }

  private tick(entry: Scheduled): void {
    if (this.stopped || this.scheduled.get(entry.check.id) !== entry || entry.inFlight) return;
    const startedAt = this.clock.now().getTime();
    entry.inFlight = this.probeOnce(entry)
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => {
        entry.inFlight = null;
        if (this.stopped || this.scheduled.get(entry.check.id) !== entry) return;
        const wait = Math.max(
          0,
          startedAt + this.intervalOf(entry.check) - this.clock.now().getTime(),
        );
        entry.timer = this.clock.setTimeout(() => this.tick(entry), wait);
      });
  }

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private async probeOnce(entry: Scheduled): Promise<void> {
    await this.acquire();
    let result: ProbeResult;
    const check = entry.check;
    try {
      if (this.stopped) return;
      result = await this.probe(check);
    } finally {
      this.release();
    }
    if (this.stopped || this.scheduled.get(check.id) !== entry) return;
    const next = nextCheckerVerdict(
      entry.verdict,
      entry.disagreeing,
      result.healthy,
      check.config.FailureThreshold,
    );
    entry.verdict = next.verdict;
    entry.disagreeing = next.disagreeing;
    const now = this.clock.now();
    await this.options.health.recordObservation(
      check.id,
      {
        at: now.toISOString(),
        healthy: result.healthy,
        latencyMs: result.latencyMs,
        reason: result.reason,
      },
      next.verdict,
      {
        checkerId: this.checkerId,
        liveSince: new Date(now.getTime() - 3 * this.intervalOf(check) - 5_000).toISOString(),
      },
    );
  }

  /** One probe of the check's target, refused when the target is not allowed. */
  async probe(check: StoredHealthCheck): Promise<ProbeResult> {
    const c = check.config;
    let address = c.IPAddress;
    if (address !== undefined) {
      const refusal = this.options.health.targetRefusal(address);
      if (refusal !== null) {
        return { healthy: false, latencyMs: null, reason: `refused: ${address} is in ${refusal}` };
      }
    } else if (c.FullyQualifiedDomainName !== undefined) {
      let addresses: { address: string }[];
      try {
        addresses = await this.lookup(c.FullyQualifiedDomainName);
      } catch (err) {
        const code = (err as { code?: unknown } | null)?.code;
        return {
          healthy: false,
          latencyMs: null,
          reason: `name not resolved (${typeof code === 'string' ? code : 'error'})`,
        };
      }
      for (const a of addresses) {
        const refusal = this.options.health.targetRefusal(a.address);
        if (refusal !== null) {
          return {
            healthy: false,
            latencyMs: null,
            reason: `refused: resolves to a private address (${a.address} is in ${refusal})`,
          };
        }
      }
      address = addresses[0]?.address;
      if (address === undefined) {
        return { healthy: false, latencyMs: null, reason: 'name not resolved (no addresses)' };
      }
    } else {
      return { healthy: false, latencyMs: null, reason: 'no target' };
    }
    const target: ProbeTarget = {
      kind: c.Type === 'TCP' ? 'tcp' : c.Type.startsWith('HTTPS') ? 'https' : 'http',
      address,
      port: c.Port ?? (c.Type.startsWith('HTTPS') ? 443 : 80),
      ...(c.FullyQualifiedDomainName !== undefined ? { hostName: c.FullyQualifiedDomainName } : {}),
      ...(c.ResourcePath !== undefined ? { path: c.ResourcePath } : {}),
      ...(c.SearchString !== undefined ? { searchString: c.SearchString } : {}),
    };
    return target.kind === 'tcp'
      ? probeTcp(target, this.timeouts, this.abort.signal)
      : probeHttp(target, this.timeouts, this.abort.signal);
  }
}
