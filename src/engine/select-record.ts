import type { GeoPoint, LatencyModel, ResourceRecordSet, RoutingDecision } from './types';

export interface ExplainRoutingOptions {
  model?: LatencyModel;
  isHealthy?: (r: ResourceRecordSet) => boolean;
}

/** Rank latency records for a client and pick one (Route 53 rules), explaining every candidate. */
export function explainRouting(
  _records: ResourceRecordSet[],
  _client: GeoPoint,
  _opts?: ExplainRoutingOptions,
): RoutingDecision {
  throw new Error('todo');
}

export interface CompiledRouting {
  records: ResourceRecordSet[];
  /** Index into `records` of the chosen record, -1 if none. */
  selectIndex(lat: number, lon: number, healthy?: (i: number) => boolean): number;
}

/** Precompile a record layout for the hot path (millions of decisions/s). */
export function compileRouting(
  _records: ResourceRecordSet[],
  _opts?: { model?: LatencyModel },
): CompiledRouting {
  throw new Error('todo');
}
