// The price store's planner statistics: after bars of many symbols arrive, one symbol's range is read
// through the (symbol, interval, timestamp) index, not by filtering every symbol's bars out of the
// (interval, timestamp) one — PGlite runs no autovacuum, so the store analyzes the table itself.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../../src/app.ts';
import type { BarRow } from '../../../src/db/repositories/prices.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../../support/scale.ts';

const SYMBOLS = 60;
const DAYS = 400;

async function* bars(): AsyncGenerator<BarRow[]> {
  for (let s = 0; s < SYMBOLS; s += 1) {
    yield Array.from({ length: DAYS }, (_, d): BarRow => ({
      symbol: `P${s}`, interval: '1d', source: 'csv',
      bar: { timestamp: new Date(Date.UTC(2024, 0, 1) + d * 86_400_000), open: 10, high: 11, low: 9, close: 10, adjustedClose: null, volume: 100 },
    }));
  }
}

describe(`the price store's planner statistics (${SCALE})`, () => {
  let environment: TestEnvironment;
  let runtime: Runtime;
  beforeAll(async () => {
    environment = await testEnvironment();
    runtime = await openRuntime(environment.config, { provider: { provider: null, reason: 'test' } });
  });
  afterAll(async () => {
    await runtime?.infra.close();
    await environment?.cleanup();
  });

  const plan = async (query: ReturnType<typeof sql>) => {
    const result = await (runtime.infra.database.db as unknown as { execute(q: unknown): Promise<{ rows: Array<Record<string, string>> }> }).execute(query);
    return result.rows.map((row) => Object.values(row).join(' ')).join('\n');
  };

  it('reads one symbol\'s range and its newest bar through the symbol\'s index once many symbols\' bars are stored', async () => {
    const loaded = await runtime.repositories.prices.bulkLoad(bars);
    expect(loaded.inserted).toBe(SYMBOLS * DAYS);
    const range = await plan(sql`explain select * from stock_prices where symbol = 'P7' and interval = '1d' and timestamp >= '2024-06-01' and timestamp <= '2025-01-31' order by timestamp limit 100000`);
    expect(range).toContain('stock_prices_symbol_interval_timestamp_key');
    expect(range).not.toContain('stock_prices_interval_timestamp_idx');
    const newest = await plan(sql`explain select source from stock_prices where symbol = 'P7' and interval = '1d' order by timestamp desc limit 1`);
    expect(newest).toContain('stock_prices_symbol_interval_timestamp_key');
    // And upserts keep them current too: a symbol's new bars through the ordinary write path.
    await runtime.repositories.stocks.upsertProfile({ symbol: 'FRESH', name: 'Fresh Co' }, true);
    const fresh = Array.from({ length: 1_500 }, (_, d) => ({ timestamp: new Date(Date.UTC(2020, 0, 1) + d * 86_400_000), open: 5, high: 6, low: 4, close: 5, adjustedClose: null, volume: 10 }));
    expect((await runtime.repositories.prices.upsertBars('FRESH', '1d', fresh, 'csv')).stored).toBe(1_500);
    expect(await plan(sql`explain select * from stock_prices where symbol = 'FRESH' and interval = '1d' and timestamp >= '2021-01-01' order by timestamp limit 100000`)).toContain('stock_prices_symbol_interval_timestamp_key');
  });
});
