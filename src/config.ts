// Typed configuration, read once at start from the environment and `.env`.
// Nothing else in the code reads process.env: everything takes a Config.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';

import type { LoginThrottleSettings } from './services/login-throttle.ts';
import { PROVIDER_CHOICES, type MarketDataProviderChoice } from './providers/market/choose.ts';
import { DEFAULT_NEWS_FEEDS, SYMBOL_PLACEHOLDER } from './providers/news/feeds.ts';
import type { RealtimeSettings } from './realtime/settings.ts';

export interface Config {
  port: number;
  host: string;
  debug: boolean;
  allowedHosts: string[];
  secretKey: string;
  /** Where the embedded default keeps the key it generated (null: SECRET_KEY was given, or memory://). */
  secretKeyFile: string | null;
  /** Whether this start generated the key (the first start of a data directory). */
  secretKeyGenerated: boolean;
  /** Where the embedded database, the generated secret and archives live; `memory://` keeps nothing. */
  dataDir: string;
  /** PostgreSQL URL when scaled; null means the embedded PGlite under dataDir. */
  databaseUrl: string | null;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  /** How long a request waits on one Redis command before treating Redis as down. */
  redisTimeoutMs: number;
  /** How long a request waits on PostgreSQL for a connection and for one statement. */
  databaseTimeouts: { connectMs: number; statementMs: number };
  /** refreshReuseGraceSeconds: how long a spent refresh token still works (concurrent tabs) before reuse counts as theft. */
  jwt: { accessTtlSeconds: number; refreshTtlSeconds: number; refreshReuseGraceSeconds: number };
  rateLimits: { basic: number; premium: number; pro: number; anonymous: number };
  /** Brute-force throttle of login, register and refresh (short windows, apart from the daily quota). */
  loginThrottle: LoginThrottleSettings;
  corsOrigins: string[];
  trustProxy: boolean;
  logLevel: string;
  marketDataProvider: MarketDataProviderChoice;
  /** Seeds the simulated provider, so a demo shows the same market on every start. */
  simulationSeed: number;
  /** How long bars are kept before cleanup archives and deletes them. */
  retention: { intradayDays: number; dailyDays: number };
  /** How many of the largest active symbols the per-minute job fetches. */
  activeSymbols: number;
  /** Portfolio analytics: the annual risk-free rate (Sharpe, Sortino) and the default benchmark. */
  analytics: { riskFreeRate: number; benchmark: string };
  /** How long a job's lock lives without renewal: a dead worker's job is taken over after this. */
  jobLockMs: number;
  geminiApiKey: string | null;
  newsApiKey: string | null;
  /** RSS/Atom feeds of headlines; a `{symbol}` in a URL makes it a per-symbol feed. Empty: none. */
  newsFeeds: string[];
  /** NewsAPI's address (a local server in tests). */
  newsApiBaseUrl: string;
  /** Requests NewsAPI allows this deployment per UTC day (its free plan: 100). */
  newsApiDailyRequests: number;
  /** How many of the largest active symbols the news job follows. */
  newsSymbols: number;
  /** The Gemini model for sentiment and narratives. */
  geminiModel: string;
  /** Gemini's address when it is not Google's (a proxy, or a local server in tests). */
  geminiBaseUrl: string | null;
  kafkaBootstrapServers: string[];
  /** The WebSocket hub's limits and timers (src/realtime). */
  realtime: RealtimeSettings;
  /** The durable `stock_prices` stream: `auto` is Kafka when brokers are set, else Redis Streams when REDIS_URL is set, else off. */
  priceStream: { mode: 'auto' | 'off' | 'redis' | 'kafka'; maxLength: number };
  /** Seconds between the simulated provider's intraday ticks while the market is open; 0 turns them off. */
  simulatedTickSeconds: number;
  /** `/metrics` and the per-request HTTP metrics; off measures (or spares) their cost. */
  metrics: boolean;
  /** When set, `/metrics` answers only `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** Where each `stockmind worker` serves its own `/metrics`; 0: nowhere. */
  workerMetricsPort: number;
  /** Sentry's DSN: uncaught errors, 500 answers and failed jobs are reported there; null: nowhere. */
  sentryDsn: string | null;
  /** The environment name Sentry files reports under (production, staging...). */
  sentryEnvironment: string;
  /** How long SIGTERM/SIGINT waits for requests, sockets and jobs in flight before exiting anyway. */
  shutdownGraceSeconds: number;
}

