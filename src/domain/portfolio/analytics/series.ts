// Daily series on one axis of trading dates: closes aligned and forward-filled, and the
// portfolio's value and cash flows from the ledger.
import type { TransactionInput } from '../transaction.ts';
import { ledgerSteps, type LedgerStep } from '../ledger.ts';

/** Daily closes of one symbol, oldest first: ISO session dates and closes as traded (> 0). */
export interface CloseSeries {
  dates: readonly string[];
  closes: ArrayLike<number>;
}

/**
 * How many axis days a missing close is carried forward from the last one (a holiday of one
 * market, a late print, a suspended day). Beyond that the close is unknown (NaN): a held symbol
 * without a close makes that day's portfolio value unknown rather than wrong.
 */
export const MAX_FILL_DAYS = 5;

/** The sorted union of the dates of several series, optionally bounded (inclusive). */
export function unionDates(series: Iterable<CloseSeries>, from?: string, to?: string): string[] {
  const dates = new Set<string>();
  for (const { dates: own } of series) {
    for (const date of own) {
      if ((from === undefined || date >= from) && (to === undefined || date <= to)) dates.add(date);
    }
  }
  return [...dates].sort();
}

/**
 * A series' closes on an axis of ascending dates. An axis date without its own close takes the
 * latest earlier close (including one dated between axis dates) while that close is at most
 * `maxFillDays` axis days old; otherwise, and before the first close, NaN. maxFillDays 0: only
 * the series' own closes. Non-finite or non-positive closes count as missing.
 */
export function alignCloses(series: CloseSeries | undefined, axis: readonly string[], maxFillDays = MAX_FILL_DAYS): Float64Array {
  const out = new Float64Array(axis.length).fill(Number.NaN);
  if (series === undefined) return out;
  const { dates, closes } = series;
  let at = 0;
  let last = Number.NaN;
  let age = 0;
  for (let i = 0; i < axis.length; i++) {
    const day = axis[i] as string;
    let own = Number.NaN;
    // Closes on or before this axis day; the last of them is the freshest.
    while (at < dates.length && (dates[at] as string) <= day) {
      const close = closes[at] as number;
      if (Number.isFinite(close) && close > 0) {
        if (dates[at] === day) own = close;
        else { last = close; age = 0; }
      }
      at += 1;
    }
    if (!Number.isNaN(own)) {
      out[i] = own;
      last = own;
      age = 0;
    } else if (!Number.isNaN(last) && age < maxFillDays) {
      age += 1;
      out[i] = last;
    } else {
      last = Number.NaN;
    }
  }
  return out;
}

/** Simple daily returns of aligned closes: r[i] = c[i] / c[i−1] − 1; r[0] and any day touching NaN are NaN. */
export function simpleReturns(closes: ArrayLike<number>): Float64Array {
  const out = new Float64Array(closes.length).fill(Number.NaN);
  for (let i = 1; i < closes.length; i++) out[i] = (closes[i] as number) / (closes[i - 1] as number) - 1;
  return out;
}

export interface PortfolioSeriesInput {
  /** The ledger, or its steps when already computed (ledgerSteps; reuse them across requests). */
  transactions: readonly TransactionInput[] | { steps: readonly LedgerStep[] };
  /** Daily closes by symbol; see closesSplitAdjusted. Never dividend-adjusted: dividends are cash flows. */
  closes: ReadonlyMap<string, CloseSeries>;
  /**
   * false (default): closes are as traded, and the ledger's splits rescale the shares on their date.
   * true: closes are split-adjusted back in time (Yahoo's `close`), so the shares held before each
   * recorded split are counted in post-split units (× the ratios of the splits after them).
   */
  closesSplitAdjusted?: boolean;
  /**
   * Ascending trading dates (e.g. the NYSE sessions). Default: the union of the closes' dates
   * from the first transaction's trading date on.
   */
  axis?: readonly string[];
  maxFillDays?: number;
}

export interface PortfolioSeries {
  dates: readonly string[];
  /**
   * value[i] = Σ over symbols of shares held after date i's transactions × the close of date i
   * (forward-filled, see alignCloses); NaN when a held symbol has no close for that date.
   */
  value: Float64Array;
  /** Money put in on date i: Σ buys' shares × price + fees (and fees beyond a sale's proceeds). */
  inflow: Float64Array;
  /** Money taken out on date i: Σ sales' shares × price − fees and dividends' amount − fees. */
  outflow: Float64Array;
  /** Dates whose value is unknown, with the held symbols that lacked a close. */
  gaps: { date: string; symbols: string[] }[];
  /** Currencies of the transactions: the value sums them as given, so it means something only for one. */
  currencies: string[];
}

