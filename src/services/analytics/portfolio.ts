// The portfolio's analytics: summary (value, cost, P&L, day change, allocation), performance
// (daily value series, time- and money-weighted returns, the benchmark's) and risk, from the
// ledger's steps (cached per holding and ledger version) and the daily closes (cached per symbol).
// The math is src/domain/portfolio; this file gathers its inputs and shapes its answers.
import { LRUCache } from 'lru-cache';
import type { HoldingWithStock, PortfolioRepository } from '../../db/repositories/portfolio.ts';
import { invalid, NotFound, Unavailable } from '../../domain/errors.ts';
import { nyDate } from '../../domain/calendar/index.ts';
import { Money, allocation, summarizeByCurrency, type LedgerStep } from '../../domain/portfolio/index.ts';
import {
  periodStart,
  portfolioPerformance,
  portfolioRisk,
  portfolioSeries,
  unionDates,
  type CloseSeries,
  type Measured,
  type Period,
  type PortfolioSeries,
} from '../../domain/portfolio/analytics/index.ts';
import { addDays, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import { symbolOrThrow, type StockCatalog } from '../market/catalog.ts';
import type { QuoteService } from '../market/quotes.ts';
import { PLACES, wire } from '../portfolio/amounts.ts';
import { valueHoldings } from '../portfolio/holdings.ts';
import type { LedgerCache } from '../portfolio/ledger.ts';
import type { ClosesAnswer, CloseNeed, DailyCloses } from './closes.ts';

export interface AnalyticsSettings {
  /** Annual risk-free rate for Sharpe and Sortino, as a fraction (0.04 = 4%). */
  riskFreeRate: number;
  /** The default benchmark symbol. */
  benchmark: string;
}

export const DEFAULT_ANALYTICS_SETTINGS: AnalyticsSettings = { riskFreeRate: 0, benchmark: 'SPY' };

export interface PerformanceQuery {
  period: Period;
  benchmark?: string;
  currency?: string;
}

export interface RiskQuery extends PerformanceQuery {
  riskFreeRate?: number;
}

/** Why each null number is null, by field name. */
export type Reasons = Record<string, string>;

export interface AllocationView {
  byHolding: { symbol: string; value: number; weight: number }[];
  bySector: { sector: string; value: number; weight: number; holdings: number }[];
  /** Holdings left out for want of a price. */
  unpriced: string[];
}

export interface CurrencyAnalytics {
  currency: string;
  holdings: number;
  pricedHoldings: number;
  totalValue: number | null;
  totalCost: number;
  unrealisedPnl: number | null;
  unrealisedPnlPercent: number | null;
  realisedPnl: number;
  dividends: number;
  /** unrealisedPnl + realisedPnl + dividends. */
  totalPnl: number | null;
  dayChange: number | null;
  dayChangePercent: number | null;
  allocation: AllocationView;
  note: string | null;
}

export interface AnalyticsSummaryView {
  asOf: string;
  holdings: number;
  currencies: CurrencyAnalytics[];
}

export interface SeriesPoint {
  date: string;
  value: number | null;
  inflow: number;
  outflow: number;
  /** Growth of 1 from the window's start, compounded from the daily returns (1 + TWR to date). */
  growth: number | null;
  benchmarkGrowth: number | null;
}

/** What a performance and a risk answer both start with: the window asked and the one measured. */
export interface AnswerHeading {
  period: Period;
  currency: string | null;
  asOf: string;
  from: string | null;
  to: string | null;
  benchmark: string;
}

export interface PerformanceView extends AnswerHeading {
  timeWeightedReturn: number | null;
  moneyWeightedReturn: number | null;
  moneyWeightedReturnPeriod: number | null;
  benchmarkReturn: number | null;
  startValue: number | null;
  endValue: number | null;
  netInflow: number;
  series: SeriesPoint[];
  missingCloses: { symbol: string; days: number; first: string; last: string }[];
  reasons: Reasons;
  notes: string[];
}

export interface RiskView extends AnswerHeading {
  riskFreeRate: number;
  observations: number;
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number | null;
  maxDrawdownPeak: string | null;
  maxDrawdownTrough: string | null;
  maxDrawdownRecovery: string | null;
  beta: number | null;
  var95: number | null;
  cvar95: number | null;
  /** VaR and CVaR × the last known value: the money a bad day may cost. */
  var95Amount: number | null;
  cvar95Amount: number | null;
  reasons: Reasons;
  notes: string[];
}

/** A float for the wire: rounded, and null for NaN or infinities. */
export function float(value: number | null | undefined, places = 6): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = 10 ** places;
  const rounded = Math.round(value * scale) / scale;
  return rounded === 0 ? 0 : rounded;
}

