// The portfolio's performance and risk over a period, from its daily series: what the
// `performance` and `risk` routes answer.
import type { Measured } from './measured.ts';
import {
  benchmarkReturn,
  growthIndex,
  moneyWeightedReturn,
  periodWindow,
  portfolioReturns,
  timeWeightedReturn,
  type MoneyWeightedReturn,
  type PeriodWindow,
} from './returns.ts';
import { riskMetrics, type RiskMetrics, type RiskOptions } from './risk.ts';
import { alignCloses, MAX_FILL_DAYS, simpleReturns, type CloseSeries, type PortfolioSeries } from './series.ts';

export interface PerformanceOptions {
  /** Inclusive date bounds of the period (see periodStart); open ends take the whole series. */
  from?: string;
  to?: string;
  benchmark?: CloseSeries;
  maxFillDays?: number;
}

export interface Performance {
  /** First and last dates of the period's window; null when no date of the series falls in it. */
  from: string | null;
  to: string | null;
  /**
   * The window's dates with the value and cash flows on each, the growth of 1 compounded from the
   * daily returns (1 + TWR to date), and the benchmark's close relative to its close on the
   * window's base date (its first date when the series starts in the window).
   */
  dates: string[];
  value: Float64Array;
  inflow: Float64Array;
  outflow: Float64Array;
  growth: Float64Array;
  benchmarkGrowth: Float64Array | null;
  timeWeightedReturn: Measured<number>;
  moneyWeightedReturn: Measured<MoneyWeightedReturn>;
  benchmarkReturn: Measured<number>;
  /** Dates of the window whose value is unknown, with the symbols lacking a close. */
  gaps: PortfolioSeries['gaps'];
}

function emptyReason(series: PortfolioSeries): string {
  return series.dates.length === 0 ? 'no transactions or no closes yet' : 'no trading date in the period';
}

export function portfolioPerformance(series: PortfolioSeries, options: PerformanceOptions = {}): Performance {
  const window = periodWindow(series.dates, options.from, options.to);
  if (window === null) {
    const reason = emptyReason(series);
    const none = { value: null, reason } as const;
    return {
      from: null, to: null, dates: [], value: new Float64Array(0), inflow: new Float64Array(0), outflow: new Float64Array(0),
      growth: new Float64Array(0), benchmarkGrowth: null, timeWeightedReturn: none, moneyWeightedReturn: none, benchmarkReturn: none, gaps: [],
    };
  }
  const returns = portfolioReturns(series, window);
  const growth = growthIndex(returns, window);
  const slice = <T extends Float64Array>(values: T): T => values.slice(window.first, window.last + 1) as T;
  const fill = options.maxFillDays ?? MAX_FILL_DAYS;
  let benchmarkGrowth: Float64Array | null = null;
  if (options.benchmark !== undefined) {
    const closes = alignCloses(options.benchmark, series.dates, fill);
    const base = closes[Math.max(0, window.base)] as number;
    benchmarkGrowth = slice(closes).map((close) => close / base);
  }
  const from = series.dates[window.first] as string;
  const to = series.dates[window.last] as string;
  return {
    from,
    to,
    dates: series.dates.slice(window.first, window.last + 1),
    value: slice(series.value),
    inflow: slice(series.inflow),
    outflow: slice(series.outflow),
    growth: slice(growth),
    benchmarkGrowth,
    timeWeightedReturn: timeWeightedReturn(returns),
    moneyWeightedReturn: moneyWeightedReturn(series, window),
    benchmarkReturn: benchmarkReturn(options.benchmark, series.dates, returns, fill),
    gaps: series.gaps.filter((gap) => gap.date >= from && gap.date <= to),
  };
}

export interface PortfolioRisk extends RiskMetrics {
  from: string | null;
  to: string | null;
}

/** The risk numbers (riskMetrics) of the portfolio's daily returns over a period; beta against the benchmark's daily returns on the same dates. */
export function portfolioRisk(series: PortfolioSeries, options: PerformanceOptions & RiskOptions = {}): PortfolioRisk {
  const window: PeriodWindow | null = periodWindow(series.dates, options.from, options.to);
  if (window === null) {
    const none = { value: null, reason: emptyReason(series) } as const;
    return { observations: 0, volatility: none, sharpe: none, sortino: none, maxDrawdown: none, beta: none, var95: none, from: null, to: null };
  }
  const returns = portfolioReturns(series, window);
  const benchmarkReturns = options.benchmark === undefined
    ? null
    : simpleReturns(alignCloses(options.benchmark, series.dates, options.maxFillDays ?? MAX_FILL_DAYS));
  const metrics = riskMetrics(series.dates, returns, benchmarkReturns, options);
  if (options.benchmark === undefined) metrics.beta = { value: null, reason: 'no benchmark' };
  return { ...metrics, from: series.dates[window.first] as string, to: series.dates[window.last] as string };
}
