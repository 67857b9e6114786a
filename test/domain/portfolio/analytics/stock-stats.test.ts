import { describe, expect, it } from 'vitest';
import { stockStats } from '../../../../src/domain/portfolio/analytics/stock-stats.ts';

const dates = (n: number): string[] => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10));

describe('stockStats', () => {
  it('returns over 5, 21, 63 and 252 closes back, as computed by hand', () => {
    // closes 100, 101, …, 399: the last is 399
    const days = dates(300);
    const stats = stockStats({ dates: days, closes: days.map((_, i) => 100 + i) }, null);
    expect(stats.asOf).toBe(days[299]);
    expect(stats.lastClose).toBe(399);
    expect(stats.returns['1w'].value).toBeCloseTo(399 / 394 - 1, 14);
    expect(stats.returns['1m'].value).toBeCloseTo(399 / 378 - 1, 14);
    expect(stats.returns['3m'].value).toBeCloseTo(399 / 336 - 1, 14);
    expect(stats.returns['1y'].value).toBeCloseTo(399 / 147 - 1, 14);
    // never fell
    expect(stats.maxDrawdown.value?.maxDrawdown).toBe(0);
    expect(stats.beta.reason).toBe('no benchmark');
  });

  it('is null with a reason for horizons longer than the history', () => {
    const days = dates(30);
    const stats = stockStats({ dates: days, closes: days.map((_, i) => 10 + (i % 3)) }, null);
    expect(stats.returns['1m'].value).not.toBeNull();
    expect(stats.returns['3m']).toEqual({ value: null, reason: 'needs 64 daily closes, has 30' });
    expect(stats.returns['1y'].value).toBeNull();
  });

  it('measures volatility, beta and drawdown over the lookback only', () => {
    const days = dates(8);
    // an early crash outside a 4-close lookback, then a benchmark move doubled by the stock
    const benchmark = [100, 100, 100, 100, 101, 99, 102, 100];
    const stock = [100, 50, 60, 60, 60 * 1.02, 60 * 1.02 * (1 + 2 * (99 / 101 - 1)), 0, 0];
    stock[6] = (stock[5] as number) * (1 + 2 * (102 / 99 - 1));
    stock[7] = (stock[6] as number) * (1 + 2 * (100 / 102 - 1));
    const stats = stockStats({ dates: days, closes: stock }, { dates: days, closes: benchmark }, { lookback: 4, minObservations: 3 });
    expect(stats.beta.value).toBeCloseTo(2, 10);
    // the window is the last 5 closes (4 returns); its worst fall is day 4 → day 5, not the early −50%
    expect(stats.maxDrawdown.value?.maxDrawdown).toBeCloseTo(2 * (99 / 101 - 1), 12);
    expect(stats.maxDrawdown.value?.troughDate).toBe(days[5]);
    const r = [0.02, 2 * (99 / 101 - 1), 2 * (102 / 99 - 1), 2 * (100 / 102 - 1)];
    const mean = r.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / 3);
    expect(stats.volatility.value).toBeCloseTo(sd * Math.sqrt(252), 10);
  });

  it('skips zero and missing closes', () => {
    const days = dates(7);
    const stats = stockStats({ dates: days, closes: [10, 11, 0, 12, Number.NaN, 13, 14] }, null);
    expect(stats.lastClose).toBe(14);
    // five valid closes: 10, 11, 12, 13, 14 → 1w needs six
    expect(stats.returns['1w'].reason).toBe('needs 6 daily closes, has 5');
  });
});
