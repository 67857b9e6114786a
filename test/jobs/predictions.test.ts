// update_predictions on both scales: the top 50 active symbols forecast in one run, stored with
// sane 80 % intervals and the model of each term, published on each symbol's channel; a symbol
// with too little history gets no row, and the run says so.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../src/db/repositories/predictions.ts';
import { stockPredictions } from '../../src/db/schema/index.ts';
import { manualClock } from '../../src/domain/time.ts';
import { jobHandlers } from '../../src/jobs/index.ts';
import { PREDICTION_SYMBOLS } from '../../src/jobs/predictions.ts';
import { runJob } from '../../src/jobs/runner.ts';
import { scheduledJob } from '../../src/jobs/schedule.ts';
import { MIN_PREDICTION_BARS } from '../../src/services/predictions/index.ts';
import { startServer, type TestServer } from '../support/http.ts';
import { market } from '../support/market.ts';
import { SCALE } from '../support/scale.ts';
import { syntheticBars } from '../services/forecast/synthetic-bars.ts';
import { nextPrediction } from '../services/predictions/published.ts';

const JOB = scheduledJob('update_predictions')!;
const MODELS = ['lstm', 'randomWalk', 'drift', 'holt'];

async function run(server: TestServer, firedAt: Date) {
  const { app } = server;
  return runJob(JOB, jobHandlers(app.services, app.infra.config)[JOB.name]!, { firedAt, log: app.infra.log }, { force: true });
}

const rowsOf = async (server: TestServer, symbol: string) => {
  const [row] = await server.app.infra.database.db.select({ n: count() }).from(stockPredictions).where(eq(stockPredictions.symbol, symbol));
  return row!.n;
};

function expectSane(record: PredictionRecord): void {
  expect(record.currentPrice).toBeGreaterThan(0);
  for (const [term, days] of [['shortTerm', '7'], ['mediumTerm', '30'], ['longTerm', '90']] as const) {
    const { target, low, high, confidence, trend } = record[term];
    expect(low).toBeGreaterThan(0);
    expect(low!).toBeLessThanOrEqual(target);
    expect(target).toBeLessThanOrEqual(high!);
    // An 80 % interval of a few months of stock prices: not a point, not the whole number line.
    expect(high! / low!).toBeGreaterThan(1.001);
    expect(high! / low!).toBeLessThan(3);
    expect(confidence).toBeGreaterThanOrEqual(0);
    expect(confidence).toBeLessThanOrEqual(100);
    expect(['Uptrend', 'Downtrend', 'Sideways']).toContain(trend);
    expect(MODELS).toContain(record.backtest![days]!.model);
    const { mase, beatsRandomWalk } = record.backtest![days]!;
    expect(beatsRandomWalk).toBe(mase !== null && mase < 1);
  }
  expect(record.bullishScore).toBeGreaterThanOrEqual(0);
  expect(record.bullishScore).toBeLessThanOrEqual(100);
  expect(['Low', 'Medium', 'High']).toContain(record.riskLevel);
  expect(['Bullish', 'Bearish', 'Neutral']).toContain(record.overallSentiment);
}

describe('the schedule', () => {
  it('runs update_predictions hourly on the predictions queue, for the top 50', () => {
    expect(JOB).toMatchObject({ cron: '0 * * * *', queue: 'predictions', gate: 'always' });
    expect(PREDICTION_SYMBOLS).toBe(50);
  });
});

describe(`update_predictions on the simulated market (${SCALE})`, () => {
  const m = market();

  it('forecasts the 50 largest active symbols in one run, stores each with sane intervals and publishes it', async () => {
    const { server } = m;
    const top = await server.app.services.catalog.active(PREDICTION_SYMBOLS);
    expect(top).toHaveLength(50);
    const symbol = top[0]!;
    const published = await nextPrediction(server.app.infra.bus, symbol);
    const { outcome, summary } = await run(server, m.clock.now());
    expect(outcome).toBe('ok');
    expect(summary).toMatchObject({ symbols: 50, predicted: 50, insufficient: 0 });

    for (const one of top) {
      const record = (await server.app.repositories.predictions.latest(one))!;
      expect(record.predictedAt.toISOString()).toBe(m.clock.now().toISOString());
      // The 500 days of history were filled from the provider first.
      expect(record.asOf! > '2026-11-01').toBe(true);
      expectSane(record);
    }
    const message = await published.message;
    await published.close();
    const stored = (await server.app.repositories.predictions.latest(symbol))!;
    expect(message.data).toMatchObject({
      symbol, predictedAt: stored.predictedAt.toISOString(), currentPrice: stored.currentPrice,
      shortTerm: { targetPrice: stored.shortTerm.target, low: stored.shortTerm.low, model: stored.backtest!['7']!.model },
      bullishScore: stored.bullishScore, model: { name: 'stockmind-lstm', source: 'shipped' },
    });

    // A second run at the same instant replaces the rows rather than adding to them.
    await run(server, m.clock.now());
    expect(await rowsOf(server, symbol)).toBe(1);
  }, 180_000);
});

describe(`update_predictions with too little history (${SCALE})`, () => {
  // No provider: the history is exactly what the test stores.
  const clock = manualClock(new Date('2026-03-02T15:00:00Z'));
  let server: TestServer;
  let top: string[];
  beforeAll(async () => {
    server = await startServer({}, { provider: { provider: null, reason: 'test' }, clock });
    top = await server.app.services.catalog.active(PREDICTION_SYMBOLS);
    const { prices } = server.app.repositories;
    await prices.upsertBars(top[0]!, '1d', syntheticBars(400, 1, '2024-09-02'), 'csv');
    await prices.upsertBars(top[1]!, '1d', syntheticBars(60, 2, '2025-12-01'), 'csv');
    await prices.upsertBars(top[2]!, '1d', syntheticBars(MIN_PREDICTION_BARS - 5, 3, '2026-01-05'), 'csv');
  });
  afterAll(async () => { await server?.close(); });

  it('stores no row for a symbol without enough bars, and counts it', async () => {
    const { summary } = await run(server, clock.now());
    expect(summary).toMatchObject({ symbols: 50, predicted: 2, insufficient: 48 });
    expectSane((await server.app.repositories.predictions.latest(top[0]!))!);
    // 60 bars: too few for the LSTM, so the random walk serves every term.
    const short = (await server.app.repositories.predictions.latest(top[1]!))!;
    expect(Object.values(short.backtest!).map((b) => b.model)).toEqual(['randomWalk', 'randomWalk', 'randomWalk']);
    expect(short.backtest!['7']!.reason).toContain('the LSTM needs at least');
    expect(await server.app.repositories.predictions.latest(top[2]!)).toBeNull();
    expect(await rowsOf(server, top[3]!)).toBe(0);
  });
});
