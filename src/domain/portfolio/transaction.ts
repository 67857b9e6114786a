// Transactions of the ledger: what a user records (buys, sells, dividends, splits), how a record
// is checked, the one order they are applied in, and the trading date each belongs to.
import type { Decimal } from 'decimal.js';
import { nyDate } from '../calendar/index.ts';
import { normalizeSymbol } from '../market/symbol.ts';
import { isoDate, parseIsoDate } from '../time.ts';
import { ZERO, decimalOrNull } from './decimal.ts';

export type TransactionType = 'buy' | 'sell' | 'dividend' | 'split';
export const TRANSACTION_TYPES: readonly TransactionType[] = ['buy', 'sell', 'dividend', 'split'];

/**
 * A transaction as recorded. Amounts are decimals (Decimal, decimal string or finite number).
 * - buy / sell: `shares` bought or sold (> 0) at `price` per share (buy > 0, sell ≥ 0: a
 *   worthless position can be written off at 0); `fees` (≥ 0) are the commission.
 * - dividend: the amount received is `shares × price` (shares entitled × dividend per share; an
 *   export that gives only the amount is recorded as 1 × amount); `fees` is the withholding tax or
 *   charge deducted from it. It does not change the position's shares.
 * - split: `shares` carries the RATIO of new shares per old share: 2 for a 2-for-1 split, 0.1 for
 *   a 1-for-10 reverse split. `price` is ignored (0 allowed) and `fees` must be 0. Fractional
 *   shares left by a reverse split are kept (cash in lieu is a separate sell).
 */
export interface TransactionInput {
  id: string | number;
  symbol: string;
  type: TransactionType;
  /** A Date, an ISO instant with a zone ("2024-01-05T14:30:00Z"), or a date ("2024-01-05" = 00:00 UTC). */
  date: Date | string;
  shares: Decimal.Value;
  price: Decimal.Value;
  fees?: Decimal.Value | null;
  /** ISO 4217 code, e.g. USD. */
  currency: string;
}

