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
import { LocalMemo } from './adapters/memo.ts';
import { NO_REPORTS, openErrorReports, type ErrorReports } from './adapters/error-reports.ts';
import { metricsAuthorized, metricsText, startProcessMetrics } from './adapters/metrics.ts';
import { Degradation, FailOpenCounters, FailSoftBus, FailSoftCache } from './adapters/degraded.ts';
import { connectRedis, redisReady } from './adapters/redis.ts';
import { openPriceStream, tolerantStream, type PriceStream } from './adapters/stream.ts';
import { MEMORY, type Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { NewsRepository } from './db/repositories/news.ts';
import { PredictionRepository } from './db/repositories/predictions.ts';
import { PriceRepository } from './db/repositories/prices.ts';
import { BarWindowRepository } from './db/repositories/bar-windows.ts';
import { IndicatorRepository } from './db/repositories/indicators.ts';
import { ScanRepository } from './db/repositories/scanner.ts';
import { SavedScreenRepository, StockFactsRepository } from './db/repositories/screens.ts';
import { SessionRepository } from './db/repositories/sessions.ts';
import { StockRepository } from './db/repositories/stocks.ts';
import { UserRepository } from './db/repositories/users.ts';
import { AuditRepository } from './db/repositories/audit.ts';
import { systemClock, type Clock } from './domain/time.ts';
import { buildServer } from './http/server.ts';
import { inProcessJobControl, queueJobControl } from './jobs/control.ts';
import { jobHandlers } from './jobs/index.ts';
import { createInProcessScheduler, type InProcessScheduler } from './jobs/in-process-scheduler.ts';
import { SCHEDULE, type ScheduledJob } from './jobs/schedule.ts';
import { createLogger } from './logging.ts';
import { createGemini } from './providers/llm/gemini.ts';
import type { Narrator } from './providers/llm/port.ts';
import { chooseProvider, UNIVERSE, type ProviderChoice } from './providers/market/choose.ts';
import { createNewsApi } from './providers/news/newsapi.ts';
import { createRssReader } from './providers/news/rss.ts';
import { AccountService } from './services/accounts.ts';
import { AuditTrail } from './services/admin/audit.ts';
import { JobAdmin, type JobControl } from './services/admin/jobs.ts';
import { StockAdmin } from './services/admin/stocks.ts';
import { UserAdmin } from './services/admin/users.ts';
import { ImportService } from './services/import/importer.ts';
import { LoginThrottle } from './services/login-throttle.ts';
import { StockCatalog } from './services/market/catalog.ts';
import { MarketGateway } from './services/market/gateway.ts';
import { PriceHistory } from './services/market/history.ts';
import { ProviderBudget } from './services/market/provider-budget.ts';
import { QuoteIngest } from './services/market/quote-ingest.ts';
import { IntradayTicks } from './services/market/ticks.ts';
import { PriceAlerts } from './services/alerts/price-alerts.ts';
import { AlertService } from './services/portfolio/alerts.ts';
import { WatchlistRepository } from './db/repositories/watchlist.ts';
import { DailyCloseRepository } from './db/repositories/daily-closes.ts';
import { PortfolioRepository } from './db/repositories/portfolio.ts';
import { DailyCloses } from './services/analytics/closes.ts';
import { PortfolioAnalytics } from './services/analytics/portfolio.ts';
import { StockAnalytics } from './services/analytics/stocks.ts';
import { HoldingService } from './services/portfolio/holdings.ts';
import { LedgerCache } from './services/portfolio/ledger.ts';
import { TransactionService } from './services/portfolio/transactions.ts';
import { WatchlistService } from './services/portfolio/watchlist.ts';
import { registerRealtime } from './realtime/routes.ts';
import type { Hub } from './realtime/hub.ts';
import { QuoteService } from './services/market/quotes.ts';
import { NewsService } from './services/news/news.ts';
import { PredictionService, ServedModel } from './services/predictions/index.ts';
import { NewsSources } from './services/news/sources.ts';
import { SentimentAggregates } from './services/sentiment/aggregate.ts';
import { SentimentAnalyser } from './services/sentiment/analyser.ts';
import { StockDetailService } from './services/market/stock-detail.ts';
import { IndicatorSeries } from './services/indicators/series.ts';
import { IndicatorService } from './services/indicators/service.ts';
import { ScannerService } from './services/scanner/service.ts';
import { ScreenRows } from './services/screens/rows.ts';
import { ScreenService } from './services/screens/service.ts';
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
  /** The durable `stock_prices` stream (Kafka or Redis Streams), null when off. */
  stream: PriceStream | null;
  /** The parts running degraded now (Redis down: cache misses, local counters, dropped publishes). */
  degradation: Degradation;
  /** Sentry when SENTRY_DSN is set, nowhere otherwise. */
  reports: ErrorReports;
  close(): Promise<void>;
}

