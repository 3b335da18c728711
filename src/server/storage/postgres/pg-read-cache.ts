/**
 * The PostgreSQL repository's read cache for the per-query reads (zone row, zone settings,
 * health, measurements version): each entry lives `ttlMs`, so a value is at most that far
 * behind a commit made through another instance — the same bound as a DNS responder's poll.
 * Every write through this repository clears it on commit, so its own writes are read back at
 * once. Entries hold the read in flight, so concurrent misses share one query; a failed read is
 * not kept.
 */
export class PgReadCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();
  /** Resolved zone versions, by the key of the entry that holds the zone row. */
  private readonly versions = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = performance.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    if (this.entries.size >= this.maxEntries) this.clear();
    const value = load();
    const entry = { at: now, value: value as Promise<unknown> };
    this.entries.set(key, entry);
    value.then(
      (v) => {
        const version = (v as { version?: unknown } | null)?.version;
        if (this.entries.get(key) === entry && typeof version === 'number') {
          this.versions.set(key, version);
        }
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  /**
   * Drops an entry whose zone row is at another version than `version` (just read), or whose
   * version is not known: a read still in flight may predate it, and a cached null (no such
   * zone) is wrong now that the zone is listed.
   */
  sawVersion(key: string, version: number): void {
    const cached = this.versions.get(key);
    if (cached === undefined ? this.entries.has(key) : cached !== version) {
      this.entries.delete(key);
      this.versions.delete(key);
    }
  }

  /** Drops one entry (a zone that was deleted). */
  forget(key: string): void {
    this.entries.delete(key);
    this.versions.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.versions.clear();
  }
}
