// Intervals and confidence from the backtest, not from assumptions. A backtest residual is the
// forecast's log error measured in volatility units, (ln actual − ln predicted) / (σ20·√h); its
// percentiles, saved with the model, turn a new point forecast into an 80 % interval that widens
// with the stock's current volatility (split conformal prediction, scaled by volatility).
import type { BacktestPoint } from './backtest.ts';

/** Percentiles kept per horizon: 1 %, 2 %, …, 99 %. */
export const RESIDUAL_PERCENTILES = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);

export function standardisedResidual(point: Pick<BacktestPoint, 'actual' | 'predicted' | 'scale'>): number {
  return Math.log(point.actual / point.predicted) / point.scale;
}

/** The value below which a share `p` of the sorted values lie (linear interpolation, as numpy's default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = p * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (at - below) * (sorted[above]! - sorted[below]!);
}

/** RESIDUAL_PERCENTILES of the standardised residuals of some backtest points. */
export function residualPercentiles(points: readonly Pick<BacktestPoint, 'actual' | 'predicted' | 'scale'>[]): number[] {
  const sorted = points.map(standardisedResidual).filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError('residualPercentiles: no residuals');
  return RESIDUAL_PERCENTILES.map((p) => percentile(sorted, p));
}

/** The residual percentile at `p` (a multiple of 1 %) from the saved list. */
function saved(percentiles: readonly number[], p: number): number {
  const value = percentiles[Math.round(p * 100) - 1];
  if (value === undefined) throw new RangeError(`no saved residual percentile at ${p}`);
  return value;
}

/** The 80 % interval of a point forecast (log return) with return scale σ20·√h, as log returns. */
export function calibratedInterval(point: number, scale: number, percentiles: readonly number[]): { low: number; high: number } {
  return { low: point + saved(percentiles, 0.1) * scale, high: point + saved(percentiles, 0.9) * scale };
}

/**
 * How likely the price ends on the side of today's close the forecast points to, read off the
 * backtest residuals: the share of them that would keep point + residual·scale on that side.
 * 0.5 for a forecast of no change.
 */
export function directionConfidence(point: number, scale: number, percentiles: readonly number[]): number {
  if (point === 0) return 0.5;
  const z = point / scale;
  const kept = percentiles.filter((q) => Math.sign(z + q) === Math.sign(z)).length;
  return kept / percentiles.length;
}
