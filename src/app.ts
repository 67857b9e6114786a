// Composition root: builds the adapters this scale needs from the config, wires the services,
// and returns the HTTP app with one close() for everything.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { pino, type DestinationStream, type Logger } from 'pino';
import { MemoryBus, RedisBus, type Bus } from './adapters/bus.ts';
import { MemoryCache, RedisCache, type Cache } from './adapters/cache.ts';
import { connectRedis } from './adapters/redis.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { PriceStore } from './db/repositories/prices.ts';
import { buildServer } from './http/server.ts';
import { safeError } from './logging.ts';
import { chooseProvider, UNIVERSE, type ProviderChoice } from './providers/market/choose.ts';
import { AccountService } from './services/accounts.ts';
import { MarketDataService } from './services/market-data.ts';
import { RateLimiter } from './services/rate-limits.ts';
import { TokenService } from './services/tokens.ts';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The adapters of one process: database, cache and bus, memory or Redis by config. */
export interface Infrastructure {
  config: Config;
  log: Logger;
  database: Database;
  redis: Redis | null;
  cache: Cache;
  bus: Bus;
  close(): Promise<void>;
}

export function createLogger(config: Config, destination?: DestinationStream): Logger {
  return pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
    serializers: { err: safeError },
  }, destination);
}

export async function openInfrastructure(config: Config, options: { migrate?: boolean; log?: Logger } = {}): Promise<Infrastructure> {
  const log = options.log ?? createLogger(config);
  const database = openDatabase(config);
  if (options.migrate ?? true) await database.migrate();
  const redis = config.redisUrl ? connectRedis(config.redisUrl, 'main') : null;
  const cache: Cache = redis ? new RedisCache(redis, config.redisPrefix) : new MemoryCache();
  const bus: Bus = redis ? new RedisBus(redis, connectRedis(config.redisUrl!, 'subscriber'), config.redisPrefix) : new MemoryBus();
  return {
    config, log, database, redis, cache, bus,
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
  prices: PriceStore;
  market: MarketDataService;
}

export interface ServiceOptions {
  /** The market data provider, as chosen by chooseProvider (tests pass their own). */
  provider: ProviderChoice;
  now?: () => Date;
}

export function buildServices(infra: Infrastructure, options: ServiceOptions): Services {
  const { config, database, cache, bus, log } = infra;
  const prices = new PriceStore(database);
  return {
    accounts: new AccountService(database.db, cache, config),
    tokens: new TokenService(database.db, cache, config),
    rateLimiter: new RateLimiter(cache),
    prices,
    market: new MarketDataService({ db: database.db, store: prices, cache, bus, provider: options.provider.provider, log, now: options.now }),
  };
}

/** The services, with the stock universe in place: what every process that runs jobs needs. */
export async function prepareServices(infra: Infrastructure, options: ServiceOptions): Promise<Services> {
  const services = buildServices(infra, options);
  await services.market.seedUniverse(UNIVERSE);
  return services;
}

export interface App {
  http: FastifyInstance;
  infra: Infrastructure;
  services: Services;
  close(): Promise<void>;
}

export interface AppOptions {
  provider?: ProviderChoice;
  now?: () => Date;
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const infra = await openInfrastructure(config);
  const provider = options.provider ?? await chooseProvider(config, infra.log);
  infra.log.info(`market data: ${provider.reason}`);
  const services = await prepareServices(infra, { provider, now: options.now });
  const http = await buildServer(config, infra.log, {
    config,
    ...services,
    health: {
      version: VERSION,
      scale: config.databaseUrl ? 'scaled' : 'embedded',
      database: infra.database,
      redis: infra.redis,
      marketData: { provider: provider.provider?.name ?? null, reason: provider.reason },
    },
    market: services.market,
  });
  return {
    http, infra, services,
    async close() {
      await http.close();
      await infra.close();
    },
  };
}
