// One contract, run against the implementation of this scale: memory embedded, Redis scaled.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus, RedisBus, type Bus } from '../../src/adapters/bus.ts';
import { MemoryCache, RedisCache, type Cache } from '../../src/adapters/cache.ts';
import { SCALE } from '../support/scale.ts';

const prefix = `stockmind-test:${randomUUID()}:`;
const connections: Redis[] = [];
const redis = () => {
  const connection = new Redis(process.env.TEST_REDIS_URL!);
  connections.push(connection);
  return connection;
};

function makeCache(): Cache {
  return SCALE === 'scaled' ? new RedisCache(redis(), prefix) : new MemoryCache();
}
function makeBus(): Bus {
  return SCALE === 'scaled' ? new RedisBus(redis(), redis(), prefix) : new MemoryBus();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The messages a handler receives until `count` arrived or the time is up. */
function collector() {
  const received: unknown[] = [];
  return {
    received,
    handler: (message: unknown) => { received.push(message); },
    async until(count: number, ms = 2_000) {
      const deadline = Date.now() + ms;
      while (received.length < count && Date.now() < deadline) await sleep(5);
      return received;
    },
  };
}

afterAll(async () => {
  if (SCALE === 'scaled') {
    const cleaner = redis();
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length) await cleaner.del(...keys);
  }
  for (const connection of connections) connection.disconnect();
});

describe(`cache contract (${SCALE === 'scaled' ? 'Redis' : 'memory'})`, () => {
  let cache: Cache;
  beforeAll(() => { cache = makeCache(); });

  it('stores JSON values and gives copies back', async () => {
    const quote = { symbol: 'AAPL', price: 180.45, tags: ['tech'], asOf: '2026-11-24T15:00:00Z' };
    await cache.set('quote:AAPL', quote, 60);
    const back = await cache.get<typeof quote>('quote:AAPL');
    expect(back).toEqual(quote);
    back!.tags.push('mutated');
    expect((await cache.get<typeof quote>('quote:AAPL'))!.tags).toEqual(['tech']);
  });

  it('adds a key only when it is absent', async () => {
    expect(await cache.add('decision', 'revoked', 60)).toBe(true);
    expect(await cache.add('decision', 'open', 60)).toBe(false);
    expect(await cache.get('decision')).toBe('revoked');
    await cache.set('decision', 'changed', 60);
    expect(await cache.get('decision')).toBe('changed');
  });

  it('answers null for missing and deleted keys', async () => {
    expect(await cache.get('never-set')).toBeNull();
    await cache.set('doomed', 1, 60);
    await cache.delete('doomed');
    expect(await cache.get('doomed')).toBeNull();
  });

  it('gives values back as JSON would: instants as ISO strings, on both scales', async () => {
    await cache.set('dated', { at: new Date('2026-11-24T15:00:00Z') }, 60);
    expect(await cache.get('dated')).toEqual({ at: '2026-11-24T15:00:00.000Z' });
  });

  it('keeps false and 0 apart from missing', async () => {
    await cache.set('falsy', false, 60);
    await cache.set('zero', 0, 60);
    expect(await cache.get('falsy')).toBe(false);
    expect(await cache.get('zero')).toBe(0);
  });

  it('expires entries after their TTL', async () => {
    await cache.set('short', 'lived', 1);
    expect(await cache.get('short')).toBe('lived');
    await sleep(1_100);
    expect(await cache.get('short')).toBeNull();
  });

  it('increments atomically under concurrency', async () => {
    const counts = await Promise.all(Array.from({ length: 50 }, () => cache.increment('counter', 60)));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await cache.get<number>('counter')).toBe(50);
  });

  it('starts a counter\'s TTL on the first increment and does not extend it', async () => {
    await cache.increment('window', 1);
    await sleep(600);
    await cache.increment('window', 1);
    await sleep(600);
    expect(await cache.get('window')).toBeNull();
    expect(await cache.increment('window', 60)).toBe(1);
  });

  it('answers ping', async () => {
    await expect(cache.ping()).resolves.toBeUndefined();
  });
});

describe(`bus contract (${SCALE === 'scaled' ? 'Redis pub/sub' : 'memory'})`, () => {
  let publisherSide: Bus;
  let subscriberSide: Bus;
  beforeAll(() => {
    // Scaled, two buses stand for two API instances; embedded there is one process.
    publisherSide = makeBus();
    subscriberSide = SCALE === 'scaled' ? makeBus() : publisherSide;
  });

  it('delivers a message to every subscriber of the channel, in order', async () => {
    const a = collector();
    const b = collector();
    await subscriberSide.subscribe('stock_AAPL', a.handler);
    await subscriberSide.subscribe('stock_AAPL', b.handler);
    for (let i = 1; i <= 3; i += 1) await publisherSide.publish('stock_AAPL', { type: 'stock_update', data: { symbol: 'AAPL', price: 180 + i } });
    expect(await a.until(3)).toEqual([181, 182, 183].map((price) => ({ type: 'stock_update', data: { symbol: 'AAPL', price } })));
    expect(await b.until(3)).toHaveLength(3);
  });

  it('does not deliver other channels\' messages', async () => {
    const msft = collector();
    await subscriberSide.subscribe('stock_MSFT', msft.handler);
    await publisherSide.publish('stock_TSLA', { type: 'stock_update' });
    await publisherSide.publish('stock_MSFT', { n: 1 });
    expect(await msft.until(1)).toEqual([{ n: 1 }]);
    await sleep(50);
    expect(msft.received).toHaveLength(1);
  });

  it('stops delivering after unsubscribe, leaving other subscribers', async () => {
    const leaving = collector();
    const staying = collector();
    const unsubscribe = await subscriberSide.subscribe('stock_NVDA', leaving.handler);
    await subscriberSide.subscribe('stock_NVDA', staying.handler);
    await unsubscribe();
    await publisherSide.publish('stock_NVDA', { n: 1 });
    expect(await staying.until(1)).toHaveLength(1);
    await sleep(50);
    expect(leaving.received).toHaveLength(0);
  });

  it('hands each subscriber its own copy', async () => {
    const first = collector();
    const second = collector();
    await subscriberSide.subscribe('stock_AMD', (message) => { (message as { n: number }).n = 99; first.handler(message); });
    await subscriberSide.subscribe('stock_AMD', second.handler);
    const sent = { n: 1 };
    await publisherSide.publish('stock_AMD', sent);
    sent.n = 2;
    expect(await first.until(1)).toEqual([{ n: 99 }]);
    // Neither the publisher's later change nor the first subscriber's reached the second.
    expect(await second.until(1)).toEqual([{ n: 1 }]);
  });
});
