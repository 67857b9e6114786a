// The import and backfill commands as a user runs them, and the cleanup job's archive.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInfrastructure, prepareServices, type Infrastructure, type Services } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { cleanupOldData } from '../../src/jobs/cleanup.ts';
import { stockmind as run } from '../support/cli.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';

const log = pino({ level: 'silent' });

let environment: TestEnvironment;
let infra: Infrastructure;
let services: Services;
beforeAll(async () => {
  // Embedded, the CLI process and this test share a PGlite directory on disk.
  environment = await testEnvironment(SCALE === 'embedded' ? { STOCKMIND_DATA_DIR: mkdtempSync(join(tmpdir(), 'stockmind-market-')) } : {});
  infra = await openInfrastructure(loadConfig(environment.env));
  services = await prepareServices(infra, { provider: { provider: null, reason: 'test' } });
  // PGlite allows one process at a time on a directory: the CLI runs while this one is closed.
  if (SCALE === 'embedded') await infra.close();
});
afterAll(async () => {
  if (SCALE === 'scaled') await infra?.close();
  await environment?.cleanup();
});

const stockmind = (args: string[]) => run(args, environment.env);

async function withServices<T>(use: (services: Services, infra: Infrastructure) => Promise<T>): Promise<T> {
  if (SCALE === 'scaled') return use(services, infra);
  const local = await openInfrastructure(loadConfig(environment.env));
  try {
    return await use(await prepareServices(local, { provider: { provider: null, reason: 'test' } }), local);
  } finally {
    await local.close();
  }
}

