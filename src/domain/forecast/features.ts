// Daily features from bars: the rows an LSTM window is cut from. Prices are adjusted for splits
// and dividends first, so a 4:1 split is not read as a 75 % crash.
import type { Bar } from '../market/bar.ts';
import { sessionDateOf } from '../market/bar.ts';
import { macd, rsi, sma } from '../indicators/index.ts';
import { FEATURE_NAMES } from './spec.ts';

/** A daily series, oldest first, in adjusted prices. */
export interface PriceSeries {
  dates: string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Feature columns (FEATURE_NAMES order), each as long as the series; NaN during warm-up. */
export interface FeatureColumns {
  names: readonly string[];
  columns: Float64Array[];
  /** volatility20 unfloored, kept apart because targets and intervals are scaled by it. */
  volatility20: Float64Array;
  length: number;
}

/**
 * Bars as an adjusted price series. When a bar has an adjusted close, its open, high and low
 * are scaled by the same factor as its close (Yahoo's convention); otherwise the prices are taken
 * as already adjusted.
 */
export function priceSeries(bars: readonly Bar[]): PriceSeries {
  const n = bars.length;
  const series: PriceSeries = {
    dates: new Array<string>(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const bar = bars[i]!;
    const factor = bar.adjustedClose === null ? 1 : bar.adjustedClose / bar.close;
    series.dates[i] = sessionDateOf(bar);
    series.open[i] = bar.open * factor;
    series.high[i] = bar.high * factor;
    series.low[i] = bar.low * factor;
    series.close[i] = bar.close * factor;
    series.volume[i] = bar.volume;
  }
  return series;
}

const VOLUME_DAYS = 20;
const VOLATILITY_DAYS = 20;
const TREND_DAYS = 50;

/**
 * The features of each day:
 * - logReturn: ln(close / previous close)
 * - logRange: ln(high / low), the day's range
 * - logVolumeRatio20: ln((volume + 1) / (mean volume of the last 20 days + 1)), volume against its norm
 * - rsi14: RSI(14) / 100
 * - macdHistogram: MACD(12, 26, 9) histogram / close
 * - volatility20: standard deviation of the last 20 log returns
 * - trend50: ln(close / SMA50 of the close)
 */
export function dailyFeatures(series: PriceSeries): FeatureColumns {
  const { close, high, low, volume } = series;
  const n = close.length;
  const logReturn = filled(n);
  for (let t = 1; t < n; t++) logReturn[t] = Math.log(close[t]! / close[t - 1]!);

  const logRange = filled(n);
  for (let t = 0; t < n; t++) logRange[t] = Math.log(high[t]! / low[t]!);

  const volumeMean = sma(volume, VOLUME_DAYS);
  const logVolumeRatio20 = filled(n);
  for (let t = 0; t < n; t++) logVolumeRatio20[t] = Math.log((volume[t]! + 1) / (volumeMean[t]! + 1));

  const rsi14 = rsi(close, 14).map((value: number) => value / 100);
  const histogram = macd(close, 12, 26, 9).histogram;
  const macdHistogram = filled(n);
  for (let t = 0; t < n; t++) macdHistogram[t] = histogram[t]! / close[t]!;

  const volatility20 = rollingStd(logReturn, VOLATILITY_DAYS);

  const closeMean = sma(close, TREND_DAYS);
  const trend50 = filled(n);
  for (let t = 0; t < n; t++) trend50[t] = Math.log(close[t]! / closeMean[t]!);

  const byName: Record<(typeof FEATURE_NAMES)[number], Float64Array> = {
    logReturn, logRange, logVolumeRatio20, rsi14, macdHistogram, volatility20, trend50,
  };
  return { names: FEATURE_NAMES, columns: FEATURE_NAMES.map((name) => byName[name]), volatility20, length: n };
}

/** Sample standard deviation of the last `days` values, NaN until `days` defined values exist. */
function rollingStd(values: Float64Array, days: number): Float64Array {
  const out = filled(values.length);
  for (let t = days; t < values.length; t++) {
    let sum = 0;
    for (let k = t - days + 1; k <= t; k++) sum += values[k]!;
    const mean = sum / days;
    let squares = 0;
    for (let k = t - days + 1; k <= t; k++) squares += (values[k]! - mean) ** 2;
    out[t] = Math.sqrt(squares / (days - 1));
  }
  return out;
}

function filled(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}
