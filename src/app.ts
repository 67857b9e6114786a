// Composition root: builds the adapters this scale needs from the config, wires the services,
// and returns the HTTP app with one close() for everything.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { MemoryBus, RedisBus, type Bus } from './adapters/bus.ts';
import { MemoryCache, RedisCache, type Cache } from './adapters/cache.ts';
import { connectRedis } from './adapters/redis.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { buildServer } from './http/server.ts';
import { AccountService } from './services/accounts.ts';
import { RateLimiter } from './services/rate-limits.ts';
import { TokenService } from './services/tokens.ts';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The adapters of one process: database, cache and bus, memory or Redis by config. */
export interface Infrastructure {
  config: Config;
  database: Database;
  redis: Redis | null;
  cache: Cache;
  bus: Bus;
  close(): Promise<void>;
}

export async function openInfrastructure(config: Config, options: { migrate?: boolean } = {}): Promise<Infrastructure> {
  const database = openDatabase(config);
  if (options.migrate ?? true) await database.migrate();
  const redis = config.redisUrl ? connectRedis(config.redisUrl, 'main') : null;
  const cache: Cache = redis ? new RedisCache(redis, config.redisPrefix) : new MemoryCache();
  const bus: Bus = redis ? new RedisBus(redis, connectRedis(config.redisUrl!, 'subscriber'), config.redisPrefix) : new MemoryBus();
  return {
    config, database, redis, cache, bus,
    async close() {
      await bus.close();
      await cache.close();
      redis?.disconnect();
      await database.close();
    },
  };
}

export interface Services {
  accounts: AccountService;
  tokens: TokenService;
  rateLimiter: RateLimiter;
}

export function buildServices(infra: Infrastructure): Services {
  const { config, database, cache } = infra;
  return {
    accounts: new AccountService(database.db, cache, config),
    tokens: new TokenService(database.db, cache, config),
    rateLimiter: new RateLimiter(cache),
  };
}

export interface App {
  http: FastifyInstance;
  infra: Infrastructure;
  services: Services;
  close(): Promise<void>;
}

export async function buildApp(config: Config): Promise<App> {
  const infra = await openInfrastructure(config);
  const services = buildServices(infra);
  const http = await buildServer(config, {
    config,
    ...services,
    health: {
      version: VERSION,
      scale: config.databaseUrl ? 'scaled' : 'embedded',
      database: infra.database,
      redis: infra.redis,
    },
  });
  return {
    http, infra, services,
    async close() {
      await http.close();
      await infra.close();
    },
  };
}
