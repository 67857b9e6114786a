// Brute-force protection of login, register and refresh: short sliding windows per client IP
// (every attempt) and per account (failed logins), separate from the daily quota, so junk traffic
// from an office's shared address can never lock its people out of logging in for a whole day.
import type { Cache } from '../adapters/cache.ts';
import { RateLimited } from '../domain/errors.ts';
import type { Clock } from '../domain/time.ts';

export interface ThrottleLimit {
  /** Attempts allowed per window. */
  attempts: number;
  windowSeconds: number;
}

export interface LoginThrottleSettings {
  perIp: ThrottleLimit;
  /** Failed logins of one account, from anywhere. */
  perAccount: ThrottleLimit;
}

/**
 * A sliding-window counter: this window's count plus the previous window's, weighted by how much
 * of it still overlaps the sliding window. Two counters per subject, whatever the traffic.
 */
class SlidingWindow {
  constructor(private readonly counters: Cache, private readonly name: string, private readonly limit: ThrottleLimit, private readonly clock: Clock) {}

  private position(): { index: number; elapsed: number; windowMs: number } {
    const windowMs = this.limit.windowSeconds * 1000;
    const now = this.clock.now().getTime();
    return { index: Math.floor(now / windowMs), elapsed: (now % windowMs) / windowMs, windowMs };
  }

  private key(subject: string, index: number): string {
    return `throttle:${this.name}:${subject}:${index}`;
  }

  /** Seconds until one more attempt fits, or 0 when it fits now. */
  async wait(subject: string): Promise<number> {
    const { index, elapsed, windowMs } = this.position();
    const [current, previous] = await Promise.all([
      this.counters.get<number>(this.key(subject, index)),
      this.counters.get<number>(this.key(subject, index - 1)),
    ]);
    const now = Number(current ?? 0);
    const before = Number(previous ?? 0);
    if (now + before * (1 - elapsed) < this.limit.attempts) return 0;
    if (now >= this.limit.attempts) return Math.ceil(((1 - elapsed) * windowMs) / 1000);
    // The previous window's weight must fall until the estimate is under the limit.
    const until = 1 - (this.limit.attempts - now) / before;
    return Math.max(1, Math.ceil(((until - elapsed) * windowMs) / 1000));
  }

  async count(subject: string): Promise<void> {
    const { index } = this.position();
    await this.counters.increment(this.key(subject, index), this.limit.windowSeconds * 2 + 5);
  }
}

export class LoginThrottle {
  private readonly ip: SlidingWindow;
  private readonly account: SlidingWindow;

  constructor(counters: Cache, private readonly settings: LoginThrottleSettings, clock: Clock) {
    this.ip = new SlidingWindow(counters, 'ip', settings.perIp, clock);
    this.account = new SlidingWindow(counters, 'account', settings.perAccount, clock);
  }

  /** Counts an attempt from `ip`; 429 with Retry-After when the address has made too many. */
  async attempt(ip: string): Promise<void> {
    const wait = await this.ip.wait(ip);
    if (wait > 0) {
      throw new RateLimited(`Too many sign-in attempts from your address; try again in ${wait} seconds.`, wait);
    }
    await this.ip.count(ip);
  }

  /** 429 with Retry-After when the account has had too many failed logins recently. */
  async checkAccount(email: string): Promise<void> {
    const wait = await this.account.wait(email);
    if (wait > 0) {
      throw new RateLimited(`Too many failed logins for this account; try again in ${wait} seconds.`, wait);
    }
  }

  async failedLogin(email: string): Promise<void> {
    await this.account.count(email);
  }
}