export interface InfrastructureOptions {
  migrate?: boolean;
  log?: Logger;
  clock?: Clock;
}

export async function openInfrastructure(config: Config, options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const log = options.log ?? createLogger({ level: config.logLevel });
  startProcessMetrics();
  const reports = config.sentryDsn
    ? await openErrorReports({ dsn: config.sentryDsn, environment: config.sentryEnvironment, release: `stockmind@${VERSION}`, log })
    : NO_REPORTS;
  const database = openDatabase(config);
  if (options.migrate ?? true) await database.migrate();
  const degradation = new Degradation(log);
  let redis: Redis | null = null;
  let cache: Cache = new MemoryCache(100_000, 'cache');
  let counters: Cache = new MemoryCache(50_000);
  let bus: Bus = new MemoryBus();
  if (config.redisUrl) {
    redis = connectRedis(config.redisUrl, 'main', { commandTimeoutMs: config.redisTimeoutMs });
    // Redis down at start-up is an outage like any other: start, degraded, and recover when it is back.
    if (!(await redisReady(redis, 5_000))) log.warn('Redis did not answer at start-up: running degraded until it does');
    const shared = new RedisCache(redis, config.redisPrefix);
    cache = new FailSoftCache(shared, degradation);
    counters = new FailOpenCounters(shared, degradation);
    bus = new FailSoftBus(new RedisBus(redis, connectRedis(config.redisUrl, 'subscriber', { purpose: 'subscriber' }), config.redisPrefix), degradation);
  }
  const stream = openPriceStream(
    { ...config.priceStream, kafkaBrokers: config.kafkaBootstrapServers, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix },
    redis, () => connectRedis(config.redisUrl!, 'stream', { purpose: 'blocking' }),
  );
  return {
    config, log, clock: options.clock ?? systemClock, database, redis, cache, counters, bus, degradation, stream, reports,
    async close() {
      await stream?.close();
      await bus.close();
      await cache.close();
      await counters.close();
      redis?.disconnect();
      await database.close();
      await reports.close();
    },
  };
}

export interface Repositories {
  users: UserRepository;
  sessions: SessionRepository;
  stocks: StockRepository;
  prices: PriceRepository;
  news: NewsRepository;
  predictions: PredictionRepository;
  barWindows: BarWindowRepository;
  indicators: IndicatorRepository;
  scans: ScanRepository;
  savedScreens: SavedScreenRepository;
  stockFacts: StockFactsRepository;
  /** Holdings and their ledger of transactions. */
  portfolio: PortfolioRepository;
  /** The append-only audit log of admin actions, and the transaction admin changes run in. */
  audit: AuditRepository;
  /** Watchlist entries and fired alerts. */
  watchlists: WatchlistRepository;
  dailyCloses: DailyCloseRepository;
}

export interface Services {
  accounts: AccountService;
  tokens: TokenService;
  quotas: DailyQuotas;
  loginThrottle: LoginThrottle;
  catalog: StockCatalog;
  gateway: MarketGateway;
  ingest: QuoteIngest;
  ticks: IntradayTicks;
  /** Fires watchlist price alerts as quotes are recorded; tell it when alert lines change. */
  priceAlerts: PriceAlerts;
  quotes: QuoteService;
  history: PriceHistory;
  stockDetail: StockDetailService;
  imports: ImportService;
  retention: RetentionService;
  news: NewsService;
  /** Sentiment of articles and texts: Gemini with a key, the offline model always. */
  sentiment: SentimentAnalyser;
  /** aggregate_sentiment(symbol) and its daily series. */
  sentimentAggregates: SentimentAggregates;
  /** Gemini's text generation when GEMINI_API_KEY is set (the AI prediction's narrative). */
  narrator: Narrator | null;
  /** Forecasts: the hourly job, the stored predictions and the client's bars. */
  predictions: PredictionService;
  /** The latest indicator set of each symbol (the 5-minute job, on demand) and chart series. */
  indicators: IndicatorService;
  indicatorSeries: IndicatorSeries;
  scanner: ScannerService;
  screens: ScreenService;
  holdings: HoldingService;
  watchlist: WatchlistService;
  transactions: TransactionService;
  /** Fired alerts: listed and marked read by their owner (recorded by priceAlerts). */
  alerts: AlertService;
  portfolioAnalytics: PortfolioAnalytics;
  stockAnalytics: StockAnalytics;
  /** The admin API: users (tiers, deactivation, revocations, the admin role) and stocks, each change audited. */
  userAdmin: UserAdmin;
  stockAdmin: StockAdmin;
  auditTrail: AuditTrail;
}

