// Cache port: latest quotes, rate-limit counters, revoked sessions. In-process LRU embedded,
// Redis scaled (so counters and revocations are shared by every API instance).
import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { redisUnavailable } from './redis.ts';

// Lookups are counted in plain numbers and handed to Prometheus at scrape time: nothing per get
// beyond an increment.
const lookups = new Map<string, { hit: number; miss: number }>();
new Counter({
  name: 'stockmind_cache_lookups_total',
  help: 'Cache reads by store and result (hit or miss)',
  labelNames: ['store', 'result'] as const,
  collect() {
    this.reset();
    for (const [store, counts] of lookups) {
      this.inc({ store, result: 'hit' }, counts.hit);
      this.inc({ store, result: 'miss' }, counts.miss);
    }
  },
});

/** The hit and miss tally of a named store (the app's cache), shared by every instance of that name. */
export function lookupTally(store: string): { hit: number; miss: number } {
  let counts = lookups.get(store);
  if (!counts) lookups.set(store, (counts = { hit: 0, miss: 0 }));
  return counts;
}

export interface Cache {
  get<T>(key: string): Promise<T | null>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** Sets only when the key is absent; true when it did. Never overwrites a newer decision. */
  add(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Adds 1 and returns the new count; the first increment starts the key's TTL, later ones keep it. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Counters that can count without waiting: the in-process ones (a request path counts synchronously). */
export interface SyncCounters {
  incrementNow(key: string, ttlSeconds: number): number;
}

export class MemoryCache implements Cache, SyncCounters {
  // Values are kept as JSON, exactly as Redis keeps them: what works embedded works scaled
  // (a Date comes back as a string on both), and callers never share an object with the cache.
  private readonly entries: LRUCache<string, string>;
  private readonly tally: { hit: number; miss: number } | null;

  /** `store` names it in the hit and miss metrics; unnamed stores (counters) are not counted. */
  constructor(maxEntries = 100_000, store: string | null = null) {
    this.entries = new LRUCache({ max: maxEntries, ttlAutopurge: false });
    this.tally = store === null ? null : lookupTally(store);
  }

  async get<T>(key: string): Promise<T | null> {
    const raw = this.entries.get(key);
    if (this.tally) {
      if (raw === undefined) this.tally.miss += 1;
      else this.tally.hit += 1;
    }
    return raw === undefined ? null : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.entries.set(key, JSON.stringify(value), { ttl: ttlSeconds * 1000 });
  }

  async add(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    if (this.entries.has(key)) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    return this.incrementNow(key, ttlSeconds);
  }

  incrementNow(key: string, ttlSeconds: number): number {
    const current = this.entries.get(key);
    if (current === undefined) {
      this.entries.set(key, '1', { ttl: ttlSeconds * 1000 });
      return 1;
    }
    const next = Number(current) + 1;
    this.entries.set(key, String(next), { noUpdateTTL: true });
    return next;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** Whether these counters can count synchronously (the in-process adapter can; Redis cannot). */
export function syncCounters(cache: Cache): SyncCounters | null {
  return 'incrementNow' in cache ? (cache as Cache & SyncCounters) : null;
}

/** The Redis cache. A failed command throws Unavailable; what to do about it is the caller's choice (see degraded.ts). */
export class RedisCache implements Cache {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private key(key: string): string {
    return this.prefix + key;
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw redisUnavailable(error);
    }
  }

  async get<T>(key: string): Promise<T | null> {
    const raw = await this.run(() => this.redis.get(this.key(key)));
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.run(() => this.redis.set(this.key(key), JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds))));
  }

  async add(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    const reply = await this.run(() => this.redis.set(this.key(key), JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX'));
    return reply === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.redis.del(this.key(key)));
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const full = this.key(key);
    // One round trip; EXPIRE NX sets the TTL only on the first increment of the window.
    const results = await this.run(() => this.redis.multi().incr(full).expire(full, Math.max(1, Math.ceil(ttlSeconds)), 'NX').exec());
    const [error, count] = results?.[0] ?? [new Error('empty MULTI reply'), null];
    if (error) throw redisUnavailable(error);
    return Number(count);
  }

  async ping(): Promise<void> {
    await this.run(() => this.redis.ping());
  }

  async close(): Promise<void> {
    // The connection is shared and closed by its owner (the composition root).
  }
}
