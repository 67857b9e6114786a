import { describe, expect, it } from 'vitest';
import { backtestOrigins, baselineForecaster, summarise, walkForward } from '../../../src/domain/forecast/backtest.ts';
import type { BacktestPoint, PreparedSeries } from '../../../src/domain/forecast/backtest.ts';
import { randomWalk } from '../../../src/domain/forecast/baselines.ts';
import { addDays } from '../../../src/domain/time.ts';

/** A series whose features are not read by these models: closes and a 1 % volatility. */
function series(symbol: string, closes: number[]): PreparedSeries {
  const close = Float64Array.from(closes);
  const n = closes.length;
  const dates = closes.map((_, i) => addDays('2020-01-01', i));
  return {
    symbol,
    prices: { dates, open: close, high: close, low: close, close, volume: new Float64Array(n) },
    logClose: close.map(Math.log),
    features: { names: [], columns: [], volatility20: new Float64Array(n).fill(0.01), length: n },
  };
}

const point = (symbol: string, origin: number, actual: number, predicted: number, low: number, high: number): BacktestPoint =>
  ({ model: 'm', symbol, date: '2020-01-01', horizon: 7, origin, actual, predicted, low, high, scale: 0.1 });

describe('the backtest table', () => {
  it('scores each model and horizon against hand-computed values, MASE scaled per symbol by the random walk', () => {
    const [row] = summarise([
      point('A', 100, 110, 105, 100, 108),
      point('A', 100, 90, 95, 85, 100),
      point('B', 10, 11, 12, 9, 13),
    ]);
    // Random-walk MAE: A 10, B 1. Scaled errors 5/10, 5/10, 1/1.
    expect(row).toMatchObject({ model: 'm', horizon: 7, forecasts: 3, symbols: 2 });
    expect(row!.mase).toBeCloseTo((0.5 + 0.5 + 1) / 3, 12);
    expect(row!.mae).toBeCloseTo(11 / 3, 12);
    expect(row!.mape).toBeCloseTo(((5 / 110 + 5 / 90 + 1 / 11) / 3) * 100, 12);
    expect(row!.directionalAccuracy).toBe(1);
    expect(row!.coverage80).toBeCloseTo(2 / 3, 12);
    expect(row!.upShare).toBeCloseTo(2 / 3, 12);
  });
});

describe('walk-forward', () => {
  const closes = Array.from({ length: 20 }, (_, i) => 100 + i);
  const one = series('X', closes);

  it('forecasts only from origins after the training window, with enough history', () => {
    const origins = backtestOrigins(one, { horizons: [2, 5], after: '2020-01-10', minHistory: 3 });
    // 2020-01-10 is day 9; the last origin leaves the shortest horizon (2) inside the series.
    expect(origins[0]).toBe(10);
    expect(origins[origins.length - 1]).toBe(17);
    expect(backtestOrigins(one, { horizons: [2], after: '2019-12-31', minHistory: 5, step: 4 })).toEqual([4, 8, 12, 16]);
  });

  it('scores each model on the closes h days later, leaving out unknown futures', async () => {
    const points = await walkForward([one], {
      randomWalk: baselineForecaster(randomWalk),
      // A model that always calls +1 % (as a log return).
      up: (_series, origins, horizons) => origins.map(() => horizons.map((h) => ({ horizon: h, point: Math.log(1.01), low: -1, high: 1 }))),
    }, { horizons: [2, 5], after: '2020-01-10', minHistory: 3 });
    const up5 = points.filter((p) => p.model === 'up' && p.horizon === 5);
    // Origins 10…14 have a 5-day future (index ≤ 19).
    expect(up5.map((p) => p.origin)).toEqual([110, 111, 112, 113, 114]);
    expect(up5[0]!.actual).toBe(115);
    expect(up5[0]!.predicted).toBeCloseTo(111.1, 9);
    expect(up5[0]!.scale).toBeCloseTo(0.01 * Math.sqrt(5), 12);
    const rows = summarise(points);
    const walk = rows.find((r) => r.model === 'randomWalk' && r.horizon === 2)!;
    expect(walk.mase).toBeCloseTo(1, 12);
    expect(walk.directionalAccuracy).toBeNaN();
    expect(rows.find((r) => r.model === 'up' && r.horizon === 2)!.directionalAccuracy).toBe(1);
  });
});
