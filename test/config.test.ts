import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnv } from '../src/config.ts';

const SECRET = 'k'.repeat(48);
const tempDir = () => mkdtempSync(join(tmpdir(), 'stockmind-config-'));

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('needs no setting at all embedded, with the seed\'s defaults', () => {
    const config = loadConfig({ STOCKMIND_DATA_DIR: tempDir() });
    expect(config).toMatchObject({
      port: 8000, debug: false, databaseUrl: null, redisUrl: null, marketDataProvider: 'auto',
      jwt: { accessTtlSeconds: 3600, refreshTtlSeconds: 7 * 86_400 },
      rateLimits: { basic: 1_000, premium: 10_000, pro: 100_000 },
    });
  });

  it('makes a secret on first start embedded, keeps it owner-readable, and reuses it', () => {
    const dir = tempDir();
    const first = loadConfig({ STOCKMIND_DATA_DIR: dir });
    expect(first.secretKey.length).toBeGreaterThanOrEqual(48);
    expect(statSync(join(dir, 'secret_key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'secret_key'), 'utf8').trim()).toBe(first.secretKey);
    expect(loadConfig({ STOCKMIND_DATA_DIR: dir }).secretKey).toBe(first.secretKey);
  });

  it('refuses to start scaled without a real SECRET_KEY', () => {
    expect(errorOf({ DATABASE_URL: 'postgresql://localhost/stockmind' }).message).toMatch(/^SECRET_KEY: required when DATABASE_URL is set/);
    expect(errorOf({ DATABASE_URL: 'postgresql://localhost/x', SECRET_KEY: 'your-secret-key' }).variable).toBe('SECRET_KEY');
    expect(errorOf({ DATABASE_URL: 'postgresql://localhost/x', SECRET_KEY: 'short' }).variable).toBe('SECRET_KEY');
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/x', SECRET_KEY: SECRET }).secretKey).toBe(SECRET);
  });

  it('refuses a placeholder SECRET_KEY with DEBUG=false, tolerates it with DEBUG=true embedded', () => {
    const dir = tempDir();
    expect(errorOf({ STOCKMIND_DATA_DIR: dir, SECRET_KEY: 'your-secret-key', DEBUG: 'false' }).variable).toBe('SECRET_KEY');
    expect(loadConfig({ STOCKMIND_DATA_DIR: dir, SECRET_KEY: 'your-secret-key', DEBUG: 'true' }).secretKey).toBe('your-secret-key');
  });

  it('builds the database URL from the seed\'s DB_* parts', () => {
    const config = loadConfig({ SECRET_KEY: SECRET, DB_HOST: 'db.internal', DB_NAME: 'stockmind', DB_USER: 'app', DB_PASSWORD: 'p@ss word', DB_PORT: '6432' });
    expect(config.databaseUrl).toBe('postgresql://app:p%40ss%20word@db.internal:6432/stockmind');
    expect(errorOf({ SECRET_KEY: SECRET, DB_HOST: 'x', DB_ENGINE: 'django.db.backends.mysql' }).variable).toBe('DB_ENGINE');
  });

  it('reads REDIS_URL, or REDIS_HOST and REDIS_PORT', () => {
    const dir = tempDir();
    expect(loadConfig({ STOCKMIND_DATA_DIR: dir, REDIS_URL: 'redis://cache:6379/0' }).redisUrl).toBe('redis://cache:6379/0');
    expect(loadConfig({ STOCKMIND_DATA_DIR: dir, REDIS_HOST: 'cache', REDIS_PORT: '6380' }).redisUrl).toBe('redis://cache:6380');
  });

  it('names the variable and what it expects for every bad value', () => {
    const dir = tempDir();
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ PORT: 'eighty' }, 'PORT', /whole number from 0 to 65535/],
      [{ PORT: '70000' }, 'PORT', /whole number/],
      [{ DEBUG: 'maybe' }, 'DEBUG', /true or false/],
      [{ DATABASE_URL: 'mysql://x/y', SECRET_KEY: SECRET }, 'DATABASE_URL', /postgres/],
      [{ DATABASE_URL: 'not a url', SECRET_KEY: SECRET }, 'DATABASE_URL', /URL/],
      [{ REDIS_URL: 'http://x' }, 'REDIS_URL', /redis/],
      [{ JWT_ACCESS_TOKEN_EXPIRE_MINUTES: '0' }, 'JWT_ACCESS_TOKEN_EXPIRE_MINUTES', /from 1/],
      [{ JWT_REFRESH_TOKEN_EXPIRE_DAYS: '7.5' }, 'JWT_REFRESH_TOKEN_EXPIRE_DAYS', /whole number/],
      [{ MARKET_DATA_PROVIDER: 'bloomberg' }, 'MARKET_DATA_PROVIDER', /auto, yahoo, simulated, csv/],
      [{ RATE_LIMIT_BASIC: '-1' }, 'RATE_LIMIT_BASIC', /whole number/],
    ];
    for (const [env, variable, expected] of cases) {
      const error = errorOf({ STOCKMIND_DATA_DIR: dir, ...env });
      expect(error.variable).toBe(variable);
      expect(error.message).toMatch(expected);
      expect(error.message).not.toContain('\n');
    }
  });

  it('reads lists and limits', () => {
    const config = loadConfig({
      STOCKMIND_DATA_DIR: tempDir(), CORS_ORIGINS: 'https://a.example, https://b.example', ALLOWED_HOSTS: 'localhost,127.0.0.1',
      KAFKA_BOOTSTRAP_SERVERS: 'k1:9092,k2:9092', RATE_LIMIT_PRO: '5', JWT_ACCESS_TOKEN_EXPIRE_MINUTES: '15',
    });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.allowedHosts).toEqual(['localhost', '127.0.0.1']);
    expect(config.kafkaBootstrapServers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.rateLimits.pro).toBe(5);
    expect(config.jwt.accessTtlSeconds).toBe(900);
  });

  it('reads a .env file, the real environment winning', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'STOCKMIND_ONLY_IN_DOTENV=from-file\nPATH=/from/dotenv\n');
    const env = readEnv(dir);
    expect(env.STOCKMIND_ONLY_IN_DOTENV).toBe('from-file');
    expect(env.PATH).toBe(process.env.PATH);
  });
});

