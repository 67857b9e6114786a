import { Redis } from 'ioredis';

/** A Redis connection that fails fast instead of queueing commands forever while Redis is down. */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `stockmind:${name}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
    // Back off up to 2 s between reconnects; never give up, Redis may come back.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
}