export function buildRepositories(infra: Infrastructure): Repositories {
  const { db } = infra.database;
  return {
    users: new UserRepository(db), sessions: new SessionRepository(db),
    stocks: new StockRepository(db), prices: new PriceRepository(infra.database), barWindows: new BarWindowRepository(db),
    dailyCloses: new DailyCloseRepository(db), stockFacts: new StockFactsRepository(db),
    indicators: new IndicatorRepository(db), scans: new ScanRepository(db), savedScreens: new SavedScreenRepository(db),
    news: new NewsRepository(db), predictions: new PredictionRepository(db),
    portfolio: new PortfolioRepository(db), watchlists: new WatchlistRepository(db),
    audit: new AuditRepository(db),
  };
}

/** The market data provider this process uses: chosen by config unless the caller brings one (tests). */
export type ProviderOption = ProviderChoice;

export function buildServices(infra: Infrastructure, repositories: Repositories, provider: ProviderChoice): Services {
  const { config, cache, counters, bus, clock } = infra;
  // Embedded, one process is the only writer: what every authenticated request reads is memoised here.
  const memo = infra.redis ? null : new LocalMemo();
  const budget = provider.provider ? new ProviderBudget(counters, provider.provider.name, provider.provider.rateLimit, clock) : null;
  const gateway = new MarketGateway(provider.provider, budget);
  const catalog = new StockCatalog(repositories.stocks, gateway, UNIVERSE);
  // Price alerts fire where quotes are recorded; their state is shared through the counters store.
  const alerts = new AlertService(repositories.watchlists, clock);
  const priceAlerts = new PriceAlerts(repositories.watchlists, alerts, bus, counters, clock, infra.log);
  const ingest = new QuoteIngest(catalog, repositories.prices, cache, bus, gateway, clock, infra.stream && tolerantStream(infra.stream, infra.log), priceAlerts);
  const history = new PriceHistory(repositories.prices, gateway, cache, clock);
  const quotes = new QuoteService(cache, repositories.prices, catalog, gateway, ingest, clock);
  const indicators = new IndicatorService(catalog, history, repositories.barWindows, repositories.indicators, cache, bus, clock);
  const gemini = config.geminiApiKey ? createGemini({ apiKey: config.geminiApiKey, model: config.geminiModel, baseUrl: config.geminiBaseUrl, log: infra.log }) : null;
  const sentiment = new SentimentAnalyser(gemini);
  const sentimentAggregates = new SentimentAggregates(repositories.news, bus, clock);
  const newsSources = new NewsSources(
    config.newsFeeds.length > 0 ? createRssReader({ log: infra.log }) : null,
    config.newsApiKey ? createNewsApi({ apiKey: config.newsApiKey, baseUrl: config.newsApiBaseUrl, log: infra.log }) : null,
    counters, clock, { feeds: config.newsFeeds, newsApiDailyRequests: config.newsApiDailyRequests },
  );
  const dailyCloses = new DailyCloses(repositories.dailyCloses, history, clock);
  const accounts = new AccountService(repositories.users, cache, config.rateLimits, clock, memo);
  const tokens = new TokenService(repositories.sessions, cache, { secretKey: config.secretKey, ...config.jwt }, clock, memo);
  return {
    holdings: new HoldingService(repositories.portfolio, catalog, quotes, clock),
    watchlist: new WatchlistService(repositories.watchlists, catalog, quotes, priceAlerts),
    transactions: new TransactionService(repositories.portfolio, catalog, clock),
    alerts,
    portfolioAnalytics: new PortfolioAnalytics(repositories.portfolio, new LedgerCache(), dailyCloses, catalog, quotes, clock, config.analytics),
    stockAnalytics: new StockAnalytics(dailyCloses, catalog, clock, config.analytics),
    news: new NewsService(repositories.news, catalog, newsSources, sentiment, sentimentAggregates, cache, clock, UNIVERSE),
    sentiment, sentimentAggregates, narrator: gemini,
    predictions: new PredictionService({
      catalog, history, predictions: repositories.predictions, bus, clock,
      model: new ServedModel(config.dataDir === MEMORY ? null : config.dataDir),
      sentiment: sentimentAggregates, narrator: gemini,
    }),
    accounts, tokens,
    userAdmin: new UserAdmin(repositories.users, repositories.audit, accounts, tokens, bus, clock),
    stockAdmin: new StockAdmin(catalog, repositories.audit),
    auditTrail: new AuditTrail(repositories.audit),
    quotas: new DailyQuotas(counters, clock),
    loginThrottle: new LoginThrottle(counters, config.loginThrottle, clock),
    catalog, gateway, ingest, quotes, history,
    priceAlerts,
    ticks: new IntradayTicks(catalog, gateway, ingest, counters, clock, { intervalMs: config.simulatedTickSeconds * 1000, activeSymbols: config.activeSymbols }),
    stockDetail: new StockDetailService(catalog, history, quotes, clock, indicators),
    indicators,
    indicatorSeries: new IndicatorSeries(catalog, history, clock),
    scanner: new ScannerService(catalog, repositories.barWindows, indicators, repositories.scans, cache, clock, config.activeSymbols),
    screens: new ScreenService(
      new ScreenRows(catalog, repositories.barWindows, repositories.stockFacts, indicators, config.activeSymbols),
      repositories.savedScreens,
    ),
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
  /** The WebSocket hub on /ws/market/ and /ws/ (closed, with 1001, by http.close()). */
  realtime: Hub;
  /** Start-up work in the background (the first market scan of a fresh install); close() waits for it. */
  startup: Promise<void>;
  /** Embedded: the schedule, run in this process once `start()`ed (`stockmind start` does); null scaled (workers run it). */
  scheduler: InProcessScheduler | null;
  /** The jobs as the admin API sees them: the in-process scheduler, or the BullMQ queues. */
  jobs: JobControl;
  /** Stops the scheduler (waiting for its runs in flight), the HTTP server (WebSockets closed with 1001, requests in flight answered), then the infrastructure. */
  close(): Promise<void>;
}

export interface AppOptions {
  provider?: ProviderChoice;
  clock?: Clock;
  log?: Logger;
  /** The schedule the jobs run by (tests bring one with other retry delays); the seed's otherwise. */
  schedule?: readonly ScheduledJob[];
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const runtime = await openRuntime(config, options);
  const { infra, services, provider } = runtime;
  infra.log.info(`market data: ${provider.reason}`);
  const handlers = jobHandlers(services, config);
  const schedule = options.schedule ?? SCHEDULE;
  // Embedded, this process runs the schedule (once started); scaled, the workers do, and the admin API reads the queues.
  const scheduler = config.redisUrl ? null : createInProcessScheduler({ schedule, handlers, log: infra.log, clock: infra.clock, reports: infra.reports });
  const jobs = scheduler ? inProcessJobControl(scheduler) : queueJobControl({
    connect: () => connectRedis(config.redisUrl!, 'jobs-admin', { commandTimeoutMs: 5_000 }),
    prefix: config.redisPrefix, schedule, implemented: new Set(Object.keys(handlers)),
  });
  const http = await buildServer(config, infra.log, {
    ...services,
    jobAdmin: new JobAdmin(jobs, services.auditTrail),
    reports: infra.reports,
    metrics: { authorized: (authorization) => metricsAuthorized(authorization, config.metricsToken), text: metricsText },
    clock: infra.clock,
    anonymousDailyLimit: config.rateLimits.anonymous,
    health: {
      version: VERSION,
      scale: config.databaseUrl ? 'scaled' : 'embedded',
      database: infra.database,
      redis: infra.redis,
      degradation: infra.degradation,
      marketData: { provider: provider.provider?.name ?? null, reason: provider.reason },
    },
  });
  const realtime = await registerRealtime(http, {
    bus: infra.bus, accounts: services.accounts, tokens: services.tokens, catalog: services.catalog, quotes: services.quotes,
    clock: infra.clock, log: infra.log, settings: config.realtime, reports: infra.reports,
  });
  // A fresh install scans once on start-up when enough bars exist, so the scanner answers before the first close.
  const startup = services.scanner.ensureScanned(infra.log).then(
    () => undefined,
    (error: unknown) => infra.log.warn({ err: error }, `start-up market scan failed: ${(error as Error).message}`),
  );
  return {
    ...runtime, http, realtime, startup, scheduler, jobs,
    async close() {
      await startup;
      // Fastify's close: new connections refused, the hub's sockets closed with 1001 first, then
      // it waits for the requests in flight; meanwhile the scheduler's runs in flight finish.
      await Promise.all([http.close(), scheduler?.stop()]);
      await jobs.close();
      await infra.close();
    },
  };
}
