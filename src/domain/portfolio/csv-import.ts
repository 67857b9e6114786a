// Transactions from a CSV file: the mapper behind `POST /api/portfolio/transactions/import`.
//
// Generic columns (header names are matched case-insensitively, punctuation ignored):
//   date, symbol, type, shares, price, fees, currency      (fees and currency optional)
// plus `amount` (a dividend's cash when it has no per-share price) and `ratio` (a split's).
// Broker exports' header variants map to the same fields (the first alias present wins):
//   date      Date, Trade Date, Transaction Date, Activity Date, Run Date, Date/Time, Time
//   symbol    Symbol, Ticker, Ticker Symbol, Instrument, Stock Symbol
//   type      Type, Transaction Type, Action, Activity, Activity Type, Trans Code, Side, Buy/Sell
//   shares    Shares, Quantity, Qty, No. of shares, Number of Shares, Units
//   price     Price, Price per share, Price / share, Share Price, Unit Price, T. Price, Trade Price
//   fees      Fees, Fee, Commission, Commissions, Comm/Fee, Fees & Comm
//   currency  Currency, Currency (Price / share), CCY, Price Currency
//   amount    Amount, Net Amount, Total, Total Amount
//   ratio     Ratio, Split Ratio
// Lines before the header (a title, an account number) are passed over: the header is the first
// of the first 20 records naming a date, a symbol and a type or a quantity. `;` and tab
// delimiters are recognised from the header line.
//
// Values:
//   type      buy: Buy, Bought, B, Purchase, Market buy, Limit buy, "YOU BOUGHT ...", Buy to cover
//             sell: Sell, Sold, S, Sale, Market sell, "YOU SOLD ...", Sell short
//             dividend: Dividend, Div, CDIV, Cash Dividend, Qualified Dividend, "DIVIDEND RECEIVED"
//             split: Split, Stock Split, Forward Split, Reverse Split
//             Deposit, Withdrawal, Interest, Transfer, Journal, Tax, Fee ... rows move cash only:
//             they are listed as ignored, not rejected. Without a type column, the sign of the
//             quantity decides (positive buy, negative sell).
//   shares    taken as a magnitude (sells are often negative); fees too (often negative).
//   numbers   "1,234.50", "$12.5", "(12.50)" (negative), "USD 12.5"; a decimal comma is refused.
//   dividend  shares × price; a row with only an amount is 1 × amount.
//   split     the ratio column ("2:1", "2-for-1", "2/1", "3 for 2", "2") or else the shares
//             column: new shares per old share (see TransactionInput).
//   date      YYYY-MM-DD; YYYYMMDD; M/D/YYYY (D/M/YYYY with dateOrder 'dmy'); 15-Jan-2024;
//             Jan 15, 2024; "01/15/2024 as of 01/12/2024" takes the as-of date. With a time of day:
//             an ISO instant with a zone as written, a time without a zone ("2024-01-15 10:30:00",
//             "2024-01-15, 10:30:00") as New York wall time. A date alone is 00:00 UTC of it.
//   currency  the column's, else options.defaultCurrency (USD).
// Rows with neither a date nor a symbol, or neither a symbol nor a type (totals, footers), are
// ignored; every other bad row is rejected with its 1-based line (the header's line counts) and
// the reason.
//
// Each accepted row carries a duplicate key: SHA-256 of its canonical fields (instant, symbol,
// type, shares, price, fees, currency) and how many identical rows came before it in the file,
// so re-importing a file (or a later export that repeats its rows) is recognised row by row,
// while two genuine identical fills in one file stay two rows.
import { createHash } from 'node:crypto';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { Decimal } from 'decimal.js';
import { nyWallTime } from '../calendar/index.ts';
import { normalizeSymbol } from '../market/symbol.ts';
import { parseIsoDate } from '../time.ts';
import { Money, ZERO, canonicalDecimal, decimalOrNull } from './decimal.ts';
import { TransactionError, normalizeTransaction, type Transaction, type TransactionType } from './transaction.ts';

export type CsvField = 'date' | 'symbol' | 'type' | 'shares' | 'price' | 'fees' | 'currency' | 'amount' | 'ratio';

