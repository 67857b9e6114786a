// The import and backfill commands as a user runs them: a separate process on the test's storage.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { stockmind as run } from '../support/cli.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';
import { hasSharedData, NO_SHARED_DATA, sharedData } from '../support/shared-data.ts';

let environment: TestEnvironment;
beforeAll(async () => {
  // Embedded, the CLI process and this test share a PGlite directory on disk.
  environment = await testEnvironment(SCALE === 'embedded' ? { STOCKMIND_DATA_DIR: mkdtempSync(join(tmpdir(), 'stockmind-market-')) } : {});
});
afterAll(async () => {
  await environment?.cleanup();
});

const stockmind = (args: string[]) => run(args, environment.env);

/** The store as the CLI left it (PGlite allows one process at a time on a directory: opened after the command). */
async function withRuntime<T>(use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(loadConfig(environment.env), { provider: { provider: null, reason: 'test' } });
  try {
    return await use(runtime);
  } finally {
    await runtime.infra.close();
  }
}

const dailyBars = (runtime: Runtime, symbol: string) => runtime.repositories.prices.bars(symbol, '1d', new Date(0), new Date('2100-01-01'));

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
    expect(result.stdout).toContain('rows new: 3');
    expect(result.stdout).toContain('rows skipped: 4');
    for (const line of [4, 5, 6, 8]) expect(result.stdout).toContain(`ACME.csv:${line}:`);
    // Running the same import again stores nothing twice, and says so.
    const again = await stockmind(['import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('rows new: 0');
    expect(again.stdout).toContain('rows updated: 0');
    expect(again.stdout).toContain('rows unchanged: 3');
    // A changed value (a corrected print) is an update; the rest stay unchanged.
    writeFileSync(file, ['Date,Open,High,Low,Close,Adj Close,Volume', '2024-01-02,10,11,9.5,10.5,10.2,1000', '2024-01-03,10.5,11.5,10,11,10.9,1200'].join('\n'));
    const corrected = await stockmind(['import', file]);
    expect(corrected.stdout).toContain('rows new: 0');
    expect(corrected.stdout).toContain('rows updated: 1');
    expect(corrected.stdout).toContain('rows unchanged: 1');
    const bars = await withRuntime((r) => dailyBars(r, 'ACME'));
    expect(bars.map((b) => b.timestamp.toISOString().slice(0, 10))).toEqual(['2024-01-02', '2024-01-03', '2024-01-08']);
    expect(bars.every((b) => b.source === 'csv')).toBe(true);
    expect(bars[0]!.adjustedClose).toBe(10.2);
  });

  const kaggleAapl = ['ohlcv', 'daily_huge_stock_market_2000-2017', 'AAPL.csv'];
  it.skipIf(!hasSharedData(...kaggleAapl))(`imports a real file from shared/data (Kaggle AAPL, 2000–2017)${hasSharedData(...kaggleAapl) ? '' : ` — skipped: ${NO_SHARED_DATA}`}`, async () => {
    const result = await stockmind(['import', sharedData(...kaggleAapl)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rows new: 4493');
  });
});

describe(`stockmind backfill (${SCALE})`, () => {
  it('fills daily history from the provider with a progress report', async () => {
    const result = await stockmind(['backfill', '--symbols', 'MSFT,NVDA', '--period', '1y']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ daily bars stored for 2 of 2 symbols/);
    expect(result.stderr).toContain('backfill: 2/2 symbols');
    const count = (await withRuntime((r) => dailyBars(r, 'MSFT'))).length;
    expect(count).toBeGreaterThan(240);
    const again = await stockmind(['backfill', '--symbols', 'MSFT', '--period', '1y']);
    expect(again.code).toBe(0);
    expect((await withRuntime((r) => dailyBars(r, 'MSFT'))).length).toBe(count);
  }, 120_000);

  it('refuses what the API refuses: a symbol the simulated market does not list', async () => {
    // JPM: no other test of this file stores it (AAPL gets real prices from the Kaggle import, which a backfill refuses to mix with).
    const mixed = await stockmind(['backfill', '--symbols', 'JPM,GME', '--period', '1mo']);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toMatch(/\d+ daily bars stored for 1 of 2 symbols; refused: GME/);
    expect(mixed.stderr).toContain('GME: Unknown symbol: GME.');
    const none = await stockmind(['backfill', '--symbols', 'GME']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('0 daily bars stored for 0 of 1 symbols; refused: GME');
    expect(await withRuntime((r) => r.repositories.stocks.get('GME'))).toBeNull();
  }, 120_000);

  it('refuses malformed symbols and periods', async () => {
    expect((await stockmind(['backfill', '--symbols', 'AAPL,$$$'])).code).not.toBe(0);
    const period = await stockmind(['backfill', '--symbols', 'AAPL', '--period', '100y']);
    expect(period.code).not.toBe(0);
    expect(period.stderr).toContain('expected one of 1mo, 3mo, 6mo, 1y, 5y');
  });
});

describe(`stockmind scan (${SCALE})`, () => {
  it('scans the active symbols with enough history, says how many it left out, and saves the scan', async () => {
    expect((await stockmind(['backfill', '--symbols', 'KO,PEP', '--period', '1y'])).code).toBe(0);
    const result = await stockmind(['scan', '--timeframe', 'daily']);
    expect(result.code).toBe(0);
    const line = /^daily: scanned (\d+) of (\d+) active symbols.* at (\S+)$/m.exec(result.stdout);
    expect(line, result.stdout).not.toBeNull();
    expect(Number(line![1])).toBeGreaterThanOrEqual(2);
    expect(Number(line![2])).toBe(100);
    // Only the timeframe asked for.
    expect(result.stdout).not.toMatch(/^(weekly|monthly):/m);
    const saved = await withRuntime((r) => r.repositories.scans.latestTime('daily'));
    expect(saved?.toISOString()).toBe(new Date(line![3]!).toISOString());
  }, 120_000);

  it('refuses a timeframe it does not know, naming the ones it does', async () => {
    const result = await stockmind(['scan', '--timeframe', 'hourly']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('daily, weekly, monthly');
  });
});
