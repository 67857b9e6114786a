import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  benchmarkReturn,
  growthIndex,
  moneyWeightedReturn,
  periodWindow,
  portfolioReturns,
  timeWeightedReturn,
  windowCashFlows,
  xirr,
} from '../../../../src/domain/portfolio/analytics/returns.ts';
import { portfolioSeries, type CloseSeries, type PortfolioSeries } from '../../../../src/domain/portfolio/analytics/series.ts';
import type { TransactionInput } from '../../../../src/domain/portfolio/transaction.ts';

const DAYS = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
const list = (values: ArrayLike<number>): number[] => Array.from(values);

let nextId = 1;
function tx(type: TransactionInput['type'], date: string, shares: string, price: string, fees = '0'): TransactionInput {
  return { id: nextId++, symbol: 'XYZ', type, date, shares, price, fees, currency: 'USD' };
}

/** A series built by hand: value, inflow and outflow per date. */
function handSeries(dates: string[], value: number[], inflow: number[], outflow: number[]): PortfolioSeries {
  return { dates, value: Float64Array.from(value), inflow: Float64Array.from(inflow), outflow: Float64Array.from(outflow), gaps: [], currencies: ['USD'] };
}

function expectClose(actual: number | null | undefined, expected: number, digits = 12): void {
  expect(actual).not.toBeNull();
  expect(actual).toBeCloseTo(expected, digits);
}

describe('time-weighted return', () => {
  // Closes 11, 12, 13, 14. Buy 10 @ 10 on the 2nd, 10 more @ 12 on the 4th (the 3rd's close), sell 5 @ 14 on the 5th (its close).
  const closes = new Map<string, CloseSeries>([['XYZ', { dates: DAYS, closes: [11, 12, 13, 14] }]]);
  const series = portfolioSeries({
    transactions: [tx('buy', '2024-01-02', '10', '10'), tx('buy', '2024-01-04', '10', '12'), tx('sell', '2024-01-05', '5', '14')],
    closes,
  });

  it('links daily returns around the cash flows, as computed by hand', () => {
    const window = periodWindow(series.dates);
    expect(window).toEqual({ base: -1, first: 0, last: 3 });
    const returns = portfolioReturns(series, window as NonNullable<typeof window>);
    // 2nd: 110 / (0 + 100) − 1; 3rd: 120 / 110 − 1; 4th: 260 / (120 + 120) − 1; 5th: (210 + 70) / 260 − 1
    const expected = [110 / 100 - 1, 120 / 110 - 1, 260 / 240 - 1, 280 / 260 - 1];
    list(returns).forEach((r, i) => expectClose(r, expected[i] as number, 14));
    // trades at the prices the convention assumes: the TWR is the price's 10 → 14
    expectClose(timeWeightedReturn(returns).value, 14 / 10 - 1, 12);
    expectClose(growthIndex(returns, window as NonNullable<typeof window>)[3], 1.4, 12);
  });

  it('starts a period from the value at the close before it', () => {
    const window = periodWindow(series.dates, '2024-01-04');
    expect(window).toEqual({ base: 1, first: 2, last: 3 });
    // from the 3rd's close (12) to the 5th's (14)
    expectClose(timeWeightedReturn(portfolioReturns(series, window as NonNullable<typeof window>)).value, 14 / 12 - 1, 12);
  });

  it('spans a day of unknown value with one return that carries its cash flows', () => {
    const hand = handSeries(DAYS, [100, Number.NaN, 260, 250], [0, 100, 0, 0], [0, 0, 0, 0]);
    const returns = portfolioReturns(hand, { base: -1, first: 0, last: 3 });
    // 2nd: nothing invested before and nothing put in → no return; 4th: 260 / (100 + 100) − 1 over the gap; 5th: 250 / 260 − 1
    expect(Number.isNaN(returns[0] as number)).toBe(true);
    expect(Number.isNaN(returns[1] as number)).toBe(true);
    expectClose(returns[2], 260 / 200 - 1, 14);
    expectClose(returns[3], 250 / 260 - 1, 14);
  });

  it('counts a dividend as return and a sale of everything as the end of the investment', () => {
    const hand = handSeries(DAYS, [100, 100, 0, 0], [100, 0, 0, 0], [0, 2, 105, 0]);
    const returns = portfolioReturns(hand, { base: -1, first: 0, last: 3 });
    // 2nd: 100 / 100 − 1 = 0; 3rd: (100 + 2) / 100 − 1; 4th: (0 + 105) / 100 − 1; 5th: nothing invested
    expect(list(returns).slice(0, 3)).toEqual([0, 102 / 100 - 1, 105 / 100 - 1]);
    expect(Number.isNaN(returns[3] as number)).toBe(true);
  });

  it('is null with a reason when nothing was invested', () => {
    const result = timeWeightedReturn(new Float64Array([Number.NaN, Number.NaN]));
    expect(result.value).toBeNull();
    expect(result.reason).toBe('no day of the period had money invested');
  });

  it('equals the simple return when there are no cash flows (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 2, maxLength: 60 }), (prices) => {
      const dates = prices.map((_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
      const hand = handSeries(dates, prices.map((p) => 3 * p), prices.map(() => 0), prices.map(() => 0));
      const window = { base: 0, first: 1, last: prices.length - 1 };
      const twr = timeWeightedReturn(portfolioReturns(hand, window)).value as number;
      const simple = (prices[prices.length - 1] as number) / (prices[0] as number) - 1;
      expect(Math.abs(twr - simple)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(simple)));
    }));
  });

  it('is not moved by buys at the previous close and sales at the close (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ price: fc.integer({ min: 100, max: 10_000 }), trade: fc.integer({ min: -5, max: 5 }) }), { minLength: 2, maxLength: 40 }),
      (days) => {
        const dates = days.map((_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
        const prices = days.map((d) => d.price / 100);
        // an opening buy at the first close, then each day a buy at the previous close or a sale at the day's close
        const transactions: TransactionInput[] = [tx('buy', dates[0] as string, '10', String(prices[0]))];
        let held = 10;
        days.slice(1).forEach((day, k) => {
          const i = k + 1;
          if (day.trade > 0) {
            transactions.push(tx('buy', dates[i] as string, String(day.trade), String(prices[i - 1])));
            held += day.trade;
          } else if (day.trade < 0 && held + day.trade > 0) {
            transactions.push(tx('sell', dates[i] as string, String(-day.trade), String(prices[i])));
            held += day.trade;
          }
        });
        const built = portfolioSeries({ transactions, closes: new Map([['XYZ', { dates, closes: prices }]]) });
        const twr = timeWeightedReturn(portfolioReturns(built, { base: -1, first: 0, last: dates.length - 1 })).value as number;
        const simple = (prices[prices.length - 1] as number) / (prices[0] as number) - 1;
        expect(Math.abs(twr - simple)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(simple)));
      },
    ));
  });
});

