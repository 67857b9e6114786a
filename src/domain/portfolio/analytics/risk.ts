// Risk of a series of daily returns: volatility, Sharpe, Sortino, drawdown, beta, VaR and CVaR.
// Days without a return (NaN) are skipped; a number needs `minObservations` returns.
import { measured, unmeasured, type Measured } from './measured.ts';
import { TRADING_DAYS_PER_YEAR, covariance, finiteValues, mean, pairedValues, sampleStdDev } from './stats.ts';

/** Daily returns a statistic needs by default (about a month of sessions). */
export const MIN_OBSERVATIONS = 20;

export interface RiskOptions {
  /** Annual risk-free rate as a fraction (0.04 = 4%); default 0. */
  riskFreeRate?: number;
  /** Fewest daily returns a statistic accepts (default MIN_OBSERVATIONS). */
  minObservations?: number;
}

function tooFew(count: number, needed: number, what = 'daily returns'): string {
  return `needs at least ${needed} ${what}, has ${count}`;
}

/** The daily rate equivalent to an annual one: (1 + annual)^(1/252) − 1. */
export function dailyRiskFreeRate(annual: number): number {
  return Math.pow(1 + annual, 1 / TRADING_DAYS_PER_YEAR) - 1;
}

/** Annualised volatility: the sample standard deviation of daily returns × √252. */
export function annualisedVolatility(returns: ArrayLike<number>, options: RiskOptions = {}): Measured<number> {
  const values = finiteValues(returns);
  const needed = Math.max(2, options.minObservations ?? MIN_OBSERVATIONS);
  if (values.length < needed) return unmeasured(tooFew(values.length, needed));
  return measured(sampleStdDev(values) * Math.sqrt(TRADING_DAYS_PER_YEAR));
}

/**
 * Sharpe ratio: (mean daily return − daily risk-free rate) / sample standard deviation of daily
 * returns × √252; the daily risk-free rate is (1 + annual)^(1/252) − 1.
 */
export function sharpeRatio(returns: ArrayLike<number>, options: RiskOptions = {}): Measured<number> {
  const values = finiteValues(returns);
  const needed = Math.max(2, options.minObservations ?? MIN_OBSERVATIONS);
  if (values.length < needed) return unmeasured(tooFew(values.length, needed));
  const deviation = sampleStdDev(values);
  if (!(deviation > 0)) return unmeasured('the daily returns do not vary: the ratio is undefined');
  const excess = mean(values) - dailyRiskFreeRate(options.riskFreeRate ?? 0);
  return measured((excess / deviation) * Math.sqrt(TRADING_DAYS_PER_YEAR));
}

/**
 * Sortino ratio: (mean daily return − daily risk-free rate) / downside deviation × √252, where
 * the downside deviation is √(Σ min(0, r − daily risk-free rate)² / n) over all n returns.
 */
export function sortinoRatio(returns: ArrayLike<number>, options: RiskOptions = {}): Measured<number> {
  const values = finiteValues(returns);
  const needed = Math.max(2, options.minObservations ?? MIN_OBSERVATIONS);
  if (values.length < needed) return unmeasured(tooFew(values.length, needed));
  const target = dailyRiskFreeRate(options.riskFreeRate ?? 0);
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const shortfall = Math.min(0, (values[i] as number) - target);
    squares += shortfall * shortfall;
  }
  const downside = Math.sqrt(squares / values.length);
  if (!(downside > 0)) return unmeasured('no daily return fell below the risk-free rate: the ratio is undefined');
  return measured(((mean(values) - target) / downside) * Math.sqrt(TRADING_DAYS_PER_YEAR));
}

export interface Drawdown {
  /** The largest fall from a running peak, as a return ≤ 0: min over t of W[t] / max(W[..t]) − 1. */
  maxDrawdown: number;
  /** Date of the peak the largest fall started from (null when the series never fell). */
  peakDate: string | null;
  /** Date of its lowest point. */
  troughDate: string | null;
  /** First date after the trough back at or above the peak; null while not recovered. */
  recoveryDate: string | null;
}

/**
 * Maximum drawdown of a level series W (a growth index or closes; NaN days skipped). Of equal
 * falls, the first is reported.
 */
