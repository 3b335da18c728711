import {
  type CreateHealthCheckRequest,
  type HealthCheckConfig,
  type HealthCheckConfigInput,
  type HealthCheckListEntry,
  type HealthCheckReference,
  type HealthCheckStatusResponse,
  type HealthCheckStatusSummary,
  type HealthCheck as HealthCheckWire,
  type HealthEvent,
  type HealthTransition,
  healthCheckConfigIssues,
  type UpdateHealthCheckRequest,
  withHealthCheckDefaults,
} from '../../shared/health';
import {
  type CheckerVerdictOptions,
  HealthCheckNotFoundError,
  type HealthObservationRecord,
  type HealthState,
  type HealthTransitionRecord,
  type HealthWriteResult,
  type Repository,
  type StoredHealthCheck,
} from '../storage/repository';
import { DomainValidationError } from './errors';
import { healthTargetRefusal } from './health-targets';

/** Observations GET …/status shows. */
export const STATUS_OBSERVATIONS = 20;

export type HealthConfigListener = () => void;
export type HealthTransitionListener = (t: HealthTransitionRecord) => void;

const word = (healthy: boolean) => (healthy ? 'Healthy' : 'Unhealthy') as 'Healthy' | 'Unhealthy';

export function toHealthCheckWire(c: StoredHealthCheck): HealthCheckWire {
  return {
    Id: c.id,
    Name: c.name,
    HealthCheckConfig: c.config,
    HealthCheckVersion: c.version,
    CreatedAt: c.createdAt,
  };
}

export function toTransitionWire(t: HealthTransitionRecord): HealthTransition {
  return {
    At: t.at,
    HealthCheckId: t.healthCheckId,
    Name: t.name,
    From: word(t.from),
    To: word(t.to),
    Source: t.source,
    Reason: t.reason,
    Records: t.records,
  };
}

export function toHealthEvent(t: HealthTransitionRecord): HealthEvent {
  return {
    HealthCheckId: t.healthCheckId,
    Status: word(t.to),
    At: t.at,
    Source: t.source,
    Reason: t.reason,
  };
}

function summary(
  state: HealthState,
  config: HealthCheckConfig | null,
  last?: HealthObservationRecord,
): HealthCheckStatusSummary {
  const out: HealthCheckStatusSummary = {
    Status: word(state.healthy),
    Since: state.since,
    Source: state.source,
  };
  if (state.override) {
    out.Override = {
      Status: word(state.override.healthy),
      By: state.override.by,
      Reason: state.override.reason,
      At: state.override.at,
    };
  }
  if (state.checker !== null && config !== null && config.Type !== 'CALCULATED') {
    out.CheckerStatus = word(state.checker !== config.Inverted);
  }
  if (last) {
    out.LastObservation = {
      At: last.at,
      Healthy: last.healthy,
      LatencyMs: last.latencyMs,
      Reason: last.reason,
    };
  }
  return out;
}

/**
 * Health checks as the API and the checker use them: Route 53's rules for a config (plus the
 * target policy: no private addresses unless allowed), writes that tell listeners what changed
 * (the checker re-reads configs; /api/events streams transitions), and the status views.
 */
export class HealthService {
  private readonly configListeners = new Set<HealthConfigListener>();
  private readonly transitionListeners = new Set<HealthTransitionListener>();

  constructor(
    readonly repository: Repository,
    readonly options: { allowPrivate: boolean },
  ) {}

  onConfigChange(listener: HealthConfigListener): () => void {
    this.configListeners.add(listener);
    return () => this.configListeners.delete(listener);
  }

  onTransition(listener: HealthTransitionListener): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  private emit(result: HealthWriteResult, configChanged = false): void {
    for (const t of result.transitions) for (const l of this.transitionListeners) l(t);
    if (configChanged) for (const l of this.configListeners) l();
  }

  /** Why the checker may not probe this IP address (null: it may). */
  targetRefusal(address: string): string | null {
    return healthTargetRefusal(address, this.options.allowPrivate);
  }

