// The `stocks` table: the one place that writes it. The stock catalog service is its only user;
// a bulk price load creates placeholder rows for symbols it brings, through createMissing.
import { and, asc, count, eq, ilike, isNotNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { stocks } from '../schema/index.ts';

export type StockRow = typeof stocks.$inferSelect;

export interface StockProfile {
  symbol: string;
  name: string;
  sector?: string | null;
  industry?: string | null;
  marketCap?: number | null;
  exchange?: string | null;
  currency?: string;
}

/** Runs one SQL statement on a connection a bulk load holds; answers the rows it touched. */
export type SqlRunner = (text: string, params?: unknown[]) => Promise<number>;

const escapeLike = (text: string) => text.replace(/[%_\\]/g, '');

export class StockRepository {
  constructor(private readonly db: Db) {}

  async get(symbol: string): Promise<StockRow | null> {
    const [row] = await this.db.select().from(stocks).where(eq(stocks.symbol, symbol)).limit(1);
    return row ?? null;
  }

  /** The universe's companies as known, active stocks (names and sectors kept current). */
  async upsertListed(entries: readonly StockProfile[]): Promise<void> {
    if (entries.length === 0) return;
    // No market cap: the first quote or profile brings a real one.
    await this.db.insert(stocks).values(entries.map((entry) => ({
      symbol: entry.symbol, name: entry.name, sector: entry.sector ?? null, industry: entry.industry ?? null,
      currency: entry.currency ?? 'USD', isActive: true,
    }))).onConflictDoUpdate({
      target: stocks.symbol,
      // Universe membership makes a stock active, even one first looked up on demand.
      set: { name: sql`excluded.name`, sector: sql`excluded.sector`, industry: sql`excluded.industry`, isActive: true, updatedAt: sql`now()` },
    });
  }

  /**
   * Upserts the profile fields a provider knows, keeping what it does not. `isActive` applies to a
   * new row only: whether a known stock is active is not a profile fact.
   */
  async upsertProfile(profile: StockProfile, isActive: boolean): Promise<void> {
    await this.db.insert(stocks).values({
      symbol: profile.symbol, name: profile.name, sector: profile.sector ?? null, industry: profile.industry ?? null,
      marketCap: profile.marketCap == null ? null : String(Math.round(profile.marketCap)),
      exchange: profile.exchange ?? null, currency: profile.currency ?? 'USD', isActive,
    }).onConflictDoUpdate({
      target: stocks.symbol,
      set: {
        name: sql`case when excluded.name <> excluded.symbol then excluded.name else ${stocks.name} end`,
        sector: sql`coalesce(excluded.sector, ${stocks.sector})`,
        industry: sql`coalesce(excluded.industry, ${stocks.industry})`,
        marketCap: sql`coalesce(excluded.market_cap, ${stocks.marketCap})`,
        exchange: sql`coalesce(excluded.exchange, ${stocks.exchange})`,
        currency: sql`excluded.currency`,
        updatedAt: sql`now()`,
      },
    });
  }

  /** The stock row, locked until the transaction ends (an admin change reads, then writes). */
  async lock(symbol: string): Promise<StockRow | null> {
    const [row] = await this.db.select().from(stocks).where(eq(stocks.symbol, symbol)).limit(1).for('update');
    return row ?? null;
  }

  /** Whether the jobs follow the symbol; answers the row as it is now, or null when there is none. */
  async setActive(symbol: string, isActive: boolean): Promise<StockRow | null> {
    const [row] = await this.db.update(stocks).set({ isActive, updatedAt: sql`now()` }).where(eq(stocks.symbol, symbol)).returning();
    return row ?? null;
  }

  /** Rows for symbols a bulk load brought that are not known yet (named after their symbol). */
  static async createMissing(run: SqlRunner, symbols: readonly string[]): Promise<void> {
    if (symbols.length === 0) return;
    await run('insert into stocks (symbol, name) select s, s from unnest($1::text[]) as s on conflict (symbol) do nothing', [[...symbols]]);
  }

  /** The largest active companies first. */
  async active(limit: number): Promise<string[]> {
    const rows = await this.db.select({ symbol: stocks.symbol }).from(stocks)
      .where(eq(stocks.isActive, true))
      .orderBy(sql`${stocks.marketCap} desc nulls last`, asc(stocks.createdAt), asc(stocks.symbol))
      .limit(limit);
    return rows.map((row) => row.symbol);
  }

  /** Symbols and names matching `query`, best first: exact symbol, symbol prefix, name prefix, name word, anywhere. */
  async search(query: string, limit: number) {
    const q = escapeLike(query.trim().toUpperCase());
    if (q === '') return [];
    const rank = sql<number>`case
      when upper(${stocks.symbol}) = ${q} then 0
      when upper(${stocks.symbol}) like ${`${q}%`} then 1
      when upper(${stocks.name}) like ${`${q}%`} then 2
      when upper(${stocks.name}) like ${`% ${q}%`} then 3
      else 4 end`;
    const rows = await this.db.select({
      symbol: stocks.symbol, name: stocks.name, sector: stocks.sector, exchange: stocks.exchange, currency: stocks.currency, rank,
    }).from(stocks)
      .where(or(ilike(stocks.symbol, `${q}%`), ilike(stocks.name, `%${q}%`)))
      .orderBy(rank, sql`${stocks.marketCap} desc nulls last`, asc(stocks.symbol))
      .limit(limit);
    return rows.map(({ rank: _rank, ...row }) => row);
  }

  async list(filter: { sector?: string; search?: string; isActive?: boolean }, page: { offset: number; limit: number }): Promise<{ rows: StockRow[]; count: number }> {
    const conditions = [];
    if (filter.sector) conditions.push(eq(sql`lower(${stocks.sector})`, filter.sector.toLowerCase()));
    if (filter.isActive !== undefined) conditions.push(eq(stocks.isActive, filter.isActive));
    const q = filter.search ? escapeLike(filter.search.trim()) : '';
    if (q !== '') conditions.push(or(ilike(stocks.symbol, `${q}%`), ilike(stocks.name, `%${q}%`))!);
    const where = conditions.length > 0 ? and(...conditions) : undefined;
    const [rows, [total]] = await Promise.all([
      this.db.select().from(stocks).where(where)
        .orderBy(sql`${stocks.marketCap} desc nulls last`, asc(stocks.symbol))
        .limit(page.limit).offset(page.offset),
      this.db.select({ n: count() }).from(stocks).where(where),
    ]);
    return { rows, count: total?.n ?? 0 };
  }

  /** Every sector with how many known stocks are in it, largest first. */
  async sectors(): Promise<{ sector: string; stocks: number }[]> {
    const rows = await this.db.select({ sector: stocks.sector, n: count() }).from(stocks)
      .where(isNotNull(stocks.sector)).groupBy(stocks.sector).orderBy(sql`count(*) desc`, asc(stocks.sector));
    return rows.map((row) => ({ sector: row.sector!, stocks: row.n }));
  }
}
