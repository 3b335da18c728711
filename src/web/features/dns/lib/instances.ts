import type { Responder } from '../../../../shared/dns';

/**
 * Pure helpers of the popover's "Instances" list: every DNS responder registered on the
 * database (one per latency-atlas instance sharing it), in order, with what each serves of the
 * zone being looked at.
 */

/** Where a responder stands with the zone: at the stored version, behind it, or not serving it. */
export type InstanceZoneState = 'current' | 'behind' | 'missing';

export interface InstanceRow {
  instance: string;
  address: string;
  self: boolean;
  live: boolean;
  zoneState: InstanceZoneState;
  /** `serves v12`, `behind: v11 of 12`, `not serving this zone`. */
  versionText: string;
  /** `last seen 8s ago` for a responder that is not live; null for a live one. */
  lastSeenText: string | null;
}

/** The list is shown only when the database has several responders (several instances). */
export function hasSeveralInstances(responders: readonly Responder[] | undefined): boolean {
  return (responders?.length ?? 0) > 1;
}

/**
 * Live ones first (this instance first among them, then by address), then the dead ones, the
 * most recently seen first.
 */
export function sortResponders(responders: readonly Responder[]): Responder[] {
  return [...responders].sort((a, b) => {
    if (a.live !== b.live) return a.live ? -1 : 1;
    if (a.live) {
      if (a.self !== b.self) return a.self ? -1 : 1;
      return compareText(a.address, b.address) || compareText(a.instance, b.instance);
    }
    return (
      compareText(b.lastSeen, a.lastSeen) ||
      compareText(a.address, b.address) ||
      compareText(a.instance, b.instance)
    );
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a responder serves of the zone beside the zone's stored version (when known). */
export function instanceZoneState(
  served: number | undefined,
  stored: number | undefined,
): InstanceZoneState {
  if (served === undefined || served < 0) return 'missing';
  if (stored !== undefined && served < stored) return 'behind';
  return 'current';
}

/** `serves v12`, `behind: v11 of 12`, `not serving this zone`. */
export function versionText(served: number | undefined, stored: number | undefined): string {
  switch (instanceZoneState(served, stored)) {
    case 'missing':
      return 'not serving this zone';
    case 'behind':
      return `behind: v${served} of ${stored}`;
    case 'current':
      return `serves v${served}`;
  }
}

/** `last seen 8s ago`, `last seen 4m ago`, `last seen 3h ago` (never negative). */
export function lastSeenText(lastSeen: string, now: number): string {
  const at = Date.parse(lastSeen);
  const seconds = Number.isFinite(at) ? Math.max(0, Math.round((now - at) / 1000)) : 0;
  if (seconds < 120) return `last seen ${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `last seen ${minutes}m ago`;
  return `last seen ${Math.floor(minutes / 60)}h ago`;
}

/** How far ahead of the server the browser's clock may be before it is not believed (ms). */
export const CLOCK_SKEW_MS = 5_000;

/**
 * "Now" on the server's clock, so a browser whose clock is off still says "last seen 6s ago".
 * The newest heartbeat in the list plus the time since the list was fetched is a lower bound
 * (each live responder beats every second, so it lags by up to a second): the browser's clock
 * is taken when it is at most CLOCK_SKEW_MS ahead of that, the bound otherwise. Falls back to
 * the browser's clock when no heartbeat parses.
 */
export function serverNow(
  responders: readonly Responder[],
  fetchedAt: number,
  browserNow: number,
): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const r of responders) {
    const t = Date.parse(r.lastSeen);
    if (Number.isFinite(t) && t > newest) newest = t;
  }
  if (!Number.isFinite(newest)) return browserNow;
  const bound = newest + Math.max(0, browserNow - fetchedAt);
  return browserNow - bound <= CLOCK_SKEW_MS ? Math.max(browserNow, bound) : bound;
}

/** The rows of the list, in order, for the zone `zoneId` stored at `storedVersion`. */
export function instanceRows(
  responders: readonly Responder[],
  zoneId: string | null,
  storedVersion: number | undefined,
  now: number,
): InstanceRow[] {
  return sortResponders(responders).map((r) => {
    const served = zoneId === null ? undefined : r.versions[zoneId];
    return {
      instance: r.instance,
      address: r.address,
      self: r.self,
      live: r.live,
      zoneState: instanceZoneState(served, storedVersion),
      versionText: versionText(served, storedVersion),
      lastSeenText: r.live ? null : lastSeenText(r.lastSeen, now),
    };
  });
}

/** `2 live`, `2 live of 3`. */
export function liveCountText(responders: readonly Responder[]): string {
  const live = responders.filter((r) => r.live).length;
  return live === responders.length ? `${live} live` : `${live} live of ${responders.length}`;
}