  /**
   * Every problem with a config: Route 53's field rules, the target policy and the children
   * (configured, not CALCULATED, not the check itself). Fields as `HealthCheckConfig.<field>`.
   */
  async configIssues(
    config: HealthCheckConfigInput,
    selfId?: string,
  ): Promise<{ field: string; message: string }[]> {
    const issues = healthCheckConfigIssues(config).map((i) => ({
      field: `HealthCheckConfig.${i.field}`,
      message: i.message,
    }));
    if (config.IPAddress !== undefined) {
      const refusal = this.targetRefusal(config.IPAddress);
      if (refusal !== null) {
        issues.push({
          field: 'HealthCheckConfig.IPAddress',
          message: `${config.IPAddress} is in ${refusal}: health checks probe public addresses only (LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE=1 allows private ones)`,
        });
      }
    }
    if (config.Type === 'CALCULATED') {
      for (const [i, child] of (config.ChildHealthChecks ?? []).entries()) {
        const field = `HealthCheckConfig.ChildHealthChecks[${i}]`;
        if (child === selfId) {
          issues.push({ field, message: 'a CALCULATED health check cannot be its own child' });
          continue;
        }
        const found = await this.repository.getHealthCheck(child);
        if (found === null) issues.push({ field, message: `no health check with id ${child}` });
        else if (found.config.Type === 'CALCULATED') {
          issues.push({
            field,
            message: `health check ${child} is CALCULATED; children must be endpoint checks`,
          });
        }
      }
    }
    return issues;
  }

  async create(
    request: CreateHealthCheckRequest,
    actor: string | null,
    opts: { callerReference?: string } = {},
  ): Promise<StoredHealthCheck> {
    const issues = await this.configIssues(request.HealthCheckConfig);
    if (issues.length > 0) throw new DomainValidationError(issues);
    const result = await this.repository.createHealthCheck(
      {
        name: request.Name,
        config: withHealthCheckDefaults(request.HealthCheckConfig),
        ...(opts.callerReference !== undefined ? { callerReference: opts.callerReference } : {}),
      },
      { actor },
    );
    this.emit(result, true);
    return result.check;
  }

  /**
   * Applies the fields given (and ResetElements) to the stored config, checks the result as a
   * new config would be, and stores it if HealthCheckVersion is still current.
   */
  async update(
    id: string,
    request: UpdateHealthCheckRequest,
    actor: string | null,
  ): Promise<StoredHealthCheck> {
    const current = await this.repository.getHealthCheck(id);
    if (current === null) throw new HealthCheckNotFoundError(id);
    const merged: HealthCheckConfigInput = { ...current.config };
    const { HealthCheckVersion, Name, ResetElements, ...fields } = request;
    for (const reset of ResetElements ?? []) {
      delete merged[reset];
      if (reset === 'ResourcePath' && merged.Type !== 'TCP' && merged.Type !== 'CALCULATED') {
        merged.ResourcePath = '/';
      }
    }
    Object.assign(merged, fields);
    if (
      merged.Type === 'CALCULATED' &&
      fields.ChildHealthChecks &&
      !('HealthThreshold' in fields)
    ) {
      merged.HealthThreshold = Math.min(
        merged.HealthThreshold ?? fields.ChildHealthChecks.length,
        fields.ChildHealthChecks.length,
      );
    }
    const issues = await this.configIssues(merged, id);
    if (issues.length > 0) throw new DomainValidationError(issues);
    const result = await this.repository.updateHealthCheck(
      id,
      {
        expectedVersion: HealthCheckVersion,
        name: Name ?? current.name,
        config: withHealthCheckDefaults(merged),
      },
      { actor },
    );
    this.emit(result, true);
    return result.check;
  }

  async delete(id: string, actor: string | null): Promise<boolean> {
    const result = await this.repository.deleteHealthCheck(id, { actor });
    this.emit(result, result.deleted);
    return result.deleted;
  }

  async setOverride(
    id: string,
    healthy: boolean,
    reason: string | null,
    actor: string | null,
  ): Promise<void> {
    this.emit(await this.repository.setHealth(id, healthy, { actor, reason }));
  }

  async clearOverride(id: string, actor: string | null): Promise<boolean> {
    const result = await this.repository.clearHealthOverride(id, { actor });
    this.emit(result);
    return result.cleared;
  }