/** Header aliases per field, normalised (lower case, punctuation as single spaces), best first. */
export const CSV_HEADER_ALIASES: Readonly<Record<CsvField, readonly string[]>> = {
  date: ['date', 'trade date', 'transaction date', 'activity date', 'run date', 'date time', 'datetime', 'time', 'trade time', 'executed at'],
  symbol: ['symbol', 'ticker', 'ticker symbol', 'instrument', 'stock symbol', 'security symbol'],
  type: ['type', 'transaction type', 'action', 'activity', 'activity type', 'trans code', 'side', 'buy sell', 'transaction'],
  shares: ['shares', 'quantity', 'qty', 'no of shares', 'number of shares', 'units'],
  price: ['price', 'price per share', 'price share', 'share price', 'unit price', 't price', 'trade price', 'execution price'],
  fees: ['fees', 'fee', 'commission', 'commissions', 'comm fee', 'fees comm', 'fees commissions'],
  currency: ['currency', 'currency price share', 'ccy', 'price currency', 'currency code'],
  amount: ['amount', 'net amount', 'total', 'total amount'],
  ratio: ['ratio', 'split ratio'],
};

export interface CsvImportOptions {
  /** Currency of rows without a currency column or value (default USD). */
  defaultCurrency?: string;
  /** How to read slashed dates: 'mdy' (US brokers, the default) or 'dmy'. */
  dateOrder?: 'mdy' | 'dmy';
}

/** A transaction read from a row, without an id (the store gives it one). */
export interface CsvImportRow extends Omit<Transaction, 'id'> {
  /** 1-based line of the row in the file. */
  line: number;
  /** Stable across imports of the same rows: see the file comment. */
  duplicateKey: string;
}

export interface CsvLineNote {
  line: number;
  reason: string;
}

export interface CsvImportResult {
  rows: CsvImportRow[];
  /** Rows that are not valid transactions: the file should not be imported while any remain. */
  rejected: CsvLineNote[];
  /** Rows that move cash only (deposits, interest) or are no transaction (totals, footers). */
  ignored: CsvLineNote[];
  /** The header's line and the header cell used for each field, or null when none was found. */
  header: { line: number; columns: Partial<Record<CsvField, string>> } | null;
}

const HEADER_SEARCH_RECORDS = 20;
const DEFAULT_CURRENCY = 'USD';

