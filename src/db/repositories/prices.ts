// The price store: OHLCV bars keyed by (symbol, interval, timestamp). Every write is an upsert,
// so fetching twice stores nothing twice. Bulk loads go through COPY (PostgreSQL's and PGlite's).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, asc, desc, eq, gt, gte, lt, lte, sql } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import type { Bar, BarInterval } from '../../domain/market/bar.ts';
import type { SourcedBar } from '../../domain/market/quote.ts';
import { isRealSource, mixing, type PriceSource } from '../../domain/market/source.ts';
import type { Database, Db } from '../client.ts';
import { stockPrices } from '../schema/index.ts';
import { StockRepository, type SqlRunner } from './stocks.ts';

export interface BarRow {
  symbol: string;
  interval: BarInterval;
  bar: Bar;
  source: PriceSource;
}

export interface WriteResult {
  stored: number;
  /** Bars refused, with why (a symbol with real prices never takes simulated ones). */
  skipped: number;
  reason?: string;
}

/** What a bulk load did, from the database's own answer. */
export interface LoadResult {
  /** Bars that were not stored before. */
  inserted: number;
  /** Bars that were stored with other values (a split adjustment, a corrected print). */
  updated: number;
  /** Bars stored already with exactly these values. */
  unchanged: number;
  /** Rows refused (simulated bars for a real series). */
  skipped: number;
  reason?: string;
  /** Every symbol the load brought. */
  symbols: string[];
}

export type PriceRow = typeof stockPrices.$inferSelect;

const COLUMNS = 'symbol, interval, timestamp, open, high, low, close, adjusted_close, volume, source';

// COPY's text format: tab-separated, \N for null. Symbols and sources never hold tabs or newlines.
function copyLine(row: BarRow): string {
  const { bar } = row;
  return `${row.symbol}\t${row.interval}\t${bar.timestamp.toISOString()}\t${bar.open}\t${bar.high}\t${bar.low}\t${bar.close}\t${bar.adjustedClose ?? '\\N'}\t${Math.round(bar.volume)}\t${row.source}\n`;
}

/** A stored row as the domain reads it: numbers, not numeric strings. */
function toBar(row: PriceRow): SourcedBar {
  return {
    timestamp: row.timestamp,
    open: Number(row.open), high: Number(row.high), low: Number(row.low), close: Number(row.close),
    adjustedClose: row.adjustedClose === null ? null : Number(row.adjustedClose),
    volume: row.volume,
    source: row.source,
  };
}

interface CopySession {
  exec: SqlRunner;
  /** Runs a statement and answers its rows. */
  rows<T>(text: string, params?: unknown[]): Promise<T[]>;
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

/**
 * Keeps stock_prices' planner statistics current, as PostgreSQL's autovacuum does (PGlite runs none):
 * ANALYZE once the rows written since the last one reach 10% of the table (and at least 1,000).
 * Without statistics the planner may read one symbol's range through the (interval, timestamp)
 * index, filtering out every other symbol's bars in it: each stock detail, each recorded quote then
 * costs time in proportion to the whole table.
 */
class TableStatistics {
  private written = 0;
  private rowsAtLastAnalyze = 0;
  private running: Promise<void> | null = null;
  /** Reads, once per process, the table's size as its statistics last saw it. */
  private sized: Promise<void> | null = null;

  constructor(private readonly db: Db, private readonly table: string) {}

  async wrote(rows: number): Promise<void> {
    this.written += rows;
    // reltuples is -1 for a table never analyzed.
    this.sized ??= this.db.execute(sql`select reltuples from pg_class where relname = ${this.table}`).then(
      (result) => { this.rowsAtLastAnalyze = Math.max(0, Number((result as unknown as { rows: Array<{ reltuples: number }> }).rows[0]?.reltuples ?? 0)); },
      () => {},
    );
    await this.sized;
    if (this.running || this.written < Math.max(1_000, this.rowsAtLastAnalyze * 0.1)) return;
    const rowsNow = this.rowsAtLastAnalyze + this.written;
    this.written = 0;
    this.running = this.db.execute(sql.raw(`analyze ${this.table}`)).then(
      () => { this.rowsAtLastAnalyze = rowsNow; },
      // A failed ANALYZE costs speed, not data: the next writes try again.
      () => { this.written += rowsNow - this.rowsAtLastAnalyze; },
    ).finally(() => { this.running = null; });
    await this.running;
  }
}

export class PriceRepository {
  private readonly db: Db;
  private readonly statistics: TableStatistics;

  constructor(private readonly database: Database) {
    this.db = database.db;
    this.statistics = new TableStatistics(this.db, 'stock_prices');
  }

