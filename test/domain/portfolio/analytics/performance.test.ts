import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { portfolioPerformance, portfolioRisk } from '../../../../src/domain/portfolio/analytics/performance.ts';
import { portfolioSeries, type CloseSeries } from '../../../../src/domain/portfolio/analytics/series.ts';
import type { TransactionInput } from '../../../../src/domain/portfolio/transaction.ts';
import { NO_SHARED_DATA, hasSharedData, sharedData } from '../../../support/shared-data.ts';

const DAYS = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];
let nextId = 1;
function tx(symbol: string, type: TransactionInput['type'], date: string, shares: string, price: string): TransactionInput {
  return { id: nextId++, symbol, type, date, shares, price, currency: 'USD' };
}

describe('portfolioPerformance', () => {
  const closes = new Map<string, CloseSeries>([['XYZ', { dates: DAYS, closes: [10, 11, 12, 11, 13.2] }]]);
  const benchmark: CloseSeries = { dates: ['2023-12-29', ...DAYS], closes: [399, 400, 404, 408, 402, 410] };
  const series = portfolioSeries({
    transactions: [tx('XYZ', 'buy', '2024-01-02', '10', '10'), tx('XYZ', 'buy', '2024-01-04', '10', '11')],
    closes,
  });

  it('reports the series, TWR, MWR and the benchmark over the whole history, as computed by hand', () => {
    const result = portfolioPerformance(series, { benchmark });
    expect(result.from).toBe('2024-01-02');
    expect(result.to).toBe('2024-01-08');
    // values: 100, 110, 240 (20 × 12), 220, 264; the second buy at the 3rd's close adds 110
    expect(Array.from(result.value)).toEqual([100, 110, 240, 220, 264]);
    expect(Array.from(result.inflow)).toEqual([100, 0, 110, 0, 0]);
    // daily: 100/100, 110/100, 240/(110 + 110), 220/240, 264/220 → TWR = price 10 → 13.2
    expect(result.timeWeightedReturn.value).toBeCloseTo(13.2 / 10 - 1, 12);
    expect(result.growth[4]).toBeCloseTo(1.32, 12);
    // benchmark from the close before the first return (29 Dec, 399) to 8 Jan (410)
    expect(result.benchmarkReturn.value).toBeCloseTo(410 / 399 - 1, 12);
    expect(result.benchmarkGrowth?.[4]).toBeCloseTo(410 / 400, 12);
    // MWR: −100 on 2 Jan, −110 on 4 Jan, +264 on 8 Jan: 100(1+r)^(6/365) + 110(1+r)^(4/365) = 264
    const mwr = result.moneyWeightedReturn.value;
    const r = mwr?.annualised as number;
    expect(100 * Math.pow(1 + r, 6 / 365) + 110 * Math.pow(1 + r, 4 / 365)).toBeCloseTo(264, 8);
    expect(mwr?.days).toBe(6);
  });

  it('starts a period from the value at the close before it', () => {
    const result = portfolioPerformance(series, { from: '2024-01-05', benchmark });
    expect(result.dates).toEqual(['2024-01-05', '2024-01-08']);
    // 240 on the 4th → 264 on the 8th with no flows
    expect(result.timeWeightedReturn.value).toBeCloseTo(264 / 240 - 1, 12);
    expect(result.benchmarkReturn.value).toBeCloseTo(410 / 408 - 1, 12);
    expect(result.moneyWeightedReturn.value?.period).toBeCloseTo(264 / 240 - 1, 10);
  });

  it('is null with a reason for a period without dates', () => {
    const result = portfolioPerformance(series, { from: '2025-01-01' });
    expect(result.timeWeightedReturn).toEqual({ value: null, reason: 'no trading date in the period' });
    expect(result.benchmarkReturn.value).toBeNull();
  });
});

