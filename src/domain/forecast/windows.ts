// Windows and targets. The model is direct multi-horizon: one window in, every horizon out at
// once (no feeding predictions back in, so errors do not compound over 90 steps). A target is the
// future log return ln(close[t+h] / close[t]) divided by the volatility scale σ20(t)·√h, which
// makes a calm utility and a volatile chip maker speak the same units.
import type { FeatureColumns } from './features.ts';
import { VOLATILITY_FLOOR } from './spec.ts';

/** Samples cut from one or more series: row-major [count][window][features] and [count][horizons]. */
export interface WindowSet {
  count: number;
  window: number;
  featureCount: number;
  horizons: readonly number[];
  inputs: Float64Array;
  /** Standardised future returns; NaN where the future is unknown (forecasting the latest bar). */
  targets: Float64Array;
}

export interface OriginRange {
  /** Longest horizon whose target must be known (0 when forecasting). */
  lookAhead: number;
  /** First and last index (inclusive) an origin may take. */
  from?: number;
  to?: number;
  /** Every `stride`-th eligible origin, counted from the last one (so the latest bar is always kept). */
  stride?: number;
}

/**
 * Indices t usable as forecast origins: a full window of defined features ends at t, and the
 * target `lookAhead` bars later exists.
 */
export function windowOrigins(features: FeatureColumns, window: number, range: OriginRange): number[] {
  const first = Math.max(range.from ?? 0, firstCompleteRow(features) + window - 1);
  const last = Math.min(range.to ?? Number.POSITIVE_INFINITY, features.length - 1 - range.lookAhead);
  const stride = range.stride ?? 1;
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`stride must be a positive integer, got ${stride}`);
  const origins: number[] = [];
  for (let t = last; t >= first; t -= stride) origins.push(t);
  return origins.reverse();
}

/** First index from which every feature is defined, or the length when none is. */
export function firstCompleteRow(features: FeatureColumns): number {
  let first = 0;
  for (const column of features.columns) {
    let t = 0;
    while (t < column.length && !Number.isFinite(column[t]!)) t++;
    first = Math.max(first, t);
  }
  return first;
}

/** The daily volatility that scales returns at `t`, floored (see VOLATILITY_FLOOR); NaN during warm-up. */
export function returnScale(volatility20: Float64Array, t: number): number {
  const value = volatility20[t]!;
  return Number.isFinite(value) ? Math.max(value, VOLATILITY_FLOOR) : Number.NaN;
}

/** The standardised future log return of each origin and horizon (NaN past the series' end). */
export function standardisedTarget(close: Float64Array, volatility20: Float64Array, t: number, horizon: number): number {
  if (t + horizon >= close.length) return Number.NaN;
  return Math.log(close[t + horizon]! / close[t]!) / (returnScale(volatility20, t) * Math.sqrt(horizon));
}

/** Cuts the windows ending at each origin, with their targets. */
export function makeWindows(
  features: FeatureColumns,
  close: Float64Array,
  origins: readonly number[],
  window: number,
  horizons: readonly number[],
): WindowSet {
  const featureCount = features.columns.length;
  const inputs = new Float64Array(origins.length * window * featureCount);
  const targets = new Float64Array(origins.length * horizons.length);
  origins.forEach((t, s) => {
    if (t - window + 1 < 0 || t >= features.length) throw new RangeError(`origin ${t} has no full window of ${window} bars`);
    let at = s * window * featureCount;
    for (let k = t - window + 1; k <= t; k++) {
      for (let f = 0; f < featureCount; f++) inputs[at++] = features.columns[f]![k]!;
    }
    horizons.forEach((h, j) => {
      targets[s * horizons.length + j] = standardisedTarget(close, features.volatility20, t, h);
    });
  });
  return { count: origins.length, window, featureCount, horizons, inputs, targets };
}

/** Several window sets (one per symbol) as one. */
export function concatWindows(sets: readonly WindowSet[], window: number, featureCount: number, horizons: readonly number[]): WindowSet {
  const count = sets.reduce((sum, set) => sum + set.count, 0);
  const inputs = new Float64Array(count * window * featureCount);
  const targets = new Float64Array(count * horizons.length);
  let inputAt = 0;
  let targetAt = 0;
  for (const set of sets) {
    if (set.window !== window || set.featureCount !== featureCount || set.horizons.length !== horizons.length) {
      throw new RangeError('concatWindows: window sets of different shapes');
    }
    inputs.set(set.inputs, inputAt);
    targets.set(set.targets, targetAt);
    inputAt += set.inputs.length;
    targetAt += set.targets.length;
  }
  return { count, window, featureCount, horizons, inputs, targets };
}
