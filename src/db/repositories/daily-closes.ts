// Daily closes of many symbols in one read, for analytics: only the session date and the close
// (as a float, converted by the database), oldest first. Reads stock_prices; never writes it.
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { stockPrices } from '../schema/index.ts';

export interface DailyCloseRows {
  /** YYYY-MM-DD session dates, ascending. */
  dates: string[];
  closes: number[];
}

export class DailyCloseRepository {
  constructor(private readonly db: Db) {}

  /** Stored daily closes of each symbol, from `since` (YYYY-MM-DD, inclusive) or all of them. */
  async closes(symbols: readonly string[], since?: string): Promise<Map<string, DailyCloseRows>> {
    const out = new Map<string, DailyCloseRows>();
    if (symbols.length === 0) return out;
    const rows = await this.db.select({
      symbol: stockPrices.symbol,
      // Daily bars are stamped 00:00 UTC of their session date.
      date: sql<string>`to_char(${stockPrices.timestamp} at time zone 'UTC', 'YYYY-MM-DD')`,
      close: sql<number>`${stockPrices.close}::float8`,
    }).from(stockPrices)
      .where(and(
        inArray(stockPrices.symbol, [...symbols]),
        eq(stockPrices.interval, '1d'),
        since === undefined ? undefined : gte(stockPrices.timestamp, new Date(`${since}T00:00:00Z`)),
      ))
      .orderBy(asc(stockPrices.symbol), asc(stockPrices.timestamp));
    for (const row of rows) {
      let series = out.get(row.symbol);
      if (series === undefined) out.set(row.symbol, series = { dates: [], closes: [] });
      series.dates.push(row.date);
      series.closes.push(Number(row.close));
    }
    return out;
  }
}
