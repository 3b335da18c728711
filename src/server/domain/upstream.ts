import { batchFromListing, diffRecordSets, sortRecordSets } from '../../engine/listing';
import { normalizeName, normalizeRecordSet } from '../../engine/names';
import type { ChangeBatch, ResourceRecordSet } from '../../engine/types';
import type { SecretBox } from '../secrets/secret-box';
import type { Repository, UpstreamConnection } from '../storage/repository';
import type { UpstreamClient, UpstreamCredentials } from '../upstream/route53-client';
import { UpstreamError } from '../upstream/route53-client';
import { DomainValidationError } from './errors';

/**
 * A zone as a managed mirror of a Route 53 hosted zone: connect (checked upstream, secret
 * sealed), import (the batch that makes local equal upstream), push (every applied batch goes
 * upstream first; local changes only when upstream accepted it), drift (record set by record
 * set), and following pushed changes to INSYNC with back-off.
 */

export interface UpstreamInput {
  provider: 'route53';
  hostedZoneId: string;
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint?: string | null;
}

export interface DriftDifference {
  Name: string;
  Type: string;
  SetIdentifier?: string;
  local: ResourceRecordSet | null;
  upstream: ResourceRecordSet | null;
}

export interface DriftReport {
  drifted: boolean;
  checkedAt: string;
  differences: DriftDifference[];
}

/** Upstream and local differ: a push would overwrite what someone changed upstream. */
export class UpstreamDriftError extends Error {
  constructor(readonly report: DriftReport) {
    super(
      `the upstream hosted zone differs from this zone in ${report.differences.length} record set${report.differences.length === 1 ? '' : 's'}: take upstream or push local first (an admin may force)`,
    );
  }
}

export type ClientFactory = (creds: UpstreamCredentials) => UpstreamClient;

const HOSTED_ZONE_ID = /^(\/hostedzone\/)?[A-Z0-9]{1,32}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCESS_KEY = /^[A-Z0-9]{16,128}$/;

/** Apex SOA and NS differ between two servers by design: never compared, imported or pushed. */
function managedSets(sets: readonly ResourceRecordSet[], zoneName: string): ResourceRecordSet[] {
  const apex = normalizeName(zoneName);
  return sets.filter(
    (r) => r.Type !== 'SOA' && !(r.Type === 'NS' && normalizeName(r.Name) === apex),
  );
}

const setKey = (r: { Name: string; Type: string; SetIdentifier?: string }) =>
  `${normalizeName(r.Name)}|${r.Type}|${r.SetIdentifier ?? ''}`;

/** JSON with keys sorted at every level, so equal sets compare equal as text. */
function sortedJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedJson);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => [k, sortedJson(x)]),
  );
}

const canonical = (r: ResourceRecordSet | null): string =>
  r === null ? 'null' : JSON.stringify(sortedJson(normalizeRecordSet(r)));

/** True when each step leaves its set exactly as upstream has it (a batch taking upstream's side). */
function takesUpstream(
  plan: readonly { before: ResourceRecordSet | null; after: ResourceRecordSet | null }[],
  report: DriftReport,
): boolean {
  const upstream = new Map(report.differences.map((d) => [setKey(d), d.upstream]));
  if (plan.length === 0) return false;
  return plan.every((step) => {
    const ref = (step.after ?? step.before) as ResourceRecordSet;
    const key = setKey(ref);
    if (!upstream.has(key)) return false;
    return canonical(step.after) === canonical(upstream.get(key) ?? null);
  });
}

