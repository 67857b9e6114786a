// Keeps calls to an outside source within its rate limit: at most `requests` per sliding window
// of `perMs`, waiting when the window is full. Bursts below the limit go through at once.
import type { RateLimit } from '../providers/market/port.ts';

export class RequestWindow {
  private readonly sent: number[] = [];

  constructor(private readonly limit: RateLimit, private readonly clock: () => number = Date.now) {}

  /**
   * Resolves true when one more request fits in the window (and counts it), waiting as long as
   * needed, or false once waiting would exceed `maxWaitMs` (a user is waiting on the answer).
   */
  async take(maxWaitMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const deadline = this.clock() + maxWaitMs;
    for (;;) {
      const now = this.clock();
      while (this.sent.length > 0 && this.sent[0]! <= now - this.limit.perMs) this.sent.shift();
      if (this.sent.length < this.limit.requests) {
        this.sent.push(now);
        return true;
      }
      const freeAt = this.sent[0]! + this.limit.perMs;
      if (freeAt > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, freeAt - now));
    }
  }
}
