// Public surface of the portfolio analytics; import from here.
export type { Measured } from './measured.ts';
export { measured, unmeasured } from './measured.ts';
export type { CloseSeries, PortfolioSeries, PortfolioSeriesInput } from './series.ts';
export { MAX_FILL_DAYS, alignCloses, portfolioSeries, simpleReturns, unionDates } from './series.ts';
export type { DatedCashFlow, MoneyWeightedReturn, PeriodWindow } from './returns.ts';
export {
  XIRR_DAYS_PER_YEAR,
  benchmarkReturn,
  growthIndex,
  moneyWeightedReturn,
  periodWindow,
  portfolioReturns,
  timeWeightedReturn,
  windowCashFlows,
  xirr,
} from './returns.ts';
export type { Drawdown, RiskMetrics, RiskOptions, ValueAtRisk } from './risk.ts';
export {
  MIN_OBSERVATIONS,
  annualisedVolatility,
  beta,
  dailyRiskFreeRate,
  historicalVaR,
  maxDrawdown,
  riskMetrics,
  sharpeRatio,
  sortinoRatio,
} from './risk.ts';
export type { CorrelationMatrix, CorrelationOptions } from './correlation.ts';
export { MAX_CORRELATION_SYMBOLS, correlationMatrix } from './correlation.ts';
export type { ReturnHorizon, StockStats, StockStatsOptions } from './stock-stats.ts';
export { RETURN_HORIZONS, stockStats } from './stock-stats.ts';
export type { Performance, PerformanceOptions, PortfolioRisk } from './performance.ts';
export { portfolioPerformance, portfolioRisk } from './performance.ts';
export type { Period } from '../dates.ts';
export { PERIODS, daysBetween, periodStart } from '../dates.ts';
export { TRADING_DAYS_PER_YEAR } from './stats.ts';
