// Transactions: buys, sells, dividends and splits, recorded one at a time or imported from a
// broker's CSV. Every change re-derives the holding's position by the ledger (average cost) in
// the same database transaction, so a change the ledger cannot apply (a sell of more shares than
// held) is refused with a 400 and leaves nothing behind. An import is all or nothing per file.
import type { Decimal } from 'decimal.js';
import type { HoldingRow, NewTransaction, PortfolioRepository, TransactionRow } from '../../db/repositories/portfolio.ts';
import { invalid, InvalidInput, NotFound, notFound } from '../../domain/errors.ts';
import {
  Money,
  TransactionError,
  normalizeTransaction,
  parseTransactionsCsv,
  type CsvImportOptions,
  type CsvImportRow,
  type CsvLineNote,
  type Transaction,
  type TransactionType,
} from '../../domain/portfolio/index.ts';
import type { Clock } from '../../domain/time.ts';
import type { StockCatalog, StockRow } from '../market/catalog.ts';
import { symbolOrThrow } from '../market/catalog.ts';
import { amountField, instantField, instantProblem, PLACES, wire, type AmountRule } from './amounts.ts';
import { knownStock, MAX_HOLDINGS } from './holdings.ts';
import { freeDuplicateKey, rebuildPositions, type TransactionLabel } from './ledger.ts';

/** Transactions one user may keep: 5 years of daily trading in 40 symbols. */
export const MAX_TRANSACTIONS = 100_000;
/** Rows one import may bring (the body limit, 1 MB, is reached first by ordinary exports). */
export const MAX_IMPORT_ROWS = 20_000;
/** Rejected lines listed in an import's error (the count is in its message). */
const MAX_LISTED_LINES = 200;

export interface TransactionBody {
  symbol: string;
  type: TransactionType;
  date: string;
  shares: number | string;
  price?: number | string;
  fees?: number | string | null;
  currency?: string;
  notes?: string | null;
}

export type TransactionPatch = Partial<Omit<TransactionBody, 'symbol' | 'currency'>>;

export interface TransactionFilterInput {
  symbol?: string;
  type?: TransactionType;
  from?: string;
  to?: string;
}

