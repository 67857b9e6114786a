// The provider budget under fake timers: slots of the rate limit, shared through the counters.
import { register as metrics } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryCache } from '../../../src/adapters/cache.ts';
import { systemClock } from '../../../src/domain/time.ts';
import { ProviderBudget } from '../../../src/services/market/provider-budget.ts';

// 60 requests a minute: slots of 1 s holding one request each.
const LIMIT = { requests: 60, perMs: 60_000 };

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-24T15:00:00.000Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('provider budget', () => {
  it('lets a slot\'s share through at once, then waits for the next slot', async () => {
    const budget = new ProviderBudget(new MemoryCache(), 'yahoo', { requests: 180, perMs: 60_000 }, systemClock);
    const times: number[] = [];
    const started = Date.now();
    const takes = Promise.all(Array.from({ length: 5 }, async () => {
      await budget.take();
      times.push(Date.now() - started);
    }));
    await vi.advanceTimersByTimeAsync(2_500);
    await takes;
    // Three per 1 s slot: the first three at once, the next two in the following slot.
    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    expect(times.slice(3).every((t) => t >= 1_000 && t < 2_000)).toBe(true);
  });

  it('is one budget for every process sharing the counters', async () => {
    const counters = new MemoryCache();
    const first = new ProviderBudget(counters, 'yahoo', LIMIT, systemClock);
    const second = new ProviderBudget(counters, 'yahoo', LIMIT, systemClock);
    expect(await first.take(0)).toBe(true);
    // The other process finds the slot spent by the first.
    expect(await second.take(0)).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await second.take(0)).toBe(true);
  });

  it('gives up at once when the next free slot is later than the caller may wait', async () => {
    const budget = new ProviderBudget(new MemoryCache(), 'yahoo', { requests: 1, perMs: 3_600_000 }, systemClock);
    expect(await budget.take(100)).toBe(true);
    const started = Date.now();
    expect(await budget.take(100)).toBe(false);
    expect(Date.now() - started).toBe(0);
  });

  it('does not pace a source that allows thousands of requests a second', async () => {
    const budget = new ProviderBudget(new MemoryCache(), 'simulated', { requests: 1_000_000, perMs: 1_000 }, systemClock);
    const results = await Promise.all(Array.from({ length: 10_000 }, () => budget.take(0)));
    expect(results.every(Boolean)).toBe(true);
  });
});

describe('provider budget metrics', () => {
  const value = async (name: string, provider: string) =>
    (await metrics.getSingleMetric(name)!.get()).values.find((sample) => sample.labels.provider === provider)?.value ?? 0;

  it('counts the calls that waited for a slot, how long, and the ones refused', async () => {
    const budget = new ProviderBudget(new MemoryCache(), 'metered', LIMIT, systemClock);
    await budget.take();
    const waiting = budget.take();
    await vi.advanceTimersByTimeAsync(1_000);
    await waiting;
    expect(await budget.take(0)).toBe(false);
    expect(await value('stockmind_provider_rate_limit_waits_total', 'metered')).toBe(1);
    expect(await value('stockmind_provider_rate_limit_wait_seconds_total', 'metered')).toBeCloseTo(1, 1);
    expect(await value('stockmind_provider_rate_limit_refusals_total', 'metered')).toBe(1);
  });
});