/** A checked transaction: canonical symbol and currency, Decimal amounts, its trading date. */
export interface Transaction {
  id: string;
  symbol: string;
  type: TransactionType;
  date: Date;
  /** The session date it belongs to: see tradingDateOf. */
  tradingDate: string;
  shares: Decimal;
  price: Decimal;
  fees: Decimal;
  currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;
const INSTANT_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** A transaction that cannot be recorded or applied; the message names the transaction. */
export class TransactionError extends Error {
  constructor(
    message: string,
    /** The id of the offending transaction. */
    readonly transactionId: string,
  ) {
    super(message);
    this.name = 'TransactionError';
  }
}

/**
 * The trading (session) date of a transaction: a date-only value (stored as 00:00 UTC, the
 * daily-bar convention) is that date; any other instant belongs to the New York date it falls on.
 */
export function tradingDateOf(date: Date): string {
  return date.getTime() % 86_400_000 === 0 ? isoDate(date) : nyDate(date);
}

/** An instant from a Date or an ISO string, or null (a time of day without a zone is refused as ambiguous). */
export function parseTransactionDate(raw: Date | string): Date | null {
  if (raw instanceof Date) return Number.isFinite(raw.getTime()) ? new Date(raw.getTime()) : null;
  const text = raw.trim();
  const dayMs = parseIsoDate(text);
  if (!Number.isNaN(dayMs)) return new Date(dayMs);
  if (!INSTANT_WITH_ZONE.test(text) || Number.isNaN(parseIsoDate(text.slice(0, 10)))) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/** A short human label of a transaction for messages: `#12 (sell 10 AAPL on 2024-01-05)`. */
export function describeTransaction(tx: Pick<TransactionInput, 'id' | 'type' | 'shares' | 'symbol'> & { date: Date | string }): string {
  const when = tx.date instanceof Date ? (Number.isFinite(tx.date.getTime()) ? isoDate(tx.date) : 'an invalid date') : String(tx.date);
  const what = tx.type === 'split' ? `split ${String(tx.shares)}-for-1 of ${tx.symbol}` : `${tx.type} ${String(tx.shares)} ${tx.symbol}`;
  return `transaction ${String(tx.id)} (${what} on ${when})`;
}

/** Why a transaction cannot be recorded, or null when it can (the checks of normalizeTransaction). */
export function transactionProblem(input: TransactionInput): string | null {
  try {
    normalizeTransaction(input);
    return null;
  } catch (error) {
    if (error instanceof TransactionError) return error.message;
    throw error;
  }
}

/** The checked form of a transaction; throws TransactionError naming it and the field at fault. */
export function normalizeTransaction(input: TransactionInput): Transaction {
  const id = String(input.id);
  const fail: (why: string) => never = (why) => {
    throw new TransactionError(`${describeTransaction(input)}: ${why}`, id);
  };
  if (!(TRANSACTION_TYPES as readonly string[]).includes(input.type)) fail(`type must be one of ${TRANSACTION_TYPES.join(', ')}`);
  const symbol = typeof input.symbol === 'string' ? normalizeSymbol(input.symbol) : null;
  if (symbol === null) fail(`invalid symbol ${JSON.stringify(input.symbol)}`);
  const currency = typeof input.currency === 'string' ? input.currency.trim().toUpperCase() : '';
  if (!CURRENCY.test(currency)) fail(`currency must be a 3-letter ISO code, got ${JSON.stringify(input.currency)}`);
  const date = parseTransactionDate(input.date);
  if (date === null) fail(`date must be YYYY-MM-DD or an ISO instant with a zone, got ${JSON.stringify(String(input.date))}`);
  const shares = decimalOrNull(input.shares);
  if (shares === null) fail(`shares must be a decimal number, got ${JSON.stringify(String(input.shares))}`);
  const price = decimalOrNull(input.price);
  if (price === null) fail(`price must be a decimal number, got ${JSON.stringify(String(input.price))}`);
  const fees = input.fees === null || input.fees === undefined || input.fees === '' ? ZERO : decimalOrNull(input.fees);
  if (fees === null) fail(`fees must be a decimal number, got ${JSON.stringify(String(input.fees))}`);
  const type = input.type;
  if (!isPositive(shares)) fail(type === 'split' ? 'the split ratio (shares) must be > 0' : 'shares must be > 0');
  if (isNegative(fees)) fail('fees must be ≥ 0');
  if (type === 'buy' && !isPositive(price)) fail('price must be > 0');
  if (type === 'dividend' && !isPositive(price)) fail('the dividend per share (price) must be > 0');
  if (type === 'sell' && isNegative(price)) fail('price must be ≥ 0');
  if (type === 'split' && !fees.isZero()) fail('a split has no fees');
  // A date-only string is its own trading date (saves formatting the instant back).
  const tradingDate = typeof input.date === 'string' && input.date.length === 10 ? input.date : tradingDateOf(date);
  return { id, symbol, type, date, tradingDate, shares, price, fees, currency };
}

// Sign tests without allocating a Decimal for the 0 they compare with.
const isPositive = (value: Decimal): boolean => !value.isZero() && value.isPositive();
const isNegative = (value: Decimal): boolean => !value.isZero() && value.isNegative();

/** On one instant: a split first (later trades that day are at post-split prices), then buys, dividends, sells. */
const TYPE_RANK: Record<TransactionType, number> = { split: 0, buy: 1, dividend: 2, sell: 3 };

/**
 * The order transactions are applied in: by instant, then split < buy < dividend < sell, then
 * by id (numerically when both ids are whole numbers, as database ids are). A sort with this
 * comparator is stable, so identical keys keep their input order.
 */
export function compareTransactions(a: Transaction, b: Transaction): number {
  const byDate = a.date.getTime() - b.date.getTime();
  if (byDate !== 0) return byDate;
  const byType = TYPE_RANK[a.type] - TYPE_RANK[b.type];
  if (byType !== 0) return byType;
  return compareIds(a.id, b.id);
}

const WHOLE = /^\d+$/;

function compareIds(a: string, b: string): number {
  if (WHOLE.test(a) && WHOLE.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Checked transactions in application order (throws TransactionError on the first bad one). */
export function sortTransactions(inputs: readonly TransactionInput[]): Transaction[] {
  return inputs.map(normalizeTransaction).sort(compareTransactions);
}