  /**
   * A checker's report: one probe and its verdict after FailureThreshold. With several
   * checkers (instances), the check's verdict is combined from the live ones' (see
   * Repository.recordHealthObservation).
   */
  async recordObservation(
    id: string,
    observation: HealthObservationRecord,
    checker: boolean | null,
    opts: CheckerVerdictOptions = {},
  ): Promise<void> {
    this.emit(await this.repository.recordHealthObservation(id, observation, checker, opts));
  }

  async status(id: string): Promise<HealthCheckStatusResponse> {
    const [state, check, observations, verdicts, responders] = await Promise.all([
      this.repository.getHealthStates([id]).then((m) => m.get(id) as HealthState),
      this.repository.getHealthCheck(id),
      this.repository.listHealthObservations(id, STATUS_OBSERVATIONS),
      this.repository.listCheckerVerdicts(id),
      this.repository.listResponders(),
    ]);
    // A checker's id is its instance's responder id: say where that instance is.
    const addressOf = new Map(responders.map((r) => [r.id, r.address]));
    const { LastObservation: _, ...rest } = summary(state, check?.config ?? null);
    return {
      Id: id,
      ...rest,
      ...(verdicts.length > 0
        ? {
            Checkers: verdicts.map((v) => {
              const address = addressOf.get(v.checkerId);
              return {
                Checker: v.checkerId,
                ...(address !== undefined ? { Address: address } : {}),
                Healthy: v.healthy,
                At: v.at,
              };
            }),
          }
        : {}),
      LastObservations: observations.map((o) => ({
        At: o.at,
        Healthy: o.healthy,
        LatencyMs: o.latencyMs,
        Reason: o.reason,
      })),
    };
  }

  /**
   * Every configured check, every id a record set names and every id with an override (in
   * that order: checks oldest first, then the other ids sorted), each with its status.
   */
  async list(): Promise<HealthCheckListEntry[]> {
    const [checks, references, overrides] = await Promise.all([
      this.repository.listHealthChecks(),
      this.repository.healthCheckReferences(),
      this.repository.listHealthOverrides(),
    ]);
    const configured = new Set(checks.map((c) => c.id));
    const others = [...new Set([...references.keys(), ...overrides.keys()])]
      .filter((id) => !configured.has(id))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const ids = [...checks.map((c) => c.id), ...others];
    return this.entries(ids, new Map(checks.map((c) => [c.id, c])), references);
  }

  async entry(id: string): Promise<HealthCheckListEntry> {
    const [check, references] = await Promise.all([
      this.repository.getHealthCheck(id),
      this.repository.healthCheckReferences([id]),
    ]);
    const [entry] = await this.entries([id], new Map(check ? [[id, check]] : []), references);
    return entry as HealthCheckListEntry;
  }

  private async entries(
    ids: string[],
    checks: Map<string, StoredHealthCheck>,
    references: Map<string, HealthCheckReference[]>,
  ): Promise<HealthCheckListEntry[]> {
    const states = await this.repository.getHealthStates(ids);
    const out: HealthCheckListEntry[] = [];
    for (const id of ids) {
      const state = states.get(id) as HealthState;
      const check = checks.get(id);
      const [last] = check ? await this.repository.listHealthObservations(id, 1) : [];
      out.push({
        id,
        healthy: state.healthy,
        ...(check ? { HealthCheck: toHealthCheckWire(check) } : {}),
        Status: summary(state, check?.config ?? null, last),
        records: references.get(id) ?? [],
      });
    }
    return out;
  }

  /**
   * Transitions newest first; `zoneId` keeps those of record sets in the zone (then or now).
   */
  async transitions(opts: {
    zoneId?: string;
    since?: string;
    limit?: number;
  }): Promise<HealthTransition[]> {
    const rows = await this.repository.listHealthTransitions({
      ...(opts.zoneId !== undefined ? { zoneId: opts.zoneId } : {}),
      ...(opts.since !== undefined ? { since: opts.since } : {}),
      limit: opts.limit ?? 100,
    });
    return rows.map(toTransitionWire);
  }
}
