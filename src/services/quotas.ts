// Daily request quotas: per user by tier, per IP for anonymous callers. Counted in the counters
// adapter (its own bounded store embedded, Redis scaled), so every API instance shares one count.
import type { Cache } from '../adapters/cache.ts';
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
  constructor(private readonly counters: Cache, private readonly clock: Clock) {}

  private key(subject: string, day: string): string {
    return `rate:${day}:${subject}`;
  }

  /** Counts one request of `subject` ("user:<id>" or "ip:<addr>") against its daily limit. */
  async consume(subject: string, limit: number): Promise<Quota> {
    const now = this.clock.now();
    const { day, resetsAt } = utcDay(now);
    // The key outlives its day a little so a clock skew between instances cannot reset it early.
    const ttl = Math.ceil((resetsAt.getTime() - now.getTime()) / 1000) + 60;
    const used = await this.counters.increment(this.key(subject, day), ttl);
    return quota(limit, used, resetsAt);
  }

  /** Today's usage without counting a request (for the profile). */
  async peek(subject: string, limit: number): Promise<Quota> {
    const { day, resetsAt } = utcDay(this.clock.now());
    const used = (await this.counters.get<number>(this.key(subject, day))) ?? 0;
    return quota(limit, Number(used), resetsAt);
  }
}
