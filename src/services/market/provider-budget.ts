// Keeps calls to an outside source within its rate limit, across every process that shares the
// counters (Redis scaled, in-process embedded), as the user quotas are: the limit is cut into
// slots of a fixed length, each allowed its share of the requests; a full slot waits for the next.
import { Counter } from 'prom-client';
import type { Cache } from '../../adapters/cache.ts';
import { sleep, type Clock } from '../../domain/time.ts';
import type { RateLimit } from '../../providers/market/port.ts';

/** Sources that allow this many requests a second or more are not paced at all (the simulator). */
const UNPACED_PER_SECOND = 1_000;

const waits = new Counter({
  name: 'stockmind_provider_rate_limit_waits_total',
  help: 'Calls that waited for a free slot of the provider\'s rate limit (shared by every process)',
  labelNames: ['provider'] as const,
});
const waited = new Counter({
  name: 'stockmind_provider_rate_limit_wait_seconds_total',
  help: 'Time spent waiting for the provider\'s rate limit',
  labelNames: ['provider'] as const,
});
const refusals = new Counter({
  name: 'stockmind_provider_rate_limit_refusals_total',
  help: 'Calls refused because the rate limit had no slot within what the caller could wait (a request answered 503)',
  labelNames: ['provider'] as const,
});
const SLOTS_PER_WINDOW = 60;
const MIN_SLOT_MS = 1_000;

export class ProviderBudget {
  private readonly slotMs: number;
  private readonly perSlot: number;
  private readonly paced: boolean;

  constructor(private readonly counters: Cache, private readonly source: string, limit: RateLimit, private readonly clock: Clock) {
    this.paced = limit.requests / (limit.perMs / 1000) < UNPACED_PER_SECOND;
    this.slotMs = Math.max(MIN_SLOT_MS, Math.floor(limit.perMs / SLOTS_PER_WINDOW));
    this.perSlot = Math.max(1, Math.floor((limit.requests * this.slotMs) / limit.perMs));
  }

  /**
   * Resolves true when one more request fits (and counts it), waiting for a free slot as long as
   * needed, or false once waiting would exceed `maxWaitMs` (a user is waiting on the answer).
   */
  async take(maxWaitMs = Number.POSITIVE_INFINITY, signal?: AbortSignal): Promise<boolean> {
    if (!this.paced) return true;
    const deadline = this.clock.now().getTime() + maxWaitMs;
    for (let first = true; ; first = false) {
      const now = this.clock.now().getTime();
      const slot = Math.floor(now / this.slotMs);
      const used = await this.counters.increment(`budget:${this.source}:${slot}`, Math.ceil(this.slotMs / 1000) + 5);
      if (used <= this.perSlot) return true;
      const nextSlot = (slot + 1) * this.slotMs;
      if (nextSlot > deadline) {
        refusals.inc({ provider: this.source });
        return false;
      }
      if (first) waits.inc({ provider: this.source });
      waited.inc({ provider: this.source }, (nextSlot - now) / 1000);
      await sleep(nextSlot - now, signal);
    }
  }
}