/** A measured number's value, recording its reason under `field` when it has none. */
export function take<T>(reasons: Reasons, field: string, measured: Measured<T>): T | null {
  if (measured.reason !== null) reasons[field] = measured.reason;
  return measured.value;
}

/** How many calendar days before the period's start the series begins: the base value's date is in it. */
const LEAD_DAYS = 14;
/** How many calendar days before the series the benchmark's closes are read (its close before the first date). */
const BENCHMARK_LEAD_DAYS = 10;

type LedgerHead = Awaited<ReturnType<PortfolioRepository['ledgerHeads']>>[number];

interface Axis {
  inputs: string;
  dates: string[];
  /** Same id, same days: a holding's series computed on it stays valid. */
  id: number;
}

function emptySeries(dates: readonly string[] = []): PortfolioSeries {
  const days = dates.length;
  return { dates, value: new Float64Array(days), inflow: new Float64Array(days), outflow: new Float64Array(days), gaps: [], currencies: [] };
}

/** The portfolio's series from its holdings' (each on the same axis): values and flows add up; a day is unknown when any holding's is. */
function sumSeries(dates: readonly string[], parts: readonly PortfolioSeries[]): PortfolioSeries {
  const total = emptySeries(dates);
  const gaps = new Map<string, string[]>();
  const currencies = new Set<string>();
  for (const part of parts) {
    for (let i = 0; i < dates.length; i++) {
      total.value[i] = (total.value[i] as number) + (part.value[i] as number);
      total.inflow[i] = (total.inflow[i] as number) + (part.inflow[i] as number);
      total.outflow[i] = (total.outflow[i] as number) + (part.outflow[i] as number);
    }
    for (const gap of part.gaps) {
      const symbols = gaps.get(gap.date);
      if (symbols === undefined) gaps.set(gap.date, [...gap.symbols]);
      else symbols.push(...gap.symbols);
    }
    for (const currency of part.currencies) currencies.add(currency);
  }
  total.gaps = [...gaps.keys()].sort().map((date) => ({ date, symbols: (gaps.get(date) as string[]).sort() }));
  total.currencies = [...currencies].sort();
  return total;
}

interface Prepared {
  currency: string | null;
  today: string;
  from: string | undefined;
  series: PortfolioSeries;
  benchmark: string;
  benchmarkCloses: CloseSeries | undefined;
  /** Why the benchmark cannot be used (unknown symbol, provider down); wins over the domain's reason. */
  benchmarkReason: string | null;
  reasons: Reasons;
  notes: string[];
}

function heading(query: PerformanceQuery, prepared: Prepared, measured: { from: string | null; to: string | null }): AnswerHeading {
  return { period: query.period, currency: prepared.currency, asOf: prepared.today, from: measured.from, to: measured.to, benchmark: prepared.benchmark };
}

