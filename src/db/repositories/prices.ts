// The price store: OHLCV bars keyed by (symbol, interval, timestamp). Every write is an upsert,
// so fetching twice stores nothing twice. Bulk loads go through COPY (PostgreSQL's and PGlite's).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, asc, desc, eq, gte, lte, sql } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, Db } from '../client.ts';
import { stockPrices, stocks } from '../schema/index.ts';
import type { Bar, BarInterval, ProviderName } from '../../providers/market/port.ts';

export interface BarRow {
  symbol: string;
  interval: BarInterval;
  bar: Bar;
  source: ProviderName;
}

export interface WriteResult {
  stored: number;
  /** Bars refused, with why (a series of real prices never takes simulated ones). */
  skipped: number;
  reason?: string;
}

/** Simulated prices are placeholders: real ones replace them, and never the other way round. */
const isReal = (source: string) => source !== 'simulated';

const COLUMNS = 'symbol, interval, timestamp, open, high, low, close, adjusted_close, volume, source';

// COPY's text format: tab-separated, \N for null. Symbols and sources never hold tabs or newlines.
function copyLine(row: BarRow): string {
  const { bar } = row;
  return `${row.symbol}\t${row.interval}\t${bar.timestamp.toISOString()}\t${bar.open}\t${bar.high}\t${bar.low}\t${bar.close}\t${bar.adjustedClose ?? '\\N'}\t${Math.round(bar.volume)}\t${row.source}\n`;
}

export class PriceStore {
  private readonly db: Db;

  constructor(private readonly database: Database) {
    this.db = database.db;
  }

