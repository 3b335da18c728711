import { randomBytes } from 'node:crypto';
import type { Principal } from './authenticate';

/** How long a ticket may be used to open an event stream, ms. */
export const EVENT_TICKET_TTL_MS = 60_000;

/** Most tickets held at once; past it the oldest are dropped (a ticket is cheap to ask again). */
export const EVENT_TICKET_LIMIT = 10_000;

/**
 * A short-lived stand-in for the bearer token on `GET /api/events`, which a browser opens with
 * EventSource and so cannot send headers. Bound to the principal that asked for it and to the
 * token's hash (never the secret), so a revocation is noticed at the next connect.
 */
export interface EventTicket {
  ticket: string;
  principal: Principal | null;
  /** SHA-256 of the bearer token it was issued under; null for an anonymous ticket. */
  tokenHash: string | null;
  /** Epoch ms after which it can no longer open a stream. */
  expiresAt: number;
}

export type TicketLookup =
  | { ok: true; entry: EventTicket }
  | { ok: false; reason: 'unknown' | 'expired' };

export interface EventTicketStoreOptions {
  ttlMs?: number;
  limit?: number;
  now?: () => number;
}

/**
 * In-memory tickets (lost on restart: the client just asks for another). A ticket may open any
 * number of streams until it expires, because EventSource reconnects by itself with the same
 * URL; the check is at connect, so a stream outlives its ticket.
 */
export class EventTicketStore {
  readonly ttlMs: number;
  private readonly limit: number;
  private readonly now: () => number;
  /** Insertion order is expiry order (one TTL for all), which the sweep relies on. */
  private readonly tickets = new Map<string, EventTicket>();

  constructor(opts: EventTicketStoreOptions = {}) {
    this.ttlMs = opts.ttlMs ?? EVENT_TICKET_TTL_MS;
    this.limit = opts.limit ?? EVENT_TICKET_LIMIT;
    this.now = opts.now ?? Date.now;
  }

  /** A new ticket: 32 random bytes, base64url. */
  issue(principal: Principal | null, tokenHash: string | null): EventTicket {
    this.sweep();
    while (this.tickets.size >= this.limit) {
      const oldest = this.tickets.keys().next().value;
      if (oldest === undefined) break;
      this.tickets.delete(oldest);
    }
    const entry: EventTicket = {
      ticket: randomBytes(32).toString('base64url'),
      principal,
      tokenHash,
      expiresAt: this.now() + this.ttlMs,
    };
    this.tickets.set(entry.ticket, entry);
    return entry;
  }

  /** The ticket's entry while it may still open a stream (it stays usable until it expires). */
  lookup(ticket: string): TicketLookup {
    const entry = this.tickets.get(ticket);
    if (!entry) return { ok: false, reason: 'unknown' };
    if (this.now() >= entry.expiresAt) {
      this.tickets.delete(ticket);
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, entry };
  }

  /** How many tickets are held (tests). */
  get size(): number {
    return this.tickets.size;
  }

  /** Drop expired tickets from the front of the map (oldest first). */
  private sweep(): void {
    const t = this.now();
    for (const [key, entry] of this.tickets) {
      if (entry.expiresAt > t) break;
      this.tickets.delete(key);
    }
  }
}