export class PortfolioAnalytics {
  /** Each user's days of the series per currency and axis start, with what they came from. */
  private readonly axes = new LRUCache<string, Axis>({ max: 1_000 });
  private axisIds = 0;
  /** Each holding's own daily series, with what it was computed from (three doubles a day: 64 MB ≈ 2,000 five-year series). */
  private readonly parts = new LRUCache<string, { inputs: string; series: PortfolioSeries }>({
    maxSize: 64 * 1024 * 1024, sizeCalculation: (part) => Math.max(1, part.series.dates.length * 24),
  });

  constructor(
    private readonly repo: PortfolioRepository,
    private readonly ledger: LedgerCache,
    private readonly dailyCloses: DailyCloses,
    private readonly catalog: StockCatalog,
    private readonly quotes: QuoteService,
    private readonly clock: Clock,
    private readonly settings: AnalyticsSettings = DEFAULT_ANALYTICS_SETTINGS,
  ) {}

  /** The symbols of a user's open holdings, largest cost first (the default of the correlation route). */
  async heldSymbols(userId: string, limit: number): Promise<string[]> {
    const holdings = (await this.repo.allHoldings(userId)).filter((holding) => new Money(holding.shares).gt(0));
    holdings.sort((a, b) => new Money(b.totalCost).comparedTo(a.totalCost) || (a.symbol < b.symbol ? -1 : 1));
    return holdings.slice(0, limit).map((holding) => holding.symbol);
  }

  async summary(userId: string, log: Log): Promise<AnalyticsSummaryView> {
    const holdings = await this.repo.allHoldings(userId);
    const open = holdings.filter((holding) => new Money(holding.shares).gt(0));
    const valued = await valueHoldings(this.quotes, open, log);
    const summaries = summarizeByCurrency(valued.map(({ holding, valuation }) => ({ currency: holding.currency, valuation })));
    const currencies = new Set(holdings.map((holding) => holding.currency));
    const { money, percent } = PLACES;
    const answer: CurrencyAnalytics[] = [...currencies].map((currency) => {
      const summary = summaries.find((row) => row.currency === currency);
      const own = holdings.filter((holding) => holding.currency === currency);
      const realised = own.reduce((sum, holding) => sum.plus(holding.realisedPnl), new Money(0));
      const dividends = own.reduce((sum, holding) => sum.plus(holding.dividends), new Money(0));
      const slices = allocation(valued.filter(({ holding }) => holding.currency === currency)
        .map(({ holding, valuation }) => ({ symbol: holding.symbol, sector: holding.sector, value: valuation.currentValue })));
      const unrealised = summary?.profitLoss ?? null;
      return {
        currency,
        holdings: summary?.holdings ?? 0,
        pricedHoldings: summary?.pricedHoldings ?? 0,
        totalValue: wire(summary?.totalValue ?? null, money),
        totalCost: wire(summary?.totalCost ?? new Money(0), money) as number,
        unrealisedPnl: wire(unrealised, money),
        unrealisedPnlPercent: wire(summary?.profitLossPercent ?? null, percent),
        realisedPnl: wire(realised, money) as number,
        dividends: wire(dividends, money) as number,
        totalPnl: unrealised === null ? null : wire(unrealised.plus(realised).plus(dividends), money),
        dayChange: wire(summary?.dayChange ?? null, money),
        dayChangePercent: wire(summary?.dayChangePercent ?? null, percent),
        allocation: {
          byHolding: slices.byHolding.map((slice) => ({ symbol: slice.key, value: wire(slice.value, money) as number, weight: float(slice.weight) as number })),
          bySector: slices.bySector.map((slice) => ({ sector: slice.key, value: wire(slice.value, money) as number, weight: float(slice.weight) as number, holdings: slice.holdings })),
          unpriced: slices.unpriced,
        },
        note: summary === undefined ? 'only closed positions: realised P&L and dividends' : summary.note,
      };
    });
    answer.sort((a, b) => b.totalCost - a.totalCost || (a.currency < b.currency ? -1 : 1));
    return { asOf: nyDate(this.clock.now()), holdings: open.length, currencies: answer };
  }

