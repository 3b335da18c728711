import { parseIpAddress, truncateClientSubnet } from '../../../../engine/client-subnet';
import type { RoutingCandidateWire, RoutingClient } from '../../../../shared/routing';
import type { PreviewQuery } from '../api/get-test-dns-answer';

/**
 * Pure helpers of the preview form: parse what the operator typed with the engine's own address
 * rules (the server runs the same code), describe the located client, build a `dig` line.
 */

export type AddressInput =
  | { ok: true; kind: 'ip'; value: string; note: string | null }
  | { ok: true; kind: 'subnet'; value: string; note: string | null }
  | { ok: false; message: string };

/**
 * An IP address (looked up as is) or a client subnet `address/prefix` (host bits zeroed, as a
 * resolver sends it). `note` says what was changed, e.g. `sent as 81.2.69.0/24`.
 */
export function parseAddressInput(text: string): AddressInput {
  const t = text.trim();
  if (!t)
    return { ok: false, message: 'Enter an IPv4 or IPv6 address, or a subnet like 81.2.69.0/24' };
  const slash = t.indexOf('/');
  if (slash === -1) {
    const ip = parseIpAddress(t);
    if (!ip) return { ok: false, message: `"${t}" is not a valid IPv4 or IPv6 address` };
    return {
      ok: true,
      kind: 'ip',
      value: ip.address,
      note: ip.address !== t ? `read as ${ip.address}` : null,
    };
  }
  const addr = t.slice(0, slash).trim();
  const prefixText = t.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(prefixText)) {
    return {
      ok: false,
      message: `"/${prefixText}" is not a prefix length; use a number such as /24 or /64`,
    };
  }
  const r = truncateClientSubnet(addr, Number(prefixText));
  if (!r.ok) return { ok: false, message: r.message };
  return {
    ok: true,
    kind: 'subnet',
    value: r.cidr,
    note: r.cidr !== t ? `sent as ${r.cidr} (host bits zeroed)` : null,
  };
}

/** A resolver address: a single IP. */
export function parseResolverInput(
  text: string,
): { ok: true; value: string } | { ok: false; message: string } {
  const t = text.trim();
  if (!t) return { ok: false, message: 'Enter the resolver’s IPv4 or IPv6 address' };
  if (t.includes('/'))
    return { ok: false, message: 'A resolver is one address, without a /prefix' };
  const ip = parseIpAddress(t);
  return ip
    ? { ok: true, value: ip.address }
    : { ok: false, message: `"${t}" is not a valid IPv4 or IPv6 address` };
}

/** Where the client came from, in words: `London, GB (from IP 81.2.69.160)`. */
export function describeClient(c: RoutingClient): string {
  switch (c.source) {
    case 'city':
      return `${c.label} (city)`;
    case 'coordinates':
      return `${c.label} (map point)`;
    case 'ip':
      return `${c.label} (from IP ${c.address ?? '?'})`;
    case 'subnet':
      return `${c.label} (from subnet ${c.address ?? '?'}${c.prefix !== undefined ? `/${c.prefix}` : ''})`;
    case 'resolver':
      return c.address ? `${c.label} (from resolver ${c.address})` : c.label;
  }
}

/** True when the located client comes from IP data (credit DB-IP). */
export function usesIpData(c: RoutingClient): boolean {
  return (
    c.source === 'ip' || c.source === 'subnet' || (c.source === 'resolver' && Boolean(c.address))
  );
}

/**
 * The `dig` command that asks the same question of an authoritative server supporting EDNS
 * client subnet; null when dig cannot express the client (a city or a map point).
 */
export function digCommand(recordName: string, recordType: string, q: PreviewQuery): string | null {
  const name = recordName.replace(/\.$/, '');
  if (q.city || (q.lat !== undefined && q.lon !== undefined)) return null;
  if (q.ip) {
    const full = parseIpAddress(q.ip)?.family === 6 ? 128 : 32;
    return `dig +subnet=${q.ip}/${full} ${name} ${recordType}`;
  }
  if (q.subnet) return `dig +subnet=${q.subnet} ${name} ${recordType}`;
  if (q.resolver) return null;
  return `dig ${name} ${recordType}`;
}

export type PreviewField = 'city' | 'address' | 'resolver' | 'coordinates' | 'general';

/** Which form field an API error detail belongs to (the API names query parameters). */
export function fieldForApiError(field: string | undefined): PreviewField {
  switch (field) {
    case 'city':
      return 'city';
    case 'ip':
    case 'edns0clientsubnetip':
    case 'edns0clientsubnetmask':
      return 'address';
    case 'resolverip':
      return 'resolver';
    case 'lat':
    case 'lon':
      return 'coordinates';
    default:
      return 'general';
  }
}

export interface CandidateBar {
  setIdentifier: string;
  region: string;
  /** Positions on a shared 0–100 scale (percent of the slowest high estimate). */
  lowPct: number;
  rttPct: number;
  highPct: number;
}

/** Bar and whisker positions for the candidates on one shared scale. */
export function candidateBars(candidates: readonly RoutingCandidateWire[]): CandidateBar[] {
  const max = Math.max(1, ...candidates.map((c) => c.rttHighMs));
  const pct = (ms: number) => Math.max(0, Math.min(100, (ms / max) * 100));
  return candidates.map((c) => ({
    setIdentifier: c.setIdentifier,
    region: c.region,
    lowPct: pct(c.rttLowMs),
    rttPct: pct(c.rttMs),
    highPct: pct(c.rttHighMs),
  }));
}

/** The query after the operator toggles "simulate failure" for a set. */
export function toggleUnhealthy(
  q: PreviewQuery,
  setIdentifier: string,
  failed: boolean,
): PreviewQuery {
  const now = new Set(q.unhealthy ?? []);
  if (failed) now.add(setIdentifier);
  else now.delete(setIdentifier);
  const unhealthy = [...now].sort();
  const { unhealthy: _old, ...rest } = q;
  return unhealthy.length ? { ...rest, unhealthy } : rest;
}

/** Replace the client (city, point, address, resolver) keeping the failure simulation. */
export function withClient(q: PreviewQuery, client: Omit<PreviewQuery, 'unhealthy'>): PreviewQuery {
  return q.unhealthy?.length ? { ...client, unhealthy: q.unhealthy } : { ...client };
}
