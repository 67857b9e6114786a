// Daily request quotas: per user by tier, per IP for anonymous callers. Counted in the counters
// adapter (its own bounded store embedded, Redis scaled), so every API instance shares one count.
import { syncCounters, type Cache, type SyncCounters } from '../adapters/cache.ts';
import { DAY_MS, isoDate, type Clock } from '../domain/time.ts';

export interface Quota {
  limit: number;
  used: number;
  remaining: number;
  /** Next 00:00 UTC, when the count starts again. */
  resetsAt: Date;
  allowed: boolean;
}

function utcDay(now: Date): { day: string; resetsAt: Date } {
  const start = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return { day: isoDate(new Date(start)), resetsAt: new Date(start + DAY_MS) };
}

function quota(limit: number, used: number, resetsAt: Date): Quota {
  return { limit, used, remaining: Math.max(0, limit - used), resetsAt, allowed: used <= limit };
}

export class DailyQuotas {
  private readonly now: SyncCounters | null;

  constructor(private readonly counters: Cache, private readonly clock: Clock) {
    this.now = syncCounters(counters);
  }

  private key(subject: string, day: string): string {
    return `rate:${day}:${subject}`;
  }

  /** Today's UTC day, worked out once a day rather than on every request. */
  private today: { day: string; resetsAt: Date } = { day: '', resetsAt: new Date(0) };

  /** The day's key and the count's time to live; it outlives its day a little so a clock skew between instances cannot reset it early. */
  private window(subject: string) {
    const now = this.clock.now().getTime();
    if (now >= this.today.resetsAt.getTime() || now < this.today.resetsAt.getTime() - DAY_MS) this.today = utcDay(new Date(now));
    const { day, resetsAt } = this.today;
    return { key: this.key(subject, day), resetsAt, ttl: Math.ceil((resetsAt.getTime() - now) / 1000) + 60 };
  }

  /** Counts one request of `subject` ("user:<id>" or "ip:<addr>") against its daily limit. */
  async consume(subject: string, limit: number): Promise<Quota> {
    const { key, resetsAt, ttl } = this.window(subject);
    return quota(limit, await this.counters.increment(key, ttl), resetsAt);
  }

  /** consume() without waiting, when the counters are in this process; undefined otherwise. */
  consumeNow(subject: string, limit: number): Quota | undefined {
    if (!this.now) return undefined;
    const { key, resetsAt, ttl } = this.window(subject);
    return quota(limit, this.now.incrementNow(key, ttl), resetsAt);
  }

  /** Today's usage without counting a request (for the profile). */
  async peek(subject: string, limit: number): Promise<Quota> {
    const { day, resetsAt } = utcDay(this.clock.now());
    const used = (await this.counters.get<number>(this.key(subject, day))) ?? 0;
    return quota(limit, Number(used), resetsAt);
  }
}