describe(`stockmind import (${SCALE})`, () => {
  it('imports the good rows of a CSV and reports the bad ones with line numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stockmind-csv-'));
    const file = join(dir, 'ACME.csv');
    writeFileSync(file, [
      'Date,Open,High,Low,Close,Adj Close,Volume',
      '2024-01-02,10,11,9.5,10.5,10.4,1000',
      '2024-01-03,10.5,11.5,10,11,10.9,1200',
      '2024-01-04,abc,11,10,10.5,10.4,900',
      '2024-01-05,10,9,11,10,10,800',
      'not-a-date,10,11,9,10,10,700',
      '2024-01-08,11,12,10.5,11.5,11.4,1500',
      '2024-01-08,11,12,10.5,11.6,11.5,1500',
    ].join('\n'));
    const result = await stockmind(['import', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rows read: 7');
    expect(result.stdout).toContain('rows stored: 3');
    expect(result.stdout).toContain('rows skipped: 4');
    for (const line of [4, 5, 6, 8]) expect(result.stdout).toContain(`ACME.csv:${line}:`);
    // Running the same import again stores nothing twice.
    expect((await stockmind(['import', file])).code).toBe(0);
    const bars = await withServices((s) => s.prices.latestBars('ACME', '1d', 10));
    expect(bars.map((b) => b.timestamp.toISOString().slice(0, 10))).toEqual(['2024-01-02', '2024-01-03', '2024-01-08']);
    expect(bars.every((b) => b.source === 'csv')).toBe(true);
    expect(Number(bars[0]!.adjustedClose)).toBe(10.4);
  });

  it('imports a real file from shared/data (Kaggle AAPL, 2000–2017)', async () => {
    const file = join(import.meta.dirname, '../../../shared/data/ohlcv/daily_huge_stock_market_2000-2017/AAPL.csv');
    let exists = true;
    try { readFileSync(file); } catch { exists = false; }
    if (!exists) {
      console.warn(`skipped: ${file} is absent`);
      return;
    }
    const result = await stockmind(['import', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rows stored: 4493');
  });
});

describe(`stockmind backfill (${SCALE})`, () => {
  it('fills daily history from the provider with a progress report', async () => {
    const result = await stockmind(['backfill', '--symbols', 'MSFT,NVDA', '--period', '1y']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ daily bars stored for 2 of 2 symbols/);
    expect(result.stderr).toContain('backfill: 2/2 symbols');
    const count = await withServices((s) => s.market.barCount('MSFT', '1d'));
    expect(count).toBeGreaterThan(240);
    const again = await stockmind(['backfill', '--symbols', 'MSFT', '--period', '1y']);
    expect(again.code).toBe(0);
    expect(await withServices((s) => s.market.barCount('MSFT', '1d'))).toBe(count);
  }, 120_000);

  it('refuses malformed symbols and periods', async () => {
    expect((await stockmind(['backfill', '--symbols', 'AAPL,$$$'])).code).not.toBe(0);
    const period = await stockmind(['backfill', '--symbols', 'AAPL', '--period', '100y']);
    expect(period.code).not.toBe(0);
    expect(period.stderr).toContain('expected one of 1mo, 3mo, 6mo, 1y, 5y');
  });
});

describe(`cleanup_old_data (${SCALE})`, () => {
  it('archives intraday bars past retention to gzip CSV, then deletes them; keeps the rest', async () => {
    const archiveRoot = mkdtempSync(join(tmpdir(), 'stockmind-archive-'));
    const now = new Date('2026-11-24T15:00:00Z');
    const day = 86_400_000;
    const minuteBar = (at: Date) => ({ timestamp: at, open: 5, high: 5, low: 5, close: 5, adjustedClose: null, volume: 10 });
    const summary = await withServices(async (s, current) => {
      await s.prices.ensureStock({ symbol: 'OLDY', name: 'Old Co' });
      await s.prices.upsertBars('OLDY', '1m', [
        minuteBar(new Date(now.getTime() - 40 * day)), minuteBar(new Date(now.getTime() - 31 * day)), minuteBar(new Date(now.getTime() - 2 * day)),
      ], 'simulated');
      await s.prices.upsertBars('OLDY', '1d', [{ ...minuteBar(new Date(now.getTime() - 400 * day)), adjustedClose: 5 }], 'simulated');
      const config = { ...loadConfig(environment.env), dataDir: archiveRoot };
      const result = await cleanupOldData(current.database.db, config, () => now)({ firedAt: now, log });
      return { result, left: await s.prices.latestBars('OLDY', '1m', 10), daily: await s.prices.latestBars('OLDY', '1d', 10) };
    });
    // Daily bars go after 5 years: the Kaggle import above (2000–2017) is past that, OLDY's 400-day-old bar is not.
    expect(summary.result).toMatchObject({ intradayDeleted: 2, archived: true });
    expect(summary.left).toHaveLength(1);
    expect(summary.daily).toHaveLength(1);
    const files = readdirSync(join(archiveRoot, 'archive')).filter((name) => name.startsWith('stock_prices_1m_'));
    expect(files).toHaveLength(1);
    const csv = gunzipSync(readFileSync(join(archiveRoot, 'archive', files[0]!))).toString().trim().split('\n');
    expect(csv[0]).toBe('symbol,interval,timestamp,open,high,low,close,adjusted_close,volume,source');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['OLDY', 'OLDY']);
  });

  it('deletes nothing when the archive cannot be written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stockmind-archive-'));
    const now = new Date('2026-11-24T16:00:00Z');
    const cutoff = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    const runId = now.toISOString().replace(/[:.]/g, '-');
    // A directory where the archive file would go: the write fails (EISDIR).
    mkdirSync(join(root, 'archive', `stock_prices_1m_before_${cutoff}_${runId}.csv.gz`), { recursive: true });
    const outcome = await withServices(async (s, current) => {
      await s.prices.ensureStock({ symbol: 'KEEP', name: 'Kept Co' });
      await s.prices.upsertBars('KEEP', '1m', [{ timestamp: new Date(now.getTime() - 45 * 86_400_000), open: 1, high: 1, low: 1, close: 1, adjustedClose: null, volume: 1 }], 'simulated');
      const config = { ...loadConfig(environment.env), dataDir: root };
      const error = await cleanupOldData(current.database.db, config, () => now)({ firedAt: now, log }).then(() => null, (e: Error) => e);
      return { error, left: await s.prices.latestBars('KEEP', '1m', 10) };
    });
    expect(outcome.error).not.toBeNull();
    expect(outcome.left).toHaveLength(1);
  });
});