  async performance(userId: string, query: PerformanceQuery, log: Log): Promise<PerformanceView> {
    const prepared = await this.prepare(userId, query, log);
    const { series, reasons } = prepared;
    const result = portfolioPerformance(series, { from: prepared.from, to: prepared.today, benchmark: prepared.benchmarkCloses });
    const twr = take(reasons, 'timeWeightedReturn', result.timeWeightedReturn);
    const mwr = take(reasons, 'moneyWeightedReturn', result.moneyWeightedReturn);
    if (mwr === null) reasons.moneyWeightedReturnPeriod = reasons.moneyWeightedReturn as string;
    const benchmarkReturn = take(reasons, 'benchmarkReturn', result.benchmarkReturn);
    if (benchmarkReturn === null && prepared.benchmarkReason !== null) reasons.benchmarkReturn = prepared.benchmarkReason;
    const points: SeriesPoint[] = result.dates.map((date, i) => ({
      date,
      value: float(result.value[i], PLACES.money),
      inflow: float(result.inflow[i], PLACES.money) ?? 0,
      outflow: float(result.outflow[i], PLACES.money) ?? 0,
      growth: float(result.growth[i], 8),
      benchmarkGrowth: result.benchmarkGrowth === null ? null : float(result.benchmarkGrowth[i], 8),
    }));
    const base = result.from === null ? -1 : series.dates.indexOf(result.from) - 1;
    const startValue = base < 0 ? (result.from === null ? null : 0) : float(series.value[base], PLACES.money);
    let netInflow = 0;
    for (let i = 0; i < result.inflow.length; i++) netInflow += (result.inflow[i] as number) - (result.outflow[i] as number);
    const missing = new Map<string, { symbol: string; days: number; first: string; last: string }>();
    for (const gap of result.gaps) {
      for (const symbol of gap.symbols) {
        const slot = missing.get(symbol);
        if (slot === undefined) missing.set(symbol, { symbol, days: 1, first: gap.date, last: gap.date });
        else { slot.days += 1; slot.last = gap.date; }
      }
    }
    const endValue = [...points].reverse().find((point) => point.value !== null)?.value ?? null;
    if (startValue === null) reasons.startValue = reasons.timeWeightedReturn ?? 'no value before the period';
    if (endValue === null) reasons.endValue = 'no known value in the period';
    return {
      ...heading(query, prepared, result),
      timeWeightedReturn: float(twr, 8),
      moneyWeightedReturn: float(mwr?.annualised, 8),
      moneyWeightedReturnPeriod: float(mwr?.period, 8),
      benchmarkReturn: float(benchmarkReturn, 8),
      startValue,
      endValue,
      netInflow: float(netInflow, PLACES.money) ?? 0,
      series: points,
      missingCloses: [...missing.values()],
      reasons,
      notes: prepared.notes,
    };
  }