describe('xirr', () => {
  it('finds 10% for 1000 paid and 1100 received a 365-day year later', () => {
    expectClose(xirr([{ date: '2023-01-01', amount: -1000 }, { date: '2024-01-01', amount: 1100 }]).value, 0.1, 10);
  });

  it('solves two deposits and a withdrawal as computed by hand', () => {
    // −100 now, −100 in a year, +231 in two: 100(1+r)² + 100(1+r) = 231 → 1+r = (−1 + √(1 + 4 × 2.31)) / 2 = 1.1
    const rate = xirr([
      { date: '2021-01-01', amount: -100 },
      { date: '2022-01-01', amount: -100 },
      { date: '2023-01-01', amount: 231 },
    ]);
    expectClose(rate.value, (-1 + Math.sqrt(1 + 4 * 2.31)) / 2 - 1, 10);
  });

  it('finds losses down to nearly −100% and gains far above 100%', () => {
    // 1000 → 1 in a year; 1 → 500 in a year
    expectClose(xirr([{ date: '2023-01-01', amount: -1000 }, { date: '2024-01-01', amount: 1 }]).value, 1 / 1000 - 1, 10);
    expectClose(xirr([{ date: '2023-01-01', amount: -1 }, { date: '2024-01-01', amount: 500 }]).value, 499, 6);
  });

  it('annualises a short period: +1% over 73 days', () => {
    const rate = xirr([{ date: '2023-01-01', amount: -100 }, { date: '2023-03-15', amount: 101 }]).value as number;
    // (1 + r)^(73/365) = 1.01
    expectClose(rate, Math.pow(1.01, 365 / 73) - 1, 10);
  });

  it.each([
    [[{ date: '2023-01-01', amount: -100 }, { date: '2024-01-01', amount: -5 }], 'the cash flows all have the same sign'],
    [[{ date: '2023-01-01', amount: -100 }, { date: '2023-01-01', amount: 105 }], 'all cash flows fall on one day'],
    [[{ date: '2023-01-01', amount: 100 }], 'needs at least two non-zero cash flows'],
    // 100 − 50/(1+r) + 100/(1+r)² > 0 for every r (discriminant 50² − 4·100·100 < 0)
    [[{ date: '2021-01-01', amount: 100 }, { date: '2022-01-01', amount: -50 }, { date: '2023-01-01', amount: 100 }], 'keeps one sign'],
  ])('is null with a reason for %j', (flows, reason) => {
    const rate = xirr(flows);
    expect(rate.value).toBeNull();
    expect(rate.reason).toContain(reason);
  });

  it('matches the closed form of two flows, whatever the rate (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 30, max: 2000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (days, paid, received) => {
      const end = new Date(Date.UTC(2020, 0, 1 + days)).toISOString().slice(0, 10);
      const rate = xirr([{ date: '2020-01-01', amount: -paid }, { date: end, amount: received }]).value as number;
      // closed form: (received / paid)^(365 / days) − 1
      const expected = Math.pow(received / paid, 365 / days) - 1;
      expect(Math.abs(rate - expected)).toBeLessThanOrEqual(1e-8 * (1 + Math.abs(expected)));
    }));
  });

  it('annualises a doubling in one day (e^253) rather than giving up', () => {
    const rate = xirr([{ date: '2023-01-02', amount: -1 }, { date: '2023-01-03', amount: 2 }]).value as number;
    expect(Math.abs(rate / (Math.pow(2, 365) - 1) - 1)).toBeLessThan(1e-9);
  });
});

