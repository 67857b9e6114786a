import { describe, expect, it } from 'vitest';
import { alignCloses, portfolioSeries, simpleReturns, unionDates, type CloseSeries } from '../../../../src/domain/portfolio/analytics/series.ts';
import type { TransactionInput } from '../../../../src/domain/portfolio/transaction.ts';

const DAYS = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];

const series = (dates: readonly string[], closes: readonly number[]): CloseSeries => ({ dates, closes });
const list = (values: ArrayLike<number>): number[] => Array.from(values);

let nextId = 1;
function tx(symbol: string, type: TransactionInput['type'], date: string, shares: string, price: string, fees = '0'): TransactionInput {
  return { id: nextId++, symbol, type, date, shares, price, fees, currency: 'USD' };
}

describe('alignCloses', () => {
  const sparse = series(['2024-01-02', '2024-01-04'], [10, 12]);

  it('carries a close forward for at most maxFillDays axis days', () => {
    expect(list(alignCloses(sparse, DAYS, 1))).toEqual([10, 10, 12, 12, Number.NaN]);
    expect(list(alignCloses(sparse, DAYS, 2))).toEqual([10, 10, 12, 12, 12]);
  });

  it('fills nothing with maxFillDays 0, and nothing before the first close', () => {
    expect(list(alignCloses(sparse, DAYS, 0))).toEqual([10, Number.NaN, 12, Number.NaN, Number.NaN]);
    expect(list(alignCloses(series(['2024-01-04'], [5]), DAYS))).toEqual([Number.NaN, Number.NaN, 5, 5, 5]);
  });

  it('uses a close dated between two axis dates for the next one', () => {
    expect(list(alignCloses(series(['2024-01-06'], [15]), ['2024-01-05', '2024-01-08']))).toEqual([Number.NaN, 15]);
  });

  it('treats zero and non-finite closes as missing', () => {
    expect(list(alignCloses(series(DAYS.slice(0, 3), [10, 0, Number.NaN]), DAYS.slice(0, 3), 0))).toEqual([10, Number.NaN, Number.NaN]);
  });

  it('gives NaN everywhere for a symbol without closes', () => {
    expect(list(alignCloses(undefined, DAYS.slice(0, 2)))).toEqual([Number.NaN, Number.NaN]);
  });
});

describe('unionDates and simpleReturns', () => {
  it('merges dates within bounds', () => {
    expect(unionDates([series(['2024-01-03', '2024-01-02'], [1, 1]), series(['2024-01-04', '2024-01-02'], [1, 1])], '2024-01-03')).toEqual(['2024-01-03', '2024-01-04']);
  });

  it('computes c[i] / c[i−1] − 1', () => {
    expect(list(simpleReturns([100, 110, Number.NaN, 99]))).toEqual([Number.NaN, 110 / 100 - 1, Number.NaN, Number.NaN]);
  });
});

describe('portfolioSeries', () => {
  const closes = new Map<string, CloseSeries>([
    ['AAPL', series(DAYS, [10, 11, 12, 13, 14])],
    // no MSFT close on the 4th
    ['MSFT', series(['2024-01-02', '2024-01-03', '2024-01-05', '2024-01-08'], [100, 101, 103, 104])],
  ]);
  const transactions = [
    tx('AAPL', 'buy', '2024-01-02', '10', '10', '1'),
    tx('MSFT', 'buy', '2024-01-03', '1', '100'),
    tx('AAPL', 'sell', '2024-01-05', '5', '13', '0.5'),
    // paid on a Saturday: counted on Monday the 8th
    tx('AAPL', 'dividend', '2024-01-06', '5', '0.2'),
  ];

  it('values the holdings at each close and books the cash flows, as computed by hand', () => {
    const result = portfolioSeries({ transactions, closes });
    expect(result.dates).toEqual(DAYS);
    // 2nd 10×10; 3rd 10×11 + 1×101; 4th 10×12 + 101 (MSFT carried from the 3rd); 5th 5×13 + 103; 8th 5×14 + 104
    expect(list(result.value)).toEqual([100, 211, 221, 168, 174]);
    // buy 10×10 + 1 and 1×100 in; sell 5×13 − 0.5 and dividend 5×0.2 out
    expect(list(result.inflow)).toEqual([101, 100, 0, 0, 0]);
    expect(list(result.outflow)).toEqual([0, 0, 0, 64.5, 1]);
    expect(result.gaps).toEqual([]);
    expect(result.currencies).toEqual(['USD']);
  });

  it('leaves the value unknown, and lists the symbol, when a held symbol has no close', () => {
    const result = portfolioSeries({ transactions, closes, maxFillDays: 0 });
    expect(list(result.value)).toEqual([100, 211, Number.NaN, 168, 174]);
    expect(result.gaps).toEqual([{ date: '2024-01-04', symbols: ['MSFT'] }]);
  });

  it('keeps the value continuous across a split when closes are as traded', () => {
    const result = portfolioSeries({
      transactions: [tx('XYZ', 'buy', '2024-01-02', '10', '100'), tx('XYZ', 'split', '2024-01-04', '2', '0')],
      closes: new Map([['XYZ', series(DAYS.slice(0, 3), [100, 102, 51])]]),
    });
    // 10 × 102 before the split, 20 × 51 after
    expect(list(result.value)).toEqual([1000, 1020, 1020]);
  });

  it('keeps the value continuous across a split when closes are split-adjusted (Yahoo), counting earlier shares in post-split units', () => {
    const result = portfolioSeries({
      transactions: [tx('XYZ', 'buy', '2024-01-02', '10', '100'), tx('XYZ', 'split', '2024-01-04', '2', '0'), tx('XYZ', 'sell', '2024-01-05', '4', '52')],
      // adjusted back: 100 → 50, 102 → 51 before the split
      closes: new Map([['XYZ', series(DAYS.slice(0, 4), [50, 51, 51, 52])]]),
      closesSplitAdjusted: true,
    });
    // 10 shares are 20 post-split units: 20 × 50, 20 × 51; after the split 20 × 51; after the sale 16 × 52
    expect(list(result.value)).toEqual([1000, 1020, 1020, 832]);
    // without the flag the same closes halve the value before the split
    const unflagged = portfolioSeries({
      transactions: [tx('XYZ', 'buy', '2024-01-02', '10', '100'), tx('XYZ', 'split', '2024-01-04', '2', '0')],
      closes: new Map([['XYZ', series(DAYS.slice(0, 3), [50, 51, 51])]]),
    });
    expect(list(unflagged.value)).toEqual([500, 510, 1020]);
  });

  it('starts from the shares held when the axis begins after the first transactions', () => {
    const result = portfolioSeries({ transactions, closes, axis: DAYS.slice(2) });
    // on the 4th: 10 AAPL × 12 + 1 MSFT × 101 (carried); the buys before the axis are not flows of the series
    expect(list(result.value)).toEqual([221, 168, 174]);
    expect(list(result.inflow)).toEqual([0, 0, 0]);
    expect(list(result.outflow)).toEqual([0, 64.5, 1]);
  });

  it('is empty without transactions', () => {
    const result = portfolioSeries({ transactions: [], closes });
    expect(result.dates).toEqual([]);
    expect(result.value.length).toBe(0);
  });
});
