import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema } from '../../shared/errors';
import { EventTicketResponseSchema } from '../../shared/health';
import { EventTicketStore } from '../auth/event-tickets';
import { call, startTestServer, type TestServer } from '../test-server';

/** Event tickets: how a browser's EventSource, which cannot send headers, opens /api/events. */

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function askTicket(s: TestServer, headers: Record<string, string>) {
  const res = await call(s.base, 'POST', '/api/events/tickets', undefined, headers);
  expect(res.status, res.text).toBe(201);
  return EventTicketResponseSchema.parse(res.body);
}

/** An open event stream whose text so far can be awaited for a string. */
async function openStream(url: string) {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  let text = '';
  if (res.ok) {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += decoder.decode(value);
      }
    })();
  }
  return {
    res,
    async waitFor(needle: string, ms = 3000): Promise<string> {
      const start = Date.now();
      while (!text.includes(needle) && Date.now() - start < ms) {
        await new Promise((r) => setTimeout(r, 20));
      }
      return text;
    },
    close: () => abort.abort(),
  };
}

async function applyTxt(s: TestServer, zone: string, name: string) {
  const res = await call(
    s.base,
    'POST',
    `/api/zones/${zone}/rrsets`,
    {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: name,
            Type: 'TXT',
            TTL: 60,
            ResourceRecords: [{ Value: '"x"' }],
          },
        },
      ],
    },
    s.adminHeaders,
  );
  expect(res.status, res.text).toBe(200);
}

async function expectTicketRefused(url: string, pattern: RegExp) {
  const res = await fetch(url);
  expect(res.status).toBe(401);
  const body = ApiErrorSchema.parse(await res.json());
  expect(body.error.code).toBe('Unauthorized');
  expect(body.error.message).toMatch(pattern);
  expect(body.error.details).toEqual([expect.objectContaining({ field: 'ticket' })]);
}

