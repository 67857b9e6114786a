// The analytics routes over real HTTP, against small fixtures whose numbers are worked out here by
// their definitions (README "Portfolio analytics"): daily bars are stored directly (source csv, so
// the simulated provider never extends them), transactions are recorded through the API.
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.ts';
import { sessionsBetween } from '../../../src/domain/calendar/index.ts';
import { register } from '../../support/http.ts';
import { market } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';

type User = Awaited<ReturnType<typeof register>>;

// The market clock stands at Tuesday 2026-11-24, 10:00 New York; the last closed session is the 23rd.
const SESSIONS = sessionsBetween('2026-09-01', '2026-11-23').map((session) => session.date);
const LAST = SESSIONS.length - 1;
/** The last n sessions up to 2026-11-23. */
const lastSessions = (n: number) => SESSIONS.slice(SESSIONS.length - n);

async function stock(app: App, symbol: string, sector: string, dates: readonly string[], closes: readonly number[]): Promise<void> {
  await app.repositories.stocks.upsertProfile({ symbol, name: `${symbol} Corp`, sector, currency: 'USD' }, false);
  await app.repositories.prices.upsertBars(symbol, '1d', dates.map((date, i) => {
    const close = closes[i] as number;
    return { timestamp: new Date(`${date}T00:00:00Z`), open: close, high: close, low: close, close, adjustedClose: close, volume: 1_000 };
  }), 'csv');
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleStd = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const covariance = (xs: readonly number[], ys: readonly number[]) => {
  const mx = mean(xs);
  const my = mean(ys);
  return xs.reduce((s, x, i) => s + (x - mx) * ((ys[i] as number) - my), 0) / (xs.length - 1);
};
const returnsOf = (closes: readonly number[]) => closes.slice(1).map((close, i) => close / (closes[i] as number) - 1);

// FIXA: six sessions, two buys. BNCH: the benchmark, from three weeks before.
const SIX = lastSessions(6);
const FIXA = [100, 110, 99, 108.9, 108.9, 119.79];
const BENCH_DATES = lastSessions(16);
const BENCH = BENCH_DATES.map((_, i) => (i < 10 ? 50 : [51, 52, 53, 54, 54, 55][i - 10] as number));
// FIXC: 31 sessions with ups and downs; BNCC moves about half as much, in step.
const THIRTY_ONE = lastSessions(31);
const FIXC = [100, 101.5, 99.2, 100.8, 103.1, 102.4, 98.7, 97.9, 99.6, 101.2, 104.5, 103.9, 105.2, 102.8, 101.1,
  99.4, 100.9, 102.6, 104.1, 106.3, 105.0, 107.2, 108.8, 107.5, 109.9, 111.2, 110.4, 112.6, 114.0, 113.1, 115.3];
const BNCC_DATES = lastSessions(32);
const BNCC = [200, ...FIXC.map((_, i) => (i === 0 ? 200 : Math.round(200 * FIXC.slice(1, i + 1).reduce((g, c, j) => g * (1 + (c / (FIXC[j] as number) - 1) / 2), 1) * 100) / 100))];

describe(`portfolio performance and risk against hand-computed values (${SCALE})`, () => {
  const m = market();
  let ada: User;
  let cyd: User;
  beforeAll(async () => {
    const { app } = m.server;
    await stock(app, 'FIXA', 'Industrials', SIX, FIXA);
    await stock(app, 'BNCH', 'Index', BENCH_DATES, BENCH);
    await stock(app, 'FIXC', 'Utilities', THIRTY_ONE, FIXC);
    await stock(app, 'BNCC', 'Index', BNCC_DATES, BNCC);
    ada = await register(m.server.call);
    cyd = await register(m.server.call);
    const record = (user: User, body: Record<string, unknown>) => m.server.call('POST', '/api/portfolio/transactions/', { token: user.token, body });
    expect((await record(ada, { symbol: 'FIXA', type: 'buy', date: SIX[0], shares: 10, price: 100 })).status).toBe(201);
    expect((await record(ada, { symbol: 'FIXA', type: 'buy', date: SIX[2], shares: 10, price: 99 })).status).toBe(201);
    // Cyd buys FIXC at its first close and holds: her daily returns are FIXC's (0 on the first day).
    expect((await record(cyd, { symbol: 'FIXC', type: 'buy', date: THIRTY_ONE[0], shares: 10, price: FIXC[0] })).status).toBe(201);
  });

  it('computes the value series, time-weighted and money-weighted returns and the benchmark\'s', async () => {
    const answer = await m.server.call('GET', '/api/analytics/portfolio/performance/?period=1mo&benchmark=BNCH', { token: ada.token });
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({ period: '1mo', currency: 'USD', from: SIX[0], to: SIX[5], benchmark: 'BNCH' });
    const shares = [10, 10, 20, 20, 20, 20];
    const value = FIXA.map((close, i) => (shares[i] as number) * close);
    const inflow = [1000, 0, 990, 0, 0, 0];
    expect(data.series.map((p: { date: string }) => p.date)).toEqual(SIX);
    data.series.forEach((point: { value: number; inflow: number; outflow: number }, i: number) => {
      expect(point.value).toBeCloseTo(value[i] as number, 6);
      expect(point.inflow).toBeCloseTo(inflow[i] as number, 6);
      expect(point.outflow).toBe(0);
    });
    // r[i] = (V[i] + OUT[i]) / (V[i−1] + IN[i]) − 1, with V before the first day 0; TWR = Π(1 + r) − 1.
    let growth = 1;
    for (let i = 0; i < 6; i++) growth *= (value[i] as number) / ((i === 0 ? 0 : value[i - 1] as number) + (inflow[i] as number));
    expect(data.timeWeightedReturn).toBeCloseTo(growth - 1, 7);
    expect(data.series[5].growth).toBeCloseTo(growth, 7);
    // The money-weighted return nets the dated cash flows to zero: −1000, −990, then the end value.
    const flows: [string, number][] = [[SIX[0]!, -1000], [SIX[2]!, -990], [SIX[5]!, value[5]!]];
    const years = (date: string) => (Date.parse(date) - Date.parse(SIX[0]!)) / 86_400_000 / 365;
    const npv = flows.reduce((sum, [date, amount]) => sum + amount / (1 + data.moneyWeightedReturn) ** years(date), 0);
    expect(Math.abs(npv)).toBeLessThan(1e-6);
    expect(data.moneyWeightedReturnPeriod).toBeCloseTo((1 + data.moneyWeightedReturn) ** years(SIX[5]!) - 1, 7);
    // The benchmark over the same days: from its close before the first day (50) to the last (55).
    expect(data.benchmarkReturn).toBeCloseTo(55 / 50 - 1, 10);
    expect(data.startValue).toBe(0);
    expect(data.endValue).toBeCloseTo(value[5]!, 6);
    expect(data.netInflow).toBeCloseTo(1990, 6);
    expect(data.reasons).toEqual({});
  });

  it('keeps the time-weighted return free of cash flows: selling half at the close leaves it the stock\'s return', async () => {
    const eve = await register(m.server.call);
    const record = (body: Record<string, unknown>) => m.server.call('POST', '/api/portfolio/transactions/', { token: eve.token, body: { symbol: 'FIXA', ...body } });
    await record({ type: 'buy', date: SIX[0], shares: 10, price: FIXA[0] });
    await record({ type: 'sell', date: SIX[3], shares: 5, price: FIXA[3] });
    await record({ type: 'dividend', date: SIX[4], shares: 5, price: 1 });
    const data = (await m.server.call('GET', '/api/analytics/portfolio/performance/?period=max&benchmark=BNCH', { token: eve.token })).body.data;
    // A dividend is money out of the position on its day: (V + 5) / V − 1 on that day.
    const dividendDay = (5 * FIXA[4]! + 5) / (5 * FIXA[3]!) - 1;
    const expected = (FIXA[5]! / FIXA[0]!) * (1 + dividendDay) / (FIXA[4]! / FIXA[3]!);
    expect(data.timeWeightedReturn).toBeCloseTo(expected - 1, 7);
    expect(data.series[3].outflow).toBeCloseTo(5 * FIXA[3]!, 6);
    expect(data.series[4].outflow).toBeCloseTo(5, 6);
  });

  it('computes volatility, Sharpe, Sortino, drawdown, beta and VaR by their definitions', async () => {
    const answer = await m.server.call('GET', '/api/analytics/portfolio/risk/?benchmark=BNCC&risk_free_rate=0.04', { token: cyd.token });
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    // Daily returns: 0 on the day of the buy (bought at the close), then FIXC's.
    const returns = [0, ...returnsOf(FIXC)];
    expect(data.observations).toBe(31);
    expect(data.volatility).toBeCloseTo(sampleStd(returns) * Math.sqrt(252), 7);
    const dailyRiskFree = 1.04 ** (1 / 252) - 1;
    expect(data.riskFreeRate).toBe(0.04);
    expect(data.sharpe).toBeCloseTo(((mean(returns) - dailyRiskFree) / sampleStd(returns)) * Math.sqrt(252), 5);
    const downside = Math.sqrt(returns.reduce((s, r) => s + Math.min(0, r - dailyRiskFree) ** 2, 0) / returns.length);
    expect(data.sortino).toBeCloseTo(((mean(returns) - dailyRiskFree) / downside) * Math.sqrt(252), 5);
    // Drawdown: the largest fall of the growth of 1 from a running peak.
    let peak = 0;
    let worst = 0;
    let troughAt = 0;
    let peakAt = 0;
    let bestSoFar = 0;
    FIXC.forEach((close, i) => {
      if (close > peak) { peak = close; bestSoFar = i; }
      if (close / peak - 1 < worst) { worst = close / peak - 1; troughAt = i; peakAt = bestSoFar; }
    });
    expect(data.maxDrawdown).toBeCloseTo(worst, 8);
    expect(data.maxDrawdownPeak).toBe(THIRTY_ONE[peakAt]);
    expect(data.maxDrawdownTrough).toBe(THIRTY_ONE[troughAt]);
    expect(data.maxDrawdownRecovery).toBe(THIRTY_ONE[FIXC.findIndex((close, i) => i > troughAt && close >= FIXC[peakAt]!)]);
    // Beta: the benchmark has a return on the days after the first (its previous close on the axis).
    const benchmarkReturns = returnsOf(BNCC.slice(1));
    const own = returnsOf(FIXC);
    expect(data.beta).toBeCloseTo(covariance(own, benchmarkReturns) / sampleStd(benchmarkReturns) ** 2, 5);
    expect(data.beta).toBeGreaterThan(1.9);
    // VaR at 95% of 31 returns: k = ⌈0.05 × 31⌉ = 2; the 2nd worst, and the mean of the 2 worst.
    const sorted = [...returns].sort((a, b) => a - b);
    expect(data.var95).toBeCloseTo(-sorted[1]!, 8);
    expect(data.cvar95).toBeCloseTo(-(sorted[0]! + sorted[1]!) / 2, 8);
    expect(data.var95Amount).toBeCloseTo(-sorted[1]! * 10 * FIXC[30]!, 4);
    expect(data.reasons).toEqual({});
  });

  it('answers null with a reason where history is too short or the benchmark unknown, never a 500', async () => {
    const answer = await m.server.call('GET', '/api/analytics/portfolio/risk/', { token: ada.token });
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({ volatility: null, sharpe: null, sortino: null, var95: null, beta: null, benchmark: 'SPY' });
    expect(data.reasons.volatility).toBe('needs at least 20 daily returns, has 6');
    expect(data.reasons.beta).toContain('SPY');
    // Six values are enough for a drawdown.
    expect(data.maxDrawdown).toBeCloseTo(99 * 20 / (110 * 10 + 990) - 1, 8);
    const empty = await register(m.server.call);
    for (const path of ['performance', 'risk']) {
      const none = await m.server.call('GET', `/api/analytics/portfolio/${path}/`, { token: empty.token });
      expect(none.status).toBe(200);
      expect(Object.keys(none.body.data.reasons).length).toBeGreaterThan(0);
    }
    expect((await m.server.call('GET', '/api/analytics/portfolio/performance/?currency=EUR', { token: ada.token })).status).toBe(400);
    expect((await m.server.call('GET', '/api/analytics/portfolio/performance/?period=2y', { token: ada.token })).status).toBe(400);
  });

  it('values the summary at the latest closes, with allocation by holding and by sector', async () => {
    const dan = await register(m.server.call);
    for (const body of [
      { symbol: 'FIXA', type: 'buy', date: SIX[0], shares: 10, price: 100 },
      { symbol: 'FIXA', type: 'buy', date: SIX[2], shares: 10, price: 99 },
      { symbol: 'FIXC', type: 'buy', date: THIRTY_ONE[0], shares: 2, price: 100 },
      { symbol: 'FIXC', type: 'sell', date: THIRTY_ONE[10], shares: 1, price: 104.5 },
    ]) expect((await m.server.call('POST', '/api/portfolio/transactions/', { token: dan.token, body })).status).toBe(201);
    const answer = await m.server.call('GET', '/api/analytics/portfolio/summary/', { token: dan.token });
    expect(answer.status).toBe(200);
    const [usd] = answer.body.data.currencies;
    const fixa = 20 * FIXA[5]!;
    const fixc = 1 * FIXC[30]!;
    expect(usd).toMatchObject({ currency: 'USD', holdings: 2, pricedHoldings: 2, totalCost: 1990 + 100, realisedPnl: 4.5 });
    expect(usd.totalValue).toBeCloseTo(fixa + fixc, 6);
    expect(usd.unrealisedPnl).toBeCloseTo(fixa + fixc - 2090, 6);
    expect(usd.totalPnl).toBeCloseTo(fixa + fixc - 2090 + 4.5, 6);
    expect(usd.dayChange).toBeCloseTo(20 * (FIXA[5]! - FIXA[4]!) + (FIXC[30]! - FIXC[29]!), 6);
    expect(usd.allocation.byHolding).toEqual([
      { symbol: 'FIXA', value: fixa, weight: expect.closeTo(fixa / (fixa + fixc), 6) },
      { symbol: 'FIXC', value: fixc, weight: expect.closeTo(fixc / (fixa + fixc), 6) },
    ]);
    expect(usd.allocation.bySector.map((s: { sector: string }) => s.sector)).toEqual(['Industrials', 'Utilities']);
  });
});

describe(`correlation and stock statistics (${SCALE})`, () => {
  const m = market();
  let ada: User;
  beforeAll(async () => {
    await stock(m.server.app, 'FIXC', 'Utilities', THIRTY_ONE, FIXC);
    await stock(m.server.app, 'BNCC', 'Index', BNCC_DATES, BNCC);
    await stock(m.server.app, 'FIXA', 'Industrials', SIX, FIXA);
    ada = await register(m.server.call);
  });

  it('correlates daily returns pairwise, null with a reason where too few days overlap', async () => {
    const answer = await m.server.call('GET', '/api/analytics/correlation/?symbols=FIXC,BNCC,FIXA&period=1y', { token: ada.token });
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data.symbols).toEqual(['FIXC', 'BNCC', 'FIXA']);
    const own = returnsOf(FIXC);
    const bench = returnsOf(BNCC.slice(1));
    expect(data.matrix[0][1]).toBeCloseTo(covariance(own, bench) / (sampleStd(own) * sampleStd(bench)), 6);
    expect(data.matrix[0][0]).toBe(1);
    expect(data.observations[0][1]).toBe(30);
    expect(data.matrix[0][2]).toBeNull();
    expect(data.undefinedPairs).toContainEqual({ a: 'FIXC', b: 'FIXA', reason: 'needs at least 20 days with both returns, has 5' });
    expect((await m.server.call('GET', '/api/analytics/correlation/?symbols=FIXC', { token: ada.token })).status).toBe(400);
    expect((await m.server.call('GET', '/api/analytics/correlation/?symbols=FIXC,NOSUCH', { token: ada.token })).status).toBe(400);
    const many = Array.from({ length: 51 }, (_, i) => `S${i}`).join(',');
    expect((await m.server.call('GET', `/api/analytics/correlation/?symbols=${many}`, { token: ada.token })).status).toBe(400);
  });

  it('computes trailing returns, volatility, beta and drawdown of one stock', async () => {
    const answer = await m.server.call('GET', '/api/analytics/stock/fixc/stats/?benchmark=BNCC', { token: ada.token });
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({ symbol: 'FIXC', benchmark: 'BNCC', asOf: THIRTY_ONE[30], lastClose: FIXC[30] });
    // k trading days back: 5 (1w), 21 (1m); 3 months needs 64 closes.
    expect(data.returns['1w']).toBeCloseTo(FIXC[30]! / FIXC[25]! - 1, 8);
    expect(data.returns['1m']).toBeCloseTo(FIXC[30]! / FIXC[9]! - 1, 8);
    expect(data.returns['3m']).toBeNull();
    expect(data.reasons['returns.3m']).toBe('needs 64 daily closes, has 31');
    expect(data.volatility).toBeCloseTo(sampleStd(returnsOf(FIXC)) * Math.sqrt(252), 7);
    expect(data.beta).toBeCloseTo(covariance(returnsOf(FIXC), returnsOf(BNCC.slice(1))) / sampleStd(returnsOf(BNCC.slice(1))) ** 2, 5);
    expect(data.maxDrawdown).toBeLessThan(0);
    const unknown = await m.server.call('GET', '/api/analytics/stock/NOSUCH/stats/', { token: ada.token });
    expect(unknown.status).toBe(404);
    const noBenchmark = await m.server.call('GET', '/api/analytics/stock/FIXC/stats/', { token: ada.token });
    expect(noBenchmark.body.data.beta).toBeNull();
    expect(noBenchmark.body.data.reasons.beta).toContain('SPY');
  });

  it('needs credentials', async () => {
    for (const path of ['portfolio/summary', 'portfolio/performance', 'portfolio/risk', 'correlation?symbols=A,B', 'stock/FIXC/stats']) {
      expect((await m.server.call('GET', `/api/analytics/${path}`)).status, path).toBe(401);
    }
  });
});