/** From axis day `day` on, a symbol's share count is `shares`. */
interface ShareChange {
  day: number;
  shares: number;
}

/**
 * The portfolio's daily value and cash flows. A transaction counts on the first axis date on or
 * after its trading date (a weekend dividend on the Monday); those before the axis only set the
 * starting shares (their cash flows precede the series), those after it are left out.
 * Throws TransactionError as positionsFrom does for an invalid ledger.
 */
export function portfolioSeries(input: PortfolioSeriesInput): PortfolioSeries {
  const steps = 'steps' in input.transactions ? input.transactions.steps : ledgerSteps(input.transactions);
  const symbols: string[] = [];
  const indexOf = new Map<string, number>();
  const currencies = new Set<string>();
  for (const step of steps) {
    currencies.add(step.transaction.currency);
    if (!indexOf.has(step.transaction.symbol)) {
      indexOf.set(step.transaction.symbol, symbols.length);
      symbols.push(step.transaction.symbol);
    }
  }
  const first = steps[0]?.transaction.tradingDate;
  const axis = input.axis ?? (first === undefined ? [] : unionDates(input.closes.values(), first));
  const days = axis.length;
  const maxFill = input.maxFillDays ?? MAX_FILL_DAYS;
  const inflow = new Float64Array(days);
  const outflow = new Float64Array(days);
  // Split-adjusted closes: shares × the ratios of the splits still ahead (all of them at first).
  const unitFactor = new Float64Array(symbols.length).fill(1);
  if (input.closesSplitAdjusted === true) {
    for (const step of steps) {
      if (step.transaction.type !== 'split') continue;
      const s = indexOf.get(step.transaction.symbol) as number;
      unitFactor[s] = (unitFactor[s] as number) * step.transaction.shares.toNumber();
    }
  }
  const changes: ShareChange[][] = symbols.map(() => []);
  let day = 0;
  for (const step of steps) {
    const tradingDate = step.transaction.tradingDate;
    while (day < days && (axis[day] as string) < tradingDate) day += 1;
    if (day === days) break; // after the axis
    const s = indexOf.get(step.transaction.symbol) as number;
    if (input.closesSplitAdjusted === true && step.transaction.type === 'split') {
      unitFactor[s] = (unitFactor[s] as number) / step.transaction.shares.toNumber();
    }
    (changes[s] as ShareChange[]).push({ day, shares: step.position.shares.toNumber() * (unitFactor[s] as number) });
    if (day === 0 && tradingDate < (axis[0] as string)) continue; // before the axis: starting shares only
    const { inflow: paid, outflow: received } = step.cashFlow;
    if (!paid.isZero()) inflow[day] = (inflow[day] as number) + paid.toNumber();
    if (!received.isZero()) outflow[day] = (outflow[day] as number) + received.toNumber();
  }
  // Column by column: a held symbol without a close makes the day NaN (found again below for the gaps).
  const value = new Float64Array(days);
  const held = symbols.map(() => new Float64Array(days));
  const aligned = symbols.map((symbol) => alignCloses(input.closes.get(symbol), axis, maxFill));
  for (let s = 0; s < symbols.length; s++) {
    const own = changes[s] as ShareChange[];
    const shares = held[s] as Float64Array;
    const closes = aligned[s] as Float64Array;
    for (let c = 0; c < own.length; c++) {
      const change = own[c] as ShareChange;
      shares.fill(change.shares, change.day, own[c + 1]?.day ?? days);
    }
    for (let d = own[0]?.day ?? days; d < days; d++) {
      const count = shares[d] as number;
      if (count !== 0) value[d] = (value[d] as number) + count * (closes[d] as number);
    }
  }
  const gaps: PortfolioSeries['gaps'] = [];
  for (let d = 0; d < days; d++) {
    if (!Number.isNaN(value[d] as number)) continue;
    const missing = symbols.filter((_, s) => (held[s] as Float64Array)[d] !== 0 && Number.isNaN((aligned[s] as Float64Array)[d] as number));
    gaps.push({ date: axis[d] as string, symbols: missing });
  }
  return { dates: axis, value, inflow, outflow, gaps, currencies: [...currencies].sort() };
}
