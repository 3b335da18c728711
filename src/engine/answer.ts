import type { ClientLocation, LatencyModel, ResourceRecordSet, RoutingDecision } from './types';

export interface AnswerQueryArgs {
  zoneName: string;
  name: string;
  type: string;
  /** Every set in the zone with that name, and the wildcard sets that could match it. */
  recordSets: ResourceRecordSet[];
  client: ClientLocation;
  model?: LatencyModel;
  isHealthy?: (r: ResourceRecordSet) => boolean;
}

export interface QueryAnswer {
  ResponseCode: 'NOERROR' | 'NXDOMAIN';
  RecordData: string[];
  decision: RoutingDecision | null;
}

/** Answer a DNS query the way Route 53 would (TestDNSAnswer and, later, the DNS endpoint). */
export function answerQuery(_args: AnswerQueryArgs): QueryAnswer {
  throw new Error('todo');
}
