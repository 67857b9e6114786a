// The one way StockMind opens a Redis connection.
import { Redis } from 'ioredis';

export interface RedisOptions {
  /**
   * `command` (cache, quotas, pub/sub): fails a command fast instead of queueing it forever while
   * Redis is down. `blocking` (BullMQ): waits as long as it takes, so a Redis blip never fails a
   * worker's blocking fetch (BullMQ requires maxRetriesPerRequest: null).
   */
  purpose?: 'command' | 'blocking';
}

export function connectRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  const blocking = options.purpose === 'blocking';
  return new Redis(url, {
    connectionName: `stockmind:${name}`,
    maxRetriesPerRequest: blocking ? null : 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
    // Back off up to 2 s between reconnects; never give up, Redis may come back.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
}