/** Maps a CSV text to transactions, rejected rows (with line and reason) and ignored rows. */
export function parseTransactionsCsv(text: string, options: CsvImportOptions = {}): CsvImportResult {
  const result: CsvImportResult = { rows: [], rejected: [], ignored: [], header: null };
  // One line ending, so the parser's line count is the file's (it counts "\r\n" inside quotes twice).
  const normalized = text.replace(/\r\n?/g, '\n');
  let records: { cells: string[]; line: number }[];
  try {
    const parsed = parse(normalized, {
      bom: true,
      delimiter: detectDelimiter(normalized),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    // The parser reports the line a record ends on; a quoted field may span lines.
    records = parsed.map(({ record, info }) => ({ cells: record, line: info.lines - countNewlines(record) }));
  } catch (error) {
    if (error instanceof CsvError) {
      result.rejected.push({ line: typeof error.lines === 'number' ? error.lines : 1, reason: `malformed CSV: ${error.message}` });
      return result;
    }
    throw error;
  }
  const headerAt = records.slice(0, HEADER_SEARCH_RECORDS).findIndex((record) => headerLayout(record.cells) !== null);
  const headerRecord = records[headerAt];
  const layout = headerRecord === undefined ? null : headerLayout(headerRecord.cells);
  if (headerRecord === undefined || layout === null) {
    result.rejected.push({
      line: records[0]?.line ?? 1,
      reason: 'no header row naming a date, a symbol and a type or quantity column (generic columns: date, symbol, type, shares, price, fees, currency)',
    });
    return result;
  }
  result.header = {
    line: headerRecord.line,
    columns: Object.fromEntries(Object.entries(layout).map(([field, index]) => [field, headerRecord.cells[index] ?? ''])),
  };
  const defaultCurrency = (options.defaultCurrency ?? DEFAULT_CURRENCY).trim().toUpperCase();
  const dateOrder = options.dateOrder ?? 'mdy';
  const occurrences = new Map<string, number>();
  for (const record of records.slice(headerAt + 1)) {
    const cell = (field: CsvField): string => {
      const index = layout[field];
      return index === undefined ? '' : (record.cells[index] ?? '').trim();
    };
    if (record.cells.every((value) => value.trim() === '')) continue;
    const outcome = readRow(cell, layout.type !== undefined, defaultCurrency, dateOrder);
    if (outcome.kind === 'ignored') { result.ignored.push({ line: record.line, reason: outcome.reason }); continue; }
    if (outcome.kind === 'rejected') { result.rejected.push({ line: record.line, reason: outcome.reason }); continue; }
    const canonical = canonicalRow(outcome.transaction);
    const seen = occurrences.get(canonical) ?? 0;
    occurrences.set(canonical, seen + 1);
    const { id: _id, ...transaction } = outcome.transaction;
    result.rows.push({ ...transaction, line: record.line, duplicateKey: hashKey(canonical, seen) });
  }
  return result;
}

/**
 * The duplicate key of a transaction: SHA-256 (hex) of its canonical fields and its occurrence
 * among identical rows (0 for the first). Import rows carry it; a transaction entered by hand can
 * be keyed the same way to recognise it in a later import.
 */
export function transactionKey(tx: Omit<Transaction, 'id' | 'tradingDate'>, occurrence = 0): string {
  return hashKey(canonicalRow(tx), occurrence);
}

function canonicalRow(tx: Omit<Transaction, 'id' | 'tradingDate'>): string {
  return [tx.date.toISOString(), tx.symbol, tx.type, canonicalDecimal(tx.shares), canonicalDecimal(tx.price), canonicalDecimal(tx.fees), tx.currency].join('|');
}

function hashKey(canonical: string, occurrence: number): string {
  return createHash('sha256').update(`${canonical}#${occurrence}`).digest('hex');
}

type Layout = Partial<Record<CsvField, number>>;

function normalizeHeader(cell: string): string {
  return cell.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/** Column index per field, or null when the record is not a header we can use. */
function headerLayout(cells: readonly string[]): Layout | null {
  const names = cells.map(normalizeHeader);
  const layout: Layout = {};
  for (const [field, aliases] of Object.entries(CSV_HEADER_ALIASES) as [CsvField, readonly string[]][]) {
    for (const alias of aliases) {
      const index = names.indexOf(alias);
      if (index !== -1 && !Object.values(layout).includes(index)) { layout[field] = index; break; }
    }
  }
  const usable = layout.date !== undefined && layout.symbol !== undefined && (layout.type !== undefined || layout.shares !== undefined);
  return usable ? layout : null;
}

function detectDelimiter(text: string): string {
  const firstLines = text.split('\n', HEADER_SEARCH_RECORDS).join('\n');
  const counts = [',', ';', '\t'].map((delimiter) => ({ delimiter, count: firstLines.split(delimiter).length - 1 }));
  counts.sort((a, b) => b.count - a.count);
  return counts[0] !== undefined && counts[0].count > 0 ? counts[0].delimiter : ',';
}

function countNewlines(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) count += 1;
  return count;
}

type RowOutcome =
  | { kind: 'row'; transaction: Transaction }
  | { kind: 'rejected'; reason: string }
  | { kind: 'ignored'; reason: string };

function readRow(
  cell: (field: CsvField) => string,
  hasTypeColumn: boolean,
  defaultCurrency: string,
  dateOrder: 'mdy' | 'dmy',
): RowOutcome {
  const rawDate = cell('date');
  const rawSymbol = cell('symbol');
  const rawType = cell('type');
  if (rawDate === '' && rawSymbol === '') return { kind: 'ignored', reason: 'no date and no symbol: not a transaction' };
  let type: TransactionType;
  const shares = parseAmount(cell('shares'));
  if (hasTypeColumn) {
    const recognised = transactionTypeOf(rawType);
    if (recognised === 'cash') return { kind: 'ignored', reason: `${JSON.stringify(rawType)} moves cash only` };
    if (recognised === null && rawType === '' && rawSymbol === '') return { kind: 'ignored', reason: 'no symbol and no type: not a transaction' };
    if (recognised === null) return { kind: 'rejected', reason: rawType === '' ? 'missing type' : `unknown type ${JSON.stringify(rawType)}` };
    type = recognised;
  } else {
    if (shares === null || shares === 'invalid' || shares.isZero()) {
      return { kind: 'rejected', reason: 'without a type column, a non-zero quantity is needed (positive buy, negative sell)' };
    }
    type = shares.isNegative() ? 'sell' : 'buy';
  }
  if (rawSymbol === '') return { kind: 'rejected', reason: 'missing symbol' };
  const symbol = normalizeSymbol(rawSymbol);
  if (symbol === null) return { kind: 'rejected', reason: `invalid symbol ${JSON.stringify(rawSymbol)}` };
  if (rawDate === '') return { kind: 'rejected', reason: 'missing date' };
  const date = parseCsvDate(rawDate, dateOrder);
  if (date === null) return { kind: 'rejected', reason: `unreadable date ${JSON.stringify(rawDate)}` };
  const currency = cell('currency') === '' ? defaultCurrency : cell('currency').toUpperCase();

  const price = parseAmount(cell('price'));
  const fees = parseAmount(cell('fees'));
  if (shares === 'invalid') return { kind: 'rejected', reason: `unreadable quantity ${JSON.stringify(cell('shares'))}` };
  if (price === 'invalid') return { kind: 'rejected', reason: `unreadable price ${JSON.stringify(cell('price'))}` };
  if (fees === 'invalid') return { kind: 'rejected', reason: `unreadable fees ${JSON.stringify(cell('fees'))}` };
  let txShares: Decimal | null = shares === null ? null : shares.abs();
  let txPrice: Decimal | null = price;
  if (type === 'dividend' && (txShares === null || txPrice === null)) {
    const amount = parseAmount(cell('amount'));
    if (amount === 'invalid') return { kind: 'rejected', reason: `unreadable amount ${JSON.stringify(cell('amount'))}` };
    if (amount === null) return { kind: 'rejected', reason: 'a dividend needs shares and price, or an amount' };
    txShares = new Money(1);
    txPrice = amount.abs();
  }
  if (type === 'split') {
    const ratio = cell('ratio') === '' ? txShares : parseRatio(cell('ratio'));
    if (ratio === null) return { kind: 'rejected', reason: `a split needs its ratio (ratio column like "2:1", or shares = new shares per old share)` };
    txShares = ratio;
    txPrice = ZERO;
  }
  if (txShares === null) return { kind: 'rejected', reason: 'missing quantity' };
  if (txPrice === null) return { kind: 'rejected', reason: 'missing price' };
  try {
    const transaction = normalizeTransaction({
      id: 'row', symbol, type, date, shares: txShares, price: txPrice,
      fees: type === 'split' ? ZERO : (fees ?? ZERO).abs(), currency,
    });
    return { kind: 'row', transaction };
  } catch (error) {
    if (error instanceof TransactionError) return { kind: 'rejected', reason: error.message.replace(/^transaction row \([^)]*\): /, '') };
    throw error;
  }
}

/** A transaction type from a broker's wording, 'cash' for cash-only rows, or null. */
export function transactionTypeOf(raw: string): TransactionType | 'cash' | null {
  const words = raw.toLowerCase().replace(/[^a-z]+/g, ' ').trim();
  if (words === '') return null;
  if (words === 'b' || words === 'bot') return 'buy';
  if (words === 's' || words === 'sld') return 'sell';
  if (/\bsplit\b/.test(words)) return 'split';
  if (/\b(sell|sold|sale)\b/.test(words)) return 'sell';
  if (/\b(buy|bought|purchase|purchased)\b/.test(words)) return 'buy';
  if (/\b(tax|taxes|withholding)\b/.test(words)) return 'cash';
  if (/\b(div|dividend|dividends|cdiv|qdiv)\b/.test(words)) return 'dividend';
  if (/\b(deposit|withdrawal|withdraw|interest|transfer|journal|wire|ach|fee|fees|lending|cash|credit|debit)\b/.test(words)) return 'cash';
  return null;
}

const CURRENCY_AFFIX = /^[A-Z]{3}\s+|\s+[A-Z]{3}$/g;
const THOUSANDS = /^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/** A broker's number: null when empty, 'invalid' when unreadable. */
export function parseAmount(raw: string): Decimal | null | 'invalid' {
  let text = raw.trim().replace(CURRENCY_AFFIX, '').replace(/[$€£¥\s]/g, '');
  if (text === '' || text === '-' || text === '--') return null;
  let negative = false;
  if (/^\(.*\)$/.test(text)) { negative = true; text = text.slice(1, -1); }
  if (text.startsWith('-') || text.startsWith('+')) { negative = negative !== text.startsWith('-'); text = text.slice(1); }
  if (THOUSANDS.test(text)) text = text.replace(/,/g, '');
  const value = decimalOrNull(text);
  if (value === null || text.startsWith('-') || text.startsWith('+')) return 'invalid';
  return negative ? value.neg() : value;
}

/** "2:1", "2-for-1", "2 for 1", "2/1" or "2": new shares per old share; null when unreadable or ≤ 0. */
export function parseRatio(raw: string): Decimal | null {
  const match = /^\s*([\d.]+)\s*(?::|\/|-?\s*for\s*-?)\s*([\d.]+)\s*$/i.exec(raw);
  const [newShares, oldShares] = match === null ? [decimalOrNull(raw), new Money(1)] : [decimalOrNull(match[1]), decimalOrNull(match[2])];
  if (newShares === null || oldShares === null || !newShares.gt(0) || !oldShares.gt(0)) return null;
  return newShares.div(oldShares);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** An instant from the date formats in the file comment, or null. */
export function parseCsvDate(raw: string, dateOrder: 'mdy' | 'dmy' = 'mdy'): Date | null {
  let text = raw.trim();
  const asOf = /\bas of\s+(.+)$/i.exec(text);
  if (asOf?.[1] !== undefined) text = asOf[1].trim();
  if (/[T ]\d{2}:\d{2}.*(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && /^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    return Number.isFinite(ms) && !Number.isNaN(parseIsoDate(text.slice(0, 10))) ? new Date(ms) : null;
  }
  const withTime = /^(.*?)[,\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?$/.exec(text);
  let dayText = text;
  let wall: { hour: number; minute: number; second: number } | null = null;
  if (withTime !== null && withTime[1] !== undefined && /\d/.test(withTime[1])) {
    let hour = Number(withTime[2]);
    const minute = Number(withTime[3]);
    const second = Number(withTime[4] ?? '0');
    const meridiem = withTime[5]?.toLowerCase();
    if (meridiem !== undefined) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
    }
    if (hour > 23 || minute > 59 || second > 59) return null;
    dayText = withTime[1].trim();
    wall = { hour, minute, second };
  }
  const day = parseDay(dayText, dateOrder);
  if (day === null) return null;
  if (wall === null) return new Date(parseIsoDate(day));
  return new Date(nyWallTime(day, wall.hour, wall.minute).getTime() + wall.second * 1000);
}

/** YYYY-MM-DD of a written day, or null. */
function parseDay(text: string, dateOrder: 'mdy' | 'dmy'): string | null {
  const make = (year: number, month: number, day: number): string | null => {
    if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
    const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    return Number.isNaN(parseIsoDate(iso)) ? null : iso;
  };
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (match !== null) return make(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (match !== null) return make(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
  if (match !== null) {
    const [first, second] = [Number(match[1]), Number(match[2])];
    return dateOrder === 'mdy' ? make(Number(match[3]), first, second) : make(Number(match[3]), second, first);
  }
  match = /^(\d{1,2})[-\s]([A-Za-z]{3})[A-Za-z]*\.?[-\s,]+(\d{4})$/.exec(text);
  if (match !== null) return make(Number(match[3]), MONTHS.indexOf((match[2] ?? '').toLowerCase()) + 1, Number(match[1]));
  match = /^([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(text);
  if (match !== null) return make(Number(match[3]), MONTHS.indexOf((match[1] ?? '').toLowerCase()) + 1, Number(match[2]));
  return null;
}

