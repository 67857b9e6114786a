// What a holding is worth now, and the sums per currency: exact decimals throughout.
import type { Decimal } from 'decimal.js';
import { Money, ZERO, decimalOrNull, toDecimal } from './decimal.ts';

const HUNDRED = new Money(100);

export interface HoldingValuationInput {
  shares: Decimal.Value;
  averagePrice: Decimal.Value;
  /** The ledger's cost basis when known; shares × averagePrice otherwise (the seed's definition). */
  totalCost?: Decimal.Value | null;
  /** Latest price, or null when the symbol has none yet. */
  price: Decimal.Value | null;
  /** The previous session's close, or null when unknown. */
  previousClose?: Decimal.Value | null;
  /** Why there is no price (e.g. "provider unavailable"); used when price is null. */
  priceMissingReason?: string;
}

/**
 * A holding's value. Percentages are percent (12.5 means 12.5%), not fractions.
 * - totalCost         = the ledger's cost basis, or shares × averagePrice
 * - currentValue      = shares × price
 * - profitLoss        = currentValue − totalCost
 * - profitLossPercent = profitLoss / totalCost × 100          (null when totalCost is 0)
 * - dayChange         = shares × (price − previousClose)
 * - dayChangePercent  = (price − previousClose) / previousClose × 100
 * With no price, currentValue, profitLoss and the day change are null and valueReason says why:
 * never 0. With no previous close, only the day change is null (dayChangeReason).
 */
export interface HoldingValuation {
  shares: Decimal;
  averagePrice: Decimal;
  totalCost: Decimal;
  price: Decimal | null;
  previousClose: Decimal | null;
  currentValue: Decimal | null;
  profitLoss: Decimal | null;
  profitLossPercent: Decimal | null;
  dayChange: Decimal | null;
  dayChangePercent: Decimal | null;
  /** Why currentValue (and profitLoss) is null; null when they have values. */
  valueReason: string | null;
  /** Why dayChange is null; null when it has a value. */
  dayChangeReason: string | null;
}

export function valueHolding(input: HoldingValuationInput): HoldingValuation {
  const shares = toDecimal(input.shares, 'shares');
  const averagePrice = toDecimal(input.averagePrice, 'averagePrice');
  const totalCost = input.totalCost === null || input.totalCost === undefined
    ? shares.times(averagePrice)
    : toDecimal(input.totalCost, 'totalCost');
  const price = input.price === null ? null : toDecimal(input.price, 'price');
  const previousClose = input.previousClose === null || input.previousClose === undefined
    ? null
    : toDecimal(input.previousClose, 'previousClose');
  const result: HoldingValuation = {
    shares, averagePrice, totalCost, price, previousClose,
    currentValue: null, profitLoss: null, profitLossPercent: null, dayChange: null, dayChangePercent: null,
    valueReason: null, dayChangeReason: null,
  };
  if (price === null) {
    result.valueReason = input.priceMissingReason ?? 'no price for this symbol yet';
    result.dayChangeReason = result.valueReason;
    return result;
  }
  result.currentValue = shares.times(price);
  result.profitLoss = result.currentValue.minus(totalCost);
  result.profitLossPercent = totalCost.isZero() ? null : result.profitLoss.div(totalCost).times(HUNDRED);
  if (previousClose === null || previousClose.isZero()) {
    result.dayChangeReason = previousClose === null ? 'no previous close yet' : 'previous close is 0';
  } else {
    const move = price.minus(previousClose);
    result.dayChange = shares.times(move);
    result.dayChangePercent = move.div(previousClose).times(HUNDRED);
  }
  return result;
}

export interface CurrencySummaryItem {
  currency: string;
  valuation: HoldingValuation;
  /** The position's realised P&L and dividends from the ledger, when it has one. */
  realisedPnl?: Decimal.Value | null;
  dividends?: Decimal.Value | null;
}

/**
 * The sums of one currency's holdings (currencies are never converted or mixed).
 * - holdings           = number of holdings; pricedHoldings = those with a price
 * - totalCost          = Σ totalCost of all holdings
 * - totalValue         = Σ currentValue of the priced holdings; null when none is priced
 * - profitLoss         = Σ profitLoss of the priced holdings (unrealised)
 * - profitLossPercent  = profitLoss / Σ totalCost of the priced holdings × 100
 * - dayChange          = Σ dayChange of the holdings that have one
 * - dayChangePercent   = dayChange / Σ shares × previousClose of those holdings × 100
 * - realisedPnl, dividends = Σ of the ledger's, 0 without a ledger
 * When some holdings have no price, `note` says so: value and P&L cover only the priced ones.
 */
export interface CurrencySummary {
  currency: string;
  holdings: number;
  pricedHoldings: number;
  totalCost: Decimal;
  totalValue: Decimal | null;
  profitLoss: Decimal | null;
  profitLossPercent: Decimal | null;
  dayChange: Decimal | null;
  dayChangePercent: Decimal | null;
  realisedPnl: Decimal;
  dividends: Decimal;
  note: string | null;
}

