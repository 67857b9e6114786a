// Composition root: builds the adapters this scale needs from the config, wires the services
// (each given only the settings it needs), and returns the HTTP app with one close() for everything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { gzipArchive } from './adapters/archive.ts';
import { MemoryBus, RedisBus, type Bus } from './adapters/bus.ts';
import { MemoryCache, RedisCache, type Cache } from './adapters/cache.ts';
import { connectRedis } from './adapters/redis.ts';
import { MEMORY, type Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { PriceRepository } from './db/repositories/prices.ts';
import { SessionRepository } from './db/repositories/sessions.ts';
import { StockRepository } from './db/repositories/stocks.ts';
import { UserRepository } from './db/repositories/users.ts';
import { systemClock, type Clock } from './domain/time.ts';
import { buildServer } from './http/server.ts';
import { createLogger } from './logging.ts';
import { chooseProvider, UNIVERSE, type ProviderChoice } from './providers/market/choose.ts';
import { AccountService } from './services/accounts.ts';
import { ImportService } from './services/import/importer.ts';
import { LoginThrottle } from './services/login-throttle.ts';
import { StockCatalog } from './services/market/catalog.ts';
import { MarketGateway } from './services/market/gateway.ts';
import { PriceHistory } from './services/market/history.ts';
import { ProviderBudget } from './services/market/provider-budget.ts';
import { QuoteIngest } from './services/market/quote-ingest.ts';
import { QuoteService } from './services/market/quotes.ts';
import { StockDetailService } from './services/market/stock-detail.ts';
import { DailyQuotas } from './services/quotas.ts';
import { RetentionService } from './services/retention.ts';
import { TokenService } from './services/tokens.ts';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The adapters of one process: database, caches and bus, memory or Redis by config. */
export interface Infrastructure {
  config: Config;
  log: Logger;
  clock: Clock;
  database: Database;
  redis: Redis | null;
  /** Quotes, users, sessions: what may be evicted and fetched again. */
  cache: Cache;
  /** Quotas, throttles and provider budgets: embedded, a store of their own, so junk traffic filling the cache cannot evict a count. */
  counters: Cache;
  bus: Bus;
  close(): Promise<void>;
}

export interface InfrastructureOptions {
  migrate?: boolean;
  log?: Logger;
  clock?: Clock;
}

export async function openInfrastructure(config: Config, options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const log = options.log ?? createLogger({ level: config.logLevel });
  const database = openDatabase(config);
  if (options.migrate ?? true) await database.migrate();
  const redis = config.redisUrl ? connectRedis(config.redisUrl, 'main') : null;
  const cache: Cache = redis ? new RedisCache(redis, config.redisPrefix) : new MemoryCache();
  const counters: Cache = redis ? cache : new MemoryCache(50_000);
  const bus: Bus = redis ? new RedisBus(redis, connectRedis(config.redisUrl!, 'subscriber'), config.redisPrefix) : new MemoryBus();
  return {
    config, log, clock: options.clock ?? systemClock, database, redis, cache, counters, bus,
    async close() {
      await bus.close();
      await cache.close();
      await counters.close();
      redis?.disconnect();
      await database.close();
    },
  };
}

export interface Repositories {
  users: UserRepository;
  sessions: SessionRepository;
  stocks: StockRepository;
  prices: PriceRepository;
}

export interface Services {
  accounts: AccountService;
  tokens: TokenService;
  quotas: DailyQuotas;
  loginThrottle: LoginThrottle;
  catalog: StockCatalog;
  gateway: MarketGateway;
  ingest: QuoteIngest;
  quotes: QuoteService;
  history: PriceHistory;
  stockDetail: StockDetailService;
  imports: ImportService;
  retention: RetentionService;
}

export function buildRepositories(infra: Infrastructure): Repositories {
  const { db } = infra.database;
  return { users: new UserRepository(db), sessions: new SessionRepository(db), stocks: new StockRepository(db), prices: new PriceRepository(infra.database) };
}

/** The market data provider this process uses: chosen by config unless the caller brings one (tests). */
export type ProviderOption = ProviderChoice;

export function buildServices(infra: Infrastructure, repositories: Repositories, provider: ProviderChoice): Services {
  const { config, cache, counters, bus, clock } = infra;
  const budget = provider.provider ? new ProviderBudget(counters, provider.provider.name, provider.provider.rateLimit, clock) : null;
  const gateway = new MarketGateway(provider.provider, budget);
  const catalog = new StockCatalog(repositories.stocks, gateway, UNIVERSE);
  const ingest = new QuoteIngest(catalog, repositories.prices, cache, bus, gateway);
  const history = new PriceHistory(repositories.prices, gateway, cache, clock);
  const quotes = new QuoteService(cache, repositories.prices, catalog, gateway, ingest, clock);
  return {
    accounts: new AccountService(repositories.users, cache, config.rateLimits, clock),
    tokens: new TokenService(repositories.sessions, cache, { secretKey: config.secretKey, ...config.jwt }, clock),
    quotas: new DailyQuotas(counters, clock),
    loginThrottle: new LoginThrottle(counters, config.loginThrottle, clock),
    catalog, gateway, ingest, quotes, history,
    stockDetail: new StockDetailService(catalog, history, quotes, clock),
    imports: new ImportService(repositories.prices, cache),
    retention: new RetentionService(
      repositories.prices, repositories.sessions,
      config.dataDir === MEMORY ? null : gzipArchive(join(config.dataDir, 'archive')),
      config.retention, clock,
    ),
  };
}

/** Infrastructure, repositories and services with the stock universe in place: what every process that works with data needs. */
export interface Runtime {
  infra: Infrastructure;
  repositories: Repositories;
  services: Services;
  provider: ProviderChoice;
}

export async function openRuntime(config: Config, options: InfrastructureOptions & { provider?: ProviderChoice } = {}): Promise<Runtime> {
  const infra = await openInfrastructure(config, options);
  try {
    const provider = options.provider ?? await chooseProvider(config, infra.log, infra.clock);
    const repositories = buildRepositories(infra);
    const services = buildServices(infra, repositories, provider);
    await services.catalog.seed();
    return { infra, repositories, services, provider };
  } catch (error) {
    await infra.close();
    throw error;
  }
}

export interface App extends Runtime {
  http: FastifyInstance;
  close(): Promise<void>;
}

export interface AppOptions {
  provider?: ProviderChoice;
  clock?: Clock;
  log?: Logger;
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const runtime = await openRuntime(config, options);
  const { infra, services, provider } = runtime;
  infra.log.info(`market data: ${provider.reason}`);
  const http = await buildServer(config, infra.log, {
    ...services,
    clock: infra.clock,
    anonymousDailyLimit: config.rateLimits.anonymous,
    health: {
      version: VERSION,
      scale: config.databaseUrl ? 'scaled' : 'embedded',
      database: infra.database,
      redis: infra.redis,
      marketData: { provider: provider.provider?.name ?? null, reason: provider.reason },
    },
  });
  return {
    ...runtime, http,
    async close() {
      await http.close();
      await infra.close();
    },
  };
}