  async risk(userId: string, query: RiskQuery, log: Log): Promise<RiskView> {
    const prepared = await this.prepare(userId, query, log);
    const { series, reasons } = prepared;
    const riskFreeRate = query.riskFreeRate ?? this.settings.riskFreeRate;
    const result = portfolioRisk(series, { from: prepared.from, to: prepared.today, benchmark: prepared.benchmarkCloses, riskFreeRate });
    const drawdown = take(reasons, 'maxDrawdown', result.maxDrawdown);
    const var95 = take(reasons, 'var95', result.var95);
    const beta = take(reasons, 'beta', result.beta);
    if (beta === null && prepared.benchmarkReason !== null) reasons.beta = prepared.benchmarkReason;
    if (var95 === null) reasons.cvar95 = reasons.var95 as string;
    // The money at risk: the fractions × the last known value of the period.
    let lastValue = Number.NaN;
    const lastIndex = result.to === null ? -1 : series.dates.indexOf(result.to);
    for (let i = lastIndex; i >= 0 && Number.isNaN(lastValue); i--) lastValue = series.value[i] as number;
    const amount = (fraction: number | undefined) => (fraction === undefined || Number.isNaN(lastValue) ? null : float(fraction * lastValue, PLACES.money));
    if (var95 !== null && Number.isNaN(lastValue)) reasons.var95Amount = 'no known value in the period';
    if (var95 === null) reasons.var95Amount = reasons.var95 as string;
    if (reasons.var95Amount !== undefined) reasons.cvar95Amount = reasons.var95Amount;
    return {
      ...heading(query, prepared, result),
      riskFreeRate,
      observations: result.observations,
      volatility: float(take(reasons, 'volatility', result.volatility), 8),
      sharpe: float(take(reasons, 'sharpe', result.sharpe), 6),
      sortino: float(take(reasons, 'sortino', result.sortino), 6),
      maxDrawdown: float(drawdown?.maxDrawdown, 8),
      maxDrawdownPeak: drawdown?.peakDate ?? null,
      maxDrawdownTrough: drawdown?.troughDate ?? null,
      maxDrawdownRecovery: drawdown?.recoveryDate ?? null,
      beta: float(beta, 6),
      var95: float(var95?.valueAtRisk, 8),
      cvar95: float(var95?.conditionalValueAtRisk, 8),
      var95Amount: amount(var95?.valueAtRisk),
      cvar95Amount: amount(var95?.conditionalValueAtRisk),
      reasons,
      notes: prepared.notes,
    };
  }

  /** The benchmark's symbol, and why it cannot be used when it cannot. */
  private async benchmarkOf(raw: string | undefined): Promise<{ symbol: string; reason: string | null }> {
    const symbol = symbolOrThrow(raw ?? this.settings.benchmark, 'benchmark');
    try {
      await this.catalog.resolve(symbol);
      return { symbol, reason: null };
    } catch (error) {
      if (error instanceof NotFound) return { symbol, reason: `${symbol} is unknown to the market data provider` };
      if (error instanceof Unavailable) return { symbol, reason: `the market data provider is unavailable to look ${symbol} up` };
      throw error;
    }
  }

  /** The user's ledger in one currency, the closes it needs (filled on demand) and the daily series. */
  private async prepare(userId: string, query: PerformanceQuery, log: Log): Promise<Prepared> {
    const today = nyDate(this.clock.now());
    const from = periodStart(query.period, today);
    const reasons: Reasons = {};
    const notes: string[] = [];
    const benchmark = await this.benchmarkOf(query.benchmark);
    const holdings = await this.repo.ledgerHeads(userId);
    const currency = this.currencyOf(holdings, query.currency);
    const others = [...new Set(holdings.map((holding) => holding.currency))].filter((other) => other !== currency);
    if (others.length > 0) notes.push(`Only ${currency} holdings count (currencies are not converted); ask with ?currency=${others.join('|')} for the others.`);
    const own = holdings.filter((holding) => holding.currency === currency);
    const stepsByHolding = await this.ledger.steps(this.repo, own);
    let firstDate: string | undefined;
    for (const steps of stepsByHolding.values()) {
      const first = steps[0]?.transaction.tradingDate;
      if (first !== undefined && (firstDate === undefined || first < firstDate)) firstDate = first;
    }
    if (firstDate === undefined) {
      return { currency, today, from, series: emptySeries(), benchmark: benchmark.symbol, benchmarkCloses: undefined, benchmarkReason: benchmark.reason, reasons, notes: [...notes, 'No transactions yet.'] };
    }
    const axisStart = from === undefined || addDays(from, -LEAD_DAYS) < firstDate ? firstDate : addDays(from, -LEAD_DAYS);
    // Holdings held at some point of the axis: the others add nothing to it.
    const held: { holding: LedgerHead; steps: LedgerStep[] }[] = [];
    const needs: CloseNeed[] = [];
    for (const holding of own) {
      const steps = stepsByHolding.get(holding.id) ?? [];
      const last = steps[steps.length - 1];
      const first = steps[0];
      if (last === undefined || first === undefined) continue;
      if (last.position.shares.isZero() && last.transaction.tradingDate < axisStart) continue;
      held.push({ holding, steps });
      needs.push({ symbol: holding.symbol, from: first.transaction.tradingDate > axisStart ? first.transaction.tradingDate : axisStart });
    }
    if (benchmark.reason === null) needs.push({ symbol: benchmark.symbol, from: addDays(axisStart, -BENCHMARK_LEAD_DAYS) });
    const answer = await this.dailyCloses.closes(needs, log, { fill: true });
    notes.push(...answer.notes);
    const axis = this.axisOf(`${userId}:${currency ?? ''}:${axisStart}`, held.map(({ holding }) => holding.symbol), axisStart, today, answer);
    // The value and cash flows add up over holdings: each holding's series is computed alone, once
    // per (ledger version, axis, closes version), and the portfolio's is their sum.
    const series = sumSeries(axis.dates, held.map(({ holding, steps }) => this.holdingSeries(holding, steps, axis, answer)));
    const benchmarkCloses = benchmark.reason === null ? answer.closes.get(benchmark.symbol) : undefined;
    return { currency, today, from, series, benchmark: benchmark.symbol, benchmarkCloses, benchmarkReason: benchmark.reason, reasons, notes };
  }