  /**
   * The source of a symbol's stored prices, or null when it has none. A symbol's series never mix
   * simulated and real prices, so the newest bar of each interval tells (two index lookups).
   */
  async symbolSource(symbol: string, db: Db = this.db): Promise<string | null> {
    const newest = (interval: BarInterval) => db.select({ source: stockPrices.source }).from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, interval)))
      .orderBy(desc(stockPrices.timestamp)).limit(1);
    const [[daily], [minute]] = await Promise.all([newest('1d'), newest('1m')]);
    const sources = [daily?.source, minute?.source].filter((source): source is string => source !== undefined);
    return sources.find(isRealSource) ?? sources[0] ?? null;
  }

  /**
   * Upserts a series' bars from one source. `merge` builds a bar from successive quotes: the first
   * open stays, high and low widen, the last close wins and volumes add up; `replace` overwrites
   * (history). A series never mixes simulated and real prices (domain/market/source.ts).
   */
  async upsertBars(symbol: string, interval: BarInterval, bars: readonly Bar[], source: PriceSource, mode: 'replace' | 'merge' = 'replace'): Promise<WriteResult> {
    if (bars.length === 0) return { stored: 0, skipped: 0 };
    const result = await this.writeBars(symbol, interval, bars, source, mode);
    await this.statistics.wrote(result.stored);
    return result;
  }

  private writeBars(symbol: string, interval: BarInterval, bars: readonly Bar[], source: PriceSource, mode: 'replace' | 'merge'): Promise<WriteResult> {
    return this.db.transaction(async (tx) => {
      const decision = mixing(await this.symbolSource(symbol, tx), source);
      if (decision === 'refuse') return { stored: 0, skipped: bars.length, reason: `${symbol} holds real prices; simulated bars are not mixed in` };
      if (decision === 'replace_series') {
        // Real prices arrive for a symbol that held simulated ones: the placeholders go, every interval.
        await tx.delete(stockPrices).where(eq(stockPrices.symbol, symbol));
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
          volume: sql`${stockPrices.volume} + excluded.volume`,
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
  async bars(symbol: string, interval: BarInterval, from: Date, to: Date, limit = 100_000): Promise<SourcedBar[]> {
    const rows = await this.db.select().from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, interval), gte(stockPrices.timestamp, from), lte(stockPrices.timestamp, to)))
      .orderBy(asc(stockPrices.timestamp)).limit(limit);
    return rows.map(toBar);
  }

  /** The newest `count` bars of a series, oldest first. */
  async latestBars(symbol: string, interval: BarInterval, count: number): Promise<SourcedBar[]> {
    const rows = await this.db.select().from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, interval)))
      .orderBy(desc(stockPrices.timestamp)).limit(count);
    return rows.reverse().map(toBar);
  }

  /** Highest high and lowest low of the daily bars within [from, to]. */
  async range(symbol: string, from: Date, to: Date): Promise<{ high: number | null; low: number | null }> {
    const [row] = await this.db.select({ high: sql<string | null>`max(${stockPrices.high})`, low: sql<string | null>`min(${stockPrices.low})` })
      .from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, '1d'), gte(stockPrices.timestamp, from), lte(stockPrices.timestamp, to)));
    return { high: row?.high == null ? null : Number(row.high), low: row?.low == null ? null : Number(row.low) };
  }

  /**
   * Loads many bars at once. A fresh load COPYs straight into stock_prices (as fast as `psql \copy`);
   * when a bar is already stored (unique violation) that attempt is rolled back and the rows are
   * read again through a staging table merged by one upsert. `read` may therefore be called twice.
   * Symbols the rows name get a stock row when missing; real prices replace simulated ones.
   */
  async bulkLoad(read: () => AsyncIterable<BarRow[]>): Promise<LoadResult> {
    const result = await this.load(read);
    await this.statistics.wrote(result.inserted + result.updated);
    return result;
  }

  private load(read: () => AsyncIterable<BarRow[]>): Promise<LoadResult> {
    return this.withCopySession(async (session) => {
      // The symbol foreign key is checked at commit, after the stocks it needs are created.
      await session.exec('set constraints stock_prices_symbol_stocks_symbol_fk deferred');
      await session.exec('savepoint direct_load');
      const direct = new LoadTally();
      try {
        await session.copy(`copy stock_prices (${COLUMNS}) from stdin`, direct.lines(read()));
        if (direct.simulated > 0) throw new MergeNeeded();
        await this.finishLoad(session, direct.symbols);
        return { inserted: direct.rows, updated: 0, unchanged: 0, skipped: 0, symbols: [...direct.symbols] };
      } catch (error) {
        if (!(error instanceof MergeNeeded) && (error as { code?: string }).code !== '23505') throw error;
        await session.exec('rollback to savepoint direct_load');
      }
      return this.mergeLoad(session, read);
    });
  }

  /** The second way in: COPY into a staging table, then one upsert that keeps the last row of a key. */
  private async mergeLoad(session: CopySession, read: () => AsyncIterable<BarRow[]>): Promise<LoadResult> {
    const staging = 'stock_prices_staging';
    await session.exec(`create temp table if not exists ${staging} (symbol varchar(16), interval varchar(3), timestamp timestamptz, open numeric(18,6), high numeric(18,6), low numeric(18,6), close numeric(18,6), adjusted_close numeric(18,6), volume bigint, source varchar(16)) on commit drop`);
    const tally = new LoadTally();
    await session.copy(`copy ${staging} (${COLUMNS}) from stdin`, tally.lines(read()));
    // Simulated rows never land beside a symbol's real prices.
    const refused = await session.exec(`delete from ${staging} s where s.source = 'simulated' and exists (
      select 1 from stock_prices p where p.symbol = s.symbol and p.source <> 'simulated')`);
    // One bar per key (the last row of a key repeated in the load wins); a stored bar with the same
    // values is left alone, so the database's answer tells new, changed and unchanged bars apart.
    const [counts] = await session.rows<{ inserted: number; updated: number; total: number }>(`with staged as (
        select distinct on (symbol, interval, timestamp) ${COLUMNS} from (select *, row_number() over () as n from ${staging}) numbered
        order by symbol, interval, timestamp, n desc),
      written as (
        insert into stock_prices (${COLUMNS}) select ${COLUMNS} from staged
        on conflict (symbol, interval, timestamp) do update set open = excluded.open, high = excluded.high, low = excluded.low,
          close = excluded.close, adjusted_close = excluded.adjusted_close, volume = excluded.volume, source = excluded.source
        where (stock_prices.open, stock_prices.high, stock_prices.low, stock_prices.close, stock_prices.adjusted_close, stock_prices.volume, stock_prices.source)
          is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.adjusted_close, excluded.volume, excluded.source)
        returning (xmax = 0) as inserted)
      select (select count(*) from written where inserted)::int as inserted,
             (select count(*) from written where not inserted)::int as updated,
             (select count(*) from staged)::int as total`);
    await this.finishLoad(session, tally.symbols);
    const inserted = counts?.inserted ?? 0;
    const updated = counts?.updated ?? 0;
    return {
      inserted, updated, unchanged: (counts?.total ?? 0) - inserted - updated, skipped: refused,
      ...(refused > 0 ? { reason: 'simulated bars are not mixed into real series' } : {}),
      symbols: [...tally.symbols],
    };
  }

  /** Creates the stocks a load named and drops simulated placeholders of symbols that now hold real prices. */
  private async finishLoad(session: CopySession, symbols: Set<string>): Promise<void> {
    if (symbols.size === 0) return;
    const list = [...symbols];
    await StockRepository.createMissing(session.exec, list);
    await session.exec(`delete from stock_prices p where p.symbol = any($1::text[]) and p.source = 'simulated'
      and exists (select 1 from stock_prices q where q.symbol = p.symbol and q.source <> 'simulated')`, [list]);
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
          rows: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[],
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
      rows: async <R>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows,
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

  /**
   * Retires one interval's bars older than `cutoff`: `keep` receives them chunk by chunk (the archive)
   * and must have made them durable when it resolves; then exactly those rows are deleted. One
   * REPEATABLE READ transaction, so the delete sees the rows `keep` saw (rows committed meanwhile are
   * not touched; a row changed meanwhile fails the run rather than being lost). Answers how many went.
   */
  async retire(interval: BarInterval, cutoff: Date, keep: ((chunks: AsyncIterable<PriceRow[]>) => Promise<void>) | null, chunkSize = 10_000): Promise<number> {
    const deleted = await this.retireRows(interval, cutoff, keep, chunkSize);
    await this.statistics.wrote(deleted);
    return deleted;
  }

  private retireRows(interval: BarInterval, cutoff: Date, keep: ((chunks: AsyncIterable<PriceRow[]>) => Promise<void>) | null, chunkSize: number): Promise<number> {
    const older = and(eq(stockPrices.interval, interval), lt(stockPrices.timestamp, cutoff));
    return this.db.transaction(async (tx) => {
      // A first run over a large backlog may take longer than the pool's statement timeout.
      await tx.execute(sql`set local statement_timeout = 0`);
      const [first] = await tx.select({ id: stockPrices.id }).from(stockPrices).where(older).limit(1);
      if (!first) return 0;
      const chunkEnds: number[] = [];
      async function* chunks(): AsyncGenerator<PriceRow[]> {
        for (;;) {
          const rows = await tx.select().from(stockPrices).where(and(older, gt(stockPrices.id, chunkEnds.at(-1) ?? 0))).orderBy(asc(stockPrices.id)).limit(chunkSize);
          if (rows.length === 0) return;
          chunkEnds.push(rows.at(-1)!.id);
          yield rows;
        }
      }
      if (keep) await keep(chunks());
      else chunkEnds.push(Number.MAX_SAFE_INTEGER);
      let deleted = 0;
      let after = 0;
      for (const end of chunkEnds) {
        const gone = await tx.delete(stockPrices).where(and(older, gt(stockPrices.id, after), lte(stockPrices.id, end))).returning({ id: stockPrices.id });
        deleted += gone.length;
        after = end;
      }
      return deleted;
    }, { isolationLevel: 'repeatable read' });
  }
}