/** One summary per currency, ordered by currency code. */
export function summarizeByCurrency(items: readonly CurrencySummaryItem[]): CurrencySummary[] {
  const groups = new Map<string, CurrencySummaryItem[]>();
  for (const item of items) {
    const currency = item.currency.trim().toUpperCase();
    const group = groups.get(currency);
    if (group === undefined) groups.set(currency, [item]);
    else group.push(item);
  }
  return [...groups.keys()].sort().map((currency) => summarizeGroup(currency, groups.get(currency) ?? []));
}

function summarizeGroup(currency: string, items: readonly CurrencySummaryItem[]): CurrencySummary {
  let totalCost = ZERO;
  let pricedCost = ZERO;
  let totalValue = ZERO;
  let profitLoss = ZERO;
  let dayChange = ZERO;
  let previousValue = ZERO;
  let priced = 0;
  let withDayChange = 0;
  let realisedPnl = ZERO;
  let dividends = ZERO;
  for (const { valuation, ...ledger } of items) {
    totalCost = totalCost.plus(valuation.totalCost);
    realisedPnl = realisedPnl.plus(decimalOrNull(ledger.realisedPnl) ?? ZERO);
    dividends = dividends.plus(decimalOrNull(ledger.dividends) ?? ZERO);
    if (valuation.currentValue === null || valuation.profitLoss === null) continue;
    priced += 1;
    pricedCost = pricedCost.plus(valuation.totalCost);
    totalValue = totalValue.plus(valuation.currentValue);
    profitLoss = profitLoss.plus(valuation.profitLoss);
    if (valuation.dayChange !== null && valuation.previousClose !== null) {
      withDayChange += 1;
      dayChange = dayChange.plus(valuation.dayChange);
      previousValue = previousValue.plus(valuation.shares.times(valuation.previousClose));
    }
  }
  const unpriced = items.length - priced;
  return {
    currency,
    holdings: items.length,
    pricedHoldings: priced,
    totalCost,
    totalValue: priced === 0 ? null : totalValue,
    profitLoss: priced === 0 ? null : profitLoss,
    profitLossPercent: priced === 0 || pricedCost.isZero() ? null : profitLoss.div(pricedCost).times(HUNDRED),
    dayChange: withDayChange === 0 ? null : dayChange,
    dayChangePercent: withDayChange === 0 || previousValue.isZero() ? null : dayChange.div(previousValue).times(HUNDRED),
    realisedPnl,
    dividends,
    note: unpriced === 0
      ? null
      : `${unpriced} of ${items.length} ${currency} holdings have no price yet: value and P&L cover the other ${priced}`,
  };
}

export interface AllocationItem {
  /** Holding symbol (by holding) or any label. */
  symbol: string;
  /** Sector; null or empty counts as "Unknown". */
  sector?: string | null;
  /** Current value in one common currency; null (unpriced) is left out and listed. */
  value: Decimal.Value | null;
}

export interface AllocationSlice {
  key: string;
  value: Decimal;
  /** value / Σ values of the priced items (a fraction: 0.25 is 25%). */
  weight: number;
  holdings: number;
}

/**
 * Allocation by holding and by sector over the priced items (values must be in one currency):
 * weight = value / Σ value. Slices are ordered by value, largest first, then by key.
 * `unpriced` lists the symbols left out; weights are null-free and sum to 1 when total > 0.
 */
export interface Allocation {
  total: Decimal;
  byHolding: AllocationSlice[];
  bySector: AllocationSlice[];
  unpriced: string[];
}

export const UNKNOWN_SECTOR = 'Unknown';

export function allocation(items: readonly AllocationItem[]): Allocation {
  const holdings = new Map<string, { value: Decimal; holdings: number }>();
  const sectors = new Map<string, { value: Decimal; holdings: number }>();
  const unpriced: string[] = [];
  let total = ZERO;
  const add = (into: Map<string, { value: Decimal; holdings: number }>, key: string, value: Decimal): void => {
    const slot = into.get(key);
    if (slot === undefined) into.set(key, { value, holdings: 1 });
    else { slot.value = slot.value.plus(value); slot.holdings += 1; }
  };
  for (const item of items) {
    if (item.value === null) { unpriced.push(item.symbol); continue; }
    const value = toDecimal(item.value, `value of ${item.symbol}`);
    if (value.isNegative() && !value.isZero()) throw new RangeError(`value of ${item.symbol} must be ≥ 0`);
    total = total.plus(value);
    add(holdings, item.symbol, value);
    const sector = item.sector === null || item.sector === undefined || item.sector.trim() === '' ? UNKNOWN_SECTOR : item.sector.trim();
    add(sectors, sector, value);
  }
  const slices = (from: Map<string, { value: Decimal; holdings: number }>): AllocationSlice[] =>
    [...from.entries()]
      .map(([key, slot]) => ({ key, value: slot.value, weight: total.isZero() ? 0 : slot.value.div(total).toNumber(), holdings: slot.holdings }))
      .sort((a, b) => b.value.comparedTo(a.value) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { total, byHolding: slices(holdings), bySector: slices(sectors), unpriced };
}
