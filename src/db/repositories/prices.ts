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

interface CopySession {
  /** Runs a statement; answers the rows it touched. */
  exec(text: string, params?: unknown[]): Promise<number>;
  /** Feeds COPY text-format chunks to a `copy ... from stdin` statement. */
  copy(statement: string, chunks: AsyncIterable<string>): Promise<void>;
}

/** A load of simulated rows takes the merge path, which can refuse them row by row. */
class MergeNeeded extends Error {}

/** Counts what passes into a COPY, and turns row batches into COPY text. */
class LoadTally {
  rows = 0;
  simulated = 0;
  readonly symbols = new Set<string>();

  async *lines(batches: AsyncIterable<BarRow[]>): AsyncGenerator<string> {
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      for (const row of batch) {
        this.symbols.add(row.symbol);
        if (row.source === 'simulated') this.simulated += 1;
      }
      this.rows += batch.length;
      // One chunk per batch: fewer, larger writes to the COPY stream.
      yield batch.map(copyLine).join('');
    }
  }
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
   * Loads many bars at once. A fresh load COPYs straight into stock_prices (as fast as `psql \copy`);
   * when a bar is already stored (unique violation) that attempt is rolled back and the rows are
   * read again through a staging table merged by one upsert. `read` may therefore be called twice.
   * Stocks the rows name are created when missing; real prices replace simulated ones.
   */
  async bulkLoad(read: () => AsyncIterable<BarRow[]>): Promise<WriteResult> {
    return this.withCopySession(async (session) => {
      // The symbol foreign key is checked at commit, after the stocks it needs are created.
      await session.exec('set constraints stock_prices_symbol_stocks_symbol_fk deferred');
      await session.exec('savepoint direct_load');
      const direct = new LoadTally();
      try {
        await session.copy(`copy stock_prices (${COLUMNS}) from stdin`, direct.lines(read()));
        if (direct.simulated > 0) throw new MergeNeeded();
        await this.finishLoad(session, direct.symbols);
        return { stored: direct.rows, skipped: 0 };
      } catch (error) {
        if (!(error instanceof MergeNeeded) && (error as { code?: string }).code !== '23505') throw error;
        await session.exec('rollback to savepoint direct_load');
      }
      return this.mergeLoad(session, read);
    });
  }

  /** The second way in: COPY into a staging table, then one upsert that keeps the last row of a key. */
  private async mergeLoad(session: CopySession, read: () => AsyncIterable<BarRow[]>): Promise<WriteResult> {
    const staging = 'stock_prices_staging';
    await session.exec(`create temp table if not exists ${staging} (symbol varchar(16), interval varchar(3), timestamp timestamptz, open numeric(18,6), high numeric(18,6), low numeric(18,6), close numeric(18,6), adjusted_close numeric(18,6), volume bigint, source varchar(16)) on commit drop`);
    const tally = new LoadTally();
    await session.copy(`copy ${staging} (${COLUMNS}) from stdin`, tally.lines(read()));
    // Simulated rows never land in a series that holds real prices.
    const refused = await session.exec(`delete from ${staging} s where s.source = 'simulated' and exists (
      select 1 from stock_prices p where p.symbol = s.symbol and p.interval = s.interval and p.source <> 'simulated')`);
    // Counts each distinct bar once, inserted or updated (a key repeated in the load is one bar).
    const written = await session.exec(`insert into stock_prices (${COLUMNS})
      select distinct on (symbol, interval, timestamp) ${COLUMNS} from (select *, row_number() over () as n from ${staging}) staged
      order by symbol, interval, timestamp, n desc
      on conflict (symbol, interval, timestamp) do update set open = excluded.open, high = excluded.high, low = excluded.low,
        close = excluded.close, adjusted_close = excluded.adjusted_close, volume = excluded.volume, source = excluded.source`);
    await this.finishLoad(session, tally.symbols);
    return refused > 0
      ? { stored: written, skipped: refused, reason: 'simulated bars are not mixed into real series' }
      : { stored: written, skipped: 0 };
  }

  /** Creates the stocks a load named and drops simulated placeholders from series that now hold real prices. */
  private async finishLoad(session: CopySession, symbols: Set<string>): Promise<void> {
    if (symbols.size === 0) return;
    const list = [...symbols];
    await session.exec('insert into stocks (symbol, name) select s, s from unnest($1::text[]) as s on conflict (symbol) do nothing', [list]);
    await session.exec(`delete from stock_prices p where p.symbol = any($1::text[]) and p.source = 'simulated'
      and exists (select 1 from stock_prices q where q.symbol = p.symbol and q.interval = p.interval and q.source <> 'simulated')`, [list]);
    await session.exec('set constraints stock_prices_symbol_stocks_symbol_fk immediate');
  }

  /** One transaction on one connection, with COPY, for either driver. */
  private async withCopySession<T>(work: (session: CopySession) => Promise<T>): Promise<T> {
    const driver = this.database.driver;
    if (driver.kind === 'postgres') {
      const client = await driver.pool.connect();
      try {
        await client.query('begin');
        // The pool's statement timeout guards ordinary queries; one COPY of millions of rows may take minutes.
        await client.query('set local statement_timeout = 0');
        const result = await work({
          exec: async (text, params) => (await client.query(text, params)).rowCount ?? 0,
          // One COPY stream for the whole load: parsing here overlaps the server's ingest.
          copy: (statement, chunks) => pipeline(Readable.from(chunks), client.query(copyFrom(statement))),
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    }
    return driver.client.transaction(async (tx) => work({
      exec: async (text, params) => (await tx.query(text, params)).affectedRows ?? 0,
      // PGlite reads COPY input from a blob: send it in pieces of a few megabytes.
      copy: async (statement, chunks) => {
        const fromBlob = statement.replace('from stdin', "from '/dev/blob'");
        let pending: string[] = [];
        let size = 0;
        const flush = async () => {
          if (pending.length === 0) return;
          await tx.query(fromBlob, [], { blob: new Blob(pending) });
          pending = [];
          size = 0;
        };
        for await (const chunk of chunks) {
          pending.push(chunk);
          size += chunk.length;
          if (size >= 8 * 1024 * 1024) await flush();
        }
        await flush();
      },
    }));
  }

  /** Upserts the profile fields a provider knows, keeping what it does not. */
  async ensureStock(stock: { symbol: string; name: string; sector?: string | null; industry?: string | null; marketCap?: number | null; exchange?: string | null; currency?: string; isActive?: boolean }) {
    const marketCap = stock.marketCap == null ? null : String(Math.round(stock.marketCap));
    await this.db.insert(stocks).values({
      symbol: stock.symbol, name: stock.name, sector: stock.sector ?? null, industry: stock.industry ?? null,
      marketCap, exchange: stock.exchange ?? null, currency: stock.currency ?? 'USD',
      // Only a new row takes it: whether a known stock is active is not a profile fact.
      isActive: stock.isActive ?? true,
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