export class UpstreamService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly repository: Repository,
    private readonly box: SecretBox,
    private readonly clientFor: ClientFactory,
    private readonly opts: { driftEveryMs?: number; now?: () => number } = {},
  ) {}

  private now(): string {
    return new Date((this.opts.now ?? Date.now)()).toISOString();
  }

  private client(conn: UpstreamConnection): UpstreamClient {
    return this.clientFor({
      endpoint: conn.endpoint,
      region: conn.region,
      accessKeyId: conn.accessKeyId,
      secretAccessKey: this.box.open(conn.secretBox),
    });
  }

  /** Checks the fields and that the hosted zone exists upstream with these credentials, then stores. */
  async connect(zoneId: string, input: unknown, actor: string): Promise<UpstreamConnection> {
    const i = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const issues: { field: string; message: string }[] = [];
    const allowed = [
      'provider',
      'hostedZoneId',
      'region',
      'accessKeyId',
      'secretAccessKey',
      'endpoint',
    ];
    for (const k of Object.keys(i)) {
      if (!allowed.includes(k)) issues.push({ field: k, message: `unknown field "${k}"` });
    }
    if (i.provider !== 'route53')
      issues.push({ field: 'provider', message: 'provider must be "route53"' });
    const hz = typeof i.hostedZoneId === 'string' ? i.hostedZoneId.trim() : '';
    if (!HOSTED_ZONE_ID.test(hz)) {
      issues.push({
        field: 'hostedZoneId',
        message: 'hostedZoneId is a Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ',
      });
    }
    const region = i.region === undefined ? 'us-east-1' : i.region;
    if (typeof region !== 'string' || !REGION.test(region)) {
      issues.push({ field: 'region', message: 'region is an AWS region code, e.g. us-east-1' });
    }
    if (typeof i.accessKeyId !== 'string' || !ACCESS_KEY.test(i.accessKeyId)) {
      issues.push({
        field: 'accessKeyId',
        message: 'accessKeyId is an AWS access key id (16–128 letters and digits)',
      });
    }
    if (
      typeof i.secretAccessKey !== 'string' ||
      i.secretAccessKey.length < 8 ||
      i.secretAccessKey.length > 256
    ) {
      issues.push({
        field: 'secretAccessKey',
        message: 'secretAccessKey is required (8–256 characters)',
      });
    }
    let endpoint: string | null = null;
    if (i.endpoint !== undefined && i.endpoint !== null && i.endpoint !== '') {
      if (typeof i.endpoint !== 'string' || !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/i.test(i.endpoint)) {
        issues.push({ field: 'endpoint', message: 'endpoint is an http:// or https:// URL' });
      } else endpoint = i.endpoint.replace(/\/+$/, '');
    }
    if (issues.length > 0) throw new DomainValidationError(issues);
    const secret = i.secretAccessKey as string;
    const creds: UpstreamCredentials = {
      endpoint,
      region: region as string,
      accessKeyId: i.accessKeyId as string,
      secretAccessKey: secret,
    };
    const zone = await this.repository.getZone(zoneId);
    if (zone === null)
      throw new DomainValidationError([{ field: 'zone', message: 'no such zone' }]);
    let upstreamName: string;
    try {
      upstreamName = (await this.clientFor(creds).getHostedZone(hz)).name;
    } catch (err) {
      if (err instanceof UpstreamError) {
        const field =
          err.kind === 'no-such-zone'
            ? 'hostedZoneId'
            : err.kind === 'auth'
              ? 'accessKeyId'
              : 'endpoint';
        throw new DomainValidationError([
          {
            field,
            message:
              err.kind === 'no-such-zone' ? `upstream has no hosted zone ${hz}` : err.message,
          },
        ]);
      }
      throw err;
    }
    if (normalizeName(upstreamName) !== normalizeName(zone.name)) {
      throw new DomainValidationError([
        {
          field: 'hostedZoneId',
          message: `upstream hosted zone ${hz} is ${upstreamName}, not ${zone.name}.`,
        },
      ]);
    }
    return this.repository.setUpstream(
      {
        zoneId,
        provider: 'route53',
        hostedZoneId: hz.replace(/^\/hostedzone\//, ''),
        region: creds.region,
        accessKeyId: creds.accessKeyId,
        secretBox: this.box.seal(secret),
        secretLast4: secret.slice(-4),
        endpoint,
      },
      { actor },
    );
  }

  /** The batch that makes the local zone equal upstream (apex SOA/NS aside), and what cannot be held. */
  async importPlan(zoneId: string): Promise<{
    batch: ChangeBatch;
    skipped: { Name: string; Type: string; SetIdentifier?: string }[];
  }> {
    const { conn, zone } = await this.connected(zoneId);
    const up = await this.read(conn, zone.id);
    const local = await this.repository.listRecordSets(zoneId);
    const batch = batchFromListing(local, up.sets, {
      deleteMissing: true,
      zoneName: zone.name,
      comment: `Import from Route 53 hosted zone ${conn.hostedZoneId}`,
    });
    return {
      batch,
      skipped: up.skipped.map((r) => ({
        Name: r.Name ?? '',
        Type: String(r.Type ?? ''),
        ...(r.SetIdentifier !== undefined ? { SetIdentifier: r.SetIdentifier } : {}),
      })),
    };
  }

  /**
   * "Push local": the batch that makes upstream equal this zone (apex SOA/NS aside). With
   * `dryRun` only the batch; else it is sent upstream (nothing changes here) and audited.
   */
  async pushLocal(
    zoneId: string,
    opts: { dryRun: boolean; actor: string },
  ): Promise<{ batch: ChangeBatch; upstreamChangeId: string | null }> {
    const { conn, zone } = await this.connected(zoneId);
    return this.locked(zoneId, async () => {
      const up = await this.read(conn, zone.id);
      const local = await this.repository.listRecordSets(zoneId);
      const batch = batchFromListing(
        managedSets(up.sets.map(normalizeRecordSet), zone.name),
        managedSets(local, zone.name),
        {
          deleteMissing: true,
          zoneName: zone.name,
          comment: `Push ${zone.name} from latency-atlas`,
        },
      );
      // Route 53 needs a DELETE to repeat the set exactly as upstream has it.
      const upstreamByKey = new Map(up.sets.map((r) => [setKey(r), r]));
      batch.Changes = batch.Changes.map((c) =>
        c.Action === 'DELETE'
          ? {
              ...c,
              ResourceRecordSet:
                upstreamByKey.get(setKey(c.ResourceRecordSet)) ?? c.ResourceRecordSet,
            }
          : c,
      );
      if (opts.dryRun || batch.Changes.length === 0) return { batch, upstreamChangeId: null };
      const sent = await this.client(conn).changeRecordSets(conn.hostedZoneId, batch);
      await this.repository.appendAudit({
        actor: opts.actor,
        action: 'upstream.pushed',
        zoneId,
        subject: sent.id,
        details: { changes: batch.Changes.length, hostedZoneId: conn.hostedZoneId },
      });
      return { batch, upstreamChangeId: sent.id };
    });
  }

  private async read(conn: UpstreamConnection, zoneId: string) {
    try {
      const out = await this.client(conn).listRecordSets(conn.hostedZoneId);
      await this.repository.recordUpstreamCheck(zoneId, { at: this.now(), error: null });
      return out;
    } catch (err) {
      if (err instanceof UpstreamError) {
        await this.repository.recordUpstreamCheck(zoneId, { at: this.now(), error: err.message });
      }
      throw err;
    }
  }

  private async connected(zoneId: string) {
    const conn = await this.repository.getUpstream(zoneId);
    const zone = await this.repository.getZone(zoneId);
    if (conn === null || zone === null) {
      throw new DomainValidationError([
        { field: 'upstream', message: 'this zone is not connected to an upstream hosted zone' },
      ]);
    }
    return { conn, zone };
  }

  /** Upstream against local, record set by record set; stored as the zone's last drift result. */
  async drift(zoneId: string): Promise<DriftReport> {
    const { conn, zone } = await this.connected(zoneId);
    const up = await this.read(conn, zone.id);
    const local = managedSets(await this.repository.listRecordSets(zoneId), zone.name);
    const upstream = managedSets(up.sets.map(normalizeRecordSet), zone.name);
    const diff = diffRecordSets(local, upstream);
    const key = (r: ResourceRecordSet) => ({
      Name: r.Name,
      Type: r.Type,
      ...(r.SetIdentifier !== undefined ? { SetIdentifier: r.SetIdentifier } : {}),
    });
    const differences: DriftDifference[] = [
      ...diff.removed.map((r) => ({ ...key(r), local: r, upstream: null })),
      ...diff.added.map((r) => ({ ...key(r), local: null, upstream: r })),
      ...diff.changed.map((c) => ({ ...key(c.after), local: c.before, upstream: c.after })),
    ];
    // Route 53's listing order (sortRecordSets keeps the objects it is given).
    const sorted = sortRecordSets(
      differences as unknown as ResourceRecordSet[],
    ) as unknown as DriftDifference[];
    const report: DriftReport = {
      drifted: sorted.length > 0,
      checkedAt: this.now(),
      differences: sorted,
    };
    await this.repository.recordUpstreamCheck(zoneId, {
      at: report.checkedAt,
      error: null,
      drift: report,
    });
    return report;
  }

  /**
   * Applies a batch to a connected zone: local validation first, drift check (unless forced),
   * upstream ChangeResourceRecordSets, then `apply` locally; one at a time per zone. A zone
   * without upstream just runs `apply`. Upstream failures leave the local zone unchanged.
   */
  async applyThrough<R extends { ok: boolean }>(
    zoneId: string,
    batch: ChangeBatch,
    apply: () => Promise<R>,
    opts: { force?: boolean; changeIdOf: (r: R) => string | null },
  ): Promise<R> {
    const conn = await this.repository.getUpstream(zoneId);
    if (conn === null) return apply();
    return this.locked(zoneId, async () => {
      const preview = await this.repository.previewChangeBatch(zoneId, batch);
      if (!preview.ok) return apply(); // the local refusal, with its field errors
      const report = await this.drift(zoneId);
      if (report.drifted && takesUpstream(preview.plan, report)) {
        // Every step makes a set what upstream already has ("take upstream", reviewed like any
        // change): apply it here only; there is nothing to send.
        return apply();
      }
      if (report.drifted && opts.force !== true) throw new UpstreamDriftError(report);
      const zone = await this.repository.getZone(zoneId);
      const apex = normalizeName(zone?.name ?? '');
      const pushed = {
        ...batch,
        Changes: batch.Changes.filter(
          (c) =>
            !(
              c.ResourceRecordSet.Type === 'SOA' ||
              (c.ResourceRecordSet.Type === 'NS' &&
                normalizeName(c.ResourceRecordSet.Name) === apex)
            ),
        ),
      };
      let upstream: Awaited<ReturnType<UpstreamClient['changeRecordSets']>> | null = null;
      try {
        upstream =
          pushed.Changes.length > 0
            ? await this.client(conn).changeRecordSets(conn.hostedZoneId, pushed)
            : null;
      } catch (err) {
        // Say which change each of upstream's messages is about (Route 53 names the set).
        if (err instanceof UpstreamError && err.kind === 'invalid-batch') {
          const names = batch.Changes.map((c) =>
            normalizeName(c.ResourceRecordSet.Name).replace(/\.$/, ''),
          );
          const changes = err.messages.map((m) => {
            const i = names.findIndex((n) => n !== '' && m.toLowerCase().includes(n));
            return i >= 0 ? i : null;
          });
          throw new UpstreamError(err.kind, err.message, err.messages, changes);
        }
        throw err;
      }
      const result = await apply();
      const changeId = result.ok ? opts.changeIdOf(result) : null;
      if (upstream !== null && changeId !== null) {
        await this.repository.recordUpstreamChange({
          changeId,
          zoneId,
          upstreamChangeId: upstream.id,
          status: upstream.status,
          submittedAt: upstream.submittedAt,
        });
      } else if (upstream !== null && !result.ok) {
        // Validated a moment ago under this zone's lock: only a writer in another process can
        // get here. Say so loudly; the next drift check shows the difference.
        console.error(
          `latency-atlas: zone ${zoneId}: upstream accepted ${upstream.id} but the local apply failed`,
        );
      }
      return result;
    });
  }

  private async locked<T>(zoneId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(zoneId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => {});
    this.locks.set(zoneId, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(zoneId) === tail) this.locks.delete(zoneId);
    }
  }

  /** Follow pushed changes to INSYNC: each PENDING one polled with back-off (1 s × 2^polls, ≤ 60 s). */
  async pollOnce(): Promise<void> {
    const now = (this.opts.now ?? Date.now)();
    for (const c of await this.repository.listPendingUpstreamChanges()) {
      const last = c.polledAt === null ? Date.parse(c.submittedAt) : Date.parse(c.polledAt);
      const wait = Math.min(60_000, 1_000 * 2 ** Math.min(c.polls, 6));
      if (now - last < wait && c.polls > 0) continue;
      const conn = await this.repository.getUpstream(c.zoneId);
      if (conn === null) continue;
      try {
        const got = await this.client(conn).getChange(c.upstreamChangeId);
        await this.repository.updateUpstreamChange(c.changeId, {
          status: got.status,
          at: this.now(),
        });
      } catch (err) {
        if (!(err instanceof UpstreamError)) throw err;
        await this.repository.updateUpstreamChange(c.changeId, {
          status: 'PENDING',
          at: this.now(),
        });
      }
    }
  }

  /** Background work in the serving process: poll pending changes every second, drift on schedule. */
  start(opts: { pollMs?: number } = {}): void {
    const pollMs = opts.pollMs ?? 1_000;
    const driftEvery = this.opts.driftEveryMs ?? 5 * 60_000;
    let lastDrift = 0;
    const tick = async () => {
      try {
        await this.pollOnce();
        if (Date.now() - lastDrift >= driftEvery) {
          lastDrift = Date.now();
          for (const conn of await this.repository.listUpstreams()) {
            await this.drift(conn.zoneId).catch(() => {});
          }
        }
      } catch (err) {
        console.error('latency-atlas: upstream sync failed', err);
      } finally {
        if (this.timer !== null) {
          this.timer = setTimeout(tick, pollMs);
          this.timer.unref?.();
        }
      }
    };
    this.timer = setTimeout(tick, pollMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
