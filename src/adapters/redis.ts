// The one way StockMind opens a Redis connection, and what "Redis is down" means to a caller.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { Unavailable } from '../domain/errors.ts';

export interface RedisOptions {
  /**
   * `command` (cache, counters, publishing): a command fails at once while Redis is known to be down
   * (no offline queue) and within `commandTimeoutMs` otherwise, so no request waits on Redis.
   * `subscriber` (pub/sub): queues its (re)subscriptions until Redis is back.
   * `blocking` (BullMQ): waits as long as it takes, so a Redis blip never fails a worker's blocking
   * fetch (BullMQ requires maxRetriesPerRequest: null).
   */
  purpose?: 'command' | 'subscriber' | 'blocking';
  commandTimeoutMs?: number;
}

export function connectRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  const purpose = options.purpose ?? 'command';
  return new Redis(url, {
    connectionName: `stockmind:${name}`,
    maxRetriesPerRequest: purpose === 'blocking' ? null : 1,
    enableOfflineQueue: purpose !== 'command',
    ...(purpose === 'command' ? { commandTimeout: options.commandTimeoutMs ?? 1_000 } : {}),
    connectTimeout: 5_000,
    // Back off up to 2 s between reconnects; never give up, Redis may come back.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
}

/** Waits for a new connection to be usable; false when Redis does not answer within `ms` (start degraded). */
export async function redisReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  try {
    await once(redis, 'ready', { signal: AbortSignal.timeout(ms) });
    return true;
  } catch {
    return false;
  }
}

/** Any failure of a Redis command, as the meaning callers act on. */
export function redisUnavailable(error: unknown): Unavailable {
  return new Unavailable('Redis is unavailable; try again shortly.', 5, { cause: error });
}