  /** The days of the series: the held symbols' closes from axisStart to today, kept while they are the same. */
  private axisOf(key: string, symbols: readonly string[], axisStart: string, today: string, answer: ClosesAnswer): Axis {
    const inputs = `${symbols.join(',')}|${today}|${answer.stamp}`;
    const cached = this.axes.get(key);
    if (cached !== undefined && cached.inputs === inputs) return cached;
    const dates = unionDates(symbols.flatMap((symbol) => answer.closes.get(symbol) ?? []), axisStart, today);
    const same = cached !== undefined && cached.dates.length === dates.length && cached.dates.every((date, i) => date === dates[i]);
    const axis = { inputs, dates: same ? cached.dates : dates, id: same ? cached.id : ++this.axisIds };
    this.axes.set(key, axis);
    return axis;
  }

  private holdingSeries(holding: LedgerHead, steps: readonly LedgerStep[], axis: Axis, answer: ClosesAnswer): PortfolioSeries {
    const inputs = `${holding.ledgerVersion}|${axis.id}|${answer.versions.get(holding.symbol) ?? 0}`;
    const cached = this.parts.get(holding.id);
    if (cached !== undefined && cached.inputs === inputs) return cached.series;
    const closes = answer.closes.get(holding.symbol);
    const series = portfolioSeries({
      transactions: { steps },
      closes: new Map(closes === undefined ? [] : [[holding.symbol, closes]]),
      closesSplitAdjusted: true,
      axis: axis.dates,
    });
    this.parts.set(holding.id, { inputs, series });
    return series;
  }

  /** The currency asked for, else the one with the most cost in it. */
  private currencyOf(holdings: readonly Pick<HoldingWithStock, 'currency' | 'totalCost'>[], asked: string | undefined): string | null {
    const costs = new Map<string, InstanceType<typeof Money>>();
    for (const holding of holdings) costs.set(holding.currency, (costs.get(holding.currency) ?? new Money(0)).plus(holding.totalCost));
    if (asked !== undefined) {
      const code = asked.trim().toUpperCase();
      if (costs.size > 0 && !costs.has(code)) {
        throw invalid(`You have no ${code} holdings.`, { currency: [`Your holdings are in ${[...costs.keys()].sort().join(', ')}.`] });
      }
      return code;
    }
    const ranked = [...costs.entries()].sort((a, b) => b[1].comparedTo(a[1]) || (a[0] < b[0] ? -1 : 1));
    return ranked[0]?.[0] ?? null;
  }

}
