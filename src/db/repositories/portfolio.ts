// Holdings and their transactions: one repository, because every change to a holding's ledger
// writes both tables in one transaction under the owner's portfolio lock. Every read and write
// names the owner: another user's row is never found.
import { and, asc, count, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { portfolioHoldings, portfolioTransactions, stocks } from '../schema/index.ts';

export type HoldingRow = typeof portfolioHoldings.$inferSelect;
export type TransactionRow = typeof portfolioTransactions.$inferSelect;
export type NewTransaction = Omit<typeof portfolioTransactions.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

/** A holding with its stock's name and sector. */
export interface HoldingWithStock extends HoldingRow {
  stockName: string;
  sector: string | null;
}

/** The ledger's result for a holding, as exact decimal strings. */
export interface PositionValues {
  currency: string;
  shares: string;
  averagePrice: string;
  totalCost: string;
  realisedPnl: string;
  dividends: string;
  transactionCount: number;
  purchaseDate: Date | null;
}

export interface TransactionFilter {
  symbol?: string;
  holdingId?: string;
  type?: string;
  /** Inclusive bounds on the trading date, YYYY-MM-DD. */
  from?: string;
  to?: string;
}

const holdingColumns = { ...getColumns(), stockName: stocks.name, sector: stocks.sector };

function getColumns() {
  const { id, userId, symbol, currency, shares, averagePrice, totalCost, realisedPnl, dividends, transactionCount, ledgerVersion, purchaseDate, notes, createdAt, updatedAt } = portfolioHoldings;
  return { id, userId, symbol, currency, shares, averagePrice, totalCost, realisedPnl, dividends, transactionCount, ledgerVersion, purchaseDate, notes, createdAt, updatedAt };
}

export class PortfolioRepository {
  constructor(private readonly db: Db) {}

  /**
   * Runs `work` in one transaction holding the user's portfolio lock, with a repository bound to
   * it: a user's ledger changes and limit checks happen one at a time, on any instance.
   */
  withUserLock<T>(userId: string, work: (tx: PortfolioRepository) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`portfolio:${userId}`}, 0))`);
      return work(new PortfolioRepository(tx));
    });
  }

  // Holdings

  async countHoldings(userId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(portfolioHoldings).where(eq(portfolioHoldings.userId, userId));
    return row?.n ?? 0;
  }

  /** A page of holdings, by symbol; closed positions (0 shares) only when asked. */
  async holdings(userId: string, options: { includeClosed: boolean }, page: { offset: number; limit: number }): Promise<{ rows: HoldingWithStock[]; count: number }> {
    const where = and(eq(portfolioHoldings.userId, userId), options.includeClosed ? undefined : sql`${portfolioHoldings.shares} > 0`);
    const [rows, [total]] = await Promise.all([
      this.db.select(holdingColumns).from(portfolioHoldings).innerJoin(stocks, eq(stocks.symbol, portfolioHoldings.symbol))
        .where(where).orderBy(asc(portfolioHoldings.symbol)).limit(page.limit).offset(page.offset),
      this.db.select({ n: count() }).from(portfolioHoldings).where(where),
    ]);
    return { rows, count: total?.n ?? 0 };
  }

  /** Every holding of a user, closed ones included (summaries and analytics). */
  allHoldings(userId: string): Promise<HoldingWithStock[]> {
    return this.db.select(holdingColumns).from(portfolioHoldings).innerJoin(stocks, eq(stocks.symbol, portfolioHoldings.symbol))
      .where(eq(portfolioHoldings.userId, userId)).orderBy(asc(portfolioHoldings.symbol));
  }

  /** What analytics needs of each holding with a ledger: its key, currency, ledger version and cost (one narrow read). */
  ledgerHeads(userId: string): Promise<Pick<HoldingRow, 'id' | 'symbol' | 'currency' | 'ledgerVersion' | 'totalCost'>[]> {
    return this.db.select({
      id: portfolioHoldings.id, symbol: portfolioHoldings.symbol, currency: portfolioHoldings.currency,
      ledgerVersion: portfolioHoldings.ledgerVersion, totalCost: portfolioHoldings.totalCost,
    }).from(portfolioHoldings)
      .where(and(eq(portfolioHoldings.userId, userId), sql`${portfolioHoldings.transactionCount} > 0`))
      .orderBy(asc(portfolioHoldings.symbol));
  }

  async holding(userId: string, id: string): Promise<HoldingWithStock | null> {
    const [row] = await this.db.select(holdingColumns).from(portfolioHoldings).innerJoin(stocks, eq(stocks.symbol, portfolioHoldings.symbol))
      .where(and(eq(portfolioHoldings.userId, userId), eq(portfolioHoldings.id, id))).limit(1);
    return row ?? null;
  }

  async holdingBySymbol(userId: string, symbol: string): Promise<HoldingRow | null> {
    const [row] = await this.db.select().from(portfolioHoldings)
      .where(and(eq(portfolioHoldings.userId, userId), eq(portfolioHoldings.symbol, symbol))).limit(1);
    return row ?? null;
  }

  /** Inserts a holding, or answers null when the user already has one for the symbol. */
  async insertHolding(values: { userId: string; symbol: string; currency: string; purchaseDate: Date | null; notes: string | null }): Promise<HoldingRow | null> {
    const [row] = await this.db.insert(portfolioHoldings)
      .values({ ...values, shares: '0', averagePrice: '0' })
      .onConflictDoNothing({ target: [portfolioHoldings.userId, portfolioHoldings.symbol] })
      .returning();
    return row ?? null;
  }

  async updateNotes(userId: string, id: string, notes: string | null): Promise<void> {
    await this.db.update(portfolioHoldings).set({ notes, updatedAt: sql`now()` })
      .where(and(eq(portfolioHoldings.userId, userId), eq(portfolioHoldings.id, id)));
  }

  /** Writes the ledger's result to a holding and counts the change (ledger_version). */
  async writePosition(holdingId: string, position: PositionValues): Promise<void> {
    await this.db.update(portfolioHoldings).set({
      ...position,
      ledgerVersion: sql`${portfolioHoldings.ledgerVersion} + 1`,
      updatedAt: sql`now()`,
    }).where(eq(portfolioHoldings.id, holdingId));
  }

  async deleteHolding(userId: string, id: string): Promise<boolean> {
    const gone = await this.db.delete(portfolioHoldings)
      .where(and(eq(portfolioHoldings.userId, userId), eq(portfolioHoldings.id, id))).returning({ id: portfolioHoldings.id });
    return gone.length > 0;
  }

  // Transactions

  async countTransactions(userId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(portfolioTransactions).where(eq(portfolioTransactions.userId, userId));
    return row?.n ?? 0;
  }

  private filterOf(userId: string, filter: TransactionFilter): SQL | undefined {
    return and(
      eq(portfolioTransactions.userId, userId),
      filter.symbol === undefined ? undefined : eq(portfolioTransactions.symbol, filter.symbol),
      filter.holdingId === undefined ? undefined : eq(portfolioTransactions.holdingId, filter.holdingId),
      filter.type === undefined ? undefined : eq(portfolioTransactions.type, filter.type),
      filter.from === undefined ? undefined : gte(portfolioTransactions.tradingDate, filter.from),
      filter.to === undefined ? undefined : lte(portfolioTransactions.tradingDate, filter.to),
    );
  }

  /** A page of transactions, newest first. */
  async transactions(userId: string, filter: TransactionFilter, page: { offset: number; limit: number }): Promise<{ rows: TransactionRow[]; count: number }> {
    const where = this.filterOf(userId, filter);
    const [rows, [total]] = await Promise.all([
      this.db.select().from(portfolioTransactions).where(where)
        .orderBy(desc(portfolioTransactions.date), desc(portfolioTransactions.createdAt), desc(portfolioTransactions.id))
        .limit(page.limit).offset(page.offset),
      this.db.select({ n: count() }).from(portfolioTransactions).where(where),
    ]);
    return { rows, count: total?.n ?? 0 };
  }

  async transaction(userId: string, id: string): Promise<TransactionRow | null> {
    const [row] = await this.db.select().from(portfolioTransactions)
      .where(and(eq(portfolioTransactions.userId, userId), eq(portfolioTransactions.id, id))).limit(1);
    return row ?? null;
  }

  /** Every transaction of some holdings (the ledger's input). */
  transactionsOfHoldings(holdingIds: readonly string[]): Promise<TransactionRow[]> {
    if (holdingIds.length === 0) return Promise.resolve([]);
    return this.db.select().from(portfolioTransactions).where(inArray(portfolioTransactions.holdingId, [...holdingIds]));
  }

  async insertTransactions(values: readonly NewTransaction[]): Promise<TransactionRow[]> {
    const rows: TransactionRow[] = [];
    // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
    for (let i = 0; i < values.length; i += 2_000) {
      rows.push(...await this.db.insert(portfolioTransactions).values(values.slice(i, i + 2_000)).returning());
    }
    return rows;
  }

  async updateTransaction(userId: string, id: string, values: Partial<NewTransaction>): Promise<TransactionRow | null> {
    const [row] = await this.db.update(portfolioTransactions).set({ ...values, updatedAt: sql`now()` })
      .where(and(eq(portfolioTransactions.userId, userId), eq(portfolioTransactions.id, id))).returning();
    return row ?? null;
  }

  async deleteTransaction(userId: string, id: string): Promise<boolean> {
    const gone = await this.db.delete(portfolioTransactions)
      .where(and(eq(portfolioTransactions.userId, userId), eq(portfolioTransactions.id, id))).returning({ id: portfolioTransactions.id });
    return gone.length > 0;
  }

  /** Which of these duplicate keys the user's transactions already carry. */
  async existingDuplicateKeys(userId: string, keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += 5_000) {
      const rows = await this.db.select({ key: portfolioTransactions.duplicateKey }).from(portfolioTransactions)
        .where(and(eq(portfolioTransactions.userId, userId), inArray(portfolioTransactions.duplicateKey, keys.slice(i, i + 5_000))));
      for (const row of rows) if (row.key !== null) found.add(row.key);
    }
    return found;
  }
}