describe('money-weighted return', () => {
  it('is the growth rate of a single investment, annualised and over the period', () => {
    // 1000 at the base date, 1210 two 365-day years later, no flows between
    const hand = handSeries(['2021-01-01', '2022-01-01', '2023-01-01'], [1000, 1100, 1210], [0, 0, 0], [0, 0, 0]);
    const mwr = moneyWeightedReturn(hand, { base: 0, first: 1, last: 2 });
    expectClose(mwr.value?.annualised, 0.1, 10);
    expectClose(mwr.value?.period, 0.21, 10);
    expect(mwr.value?.days).toBe(730);
  });

  it('weights a late deposit by the time it was invested', () => {
    // 100 at the start; 100 more after a year; 231 at the end of year two (the xirr case above)
    const hand = handSeries(['2021-01-01', '2022-01-01', '2023-01-01'], [100, 210, 231], [100, 100, 0], [0, 0, 0]);
    const window = { base: -1, first: 0, last: 2 };
    expect(windowCashFlows(hand, window)).toEqual([
      { date: '2021-01-01', amount: -100 },
      { date: '2022-01-01', amount: -100 },
      { date: '2023-01-01', amount: 231 },
    ]);
    expectClose(moneyWeightedReturn(hand, window).value?.annualised, 0.1, 10);
  });

  it('is null with a reason when the starting value is unknown', () => {
    const hand = handSeries(['2021-01-01', '2022-01-01'], [Number.NaN, 100], [0, 0], [0, 0]);
    const mwr = moneyWeightedReturn(hand, { base: 0, first: 1, last: 1 });
    expect(mwr.value).toBeNull();
    expect(mwr.reason).toContain('2021-01-01');
  });
});

describe('benchmarkReturn', () => {
  const returns = Float64Array.from([Number.NaN, 0.01, 0.02, Number.NaN]);

  it('covers the same days as the portfolio return: from the date before its first return to its last', () => {
    const benchmark: CloseSeries = { dates: DAYS, closes: [100, 104, 110, 120] };
    // first return on the 3rd → from the 2nd's close 100; last return on the 4th → 110
    expectClose(benchmarkReturn(benchmark, DAYS, returns).value, 110 / 100 - 1, 14);
  });

  it('starts from the close before the series when the first return is on its first date', () => {
    const benchmark: CloseSeries = { dates: ['2023-12-29', ...DAYS], closes: [50, 100, 104, 110, 120] };
    expectClose(benchmarkReturn(benchmark, DAYS, Float64Array.from([0.01, 0.01, 0.01, 0.01])).value, 120 / 50 - 1, 14);
  });

  it('is null with a reason without benchmark closes at the ends', () => {
    expect(benchmarkReturn(undefined, DAYS, returns).reason).toBe('no closes for the benchmark');
    const late: CloseSeries = { dates: ['2024-01-05'], closes: [100] };
    expect(benchmarkReturn(late, DAYS, returns).reason).toBe('no benchmark close shortly before 2024-01-03');
  });
});
