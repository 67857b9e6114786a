// What a process does while Redis is down, decided per use (README "When things fail"):
// - the cache degrades to misses (reads fall through to the database; writes are skipped);
// - counters (quotas, throttles, provider budgets) keep counting in this process: fail open;
// - publishing on the bus is dropped (a live update is worth nothing later).
// Each part logs one line when it degrades and one when it recovers, counts what it did degraded
// (Prometheus), and is listed in /api/health/ while degraded.
import { Counter } from 'prom-client';
import type { Bus, BusHandler, Unsubscribe } from './bus.ts';
import { lookupTally, MemoryCache, type Cache } from './cache.ts';

interface Warn {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

const degradedOperations = new Counter({
  name: 'stockmind_degraded_operations_total',
  help: 'Operations served degraded while a dependency was down, by part',
  labelNames: ['part'] as const,
});

/** The parts of this process running degraded now, for the health check. */
export class Degradation {
  private readonly since = new Map<string, { at: Date; reason: string }>();

  constructor(private readonly log: Warn) {}

  /** Records one degraded operation; logs the first of an outage. */
  note(part: string, reason: string): void {
    degradedOperations.inc({ part });
    if (this.since.has(part)) return;
    this.since.set(part, { at: new Date(), reason });
    this.log.warn({ part, reason }, `${part} degraded: ${reason}`);
  }

  recovered(part: string): void {
    const was = this.since.get(part);
    if (!was) return;
    this.since.delete(part);
    this.log.info({ part, degradedForMs: Date.now() - was.at.getTime() }, `${part} recovered`);
  }

  current(): Record<string, { since: string; reason: string }> {
    return Object.fromEntries([...this.since].map(([part, state]) => [part, { since: state.at.toISOString(), reason: state.reason }]));
  }
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A shared cache whose outage reads as misses and skipped writes; its lookups count as the `part` store's hits and misses. */
export class FailSoftCache implements Cache {
  private readonly tally: { hit: number; miss: number };

  constructor(private readonly inner: Cache, private readonly degradation: Degradation, private readonly part = 'cache') {
    this.tally = lookupTally(part);
  }

  private async attempt<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await operation();
      this.degradation.recovered(this.part);
      return result;
    } catch (error) {
      this.degradation.note(this.part, `Redis unreachable (${reasonOf(error)}); reads fall through to the database`);
      return fallback;
    }
  }

  async get<T>(key: string): Promise<T | null> {
    const value = await this.attempt(() => this.inner.get<T>(key), null);
    if (value === null) this.tally.miss += 1;
    else this.tally.hit += 1;
    return value;
  }

  set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    return this.attempt(() => this.inner.set(key, value, ttlSeconds), undefined);
  }

  /** false when Redis is down: the caller's decision was not recorded. */
  add(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    return this.attempt(() => this.inner.add(key, value, ttlSeconds), false);
  }

  delete(key: string): Promise<void> {
    return this.attempt(() => this.inner.delete(key), undefined);
  }

  increment(key: string, ttlSeconds: number): Promise<number> {
    return this.inner.increment(key, ttlSeconds);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Shared counters that keep counting in this process while Redis is down (fail open): a quota or
 * throttle counted per instance for a while is better than refusing every request.
 */
export class FailOpenCounters implements Cache {
  private readonly local = new MemoryCache(50_000);

  constructor(private readonly inner: Cache, private readonly degradation: Degradation, private readonly part = 'counters') {}

  private async attempt<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    try {
      const result = await shared();
      this.degradation.recovered(this.part);
      return result;
    } catch (error) {
      this.degradation.note(this.part, `Redis unreachable (${reasonOf(error)}); counting in this process`);
      return local();
    }
  }

  get<T>(key: string): Promise<T | null> {
    return this.attempt(() => this.inner.get<T>(key), () => this.local.get<T>(key));
  }

  set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    return this.attempt(() => this.inner.set(key, value, ttlSeconds), () => this.local.set(key, value, ttlSeconds));
  }

  add(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    return this.attempt(() => this.inner.add(key, value, ttlSeconds), () => this.local.add(key, value, ttlSeconds));
  }

  delete(key: string): Promise<void> {
    return this.attempt(() => this.inner.delete(key), () => this.local.delete(key));
  }

  increment(key: string, ttlSeconds: number): Promise<number> {
    return this.attempt(() => this.inner.increment(key, ttlSeconds), () => this.local.increment(key, ttlSeconds));
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.local.close();
  }
}

/** Publishing that drops a message while Redis is down rather than failing its caller. */
export class FailSoftBus implements Bus {
  constructor(private readonly inner: Bus, private readonly degradation: Degradation, private readonly part = 'bus') {}

  async publish(channel: string, message: unknown): Promise<void> {
    try {
      await this.inner.publish(channel, message);
      this.degradation.recovered(this.part);
    } catch (error) {
      this.degradation.note(this.part, `Redis unreachable (${reasonOf(error)}); live updates are dropped`);
    }
  }

  subscribe(channel: string, handler: BusHandler): Promise<Unsubscribe> {
    return this.inner.subscribe(channel, handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

