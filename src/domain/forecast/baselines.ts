// Baselines the LSTM must beat to be worth serving: the random walk (tomorrow's price is today's),
// the drift method (the average daily change continues) and damped Holt exponential smoothing,
// all on log closes (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", §5.2,
// §5.5 and §8.2/8.7). Each gives, per horizon, a point forecast and an 80 % interval as log
// returns from the origin's close.
import { Z_80 } from './spec.ts';

/** One horizon's forecast as log returns from the origin's close: the point and the 80 % interval. */
export interface ReturnForecast {
  horizon: number;
  point: number;
  low: number;
  high: number;
}

/** Forecasts from log closes that end at the origin (the fit window, oldest first). */
export type Baseline = (logCloses: Float64Array, horizons: readonly number[]) => ReturnForecast[];

function requireHistory(logCloses: Float64Array, fewest: number, name: string): void {
  if (logCloses.length < fewest) throw new RangeError(`${name}: needs at least ${fewest} closes, got ${logCloses.length}`);
}

/** Random walk: no change; the interval widens with √h at the historical one-day volatility. */
export const randomWalk: Baseline = (logCloses, horizons) => {
  requireHistory(logCloses, 2, 'randomWalk');
  const n = logCloses.length - 1;
  let squares = 0;
  for (let t = 1; t <= n; t++) squares += (logCloses[t]! - logCloses[t - 1]!) ** 2;
  const sigma = Math.sqrt(squares / n);
  return horizons.map((h) => ({ horizon: h, point: 0, low: -Z_80 * sigma * Math.sqrt(h), high: Z_80 * sigma * Math.sqrt(h) }));
};

/**
 * Drift: the line from the first to the last close, extended; the interval adds the slope's
 * own uncertainty, σ·√(h·(1 + h/n)).
 */
export const drift: Baseline = (logCloses, horizons) => {
  requireHistory(logCloses, 3, 'drift');
  const n = logCloses.length - 1;
  const slope = (logCloses[n]! - logCloses[0]!) / n;
  let squares = 0;
  for (let t = 1; t <= n; t++) squares += (logCloses[t]! - logCloses[t - 1]! - slope) ** 2;
  const sigma = Math.sqrt(squares / (n - 1));
  return horizons.map((h) => {
    const half = Z_80 * sigma * Math.sqrt(h * (1 + h / n));
    return { horizon: h, point: slope * h, low: slope * h - half, high: slope * h + half };
  });
};

export interface HoltFit {
  alpha: number;
  beta: number;
  phi: number;
  level: number;
  trend: number;
  /** Root mean square of the one-step errors. */
  sigma: number;
  sse: number;
}

/**
 * Damped Holt in error-correction form, started at level y0 and trend y1 − y0:
 *   ŷt = l(t−1) + φ·b(t−1),  et = yt − ŷt,  lt = ŷt + α·et,  bt = φ·b(t−1) + α·β·et
 * (β smooths the trend as in the component form; φ = 1 is Holt's linear method).
 */
export function holtFit(y: Float64Array, alpha: number, beta: number, phi: number): HoltFit {
  requireHistory(y, 3, 'holtFit');
  let level = y[0]!;
  let trend = y[1]! - y[0]!;
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const predicted = level + phi * trend;
    const error = y[t]! - predicted;
    sse += error * error;
    level = predicted + alpha * error;
    trend = phi * trend + alpha * beta * error;
  }
  return { alpha, beta, phi, level, trend, sigma: Math.sqrt(sse / (y.length - 1)), sse };
}

/** Forecasts of a fitted Holt model as log returns from the last close `last`. */
export function holtForecast(fit: HoltFit, last: number, horizons: readonly number[]): ReturnForecast[] {
  return horizons.map((h) => {
    // Point: l + (φ + … + φ^h)·b. Variance: σ²·(1 + Σ_{j<h} cj²), cj = α·(1 + β·(φ + … + φ^j)).
    let dampedSum = 0;
    let power = 1;
    let variance = 1;
    for (let j = 1; j <= h; j++) {
      power *= fit.phi;
      if (j < h) variance += (fit.alpha * (1 + fit.beta * (dampedSum + power))) ** 2;
      dampedSum += power;
    }
    const point = fit.level + dampedSum * fit.trend - last;
    const half = Z_80 * fit.sigma * Math.sqrt(variance);
    return { horizon: h, point, low: point - half, high: point + half };
  });
}

export interface HoltGrid {
  alpha: readonly number[];
  beta: readonly number[];
  phi: readonly number[];
}

/** Log prices are close to a random walk, so the grid reaches α = 1 and keeps trends weak and damped. */
export const HOLT_GRID: HoltGrid = {
  alpha: [0.2, 0.4, 0.6, 0.8, 0.9, 1],
  beta: [0.01, 0.05, 0.1, 0.2],
  phi: [0.9, 0.95, 0.98, 1],
};

/** The grid point with the least one-step squared error. */
export function holtBestFit(y: Float64Array, grid: HoltGrid = HOLT_GRID): HoltFit {
  let best: HoltFit | null = null;
  for (const alpha of grid.alpha) {
    for (const beta of grid.beta) {
      for (const phi of grid.phi) {
        const fit = holtFit(y, alpha, beta, phi);
        if (best === null || fit.sse < best.sse) best = fit;
      }
    }
  }
  if (best === null) throw new RangeError('holtBestFit: empty grid');
  return best;
}

/** Damped Holt with α, β, φ chosen on the fit window by least one-step squared error. */
export const holt: Baseline = (logCloses, horizons) =>
  holtForecast(holtBestFit(logCloses), logCloses[logCloses.length - 1]!, horizons);

export const BASELINES = { randomWalk, drift, holt } as const satisfies Record<string, Baseline>;
export type BaselineName = keyof typeof BASELINES;
