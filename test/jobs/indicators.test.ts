// calculate_technical_indicators over a real app on the simulated market: the values are the
// domain's set over the stored bars (today's included while the session is open), stored once per
// bar however often the job runs, cached and published; and the first scan follows on a fresh install.
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { computeIndicatorSet, INDICATOR_NAMES } from '../../src/domain/indicators/index.ts';
import { columnsOf } from '../../src/domain/scanner/index.ts';
import { jobHandlers } from '../../src/jobs/index.ts';
import { calculateTechnicalIndicators } from '../../src/jobs/indicators.ts';
import { runJob } from '../../src/jobs/runner.ts';
import { scheduledJob } from '../../src/jobs/schedule.ts';
import { WIRE_NAMES } from '../../src/services/indicators/names.ts';
import { market, MARKET_NOW } from '../support/market.ts';
import { SCALE } from '../support/scale.ts';

const log = pino({ level: 'silent' });
const ACTIVE = 3;

async function runIndicatorsJob(app: App) {
  const job = scheduledJob('calculate_technical_indicators')!;
  return runJob(job, calculateTechnicalIndicators(app.services.indicators, app.services.scanner, ACTIVE), { firedAt: app.infra.clock.now(), log });
}

/** Stored rows of a symbol, of one bar when `at` is given. */
async function storedRows(app: App, symbol: string, at?: Date): Promise<number> {
  const result = await app.infra.database.db.execute(sql`select count(*)::int as n from technical_indicators where symbol = ${symbol}
    and (${at?.toISOString() ?? null}::timestamptz is null or timestamp = ${at?.toISOString() ?? null}::timestamptz)`);
  return Number((result as unknown as { rows: { n: number }[] }).rows[0]!.n);
}

describe(`calculate_technical_indicators (${SCALE})`, () => {
  const m = market({ env: { ACTIVE_SYMBOLS: String(ACTIVE) } });

  it('is scheduled every 5 minutes on the market_data queue, on both scales', () => {
    expect(scheduledJob('calculate_technical_indicators')).toMatchObject({ cron: '*/5 * * * *', queue: 'market_data', gate: 'always' });
    expect(Object.keys(jobHandlers(m.server.app.services, m.server.app.infra.config))).toContain('calculate_technical_indicators');
    expect(Object.keys(jobHandlers(m.server.app.services, m.server.app.infra.config))).toContain('run_market_scanner');
  });

  it('stores the indicator set of the stored bars, today\'s included, and caches and publishes it', async () => {
    const { app } = m.server;
    await app.startup;
    const symbols = await app.services.catalog.active(ACTIVE);
    // The per-minute fetch stores today's bar while the session is open.
    await app.services.ingest.fetchActive(ACTIVE, log);
    const published: { type: string; data: Record<string, unknown> }[] = [];
    // The channel carries quotes too: keep the indicator updates.
    const unsubscribe = await app.infra.bus.subscribe(`stock_${symbols[0]}`, (message) => {
      if ((message as { type: string }).type === 'indicator_update') published.push(message as never);
    });
    const { outcome, summary } = await runIndicatorsJob(app);
    expect(outcome).toBe('ok');
    expect(summary).toMatchObject({ symbols: ACTIVE, computed: ACTIVE, withoutBars: 0 });

    const stored = await app.repositories.indicators.latest(symbols);
    for (const symbol of symbols) {
      const record = stored.get(symbol)!;
      const bars = await app.repositories.prices.latestBars(symbol, '1d', 400);
      expect(bars.at(-1)!.timestamp.toISOString().slice(0, 10)).toBe('2026-11-24');
      // Two years of history were made whole for the set (and for monthly scans).
      expect(bars.length).toBeGreaterThanOrEqual(400);
      expect(record.timestamp).toEqual(bars.at(-1)!.timestamp);
      expect(record.close).toBe(bars.at(-1)!.close);
      const expected = computeIndicatorSet(columnsOf(bars));
      for (const name of INDICATOR_NAMES) {
        const value = record.values[name];
        if (Number.isNaN(expected[name])) expect(value, name).toBeNaN();
        else expect(Math.abs(value - expected[name]), `${symbol} ${name}`).toBeLessThanOrEqual(5e-9 * Math.max(1, Math.abs(expected[name])));
      }
      expect(await storedRows(app, symbol, record.timestamp)).toBe(1);
    }

    for (let i = 0; i < 200 && published.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await unsubscribe();
    const message = published[0]!;
    const first = stored.get(symbols[0]!)!;
    expect(message.data).toMatchObject({ symbol: symbols[0], asOf: '2026-11-24', close: first.close });
    for (const [wire, name] of Object.entries(WIRE_NAMES)) {
      expect(message.data[wire], wire).toBe(Number.isNaN(first.values[name]) ? null : first.values[name]);
    }
    expect(await app.infra.cache.get(`indicators:${symbols[0]}`)).toEqual(message.data);
  });

  it('stores one row per bar however often it runs, following the open bar as it moves', async () => {
    const { app } = m.server;
    const [symbol] = await app.services.catalog.active(1);
    await app.services.ingest.fetchActive(ACTIVE, log);
    await runIndicatorsJob(app);
    await runIndicatorsJob(app);
    const rows = await storedRows(app, symbol!);
    const before = (await app.repositories.indicators.latest([symbol!])).get(symbol!)!;
    m.clock.set(new Date(MARKET_NOW.getTime() + 30 * 60_000));
    try {
      await app.services.ingest.fetchActive(ACTIVE, log);
      await runIndicatorsJob(app);
      const [today] = await app.repositories.prices.latestBars(symbol!, '1d', 1);
      const after = (await app.repositories.indicators.latest([symbol!])).get(symbol!)!;
      expect(await storedRows(app, symbol!)).toBe(rows);
      expect(after.timestamp).toEqual(before.timestamp);
      expect(after.close).toBe(today!.close);
    } finally {
      m.clock.set(MARKET_NOW);
    }
  });

  it('runs the first market scan on a fresh install, and only the first', async () => {
    const { app } = m.server;
    await runIndicatorsJob(app);
    const first = await m.server.call('GET', '/api/market/scanner');
    expect(first.status).toBe(200);
    expect(first.body.data.marketOverview.totalScanned).toBe(ACTIVE);
    const { summary } = await runIndicatorsJob(app);
    expect(summary.firstScan).toBe(false);
    expect((await m.server.call('GET', '/api/market/scanner')).body.data.timestamp).toBe(first.body.data.timestamp);
  });
});
