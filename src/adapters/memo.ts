// A process-local memo of objects, for what every authenticated request reads (the session's
// state, the caller's tier, the user): embedded, one process is the only writer, so the memo is
// coherent and the hot path is one synchronous lookup, with no JSON round trip. Scaled, nothing
// uses it: a revocation on one instance must reach every other at once, through Redis.
import { LRUCache } from 'lru-cache';

export class LocalMemo {
  private readonly entries: LRUCache<string, { value: unknown }>;

  constructor(maxEntries = 50_000) {
    this.entries = new LRUCache({ max: maxEntries, ttlAutopurge: false });
  }

  /** The value, or undefined when nothing is memoised (null and false are values). */
  get<T>(key: string): T | undefined {
    return this.entries.get(key)?.value as T | undefined;
  }

  set(key: string, value: unknown, ttlSeconds: number): void {
    this.entries.set(key, { value }, { ttl: ttlSeconds * 1000 });
  }

  /** Sets only when nothing is memoised: a decision written meanwhile (a revocation) wins. */
  add(key: string, value: unknown, ttlSeconds: number): void {
    if (!this.entries.has(key)) this.set(key, value, ttlSeconds);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