describe(`history filled on demand for the symbols held (${SCALE})`, () => {
  const m = market();
  it('fetches missing daily bars of a held symbol from the provider before computing', async () => {
    const ada = await register(m.server.call);
    const before = await m.server.app.repositories.prices.bars('NVDA', '1d', new Date('2026-01-01'), new Date('2026-12-31'));
    expect(before).toHaveLength(0);
    await m.server.call('POST', '/api/portfolio/transactions/', { token: ada.token, body: { symbol: 'NVDA', type: 'buy', date: '2026-06-01', shares: 4, price: 150 } });
    await m.server.call('POST', '/api/portfolio/holdings/', { token: ada.token, body: { symbol: 'AMZN', shares: 2, averagePrice: 200, purchaseDate: '2026-08-03' } });
    const answer = await m.server.call('GET', '/api/analytics/portfolio/performance/?period=6mo', { token: ada.token });
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data.from).toBe('2026-06-01');
    expect(data.series.length).toBeGreaterThan(100);
    expect(data.series.every((p: { value: number | null }) => p.value !== null && p.value > 0)).toBe(true);
    expect(data.missingCloses).toEqual([]);
    expect(typeof data.timeWeightedReturn).toBe('number');
    const after = await m.server.app.repositories.prices.bars('NVDA', '1d', new Date('2026-06-01'), new Date('2026-11-23'));
    expect(after.length).toBe(sessionsBetween('2026-06-01', '2026-11-23').length);
    const risk = await m.server.call('GET', '/api/analytics/portfolio/risk/?period=6mo', { token: ada.token });
    expect(typeof risk.body.data.volatility).toBe('number');
  });
});

// LAST keeps the fixture's sessions honest: the newest is the 23rd, the day before the clock.
it('has fixtures that end on the last closed session', () => {
  expect(SESSIONS[LAST]).toBe('2026-11-23');
});
