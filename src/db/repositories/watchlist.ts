// Watchlist entries and the price alerts that fired on them. Reads and writes name the owner;
// the real-time engine reads every entry with an alert line (watchersWithAlerts) and records
// alerts (insertAlert), once per dedupe key.
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { alerts, stocks, watchlists } from '../schema/index.ts';

export type WatchlistRow = typeof watchlists.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type AlertKind = 'above' | 'below' | 'change_percent';

export interface WatchlistWithStock extends WatchlistRow {
  stockName: string;
  currency: string;
}

/** Alert lines as exact decimal strings; null clears one. */
export interface WatchlistFields {
  alertPriceAbove?: string | null;
  alertPriceBelow?: string | null;
  alertChangePercent?: string | null;
  notes?: string | null;
}

export interface NewAlert {
  userId: string;
  watchlistId: string | null;
  symbol: string;
  kind: AlertKind;
  threshold: string;
  price: string;
  changePercent?: string | null;
  /** One crossing, one key: a second insert with the same key records nothing. */
  dedupeKey?: string | null;
  firedAt: Date;
}

const entryColumns = {
  id: watchlists.id, userId: watchlists.userId, symbol: watchlists.symbol,
  alertPriceAbove: watchlists.alertPriceAbove, alertPriceBelow: watchlists.alertPriceBelow, alertChangePercent: watchlists.alertChangePercent,
  notes: watchlists.notes, addedAt: watchlists.addedAt, stockName: stocks.name, currency: stocks.currency,
};

export class WatchlistRepository {
  constructor(private readonly db: Db) {}

  /** One transaction holding the user's watchlist lock (the per-user limit holds under concurrency). */
  withUserLock<T>(userId: string, work: (tx: WatchlistRepository) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`watchlist:${userId}`}, 0))`);
      return work(new WatchlistRepository(tx));
    });
  }

  async count(userId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(watchlists).where(eq(watchlists.userId, userId));
    return row?.n ?? 0;
  }

  /** A page of entries, oldest first (the order they were added). */
  async list(userId: string, page: { offset: number; limit: number }): Promise<{ rows: WatchlistWithStock[]; count: number }> {
    const [rows, total] = await Promise.all([
      this.db.select(entryColumns).from(watchlists).innerJoin(stocks, eq(stocks.symbol, watchlists.symbol))
        .where(eq(watchlists.userId, userId)).orderBy(asc(watchlists.addedAt), asc(watchlists.symbol)).limit(page.limit).offset(page.offset),
      this.count(userId),
    ]);
    return { rows, count: total };
  }

  async get(userId: string, id: string): Promise<WatchlistWithStock | null> {
    const [row] = await this.db.select(entryColumns).from(watchlists).innerJoin(stocks, eq(stocks.symbol, watchlists.symbol))
      .where(and(eq(watchlists.userId, userId), eq(watchlists.id, id))).limit(1);
    return row ?? null;
  }

  /** Inserts an entry, or answers null when the user already watches the symbol. */
  async insert(userId: string, symbol: string, fields: WatchlistFields): Promise<WatchlistRow | null> {
    const [row] = await this.db.insert(watchlists).values({ userId, symbol, ...fields })
      .onConflictDoNothing({ target: [watchlists.userId, watchlists.symbol] }).returning();
    return row ?? null;
  }

  async update(userId: string, id: string, fields: WatchlistFields): Promise<boolean> {
    if (Object.keys(fields).length === 0) return (await this.get(userId, id)) !== null;
    const rows = await this.db.update(watchlists).set(fields)
      .where(and(eq(watchlists.userId, userId), eq(watchlists.id, id))).returning({ id: watchlists.id });
    return rows.length > 0;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.db.delete(watchlists).where(and(eq(watchlists.userId, userId), eq(watchlists.id, id))).returning({ id: watchlists.id });
    return rows.length > 0;
  }

  /** Entries with at least one alert line, of some symbols or all: what an alert engine watches. */
  watchersWithAlerts(symbols?: readonly string[]): Promise<WatchlistRow[]> {
    const armed = or(isNotNull(watchlists.alertPriceAbove), isNotNull(watchlists.alertPriceBelow), isNotNull(watchlists.alertChangePercent));
    return this.db.select().from(watchlists)
      .where(and(armed, symbols === undefined ? undefined : inArray(watchlists.symbol, [...symbols])))
      .orderBy(asc(watchlists.symbol), asc(watchlists.id));
  }

  // Alerts

  /** Records a fired alert; null when one with the same dedupe key was recorded already. */
  async insertAlert(alert: NewAlert): Promise<AlertRow | null> {
    const [row] = await this.db.insert(alerts).values(alert)
      .onConflictDoNothing({ target: [alerts.userId, alerts.dedupeKey] }).returning();
    return row ?? null;
  }

  /** A page of a user's alerts, newest first; `read` filters read (true) or unread (false) ones. */
  async alerts(userId: string, filter: { read?: boolean }, page: { offset: number; limit: number }): Promise<{ rows: AlertRow[]; count: number }> {
    const where = and(
      eq(alerts.userId, userId),
      filter.read === undefined ? undefined : filter.read ? isNotNull(alerts.readAt) : isNull(alerts.readAt),
    );
    const [rows, [total]] = await Promise.all([
      this.db.select().from(alerts).where(where).orderBy(desc(alerts.firedAt), desc(alerts.id)).limit(page.limit).offset(page.offset),
      this.db.select({ n: count() }).from(alerts).where(where),
    ]);
    return { rows, count: total?.n ?? 0 };
  }

  /** Marks an alert read (at `readAt`) or unread (null); null when the user has no such alert. */
  async markAlert(userId: string, id: string, readAt: Date | null): Promise<AlertRow | null> {
    const [row] = await this.db.update(alerts)
      // Marking read twice keeps the first time it was read.
      .set({ readAt: readAt === null ? null : sql`coalesce(${alerts.readAt}, ${readAt.toISOString()}::timestamptz)` })
      .where(and(eq(alerts.userId, userId), eq(alerts.id, id))).returning();
    return row ?? null;
  }
}