describe('event tickets with private reads', () => {
  let s: TestServer;
  let zone: string;
  let viewer: string;
  beforeAll(async () => {
    // 1.5 s tickets: long enough to open a stream on a loaded machine, short enough to expire.
    s = await startTestServer({ privateReads: true, eventTicketTtlMs: 1500 });
    viewer = await s.createToken('vera', 'viewer');
    zone = (
      (await call(s.base, 'POST', '/api/zones', { name: 'tickets.example' }, s.adminHeaders))
        .body as { id: string }
    ).id;
  });
  afterAll(async () => {
    await s.close();
  });

  it('refuses the stream and a ticket without a token', async () => {
    const stream = await fetch(`${s.base}/api/events?zoneId=${zone}`);
    expect(stream.status).toBe(401);
    expect(ApiErrorSchema.parse(await stream.json()).error.details).toEqual([
      expect.objectContaining({ field: 'Authorization' }),
    ]);
    const ticket = await call(s.base, 'POST', '/api/events/tickets');
    expect(ticket.status).toBe(401);
  });

  it('gives a viewer a random 32-byte ticket that expires after the TTL', async () => {
    const before = Date.now();
    const a = await askTicket(s, bearer(viewer));
    const b = await askTicket(s, bearer(viewer));
    expect(a.ticket).not.toBe(b.ticket);
    expect(Buffer.from(a.ticket, 'base64url')).toHaveLength(32);
    const expires = Date.parse(a.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 1500);
    expect(expires).toBeLessThanOrEqual(Date.now() + 1500);
  });

  it('a ticket opens the stream (more than once) and the stream gets zone events', async () => {
    const { ticket } = await askTicket(s, bearer(viewer));
    const url = `${s.base}/api/events?zoneId=${zone}&ticket=${ticket}`;
    const first = await openStream(url);
    expect(first.res.status).toBe(200);
    expect(await first.waitFor(': connected')).toContain(': connected');
    first.close();
    // EventSource reconnects with the same URL: the ticket still opens it.
    const stream = await openStream(url);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream');
    await stream.waitFor(': connected');
    await applyTxt(s, zone, 'a.tickets.example');
    expect(await stream.waitFor('event: zone')).toContain(
      `event: zone\ndata: {"zoneId":"${zone}","version":1}`,
    );
    stream.close();
  });

  it('an expired ticket is refused naming ticket; a stream it opened stays open', async () => {
    const { ticket, expiresAt } = await askTicket(s, bearer(viewer));
    const url = `${s.base}/api/events?zoneId=${zone}&ticket=${ticket}`;
    const stream = await openStream(url);
    expect(stream.res.status).toBe(200);
    await stream.waitFor(': connected');
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50));
    await expectTicketRefused(url, /expired.*POST \/api\/events\/tickets/);
    await applyTxt(s, zone, 'b.tickets.example');
    expect(await stream.waitFor('event: zone')).toContain(`"zoneId":"${zone}"`);
    stream.close();
  });

  it('an unknown ticket is refused naming ticket', async () => {
    await expectTicketRefused(
      `${s.base}/api/events?zoneId=${zone}&ticket=${'A'.repeat(43)}`,
      /not valid/,
    );
  });

  it('revoking the token stops its ticket opening new streams', async () => {
    const dan = await s.createToken('dan', 'editor');
    const { ticket } = await askTicket(s, bearer(dan));
    const url = `${s.base}/api/events?zoneId=${zone}&ticket=${ticket}`;
    const before = await openStream(url);
    expect(before.res.status).toBe(200);
    before.close();
    await s.repository.revokeApiToken('dan');
    await expectTicketRefused(url, /"dan" was revoked/);
  });

  it('a ticket is accepted on no other route', async () => {
    const { ticket } = await askTicket(s, bearer(viewer));
    for (const path of [
      `/api/zones?ticket=${ticket}`,
      `/api/health-checks?ticket=${ticket}`,
      `/api/zones/${zone}/rrsets?ticket=${ticket}`,
      `/api/me?ticket=${ticket}`,
    ]) {
      const res = await call(s.base, 'GET', path);
      expect(res.status, path).toBe(401);
      expect(ApiErrorSchema.parse(res.body).error.details, path).toEqual([
        expect.objectContaining({ field: 'Authorization' }),
      ]);
    }
    const another = await call(s.base, 'POST', `/api/events/tickets?ticket=${ticket}`);
    expect(another.status).toBe(401);
  });
});

describe('event tickets with open reads', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('may be asked for without a token, and open the stream', async () => {
    const { ticket } = await askTicket(s, {});
    const stream = await openStream(`${s.base}/api/events?ticket=${ticket}`);
    expect(stream.res.status).toBe(200);
    stream.close();
    // A bad ticket is still refused, even where the stream needs none.
    await expectTicketRefused(`${s.base}/api/events?ticket=nope`, /not valid/);
  });
});

describe('EventTicketStore', () => {
  it('keeps a ticket until its TTL, then refuses it as expired', () => {
    let t = 1_000;
    const store = new EventTicketStore({ ttlMs: 60_000, now: () => t });
    const entry = store.issue(null, null);
    expect(entry.expiresAt).toBe(61_000);
    t = 60_999;
    expect(store.lookup(entry.ticket)).toMatchObject({ ok: true });
    expect(store.lookup(entry.ticket)).toMatchObject({ ok: true });
    t = 61_000;
    expect(store.lookup(entry.ticket)).toEqual({ ok: false, reason: 'expired' });
    expect(store.lookup(entry.ticket)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('sweeps expired tickets and holds at most `limit`, dropping the oldest', () => {
    let t = 0;
    const store = new EventTicketStore({ ttlMs: 100, limit: 3, now: () => t });
    store.issue(null, null);
    store.issue(null, null);
    t = 150;
    const oldest = store.issue(null, null);
    expect(store.size).toBe(1);
    const [a, b, c] = [store.issue(null, null), store.issue(null, null), store.issue(null, null)];
    expect(store.size).toBe(3);
    expect(store.lookup(oldest.ticket)).toEqual({ ok: false, reason: 'unknown' });
    expect([a, b, c].every((e) => store.lookup(e.ticket).ok)).toBe(true);
  });
});
