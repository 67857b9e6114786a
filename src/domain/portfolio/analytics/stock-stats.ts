// One stock's statistics from its daily closes: trailing returns, volatility, beta, drawdown.
import { measured, unmeasured, type Measured } from './measured.ts';
import { MIN_OBSERVATIONS, annualisedVolatility, beta, maxDrawdown, type Drawdown } from './risk.ts';
import { alignCloses, simpleReturns, type CloseSeries } from './series.ts';
import { TRADING_DAYS_PER_YEAR } from './stats.ts';

/** Trailing return horizons in trading days. */
export const RETURN_HORIZONS = { '1w': 5, '1m': 21, '3m': 63, '1y': 252 } as const;
export type ReturnHorizon = keyof typeof RETURN_HORIZONS;

export interface StockStatsOptions {
  /** Trading days of closes the volatility, beta and drawdown look back over (default 252: a year). */
  lookback?: number;
  minObservations?: number;
}

/**
 * - returns[h]   = close[last] / close[last − k] − 1 with k = 5, 21, 63, 252 trading days (the
 *                  series' own closes, so k closes back, whatever the calendar says)
 * - volatility   = annualised volatility of the daily returns of the last `lookback` closes
 * - beta         = beta to the benchmark on the dates of those closes where both have a return
 *                  (the benchmark's own closes on the same and the previous date, not filled)
 * - maxDrawdown  = maximum drawdown of the last `lookback` + 1 closes
 */
export interface StockStats {
  asOf: string | null;
  lastClose: number | null;
  returns: Record<ReturnHorizon, Measured<number>>;
  volatility: Measured<number>;
  beta: Measured<number>;
  maxDrawdown: Measured<Drawdown>;
}

export function stockStats(closes: CloseSeries, benchmark: CloseSeries | null, options: StockStatsOptions = {}): StockStats {
  const lookback = options.lookback ?? TRADING_DAYS_PER_YEAR;
  const minObservations = options.minObservations ?? MIN_OBSERVATIONS;
  // Only valid closes: a zero or missing print would fake a return.
  const dates: string[] = [];
  const values: number[] = [];
  for (let i = 0; i < closes.dates.length; i++) {
    const close = closes.closes[i] as number;
    if (Number.isFinite(close) && close > 0) { dates.push(closes.dates[i] as string); values.push(close); }
  }
  const last = values.length - 1;
  const returns = Object.fromEntries(
    (Object.entries(RETURN_HORIZONS) as [ReturnHorizon, number][]).map(([horizon, k]) => [
      horizon,
      last - k < 0
        ? unmeasured<number>(`needs ${k + 1} daily closes, has ${values.length}`)
        : measured((values[last] as number) / (values[last - k] as number) - 1),
    ]),
  ) as Record<ReturnHorizon, Measured<number>>;
  const start = Math.max(0, values.length - lookback - 1);
  const windowDates = dates.slice(start);
  const windowCloses = Float64Array.from(values.slice(start));
  const dailyReturns = simpleReturns(windowCloses);
  const riskOptions = { minObservations };
  return {
    asOf: dates[last] ?? null,
    lastClose: values[last] ?? null,
    returns,
    volatility: annualisedVolatility(dailyReturns, riskOptions),
    beta: benchmark === null
      ? unmeasured('no benchmark')
      : beta(dailyReturns, simpleReturns(alignCloses(benchmark, windowDates, 0)), riskOptions),
    maxDrawdown: maxDrawdown(windowDates, windowCloses),
  };
}
