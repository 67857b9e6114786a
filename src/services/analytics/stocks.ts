// Analytics of stocks rather than of a portfolio: the correlation matrix of daily returns, and
// one stock's trailing returns, volatility, beta and drawdown. Closes come through DailyCloses
// (filled on demand); the math is src/domain/portfolio/analytics.
import { invalid, NotFound, Unavailable, notFound } from '../../domain/errors.ts';
import { nyDate } from '../../domain/calendar/index.ts';
import {
  MAX_CORRELATION_SYMBOLS,
  RETURN_HORIZONS,
  correlationMatrix,
  periodStart,
  stockStats,
  type Period,
  type ReturnHorizon,
} from '../../domain/portfolio/analytics/index.ts';
import { addDays, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import { symbolOrThrow, type StockCatalog } from '../market/catalog.ts';
import type { DailyCloses } from './closes.ts';
import { DEFAULT_ANALYTICS_SETTINGS, float, take, type AnalyticsSettings, type Reasons } from './portfolio.ts';

export interface CorrelationView {
  period: Period;
  from: string | null;
  to: string;
  symbols: string[];
  /** matrix[i][j]: correlation of the daily returns of symbols i and j; null with its pair in undefinedPairs. */
  matrix: (number | null)[][];
  observations: number[][];
  undefinedPairs: { a: string; b: string; reason: string }[];
  notes: string[];
}

export interface StockStatsView {
  symbol: string;
  benchmark: string;
  asOf: string | null;
  lastClose: number | null;
  returns: Record<ReturnHorizon, number | null>;
  volatility: number | null;
  beta: number | null;
  maxDrawdown: number | null;
  maxDrawdownPeak: string | null;
  maxDrawdownTrough: string | null;
  maxDrawdownRecovery: string | null;
  reasons: Reasons;
  notes: string[];
}

/** History `max` reads for correlation: the retention of daily bars. */
const MAX_HISTORY_DAYS = 5 * 366;
/** Calendar days of closes stock statistics read: 252 sessions and a margin. */
const STATS_HISTORY_DAYS = 400;

export class StockAnalytics {
  constructor(
    private readonly dailyCloses: DailyCloses,
    private readonly catalog: StockCatalog,
    private readonly clock: Clock,
    private readonly settings: AnalyticsSettings = DEFAULT_ANALYTICS_SETTINGS,
  ) {}

  async correlation(rawSymbols: readonly string[], period: Period, log: Log): Promise<CorrelationView> {
    const symbols = [...new Set(rawSymbols.map((raw) => symbolOrThrow(raw, 'symbols')))];
    if (symbols.length < 2) throw invalid('Name at least two symbols.', { symbols: ['A correlation needs at least two symbols.'] });
    if (symbols.length > MAX_CORRELATION_SYMBOLS) throw invalid(`At most ${MAX_CORRELATION_SYMBOLS} symbols.`, { symbols: [`Ask for at most ${MAX_CORRELATION_SYMBOLS} symbols.`] });
    const unknown: string[] = [];
    for (const symbol of symbols) {
      try {
        await this.catalog.resolve(symbol);
      } catch (error) {
        if (error instanceof NotFound) unknown.push(symbol);
        else throw error;
      }
    }
    if (unknown.length > 0) throw invalid(`Unknown symbols: ${unknown.join(', ')}.`, { symbols: unknown.map((symbol) => `${symbol} is not a symbol the market data provider knows.`) });
    const today = nyDate(this.clock.now());
    const from = periodStart(period, today);
    // The return of the period's first day needs the close before it.
    const readFrom = addDays(from ?? addDays(today, -MAX_HISTORY_DAYS), -7);
    const answer = await this.dailyCloses.closes(symbols.map((symbol) => ({ symbol, from: readFrom })), log, { fill: true });
    // The period's first return is from the last close before it (its base).
    let base: string | undefined;
    if (from !== undefined) {
      for (const series of answer.closes.values()) {
        for (let i = series.dates.length - 1; i >= 0; i--) {
          const date = series.dates[i] as string;
          if (date >= from) continue;
          if (base === undefined || date > base) base = date;
          break;
        }
      }
    }
    const matrix = correlationMatrix(symbols, answer.closes, { from: base ?? from, to: today });
    return {
      period, from: from ?? null, to: today, symbols: matrix.symbols,
      matrix: matrix.matrix.map((row) => row.map((value) => float(value, 6))),
      observations: matrix.observations,
      undefinedPairs: matrix.undefinedPairs,
      notes: answer.notes,
    };
  }

  async stockStats(rawSymbol: string, rawBenchmark: string | undefined, log: Log): Promise<StockStatsView> {
    const symbol = symbolOrThrow(rawSymbol);
    try {
      await this.catalog.resolve(symbol);
    } catch (error) {
      if (error instanceof NotFound) throw notFound(`Unknown symbol: ${symbol}.`);
      throw error;
    }
    const benchmark = symbolOrThrow(rawBenchmark ?? this.settings.benchmark, 'benchmark');
    const reasons: Reasons = {};
    let benchmarkReason: string | null = null;
    try {
      await this.catalog.resolve(benchmark);
    } catch (error) {
      if (!(error instanceof NotFound || error instanceof Unavailable)) throw error;
      benchmarkReason = error instanceof NotFound ? `${benchmark} is unknown to the market data provider` : `the market data provider is unavailable to look ${benchmark} up`;
    }
    const benchmarkKnown = benchmarkReason === null;
    const from = addDays(nyDate(this.clock.now()), -STATS_HISTORY_DAYS);
    const needs = [{ symbol, from }, ...(benchmarkKnown ? [{ symbol: benchmark, from }] : [])];
    const answer = await this.dailyCloses.closes(needs, log, { fill: true });
    const own = answer.closes.get(symbol) ?? { dates: [], closes: [] };
    const stats = stockStats(own, benchmarkKnown ? answer.closes.get(benchmark) ?? { dates: [], closes: [] } : null);
    const returns = Object.fromEntries((Object.keys(RETURN_HORIZONS) as ReturnHorizon[]).map((horizon) => [
      horizon, float(take(reasons, `returns.${horizon}`, stats.returns[horizon]), 8),
    ])) as Record<ReturnHorizon, number | null>;
    const drawdown = take(reasons, 'maxDrawdown', stats.maxDrawdown);
    const beta = take(reasons, 'beta', stats.beta);
    if (benchmarkReason !== null) reasons.beta = benchmarkReason;
    return {
      symbol,
      benchmark,
      asOf: stats.asOf,
      lastClose: float(stats.lastClose, 6),
      returns,
      volatility: float(take(reasons, 'volatility', stats.volatility), 8),
      beta: float(beta, 6),
      maxDrawdown: float(drawdown?.maxDrawdown, 8),
      maxDrawdownPeak: drawdown?.peakDate ?? null,
      maxDrawdownTrough: drawdown?.troughDate ?? null,
      maxDrawdownRecovery: drawdown?.recoveryDate ?? null,
      reasons,
      notes: answer.notes,
    };
  }
}