export interface TransactionView {
  id: string;
  holdingId: string;
  symbol: string;
  type: TransactionType;
  /** The instant recorded (a date alone is 00:00 UTC of that day). */
  date: string;
  /** The New York session date it belongs to. */
  tradingDate: string;
  /** Shares bought, sold or entitled to the dividend; a split's ratio (new shares per old share). */
  shares: number;
  price: number;
  fees: number;
  /** shares × price (a buy's cost or a sale's proceeds before fees, a dividend's gross); null for a split. */
  amount: number | null;
  currency: string;
  source: 'opening' | 'manual' | 'import';
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ImportOptions {
  defaultCurrency?: string;
  dateOrder?: 'mdy' | 'dmy';
  /** Check everything, write nothing. */
  dryRun?: boolean;
}

export interface ImportReport {
  dryRun: boolean;
  /** Rows written (or that would be, on a dry run). */
  imported: number;
  /** Rows skipped because the user's transactions already hold them (a re-import), with their lines. */
  duplicates: number;
  duplicateLines: number[];
  /** Rows that are no trade (deposits, interest, totals), with why. */
  ignored: CsvLineNote[];
  symbols: string[];
  holdingsCreated: string[];
  /** The header line found and the column used for each field. */
  header: { line: number; columns: Record<string, string> } | null;
}

export function transactionView(row: TransactionRow): TransactionView {
  const shares = new Money(row.shares);
  return {
    id: row.id,
    holdingId: row.holdingId,
    symbol: row.symbol,
    type: row.type as TransactionType,
    date: row.date.toISOString(),
    tradingDate: row.tradingDate,
    shares: wire(shares, PLACES.shares) as number,
    price: wire(row.price, PLACES.price) as number,
    fees: wire(row.fees, PLACES.money) as number,
    amount: row.type === 'split' ? null : wire(shares.times(row.price), PLACES.money),
    currency: row.currency,
    source: row.source as TransactionView['source'],
    notes: row.notes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const SPLIT_RATIO = { min: 1e-6, max: 1e6 };

/** The rules of each amount by type (the domain checks signs again; these add sane bounds). */
function amountRules(type: TransactionType): { shares: AmountRule; price: AmountRule | null; fees: AmountRule | null } {
  switch (type) {
    case 'buy': return { shares: { sign: 'positive' }, price: { sign: 'positive' }, fees: { sign: 'nonNegative' } };
    // A worthless position can be written off at 0.
    case 'sell': return { shares: { sign: 'positive' }, price: { sign: 'nonNegative' }, fees: { sign: 'nonNegative' } };
    case 'dividend': return { shares: { sign: 'positive' }, price: { sign: 'positive' }, fees: { sign: 'nonNegative' } };
    // A ratio such as 1-for-3 has endless decimals: kept as given.
    case 'split': return { shares: { sign: 'positive', max: SPLIT_RATIO.max, decimals: 60 }, price: null, fees: null };
  }
}

interface Amounts {
  shares: number | string | Decimal;
  price?: number | string | Decimal | null;
  fees?: number | string | Decimal | null;
}

const asInput = (value: number | string | Decimal): number | string => (typeof value === 'object' ? value.toFixed() : value);

/** Checked amounts of a transaction of `type`; a 400 naming the field otherwise. */
function checkedAmounts(type: TransactionType, amounts: Amounts): { shares: Decimal; price: Decimal; fees: Decimal } {
  const rules = amountRules(type);
  const shares = amountField('shares', asInput(amounts.shares), rules.shares);
  if (type === 'split') {
    if (shares.lt(SPLIT_RATIO.min)) throw invalid('The split ratio is too small.', { shares: [`A split's ratio (new shares per old share) must be at least ${SPLIT_RATIO.min}.`] });
    const fees = amounts.fees === undefined || amounts.fees === null ? null : new Money(asInput(amounts.fees));
    if (fees !== null && !fees.isZero()) throw invalid('A split has no fees.', { fees: ['A split has no fees.'] });
    return { shares, price: new Money(0), fees: new Money(0) };
  }
  if (amounts.price === undefined || amounts.price === null) throw invalid('price is required.', { price: ['This field is required.'] });
  const price = amountField('price', asInput(amounts.price), rules.price as AmountRule);
  const fees = amounts.fees === undefined || amounts.fees === null ? new Money(0) : amountField('fees', asInput(amounts.fees), rules.fees as AmountRule);
  return { shares, price, fees };
}

function checkedNotes(notes: string | null | undefined): string | null | undefined {
  if (notes !== undefined && notes !== null && notes.length > 2_000) throw invalid('notes is too long.', { notes: ['Ensure this field has no more than 2000 characters.'] });
  return notes;
}

function stored(tx: Transaction): Pick<NewTransaction, 'type' | 'date' | 'tradingDate' | 'shares' | 'price' | 'fees' | 'currency'> {
  return { type: tx.type, date: tx.date, tradingDate: tx.tradingDate, shares: tx.shares.toFixed(), price: tx.price.toFixed(), fees: tx.fees.toFixed(), currency: tx.currency };
}

/** A dry run ends by rolling its transaction back with the report it would have given. */
class DryRunDone extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

function refusedImport(lines: readonly CsvLineNote[], total: number): InvalidInput {
  const sorted = [...lines].sort((a, b) => a.line - b.line);
  const fields: Record<string, string[]> = {};
  for (const note of sorted.slice(0, MAX_LISTED_LINES)) (fields[`line ${note.line}`] ??= []).push(note.reason);
  const more = sorted.length > MAX_LISTED_LINES ? ` (the first ${MAX_LISTED_LINES} are listed)` : '';
  return invalid(`${sorted.length} of ${total} rows cannot be imported${more}; nothing was imported. Fix them and send the file again.`, fields);
}

export class TransactionService {
  constructor(
    private readonly repo: PortfolioRepository,
    private readonly catalog: StockCatalog,
    private readonly clock: Clock,
  ) {}

  async list(userId: string, filter: TransactionFilterInput, page: { offset: number; limit: number }): Promise<{ items: TransactionView[]; count: number }> {
    const symbol = filter.symbol === undefined ? undefined : symbolOrThrow(filter.symbol);
    if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) throw invalid('from is after to.', { to: ['Must be on or after from.'] });
    const { rows, count } = await this.repo.transactions(userId, { symbol, type: filter.type, from: filter.from, to: filter.to }, page);
    return { items: rows.map(transactionView), count };
  }

  async get(userId: string, id: string): Promise<TransactionView> {
    const row = await this.repo.transaction(userId, id);
    if (row === null) throw notFound('Transaction not found.');
    return transactionView(row);
  }

  /** The checked transaction (the domain's checks after ours); currency defaults to the stock's. */
  private checked(id: string, stock: Pick<StockRow, 'symbol' | 'currency'>, body: { type: TransactionType; date: string | Date; currency?: string } & Amounts): Transaction {
    const now = this.clock.now();
    const date = typeof body.date === 'string' ? instantField('date', body.date, now) : body.date;
    const { shares, price, fees } = checkedAmounts(body.type, body);
    try {
      return normalizeTransaction({ id, symbol: stock.symbol, type: body.type, date, shares, price, fees, currency: body.currency ?? stock.currency });
    } catch (error) {
      if (error instanceof TransactionError) throw invalid(error.message.replace(/^transaction \S+ \([^)]*\): /, ''), { transaction: [error.message] });
      throw error;
    }
  }

  async create(userId: string, body: TransactionBody): Promise<TransactionView> {
    const stock = await knownStock(this.catalog, body.symbol);
    const tx = this.checked('new', stock, body);
    const notes = checkedNotes(body.notes) ?? null;
    const id = await this.repo.withUserLock(userId, async (repo) => {
      if ((await repo.countTransactions(userId)) >= MAX_TRANSACTIONS) {
        throw invalid(`At most ${MAX_TRANSACTIONS} transactions per user.`, { transactions: [`You have ${MAX_TRANSACTIONS} transactions.`] });
      }
      const holding = await this.holdingFor(repo, userId, stock);
      if (holding.currency !== tx.currency) {
        throw invalid(`${stock.symbol} is held in ${holding.currency}: record its transactions in ${holding.currency}.`, { currency: [`Must be ${holding.currency}.`] });
      }
      const [row] = await repo.insertTransactions([{
        userId, holdingId: holding.id, symbol: stock.symbol, ...stored(tx), source: 'manual',
        duplicateKey: await freeDuplicateKey(repo, userId, tx), notes,
      }]);
      const created = row as TransactionRow;
      await rebuildPositions(repo, [holding], (txId) => (txId === created.id ? 'this transaction' : null));
      return created.id;
    });
    return this.get(userId, id);
  }

  /** The user's holding of a stock, created (empty, within the limit) when there is none. */
  private async holdingFor(repo: PortfolioRepository, userId: string, stock: Pick<StockRow, 'symbol' | 'currency'>): Promise<HoldingRow> {
    const existing = await repo.holdingBySymbol(userId, stock.symbol);
    if (existing !== null) return existing;
    if ((await repo.countHoldings(userId)) >= MAX_HOLDINGS) {
      throw invalid(`At most ${MAX_HOLDINGS} holdings per user: ${stock.symbol} would be one more.`, { symbol: [`You have ${MAX_HOLDINGS} holdings.`] });
    }
    const created = await repo.insertHolding({ userId, symbol: stock.symbol, currency: stock.currency, purchaseDate: null, notes: null });
    if (created === null) throw new Error(`holding of ${stock.symbol} appeared under the user's lock`);
    return created;
  }

  async update(userId: string, id: string, patch: TransactionPatch): Promise<TransactionView> {
    const notes = checkedNotes(patch.notes);
    await this.repo.withUserLock(userId, async (repo) => {
      const row = await repo.transaction(userId, id);
      if (row === null) throw notFound('Transaction not found.');
      if (row.source === 'opening' && patch.type !== undefined && patch.type !== 'buy') {
        throw invalid('The opening buy of a holding stays a buy.', { type: ['Record a separate transaction instead.'] });
      }
      const type = patch.type ?? (row.type as TransactionType);
      const changesLedger = patch.type !== undefined || patch.date !== undefined || patch.shares !== undefined || patch.price !== undefined || patch.fees !== undefined;
      if (!changesLedger) {
        if (notes !== undefined) await repo.updateTransaction(userId, id, { notes });
        return;
      }
      const tx = this.checked(row.id, { symbol: row.symbol, currency: row.currency }, {
        type,
        date: patch.date ?? row.date,
        shares: patch.shares ?? row.shares,
        price: patch.price ?? (type === 'split' ? null : row.price),
        fees: patch.fees === undefined ? (type === 'split' ? null : row.fees) : patch.fees,
        currency: row.currency,
      });
      await repo.updateTransaction(userId, id, {
        ...stored(tx),
        duplicateKey: await freeDuplicateKey(repo, userId, tx, row.duplicateKey),
        ...(notes === undefined ? {} : { notes }),
      });
      await rebuildPositions(repo, [{ id: row.holdingId, userId }], (txId) => (txId === row.id ? 'this transaction' : null));
    });
    return this.get(userId, id);
  }

  /** Deletes a transaction; a holding left without transactions goes too. */
  async delete(userId: string, id: string): Promise<{ holdingDeleted: boolean }> {
    return this.repo.withUserLock(userId, async (repo) => {
      const row = await repo.transaction(userId, id);
      if (row === null) throw notFound('Transaction not found.');
      await repo.deleteTransaction(userId, id);
      const { deleted } = await rebuildPositions(repo, [{ id: row.holdingId, userId }]);
      return { holdingDeleted: deleted.length > 0 };
    });
  }

  /**
   * Imports a CSV (see src/domain/portfolio/csv-import.ts for the columns and broker variants).
   * All or nothing: one rejected row, one unknown symbol or one row the ledger cannot apply
   * refuses the whole file (400 listing each line and why). Rows already recorded (same duplicate
   * key) are skipped and counted, so sending a file twice imports it once.
   */
  async import(userId: string, csv: string, options: ImportOptions = {}): Promise<ImportReport> {
    const csvOptions: CsvImportOptions = {};
    if (options.defaultCurrency !== undefined) csvOptions.defaultCurrency = options.defaultCurrency;
    if (options.dateOrder !== undefined) csvOptions.dateOrder = options.dateOrder;
    const parsed = parseTransactionsCsv(csv, csvOptions);
    const total = parsed.rows.length + parsed.rejected.length;
    if (parsed.header === null) throw refusedImport(parsed.rejected, Math.max(1, total));
    if (parsed.rows.length > MAX_IMPORT_ROWS) {
      throw invalid(`At most ${MAX_IMPORT_ROWS} rows per import; this file has ${parsed.rows.length}.`, { csv: ['Split the file.'] });
    }
    const rejected: CsvLineNote[] = [...parsed.rejected];
    const symbols = [...new Set(parsed.rows.map((row) => row.symbol))].sort();
    if (symbols.length > MAX_HOLDINGS) throw invalid(`The file names ${symbols.length} symbols; a portfolio holds at most ${MAX_HOLDINGS}.`, { csv: ['Too many symbols.'] });
    const stocks = new Map<string, StockRow>();
    for (const symbol of symbols) {
      try {
        stocks.set(symbol, await this.catalog.resolve(symbol));
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
      }
    }
    const now = this.clock.now();
    const accepted: CsvImportRow[] = [];
    for (const row of parsed.rows) {
      const reason = this.rowProblem(row, stocks.get(row.symbol), now);
      if (reason === null) accepted.push(row);
      else rejected.push({ line: row.line, reason });
    }
    if (rejected.length > 0) throw refusedImport(rejected, total);
    try {
      return await this.repo.withUserLock(userId, async (repo) => {
        const existing = await repo.existingDuplicateKeys(userId, accepted.map((row) => row.duplicateKey));
        const fresh = accepted.filter((row) => !existing.has(row.duplicateKey));
        const duplicateLines = accepted.filter((row) => existing.has(row.duplicateKey)).map((row) => row.line);
        if ((await repo.countTransactions(userId)) + fresh.length > MAX_TRANSACTIONS) {
          throw invalid(`At most ${MAX_TRANSACTIONS} transactions per user; this import would pass that.`, { csv: ['Too many transactions.'] });
        }
        const holdings = new Map<string, HoldingRow>();
        const holdingsCreated: string[] = [];
        const currencyProblems: CsvLineNote[] = [];
        for (const row of fresh) {
          let holding = holdings.get(row.symbol);
          if (holding === undefined) {
            const before = await repo.holdingBySymbol(userId, row.symbol);
            holding = before ?? await this.holdingFor(repo, userId, stocks.get(row.symbol) as StockRow);
            if (before === null) holdingsCreated.push(row.symbol);
            holdings.set(row.symbol, holding);
          }
          if (holding.currency !== row.currency) currencyProblems.push({ line: row.line, reason: `${row.symbol} is held in ${holding.currency}, this row is in ${row.currency}` });
        }
        if (currencyProblems.length > 0) throw refusedImport(currencyProblems, total);
        const inserted = await repo.insertTransactions(fresh.map((row) => ({
          userId, holdingId: (holdings.get(row.symbol) as HoldingRow).id, symbol: row.symbol, type: row.type, date: row.date,
          tradingDate: row.tradingDate, shares: row.shares.toFixed(), price: row.price.toFixed(), fees: row.fees.toFixed(),
          currency: row.currency, source: 'import', duplicateKey: row.duplicateKey, notes: null,
        })));
        const lineOf = new Map(inserted.map((row, index) => [row.id, `line ${(fresh[index] as CsvImportRow).line}`]));
        const label: TransactionLabel = (txId) => lineOf.get(txId) ?? null;
        await rebuildPositions(repo, [...holdings.values()], label);
        const report: ImportReport = {
          dryRun: options.dryRun === true,
          imported: fresh.length,
          duplicates: duplicateLines.length,
          duplicateLines,
          ignored: parsed.ignored,
          symbols,
          holdingsCreated,
          header: parsed.header === null ? null : { line: parsed.header.line, columns: parsed.header.columns as Record<string, string> },
        };
        if (options.dryRun === true) throw new DryRunDone(report);
        return report;
      });
    } catch (error) {
      if (error instanceof DryRunDone) return error.report;
      throw error;
    }
  }

  /** Why an imported row cannot be recorded, or null. */
  private rowProblem(row: CsvImportRow, stock: StockRow | undefined, now: Date): string | null {
    if (stock === undefined) return `unknown symbol ${row.symbol}`;
    if (row.currency !== stock.currency) return `${row.symbol} trades in ${stock.currency}, this row is in ${row.currency}`;
    const when = instantProblem(row.date, now);
    if (when !== null) return `the date ${when}`;
    try {
      checkedAmounts(row.type, { shares: row.shares, price: row.type === 'split' ? null : row.price, fees: row.type === 'split' ? null : row.fees });
    } catch (error) {
      if (error instanceof InvalidInput) return error.message;
      throw error;
    }
    return null;
  }
}