/** A bad setting; start-up prints its message as one line and exits with code 2. */
export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

/** The seed's placeholder, which must never sign a real token. */
const PLACEHOLDER_SECRETS = new Set(['your-secret-key', 'changeme', 'secret', 'django-insecure']);
const MIN_SECRET_BYTES = 32;
/** STOCKMIND_DATA_DIR=memory:// runs on an in-memory database that vanishes on exit (demos, tests). */
export const MEMORY = 'memory://';

type Env = Record<string, string | undefined>;

/** process.env over `.env` (the real environment wins, as with dotenv). */
export function readEnv(cwd = process.cwd()): Env {
  const file = join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...process.env };
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

function fraction(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^-?\d+(\.\d+)?$/.test(value) || parsed < min || parsed > max) {
    throw new ConfigError(name, `expected a number from ${min} to ${max} (0.04 for 4%), got "${value}"`);
  }
  return parsed;
}

function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

/**
 * NEWS_FEEDS: feed URLs separated by spaces or commas (a comma inside a URL's query stays), `off`
 * for none; Yahoo Finance's per-symbol headlines when unset.
 */
function newsFeeds(env: Env): string[] {
  const value = text(env, 'NEWS_FEEDS');
  if (value === undefined) return [...DEFAULT_NEWS_FEEDS];
  if (['off', 'none'].includes(value.toLowerCase())) return [];
  const feeds = value.split(/\s+|,(?=\s*https?:\/\/)/i).map((feed) => feed.trim()).filter(Boolean);
  for (const feed of feeds) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(feed.replaceAll(SYMBOL_PLACEHOLDER, 'AAPL'));
    } catch {
      // Reported below.
    }
    if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw new ConfigError('NEWS_FEEDS', `expected http(s) feed URLs separated by spaces or commas (or "off"), got "${feed.slice(0, 80)}"`);
    }
  }
  return feeds;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `expected a URL like ${protocols[0]}//host:port/..., got "${value}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
  }
  return value;
}

/** DATABASE_URL, or the seed's DB_* parts when only those are given. */
function databaseUrl(env: Env): string | null {
  const direct = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (direct) return direct;
  const host = text(env, 'DB_HOST');
  if (!host) return null;
  const engine = text(env, 'DB_ENGINE');
  if (engine && !engine.includes('postgres')) {
    throw new ConfigError('DB_ENGINE', `only PostgreSQL is supported, got "${engine}"`);
  }
  const port = integer(env, 'DB_PORT', 5432, 1, 65535);
  const user = encodeURIComponent(text(env, 'DB_USER') ?? 'postgres');
  const password = text(env, 'DB_PASSWORD');
  const name = encodeURIComponent(text(env, 'DB_NAME') ?? 'stockmind');
  const auth = password ? `${user}:${encodeURIComponent(password)}` : user;
  return `postgresql://${auth}@${host}:${port}/${name}`;
}

/** REDIS_URL, or REDIS_HOST/REDIS_PORT as the seed's .env gives them. */
function redisUrl(env: Env): string | null {
  const direct = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  if (direct) return direct;
  const host = text(env, 'REDIS_HOST');
  if (!host) return null;
  return `redis://${host}:${integer(env, 'REDIS_PORT', 6379, 1, 65535)}`;
}

/**
 * Embedded, with no SECRET_KEY: make one on first start and keep it in the data directory,
 * readable by its owner only, so tokens survive restarts.
 */
interface Secret {
  key: string;
  file: string | null;
  generated: boolean;
}

