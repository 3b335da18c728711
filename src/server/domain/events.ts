import type { HealthEvent, ZoneEvent } from '../../shared/health';
import type { Repository } from '../storage/repository';
import { type HealthService, toHealthEvent } from './health-checks';

export type ServerEvent = { type: 'health'; data: HealthEvent } | { type: 'zone'; data: ZoneEvent };
export type ServerEventListener = (event: ServerEvent) => void;

/**
 * What /api/events streams: every effective health change (pushed by the HealthService as it
 * happens) and every zone version change (read from storage every `pollMs` while anyone
 * listens, so batches applied by any front door or process are seen).
 */
export class ServerEvents {
  private readonly listeners = new Set<ServerEventListener>();
  private versions = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly repository: Repository,
    health: HealthService,
    private readonly pollMs = 250,
  ) {
    this.unsubscribe = health.onTransition((t) => {
      this.emit({ type: 'health', data: toHealthEvent(t) });
    });
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: ServerEventListener): () => void {
    this.listeners.add(listener);
    if (this.timer === null) {
      void this.readVersions(false);
      this.timer = setInterval(() => void this.readVersions(true), this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private emit(event: ServerEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // One broken stream must not stop the others.
      }
    }
  }

  private async readVersions(announce: boolean): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const next = new Map<string, number>();
      for (const z of await this.repository.listZones()) {
        const zone = await this.repository.getZone(z.id);
        if (zone !== null) next.set(zone.id, zone.version);
      }
      const before = this.versions;
      this.versions = next;
      if (!announce) return;
      for (const [zoneId, version] of next) {
        if (before.get(zoneId) !== version) this.emit({ type: 'zone', data: { zoneId, version } });
      }
    } catch {
      // Storage closing under us (server shutdown): the next poll, if any, tries again.
    } finally {
      this.polling = false;
    }
  }
}