describe('portfolioRisk', () => {
  it('measures the portfolio returns of the window, with beta to the benchmark', () => {
    const days = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
    const bench = days.map((_, i) => 100 * (1 + 0.01 * Math.sin(i)));
    // the stock moves exactly twice the benchmark each day
    const stock = [50];
    for (let i = 1; i < days.length; i++) stock.push((stock[i - 1] as number) * (1 + 2 * ((bench[i] as number) / (bench[i - 1] as number) - 1)));
    const series = portfolioSeries({
      transactions: [tx('S', 'buy', days[0] as string, '3', String(stock[0]))],
      closes: new Map([['S', { dates: days, closes: stock }]]),
    });
    const risk = portfolioRisk(series, { benchmark: { dates: days, closes: bench }, riskFreeRate: 0.03 });
    expect(risk.from).toBe(days[0]);
    // a return on the buy day (0: bought at the close) plus 29 daily ones
    expect(risk.observations).toBe(30);
    expect(risk.beta.value).toBeCloseTo(2, 10);
    expect(risk.volatility.value).not.toBeNull();
    expect(risk.var95.value?.tail).toBe(2);
    const short = portfolioRisk(series, { from: days[25] });
    expect(short.volatility.reason).toBe('needs at least 20 daily returns, has 5');
    expect(short.beta.reason).toBe('no benchmark');
  });
});

const QUANDL = ['ohlcv', 'plotly', 'dash-stock-ticker-demo.csv'] as const;
const QUANDL_TITLE = 'on real closes with dividends (Quandl WIKI: AAPL, COKE 2015–2017)';

describe.skipIf(!hasSharedData(...QUANDL))(hasSharedData(...QUANDL) ? QUANDL_TITLE : `${QUANDL_TITLE}: ${NO_SHARED_DATA}`, () => {
  // Raw closes, the dividend per share on each ex-date, and the closes Quandl adjusted for dividends.
  // Read in beforeAll, not here: vitest runs a skipped suite's body too, to list its tests.
  let rows: Record<string, string>[] = [];
  beforeAll(() => { rows = parse(readFileSync(sharedData(...QUANDL), 'utf8'), { columns: true }) as Record<string, string>[]; });
  const history = (ticker: string): { dates: string[]; close: number[]; adjClose: number[]; dividend: number[] } => {
    const own = rows.filter((row) => row.Stock === ticker).sort((a, b) => ((a.Date ?? '') < (b.Date ?? '') ? -1 : 1));
    return {
      dates: own.map((row) => row.Date ?? ''),
      close: own.map((row) => Number(row.Close)),
      adjClose: own.map((row) => Number(row.AdjClose)),
      dividend: own.map((row) => Number(row.ExDividend)),
    };
  };

  it.each(['AAPL', 'COKE'])('%s: the TWR of a holding with its dividends is the dividend-adjusted return', (ticker) => {
    const h = history(ticker);
    const last = h.dates.length - 1;
    // buy 100 shares at the first close; each ex-date pays 100 × the dividend
    const transactions: TransactionInput[] = [tx(ticker, 'buy', h.dates[0] as string, '100', String(h.close[0]))];
    h.dividend.forEach((amount, i) => {
      if (amount > 0) transactions.push(tx(ticker, 'dividend', h.dates[i] as string, '100', String(amount)));
    });
    expect(transactions.length).toBeGreaterThan(8);
    const closes = new Map([[ticker, { dates: h.dates, closes: h.close }]]);
    const withDividends = portfolioPerformance(portfolioSeries({ transactions, closes })).timeWeightedReturn.value as number;
    const priceOnly = portfolioPerformance(portfolioSeries({ transactions: transactions.slice(0, 1), closes })).timeWeightedReturn.value as number;
    const adjusted = (h.adjClose[last] as number) / (h.adjClose[0] as number) - 1;
    const price = (h.close[last] as number) / (h.close[0] as number) - 1;
    // without dividends the TWR is the price return; with them, Quandl's dividend-adjusted return
    // (its adjustment on an ex-date is the same (close + dividend) / previous close as our daily return)
    expect(Math.abs(adjusted - price)).toBeGreaterThan(0.04);
    expect(priceOnly).toBeCloseTo(price, 10);
    expect(withDividends).toBeCloseTo(adjusted, 10);
  });
});
