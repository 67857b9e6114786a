// Walk-forward backtest: at each origin after the training window, every model forecasts from the
// bars up to that origin only, and is scored on the price h trading days later. The origin rolls
// forward through the test dates (an expanding history; baselines refit at every origin on their
// fit window, the LSTM keeps the weights it was trained with, which ended before the first origin).
import type { Bar } from '../market/bar.ts';
import type { Baseline, ReturnForecast } from './baselines.ts';
import { dailyFeatures, priceSeries } from './features.ts';
import { returnScale } from './windows.ts';
import type { FeatureColumns, PriceSeries } from './features.ts';
import { coverage, directionalAccuracy, mae, mape } from './metrics.ts';

/** A symbol's bars with everything a model reads from them, computed once. */
export interface PreparedSeries {
  symbol: string;
  prices: PriceSeries;
  logClose: Float64Array;
  features: FeatureColumns;
}

export function prepareSeries(symbol: string, bars: readonly Bar[]): PreparedSeries {
  const prices = priceSeries(bars);
  return { symbol, prices, logClose: prices.close.map(Math.log), features: dailyFeatures(prices) };
}

/** A model under test: forecasts for many origins of one series at once (the LSTM batches them). */
export type SeriesForecaster = (
  series: PreparedSeries,
  origins: readonly number[],
  horizons: readonly number[],
) => ReturnForecast[][] | Promise<ReturnForecast[][]>;

/** Bars a baseline fits on: about two years, what the predictions job reads (500 days). */
export const BASELINE_FIT_BARS = 500;

/** A baseline as a series forecaster, refitted at each origin on the last `fitBars` closes. */
export function baselineForecaster(baseline: Baseline, fitBars = BASELINE_FIT_BARS): SeriesForecaster {
  return (series, origins, horizons) =>
    origins.map((t) => baseline(series.logClose.subarray(Math.max(0, t - fitBars + 1), t + 1), horizons));
}

/** One scored forecast, in prices. */
export interface BacktestPoint {
  model: string;
  symbol: string;
  /** Session date of the origin. */
  date: string;
  horizon: number;
  /** Close at the origin. */
  origin: number;
  actual: number;
  predicted: number;
  low: number;
  high: number;
  /** σ20(origin)·√h: the return scale the residual is measured in (see calibration.ts). */
  scale: number;
}

export interface BacktestOptions {
  horizons: readonly number[];
  /** Origins fall strictly after this session date: the end of the training window. */
  after: string;
  /** Bars an origin needs up to and including itself (the LSTM's warm-up and window). */
  minHistory: number;
  /** Every `step`-th eligible origin (1: every trading day). */
  step?: number;
}

/** Origins of a series: after the training window, with enough history, the shortest horizon's target known. */
export function backtestOrigins(series: PreparedSeries, options: BacktestOptions): number[] {
  const step = options.step ?? 1;
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`step must be a positive integer, got ${step}`);
  const shortest = Math.min(...options.horizons);
  const origins: number[] = [];
  const { dates } = series.prices;
  let first = options.minHistory - 1;
  while (first < dates.length && dates[first]! <= options.after) first++;
  for (let t = first; t + shortest < dates.length; t += step) origins.push(t);
  return origins;
}

/** Every model over every series; points past a series' end (unknown actuals) are left out. */
export async function walkForward(
  series: readonly PreparedSeries[],
  models: Readonly<Record<string, SeriesForecaster>>,
  options: BacktestOptions,
): Promise<BacktestPoint[]> {
  const points: BacktestPoint[] = [];
  for (const one of series) {
    const origins = backtestOrigins(one, options);
    if (origins.length === 0) continue;
    const close = one.prices.close;
    for (const [model, forecaster] of Object.entries(models)) {
      const forecasts = await forecaster(one, origins, options.horizons);
      origins.forEach((t, i) => {
        for (const forecast of forecasts[i] ?? []) {
          const h = forecast.horizon;
          if (t + h >= close.length) continue;
          const origin = close[t]!;
          points.push({
            model,
            symbol: one.symbol,
            date: one.prices.dates[t]!,
            horizon: h,
            origin,
            actual: close[t + h]!,
            predicted: origin * Math.exp(forecast.point),
            low: origin * Math.exp(forecast.low),
            high: origin * Math.exp(forecast.high),
            scale: returnScale(one.features.volatility20, t) * Math.sqrt(h),
          });
        }
      });
    }
  }
  return points;
}

/** One model at one horizon over all scored forecasts. */
export interface BacktestRow {
  model: string;
  horizon: number;
  forecasts: number;
  symbols: number;
  mae: number;
  /** Percent. */
  mape: number;
  /** MAE over the random walk's MAE on the same symbol and horizon, averaged over forecasts. */
  mase: number;
  /** NaN for a model that never calls a direction (the random walk). */
  directionalAccuracy: number;
  /** Share of actual prices inside the 80 % interval. */
  coverage80: number;
  /** Share of forecasts after which the price rose: what "always up" would score. */
  upShare: number;
}

/** The backtest table: one row per model and horizon, in the order models and horizons first appear. */
export function summarise(points: readonly BacktestPoint[]): BacktestRow[] {
  const groups = new Map<string, BacktestPoint[]>();
  for (const point of points) {
    const key = `${point.model}\u0000${point.horizon}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(point);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    // The random walk's error per symbol: the same for every model, because each scored the same origins.
    const naive = new Map<string, { sum: number; count: number }>();
    for (const p of group) {
      const entry = naive.get(p.symbol) ?? { sum: 0, count: 0 };
      entry.sum += Math.abs(p.actual - p.origin);
      entry.count += 1;
      naive.set(p.symbol, entry);
    }
    let scaled = 0;
    let scaledCount = 0;
    for (const p of group) {
      const entry = naive.get(p.symbol)!;
      // A symbol whose price never moved over its horizons has no scale to measure against.
      if (entry.sum === 0) continue;
      scaled += Math.abs(p.actual - p.predicted) / (entry.sum / entry.count);
      scaledCount += 1;
    }
    const column = (pick: (p: BacktestPoint) => number) => group.map(pick);
    const actual = column((p) => p.actual);
    const origin = column((p) => p.origin);
    return {
      model: first.model,
      horizon: first.horizon,
      forecasts: group.length,
      symbols: naive.size,
      mae: mae(actual, column((p) => p.predicted)),
      mape: mape(actual, column((p) => p.predicted)),
      mase: scaledCount === 0 ? Number.NaN : scaled / scaledCount,
      directionalAccuracy: directionalAccuracy(origin, actual, column((p) => p.predicted)),
      coverage80: coverage(actual, column((p) => p.low), column((p) => p.high)),
      upShare: group.filter((p) => p.actual > p.origin).length / group.length,
    };
  });
}
