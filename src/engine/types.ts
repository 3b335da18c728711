/**
 * Domain types of the routing engine. Pure data: no I/O, no framework.
 * The Route 53 shapes use Route 53's own field names (PascalCase) so that
 * `aws route53` JSON passes through unchanged.
 */

/** A point on Earth, degrees (WGS84). */
export interface GeoPoint {
  lat: number;
  lon: number;
}

/** An AWS region that can hold a latency record. */
export interface Region extends GeoPoint {
  /** e.g. `us-east-1` */
  code: string;
  /** e.g. `US East (N. Virginia)` */
  name: string;
  /** The metro the region is modelled at, e.g. `Ashburn`. */
  city: string;
  /** cn-north-1 / cn-northwest-1: reachable only from an AWS China account. */
  china?: boolean;
}

export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Types Route 53 accepts for latency records. */
export const LATENCY_RECORD_TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SPF',
  'SRV',
  'TXT',
] as const satisfies readonly RecordType[];

export interface AliasTarget {
  HostedZoneId: string;
  DNSName: string;
  EvaluateTargetHealth: boolean;
}

/** One record set exactly as `aws route53 list-resource-record-sets` prints it. */
export interface ResourceRecordSet {
  Name: string;
  Type: string;
  SetIdentifier?: string;
  Region?: string;
  TTL?: number;
  ResourceRecords?: { Value: string }[];
  HealthCheckId?: string;
  AliasTarget?: AliasTarget;
}

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

export interface Change {
  Action: ChangeAction;
  ResourceRecordSet: ResourceRecordSet;
}

export interface ChangeBatch {
  Comment?: string;
  Changes: Change[];
}

/** A validation problem; `change` is the 0-based index in the batch, `field` a dotted path. */
export interface ChangeError {
  change: number;
  field: string;
  message: string;
}

/** Estimated round trip between a client and a region, milliseconds. */
export interface RttEstimate {
  rttMs: number;
  rttLowMs: number;
  rttHighMs: number;
  distanceKm: number;
}

/**
 * Where latency numbers come from. Today: great-circle distance. Later: measured
 * latency over time. Callers only see this interface.
 */
export interface LatencyModel {
  readonly id: string;
  estimate(client: GeoPoint, region: Region): RttEstimate;
  /**
   * True when rttMs never decreases as great-circle distance grows: routing may then rank
   * regions by distance alone (unit-vector dot products), the fast path of compileRouting.
   */
  readonly distanceMonotonic?: boolean;
  /**
   * The model for clients of one network (`81.2.69.0/24`, `2001:db8:1::/48`, as clientNetwork
   * gives) when that network has measurements of its own; null when it has none (route by place).
   */
  forNetwork?(network: string): LatencyModel | null;
}

/** Where the client location came from (TestDNSAnswer `Routing.client.source`). */
export type ClientSource = 'city' | 'coordinates' | 'ip' | 'subnet' | 'resolver';

export interface ClientLocation extends GeoPoint {
  label: string;
  source: ClientSource;
  /** For ip/subnet/resolver: the address actually looked up (subnet already truncated). */
  address?: string;
  /** For subnet: the prefix length used. */
  prefix?: number;
}

/** One ranked candidate in a routing decision. */
export interface RoutingCandidate extends RttEstimate {
  setIdentifier: string;
  region: string;
  healthy: boolean;
  record: ResourceRecordSet;
}

export interface RoutingDecision {
  /** null when there were no latency records to choose from. */
  chosen: RoutingCandidate | null;
  /** Every candidate, best (lowest rttMs) first, ties broken by region code then set id. */
  candidates: RoutingCandidate[];
  /** True when every candidate was unhealthy and all were treated as healthy (Route 53 rule). */
  allUnhealthy: boolean;
}
