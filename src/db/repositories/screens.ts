// saved_screens: a user's named screens. Every read and write is scoped to its owner, so another
// user's screen is indistinguishable from a missing one.
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { savedScreens, stocks } from '../schema/index.ts';

export type SavedScreenRow = typeof savedScreens.$inferSelect;

export interface ScreenFields {
  name: string;
  where: string;
  sort: string | null;
  resultLimit: number | null;
}

/** PostgreSQL's unique_violation: the user already has a screen of that name. */
const UNIQUE_VIOLATION = '23505';

export function isDuplicateName(error: unknown): boolean {
  const code = (error as { code?: unknown }).code ?? ((error as { cause?: { code?: unknown } }).cause)?.code;
  return code === UNIQUE_VIOLATION;
}

/** What a screen row shows of the stock itself. */
export interface StockFacts {
  symbol: string;
  name: string;
  sector: string | null;
  currency: string;
  marketCap: number | null;
}

export class SavedScreenRepository {
  constructor(private readonly db: Db) {}

  async create(userId: string, fields: ScreenFields): Promise<SavedScreenRow> {
    const [row] = await this.db.insert(savedScreens).values({ userId, ...fields }).returning();
    return row!;
  }

  /** The owner's screens, by name. */
  list(userId: string): Promise<SavedScreenRow[]> {
    return this.db.select().from(savedScreens).where(eq(savedScreens.userId, userId)).orderBy(asc(savedScreens.name), asc(savedScreens.id));
  }

  async count(userId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(savedScreens).where(eq(savedScreens.userId, userId));
    return row?.n ?? 0;
  }

  async get(userId: string, id: string): Promise<SavedScreenRow | null> {
    const [row] = await this.db.select().from(savedScreens).where(and(eq(savedScreens.userId, userId), eq(savedScreens.id, id))).limit(1);
    return row ?? null;
  }

  /** By name, ignoring case. */
  async byName(userId: string, name: string): Promise<SavedScreenRow | null> {
    const [row] = await this.db.select().from(savedScreens)
      .where(and(eq(savedScreens.userId, userId), eq(sql`lower(${savedScreens.name})`, name.toLowerCase())))
      .orderBy(asc(savedScreens.name)).limit(1);
    return row ?? null;
  }

  async update(userId: string, id: string, fields: Partial<ScreenFields>): Promise<SavedScreenRow | null> {
    const [row] = await this.db.update(savedScreens).set({ ...fields, updatedAt: sql`now()` })
      .where(and(eq(savedScreens.userId, userId), eq(savedScreens.id, id))).returning();
    return row ?? null;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const gone = await this.db.delete(savedScreens).where(and(eq(savedScreens.userId, userId), eq(savedScreens.id, id))).returning({ id: savedScreens.id });
    return gone.length > 0;
  }
}

/** The stock facts screens show beside the prices and indicators. */
export class StockFactsRepository {
  constructor(private readonly db: Db) {}

  async facts(symbols: readonly string[]): Promise<Map<string, StockFacts>> {
    const out = new Map<string, StockFacts>();
    if (symbols.length === 0) return out;
    const rows = await this.db.select({ symbol: stocks.symbol, name: stocks.name, sector: stocks.sector, currency: stocks.currency, marketCap: stocks.marketCap })
      .from(stocks).where(sql`${stocks.symbol} = any(${sql.param([...symbols])}::text[])`);
    for (const row of rows) out.set(row.symbol, { ...row, marketCap: row.marketCap === null ? null : Number(row.marketCap) });
    return out;
  }
}