function embeddedSecret(dataDir: string): Secret {
  if (dataDir === MEMORY) return { key: randomBytes(48).toString('base64url'), file: null, generated: true };
  const file = join(dataDir, 'secret_key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), file, generated: false };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { key: secret, file, generated: true };
}

function secretKey(env: Env, scaled: boolean, debug: boolean, dataDir: string): Secret {
  const given = text(env, 'SECRET_KEY');
  if (given === undefined) {
    if (scaled) throw new ConfigError('SECRET_KEY', `required when DATABASE_URL is set: every instance must sign with the same key of at least ${MIN_SECRET_BYTES} bytes`);
    return embeddedSecret(dataDir);
  }
  const weak = PLACEHOLDER_SECRETS.has(given.toLowerCase()) || Buffer.byteLength(given) < MIN_SECRET_BYTES;
  if (weak && (scaled || !debug)) {
    throw new ConfigError('SECRET_KEY', `expected a random secret of at least ${MIN_SECRET_BYTES} bytes, not a placeholder (generate one with: openssl rand -base64 48)`);
  }
  return { key: given, file: null, generated: false };
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** PRICE_STREAM, refused when it names a broker that is not configured. */
function priceStreamMode(env: Env, hasRedis: boolean): Config['priceStream']['mode'] {
  const mode = oneOf(env, 'PRICE_STREAM', ['auto', 'off', 'redis', 'kafka'], 'auto');
  if (mode === 'redis' && !hasRedis) throw new ConfigError('PRICE_STREAM', 'redis needs REDIS_URL');
  if (mode === 'kafka' && list(env, 'KAFKA_BOOTSTRAP_SERVERS').length === 0) throw new ConfigError('PRICE_STREAM', 'kafka needs KAFKA_BOOTSTRAP_SERVERS');
  return mode;
}

export function loadConfig(env: Env = readEnv()): Config {
  const debug = boolean(env, 'DEBUG', false);
  const dataDirSetting = text(env, 'STOCKMIND_DATA_DIR') ?? './data';
  const dataDir = dataDirSetting === MEMORY ? MEMORY : resolve(dataDirSetting);
  const database = databaseUrl(env);
  const redis = redisUrl(env);
  const accessMinutes = integer(env, 'JWT_ACCESS_TOKEN_EXPIRE_MINUTES', 60, 1, 24 * 60);
  const refreshDays = integer(env, 'JWT_REFRESH_TOKEN_EXPIRE_DAYS', 7, 1, 365);
  const secret = secretKey(env, database !== null, debug, dataDir);
  return {
    port: integer(env, 'PORT', 8000, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    debug,
    allowedHosts: list(env, 'ALLOWED_HOSTS'),
    secretKey: secret.key,
    secretKeyFile: secret.file,
    secretKeyGenerated: secret.generated,
    dataDir,
    databaseUrl: database,
    redisUrl: redis,
    redisPrefix: text(env, 'REDIS_PREFIX') ?? 'stockmind:',
    redisTimeoutMs: integer(env, 'REDIS_TIMEOUT_MS', 1_000, 50, 60_000),
    databaseTimeouts: {
      connectMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 3_000, 100, 120_000),
      statementMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
    },
    jwt: {
      accessTtlSeconds: accessMinutes * 60,
      refreshTtlSeconds: refreshDays * 86_400,
      refreshReuseGraceSeconds: integer(env, 'JWT_REFRESH_REUSE_GRACE_SECONDS', 10, 0, 300),
    },
    rateLimits: {
      basic: integer(env, 'RATE_LIMIT_BASIC', 1_000, 1, 1e9),
      premium: integer(env, 'RATE_LIMIT_PREMIUM', 10_000, 1, 1e9),
      pro: integer(env, 'RATE_LIMIT_PRO', 100_000, 1, 1e9),
      anonymous: integer(env, 'RATE_LIMIT_ANONYMOUS', 1_000, 1, 1e9),
    },
    loginThrottle: {
      perIp: { attempts: integer(env, 'AUTH_THROTTLE_PER_IP', 60, 1, 1e6), windowSeconds: 600 },
      perAccount: { attempts: integer(env, 'AUTH_THROTTLE_PER_ACCOUNT', 10, 1, 1e6), windowSeconds: 900 },
    },
    corsOrigins: list(env, 'CORS_ORIGINS'),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], debug ? 'debug' : 'info'),
    marketDataProvider: oneOf(env, 'MARKET_DATA_PROVIDER', PROVIDER_CHOICES, 'auto'),
    simulationSeed: integer(env, 'SIMULATION_SEED', 42, 0, 2 ** 31 - 1),
    retention: {
      intradayDays: integer(env, 'INTRADAY_RETENTION_DAYS', 30, 1, 3_650),
      // The forecasts need 500 trading days: the seed's "delete after a year" would starve them.
      dailyDays: integer(env, 'DAILY_RETENTION_DAYS', 5 * 365, 30, 36_500),
    },
    activeSymbols: integer(env, 'ACTIVE_SYMBOLS', 100, 1, 5_000),
    analytics: {
      riskFreeRate: fraction(env, 'RISK_FREE_RATE', 0, -0.1, 1),
      benchmark: (text(env, 'ANALYTICS_BENCHMARK') ?? 'SPY').toUpperCase(),
    },
    jobLockMs: integer(env, 'JOB_LOCK_MS', 30_000, 500, 3_600_000),
    geminiApiKey: text(env, 'GEMINI_API_KEY') ?? null,
    newsApiKey: text(env, 'NEWS_API_KEY') ?? null,
    newsFeeds: newsFeeds(env),
    newsApiBaseUrl: url(env, 'NEWS_API_BASE_URL', ['https:', 'http:']) ?? 'https://newsapi.org',
    newsApiDailyRequests: integer(env, 'NEWS_API_DAILY_REQUESTS', 100, 0, 1e7),
    newsSymbols: integer(env, 'NEWS_SYMBOLS', 50, 1, 5_000),
    geminiModel: text(env, 'GEMINI_MODEL') ?? 'gemini-flash-latest',
    geminiBaseUrl: url(env, 'GEMINI_BASE_URL', ['https:', 'http:']) ?? null,
    kafkaBootstrapServers: list(env, 'KAFKA_BOOTSTRAP_SERVERS'),
    realtime: {
      symbolsPerConnection: {
        anonymous: integer(env, 'WS_SYMBOLS_ANONYMOUS', 50, 1, 100_000),
        basic: integer(env, 'WS_SYMBOLS_BASIC', 100, 1, 100_000),
        premium: integer(env, 'WS_SYMBOLS_PREMIUM', 250, 1, 100_000),
        pro: integer(env, 'WS_SYMBOLS_PRO', 1_000, 1, 100_000),
      },
      connectionsPerUser: integer(env, 'WS_CONNECTIONS_PER_USER', 20, 1, 1e6),
      connectionsPerIp: integer(env, 'WS_CONNECTIONS_PER_IP', 200, 1, 1e6),
      messagesPerSecond: integer(env, 'WS_MESSAGES_PER_SECOND', 20, 1, 1e6),
      messageBurst: integer(env, 'WS_MESSAGE_BURST', 100, 1, 1e6),
      heartbeatSeconds: integer(env, 'WS_HEARTBEAT_SECONDS', 30, 1, 3_600),
      sendBufferBytes: integer(env, 'WS_SEND_BUFFER_BYTES', 1024 * 1024, 64 * 1024, 1024 ** 3),
      stuckSeconds: integer(env, 'WS_STUCK_SECONDS', 30, 1, 3_600),
    },
    priceStream: {
      mode: priceStreamMode(env, redis !== null),
      maxLength: integer(env, 'PRICE_STREAM_MAX_LENGTH', 100_000, 100, 1e9),
    },
    simulatedTickSeconds: integer(env, 'SIMULATED_TICK_SECONDS', 5, 0, 3_600),
    metrics: oneOf(env, 'METRICS', ['on', 'off'], 'on') === 'on',
    metricsToken: text(env, 'METRICS_TOKEN') ?? null,
    workerMetricsPort: integer(env, 'WORKER_METRICS_PORT', 9464, 0, 65535),
    sentryDsn: url(env, 'SENTRY_DSN', ['https:', 'http:']) ?? null,
    sentryEnvironment: text(env, 'SENTRY_ENVIRONMENT') ?? (debug ? 'development' : 'production'),
    shutdownGraceSeconds: integer(env, 'SHUTDOWN_GRACE_SECONDS', 25, 1, 3_600),
  };
}