  /** The source of a stored series, or null when it has no bars. */
  async seriesSource(symbol: string, interval: BarInterval): Promise<string | null> {
    const [row] = await this.db.select({ source: stockPrices.source }).from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, interval)))
      .orderBy(desc(stockPrices.timestamp)).limit(1);
    return row?.source ?? null;
  }

  /**
   * Upserts a series' bars from one source. `merge` widens an existing bar (high/low) and moves its
   * close: for bars built from successive quotes within one minute; `replace` overwrites (history).
   */
  async upsertBars(symbol: string, interval: BarInterval, bars: readonly Bar[], source: ProviderName, mode: 'replace' | 'merge' = 'replace'): Promise<WriteResult> {
    if (bars.length === 0) return { stored: 0, skipped: 0 };
    return this.db.transaction(async (tx) => {
      const existing = await new PriceStore({ ...this.database, db: tx as unknown as Db }).seriesSource(symbol, interval);
      if (existing !== null && isReal(existing) !== isReal(source)) {
        if (!isReal(source)) return { stored: 0, skipped: bars.length, reason: `${symbol} ${interval} holds ${existing} prices; simulated bars are not mixed in` };
        // Real prices arrive for a series that held simulated ones: the placeholders go.
        await tx.delete(stockPrices).where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, interval)));
      }
      const values = bars.map((bar) => ({
        symbol, interval, source,
        timestamp: bar.timestamp,
        open: String(bar.open), high: String(bar.high), low: String(bar.low), close: String(bar.close),
        adjustedClose: bar.adjustedClose === null ? null : String(bar.adjustedClose),
        volume: Math.round(bar.volume),
      }));
      const set = mode === 'merge'
        ? {
          high: sql`greatest(${stockPrices.high}, excluded.high)`,
          low: sql`least(${stockPrices.low}, excluded.low)`,
          close: sql`excluded.close`,
          volume: sql`greatest(${stockPrices.volume}, excluded.volume)`,
          source: sql`excluded.source`,
        }
        : {
          open: sql`excluded.open`, high: sql`excluded.high`, low: sql`excluded.low`, close: sql`excluded.close`,
          adjustedClose: sql`excluded.adjusted_close`, volume: sql`excluded.volume`, source: sql`excluded.source`,
        };
      // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
      for (let i = 0; i < values.length; i += 5_000) {
        await tx.insert(stockPrices).values(values.slice(i, i + 5_000))
          .onConflictDoUpdate({ target: [stockPrices.symbol, stockPrices.interval, stockPrices.timestamp], set });
      }
      return { stored: bars.length, skipped: 0 };
    });
  }

  /** Bars of a series within [from, to], oldest first. */
  async bars(symbol: string, interval: BarInterval, from: Date, to: Date, limit = 100_000) {
    return this.db.select().from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, interval), gte(stockPrices.timestamp, from), lte(stockPrices.timestamp, to)))
      .orderBy(asc(stockPrices.timestamp)).limit(limit);
  }

  /** The newest `count` bars of a series, oldest first. */
  async latestBars(symbol: string, interval: BarInterval, count: number) {
    const rows = await this.db.select().from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, interval)))
      .orderBy(desc(stockPrices.timestamp)).limit(count);
    return rows.reverse();
  }

  /** Highest high and lowest low of the daily bars since `since`. */
  async range(symbol: string, since: Date): Promise<{ high: number | null; low: number | null }> {
    const [row] = await this.db.select({ high: sql<string | null>`max(${stockPrices.high})`, low: sql<string | null>`min(${stockPrices.low})` })
      .from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, '1d'), gte(stockPrices.timestamp, since)));
    return { high: row?.high == null ? null : Number(row.high), low: row?.low == null ? null : Number(row.low) };
  }

  /**
   * Loads many bars at once: COPY into a staging table, then one upsert into stock_prices. Stocks
   * the rows name are created when missing. Rows come in batches so memory stays flat.
   */
  async bulkLoad(batches: AsyncIterable<BarRow[]>, onBatch?: (stored: number) => void): Promise<WriteResult> {
    let stored = 0;
    let skipped = 0;
    const reasons = new Set<string>();
    const staging = `stock_prices_staging`;
    const run = async (exec: (text: string) => Promise<unknown>, copy: (lines: string[]) => Promise<void>) => {
      await exec(`create temp table if not exists ${staging} (symbol varchar(16), interval varchar(3), timestamp timestamptz, open numeric(18,6), high numeric(18,6), low numeric(18,6), close numeric(18,6), adjusted_close numeric(18,6), volume bigint, source varchar(16)) on commit drop`);
      for await (const batch of batches) {
        if (batch.length === 0) continue;
        await copy(batch.map(copyLine));
        stored += batch.length;
        onBatch?.(batch.length);
      }
      await exec(`insert into stocks (symbol, name) select distinct symbol, symbol from ${staging} on conflict (symbol) do nothing`);
      // Real prices replace simulated placeholders; simulated rows never land in a real series.
      await exec(`delete from stock_prices p using (select distinct symbol, interval from ${staging} where source <> 'simulated') s
        where p.symbol = s.symbol and p.interval = s.interval and p.source = 'simulated'`);
      const refused = await exec(`delete from ${staging} s where s.source = 'simulated' and exists (
        select 1 from stock_prices p where p.symbol = s.symbol and p.interval = s.interval and p.source <> 'simulated')`) as { rowCount?: number | null; affectedRows?: number };
      const refusedCount = Number(refused.rowCount ?? refused.affectedRows ?? 0);
      if (refusedCount > 0) {
        skipped += refusedCount;
        stored -= refusedCount;
        reasons.add('simulated bars are not mixed into real series');
      }
      // Within one load the last row of a key wins, as successive upserts would.
      await exec(`insert into stock_prices (${COLUMNS})
        select distinct on (symbol, interval, timestamp) ${COLUMNS} from (select *, row_number() over () as n from ${staging}) staged
        order by symbol, interval, timestamp, n desc
        on conflict (symbol, interval, timestamp) do update set open = excluded.open, high = excluded.high, low = excluded.low,
          close = excluded.close, adjusted_close = excluded.adjusted_close, volume = excluded.volume, source = excluded.source`);
    };

    const driver = this.database.driver;
    if (driver.kind === 'postgres') {
      const client = await driver.pool.connect();
      try {
        await client.query('begin');
        await run(
          (text) => client.query(text),
          (lines) => pipeline(Readable.from(lines), client.query(copyFrom(`copy ${staging} (${COLUMNS}) from stdin`))),
        );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    } else {
      await driver.client.transaction(async (tx) => {
        await run(
          (text) => tx.query(text),
          async (lines) => { await tx.query(`copy ${staging} (${COLUMNS}) from '/dev/blob'`, [], { blob: new Blob(lines) }); },
        );
      });
    }
    return { stored, skipped, reason: [...reasons].join('; ') || undefined };
  }

  /** Upserts the profile fields a provider knows, keeping what it does not. */
  async ensureStock(stock: { symbol: string; name: string; sector?: string | null; industry?: string | null; marketCap?: number | null; exchange?: string | null; currency?: string }) {
    const marketCap = stock.marketCap == null ? null : String(Math.round(stock.marketCap));
    await this.db.insert(stocks).values({
      symbol: stock.symbol, name: stock.name, sector: stock.sector ?? null, industry: stock.industry ?? null,
      marketCap, exchange: stock.exchange ?? null, currency: stock.currency ?? 'USD',
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
}
