import { describe, expect, it } from 'vitest';
import { type Responder, ResponderListSchema } from '../../../../shared/dns';
import { respondersRefetchInterval } from '../api/get-responders';
import {
  hasSeveralInstances,
  instanceRows,
  lastSeenText,
  liveCountText,
  serverNow,
  sortResponders,
  versionText,
} from './instances';

const NOW = Date.parse('2025-01-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function responder(over: Partial<Responder> & { instance: string }): Responder {
  return {
    address: '127.0.0.1:8053',
    startedAt: ago(60_000),
    lastSeen: ago(500),
    live: true,
    self: false,
    versions: {},
    ...over,
  };
}

const self = responder({
  instance: 'h:1:a',
  address: '127.0.0.1:8053',
  self: true,
  versions: { Z1: 12 },
});
const other = responder({ instance: 'h:2:b', address: '127.0.0.1:5353', versions: { Z1: 11 } });
const deadRecent = responder({
  instance: 'h:3:c',
  address: '127.0.0.1:9053',
  live: false,
  lastSeen: ago(8_000),
  versions: { Z1: 12 },
});
const deadOld = responder({
  instance: 'h:4:d',
  address: '127.0.0.1:1053',
  live: false,
  lastSeen: ago(600_000),
  versions: { Z2: 3 },
});

describe('instances', () => {
  it('the list shows only with several responders', () => {
    expect(hasSeveralInstances(undefined)).toBe(false);
    expect(hasSeveralInstances([])).toBe(false);
    expect(hasSeveralInstances([self])).toBe(false);
    expect(hasSeveralInstances([self, deadRecent])).toBe(true);
  });

  it('sorts live first (this instance first, then by address), then dead, newest first', () => {
    const sorted = sortResponders([deadOld, other, deadRecent, self]);
    expect(sorted.map((r) => r.instance)).toEqual(['h:1:a', 'h:2:b', 'h:3:c', 'h:4:d']);
    const noSelf = sortResponders([
      responder({ instance: 'x', address: '127.0.0.1:9' }),
      responder({ instance: 'y', address: '127.0.0.1:10' }),
    ]);
    expect(noSelf.map((r) => r.address)).toEqual(['127.0.0.1:10', '127.0.0.1:9']);
  });

  it('does not reorder the list it is given', () => {
    const list = [deadOld, self];
    sortResponders(list);
    expect(list).toEqual([deadOld, self]);
  });

  it('says what a responder serves beside the stored version', () => {
    expect(versionText(12, 12)).toBe('serves v12');
    expect(versionText(13, 12)).toBe('serves v13');
    expect(versionText(11, 12)).toBe('behind: v11 of 12');
    expect(versionText(0, 12)).toBe('behind: v0 of 12');
    expect(versionText(undefined, 12)).toBe('not serving this zone');
    expect(versionText(-1, 12)).toBe('not serving this zone');
    // The zone is not in /api/dns (yet): what it serves, without a comparison.
    expect(versionText(4, undefined)).toBe('serves v4');
  });

  it('says how long ago a dead responder was seen', () => {
    expect(lastSeenText(ago(0), NOW)).toBe('last seen 0s ago');
    expect(lastSeenText(ago(7_600), NOW)).toBe('last seen 8s ago');
    expect(lastSeenText(ago(-3_000), NOW)).toBe('last seen 0s ago');
    expect(lastSeenText(ago(119_000), NOW)).toBe('last seen 119s ago');
    expect(lastSeenText(ago(600_000), NOW)).toBe('last seen 10m ago');
    expect(lastSeenText(ago(5 * 3_600_000), NOW)).toBe('last seen 5h ago');
    expect(lastSeenText('not a date', NOW)).toBe('last seen 0s ago');
  });

  it('takes "now" from the server’s heartbeats, not the browser’s clock', () => {
    // The browser's clock is an hour ahead; the list was fetched 1.5 s ago.
    const ahead = NOW + 3_600_000;
    expect(serverNow([deadRecent, self], ahead - 1_500, ahead)).toBe(NOW - 500 + 1_500);
    // An hour behind: the heartbeats say the server's time is at least this.
    const behind = NOW - 3_600_000;
    expect(serverNow([deadRecent, self], behind - 1_500, behind)).toBe(NOW - 500 + 1_500);
    // The same clock (the newest heartbeat lags by up to a second): the browser's.
    expect(serverNow([deadRecent, self], NOW - 200, NOW)).toBe(NOW);
    expect(serverNow([deadRecent, self], NOW, NOW + 4_000)).toBe(NOW + 4_000);
    expect(serverNow([], ahead, ahead)).toBe(ahead);
  });

  it('builds the rows for the selected zone', () => {
    const rows = instanceRows([deadOld, deadRecent, other, self], 'Z1', 12, NOW);
    expect(rows).toEqual([
      {
        instance: 'h:1:a',
        address: '127.0.0.1:8053',
        self: true,
        live: true,
        zoneState: 'current',
        versionText: 'serves v12',
        lastSeenText: null,
      },
      {
        instance: 'h:2:b',
        address: '127.0.0.1:5353',
        self: false,
        live: true,
        zoneState: 'behind',
        versionText: 'behind: v11 of 12',
        lastSeenText: null,
      },
      {
        instance: 'h:3:c',
        address: '127.0.0.1:9053',
        self: false,
        live: false,
        zoneState: 'current',
        versionText: 'serves v12',
        lastSeenText: 'last seen 8s ago',
      },
      {
        instance: 'h:4:d',
        address: '127.0.0.1:1053',
        self: false,
        live: false,
        zoneState: 'missing',
        versionText: 'not serving this zone',
        lastSeenText: 'last seen 10m ago',
      },
    ]);
    expect(instanceRows([self], null, undefined, NOW)[0]?.versionText).toBe(
      'not serving this zone',
    );
  });

  it('counts the live ones', () => {
    expect(liveCountText([self, other])).toBe('2 live');
    expect(liveCountText([self, other, deadOld])).toBe('2 live of 3');
  });

  it('polls only while the popover is open or the zone is syncing', () => {
    expect(respondersRefetchInterval({ open: false, syncing: false })).toBe(false);
    expect(respondersRefetchInterval({ open: true, syncing: false })).toBe(2_000);
    expect(respondersRefetchInterval({ open: false, syncing: true })).toBe(2_000);
  });

  it('reads the wire shape of GET /api/responders', () => {
    const body = { responders: [self, deadOld] };
    expect(ResponderListSchema.parse(JSON.parse(JSON.stringify(body)))).toEqual(body);
  });
});