describe('news and sentiment settings', () => {
  const base = () => ({ STOCKMIND_DATA_DIR: tempDir() });

  it('reads Yahoo Finance\'s per-symbol headlines, the top 50 symbols, 100 NewsAPI requests a day and Gemini Flash by default', () => {
    const config = loadConfig(base());
    expect(config.newsFeeds).toEqual(['https://feeds.finance.yahoo.com/rss/2.0/headline?s={symbol}&region=US&lang=en-US']);
    expect(config).toMatchObject({ newsSymbols: 50, newsApiDailyRequests: 100, newsApiBaseUrl: 'https://newsapi.org', geminiModel: 'gemini-flash-latest', geminiBaseUrl: null, newsApiKey: null, geminiApiKey: null });
  });

  it('takes feeds separated by spaces or commas, keeping commas inside a URL, and "off" for none', () => {
    const config = loadConfig({ ...base(), NEWS_FEEDS: 'https://a.example/rss?s={symbol},https://b.example/feed?tags=x,y  http://c.example/atom.xml' });
    expect(config.newsFeeds).toEqual(['https://a.example/rss?s={symbol}', 'https://b.example/feed?tags=x,y', 'http://c.example/atom.xml']);
    expect(loadConfig({ ...base(), NEWS_FEEDS: 'off' }).newsFeeds).toEqual([]);
  });

  it('refuses a feed that is no http(s) URL, and a bad Gemini address, naming the variable', () => {
    expect(errorOf({ ...base(), NEWS_FEEDS: 'ftp://a.example/rss' }).variable).toBe('NEWS_FEEDS');
    expect(errorOf({ ...base(), NEWS_FEEDS: 'feeds please' }).variable).toBe('NEWS_FEEDS');
    expect(errorOf({ ...base(), GEMINI_BASE_URL: 'localhost:8080' }).variable).toBe('GEMINI_BASE_URL');
    expect(errorOf({ ...base(), NEWS_SYMBOLS: '0' }).variable).toBe('NEWS_SYMBOLS');
  });
});

describe('analytics and fault settings', () => {
  const base = () => ({ STOCKMIND_DATA_DIR: tempDir() });

  it('reads the risk-free rate as a fraction and the benchmark in capitals, with sane defaults', () => {
    expect(loadConfig(base()).analytics).toEqual({ riskFreeRate: 0, benchmark: 'SPY' });
    expect(loadConfig({ ...base(), RISK_FREE_RATE: '0.04', ANALYTICS_BENCHMARK: 'qqq' }).analytics).toEqual({ riskFreeRate: 0.04, benchmark: 'QQQ' });
    expect(errorOf({ ...base(), RISK_FREE_RATE: '4%' }).variable).toBe('RISK_FREE_RATE');
  });

  it('gives WebSocket connections the symbol limits of their tier by default', () => {
    const { realtime } = loadConfig({ STOCKMIND_DATA_DIR: 'memory://' });
    expect(realtime.symbolsPerConnection).toEqual({ anonymous: 50, basic: 100, premium: 250, pro: 1_000 });
    expect(realtime.heartbeatSeconds).toBe(30);
  });

  it('runs metrics and reports as configured: /metrics on, worker metrics on 9464, no Sentry, 25 s to shut down', () => {
    const config = loadConfig({ STOCKMIND_DATA_DIR: 'memory://' });
    expect(config).toMatchObject({ metrics: true, metricsToken: null, workerMetricsPort: 9464, sentryDsn: null, shutdownGraceSeconds: 25 });
    expect(loadConfig({ STOCKMIND_DATA_DIR: 'memory://', METRICS: 'off', SHUTDOWN_GRACE_SECONDS: '5' })).toMatchObject({ metrics: false, shutdownGraceSeconds: 5 });
    expect(errorOf({ STOCKMIND_DATA_DIR: 'memory://', SENTRY_DSN: 'not a url' }).message).toContain('SENTRY_DSN');
  });

  it('bounds how long a request may wait on Redis and PostgreSQL', () => {
    expect(loadConfig(base())).toMatchObject({ redisTimeoutMs: 1_000, databaseTimeouts: { connectMs: 3_000, statementMs: 10_000 }, jobLockMs: 30_000 });
    expect(errorOf({ ...base(), REDIS_TIMEOUT_MS: '0' }).variable).toBe('REDIS_TIMEOUT_MS');
  });
});