export function maxDrawdown(dates: readonly string[], levels: ArrayLike<number>): Measured<Drawdown> {
  let points = 0;
  let peak = Number.NaN;
  let peakAt = -1;
  let worst = 0;
  let worstPeakAt = -1;
  let worstTroughAt = -1;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as number;
    if (!Number.isFinite(level) || level <= 0) continue;
    points += 1;
    if (Number.isNaN(peak) || level > peak) { peak = level; peakAt = i; continue; }
    const fall = level / peak - 1;
    if (fall < worst) { worst = fall; worstPeakAt = peakAt; worstTroughAt = i; }
  }
  if (points < 2) return unmeasured(tooFew(points, 2, 'values'));
  if (worstTroughAt === -1) return measured({ maxDrawdown: 0, peakDate: null, troughDate: null, recoveryDate: null });
  const peakLevel = levels[worstPeakAt] as number;
  let recoveryDate: string | null = null;
  for (let i = worstTroughAt + 1; i < levels.length; i++) {
    if ((levels[i] as number) >= peakLevel) { recoveryDate = dates[i] as string; break; }
  }
  return measured({
    maxDrawdown: worst,
    peakDate: dates[worstPeakAt] as string,
    troughDate: dates[worstTroughAt] as string,
    recoveryDate,
  });
}

/**
 * Beta to a benchmark: sample covariance of the paired daily returns / sample variance of the
 * benchmark's, over the days both have a return.
 */
export function beta(returns: ArrayLike<number>, benchmarkReturns: ArrayLike<number>, options: RiskOptions = {}): Measured<number> {
  const [x, y] = pairedValues(returns, benchmarkReturns);
  const needed = Math.max(2, options.minObservations ?? MIN_OBSERVATIONS);
  if (x.length < needed) return unmeasured(tooFew(x.length, needed, 'days with both a return and a benchmark return'));
  const { cov, varY } = covariance(x, y);
  if (!(varY > 0)) return unmeasured('the benchmark returns do not vary: beta is undefined');
  return measured(cov / varY);
}

export interface ValueAtRisk {
  /** Confidence level, e.g. 0.95. */
  confidence: number;
  /** 1-day historical VaR as a loss fraction: −r₍k₎, the k-th smallest return, k = ⌈(1 − confidence) · n⌉. */
  valueAtRisk: number;
  /** 1-day historical CVaR (expected shortfall): −mean of the k smallest returns. */
  conditionalValueAtRisk: number;
  /** Returns used (n) and in the tail (k). */
  observations: number;
  tail: number;
}

/**
 * 1-day historical VaR and CVaR. Quantile convention: the empirical lower quantile without
 * interpolation, VaR = −r₍k₎ with r₍₁₎ ≤ … ≤ r₍ₙ₎ and k = ⌈(1 − confidence) · n⌉ (at 95% and 100
 * returns, the 5th worst); CVaR = −(r₍₁₎ + … + r₍k₎) / k. Both are fractions of the value
 * (0.021 = a 2.1% loss; negative when even the tail gained); × the current value gives money.
 */
export function historicalVaR(returns: ArrayLike<number>, confidence = 0.95, options: RiskOptions = {}): Measured<ValueAtRisk> {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const values = finiteValues(returns).sort();
  const needed = Math.max(1, options.minObservations ?? MIN_OBSERVATIONS);
  if (values.length < needed) return unmeasured(tooFew(values.length, needed));
  // The epsilon keeps k exact when (1 − confidence) · n is a whole number in decimal (0.05 × 100).
  const tail = Math.max(1, Math.ceil((1 - confidence) * values.length - 1e-9));
  let sum = 0;
  for (let i = 0; i < tail; i++) sum += values[i] as number;
  return measured({
    confidence,
    valueAtRisk: -(values[tail - 1] as number),
    conditionalValueAtRisk: -sum / tail,
    observations: values.length,
    tail,
  });
}

export interface RiskMetrics {
  observations: number;
  volatility: Measured<number>;
  sharpe: Measured<number>;
  sortino: Measured<number>;
  maxDrawdown: Measured<Drawdown>;
  beta: Measured<number>;
  var95: Measured<ValueAtRisk>;
}

/**
 * Every risk number of a daily return series. The drawdown is on the growth of 1 compounded from
 * the returns (so deposits and withdrawals do not count as gains or falls); beta is null without
 * benchmark returns.
 */
export function riskMetrics(
  dates: readonly string[],
  returns: ArrayLike<number>,
  benchmarkReturns: ArrayLike<number> | null,
  options: RiskOptions = {},
): RiskMetrics {
  const levels = new Float64Array(returns.length).fill(Number.NaN);
  let growth = 1;
  let started = false;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    if (Number.isNaN(r)) { if (started) levels[i] = growth; continue; }
    if (!started) {
      started = true;
      // The level before the first return is the starting 1, dated the day before.
      if (i > 0) levels[i - 1] = 1;
    }
    growth *= 1 + r;
    levels[i] = growth;
  }
  return {
    observations: finiteValues(returns).length,
    volatility: annualisedVolatility(returns, options),
    sharpe: sharpeRatio(returns, options),
    sortino: sortinoRatio(returns, options),
    maxDrawdown: maxDrawdown(dates, levels),
    beta: benchmarkReturns === null ? unmeasured('no benchmark') : beta(returns, benchmarkReturns, options),
    var95: historicalVaR(returns, 0.95, options),
  };
}
