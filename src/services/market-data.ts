// Market data use cases: the universe, the per-minute fetch, latest quotes, stock detail,
// search and backfill. Everything reads the store first and asks the provider only for what
// is missing, so a failing provider degrades freshness, never the answers.
import { and, asc, count, eq, ilike, or, sql } from 'drizzle-orm';
import type { Log } from '../logging.ts';
import type { Bus } from '../adapters/bus.ts';
import type { Cache } from '../adapters/cache.ts';
import type { Db } from '../db/client.ts';
import type { PriceStore, WriteResult } from '../db/repositories/prices.ts';
import { stocks, stockPrices } from '../db/schema/index.ts';
import { nyDate, sessionOn } from '../domain/calendar/index.ts';
import { normalizeSymbol } from '../domain/symbols.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import { RequestWindow } from './request-window.ts';
import { ProviderError, type Bar, type BarInterval, type MarketDataProvider, type Quote, type UniverseEntry } from '../providers/market/port.ts';
import { DAY_MS, MINUTE_MS } from '../domain/time.ts';

/** A quote as the API and the bus carry it: JSON, with the instant as an ISO string. */
export type QuoteView = Omit<Quote, 'timestamp' | 'marketCap' | 'source'> & {
  source: string;
  /** When the price was struck. */
  timestamp: string;
};

export type Period = '1mo' | '3mo' | '6mo' | '1y' | '5y';
export const PERIODS: readonly Period[] = ['1mo', '3mo', '6mo', '1y', '5y'];
const PERIOD_DAYS: Record<Period, number> = { '1mo': 31, '3mo': 92, '6mo': 183, '1y': 366, '5y': 1_827 };

/** The seed's "cache the latest quote 5 minutes". */
const QUOTE_TTL_SECONDS = 300;
/** How long a request may wait for the provider's rate limit before answering 503. */
const ON_DEMAND_WAIT_MS = 2_000;
const quoteKey = (symbol: string) => `quote:${symbol}`;
export const stockChannel = (symbol: string) => `stock_${symbol}`;

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

export function quoteView(quote: Quote): QuoteView {
  return {
    symbol: quote.symbol,
    price: round(quote.price, 4),
    change: round(quote.change, 4),
    changePercent: round(quote.changePercent, 4),
    open: quote.open, high: quote.high, low: quote.low, previousClose: quote.previousClose,
    volume: Math.round(quote.volume),
    currency: quote.currency,
    source: quote.source,
    timestamp: quote.timestamp.toISOString(),
  };
}

/** A quote fit to store: a finite positive price struck at a real time. Garbage is dropped. */
function saneQuote(quote: Quote): boolean {
  return Number.isFinite(quote.price) && quote.price > 0 && Number.isFinite(quote.timestamp.getTime())
    && Number.isFinite(quote.volume) && quote.volume >= 0;
}


export interface MarketDataDeps {
  db: Db;
  store: PriceStore;
  cache: Cache;
  bus: Bus;
  /** null when no live source is configured (MARKET_DATA_PROVIDER=csv): stored data only. */
  provider: MarketDataProvider | null;
  log: Log;
  now?: () => Date;
}

export interface FetchSummary extends Record<string, unknown> {
  source: string | null;
  symbols: number;
  quotes: number;
  stored: number;
  skipped: number;
  failedBatches: number;
}

export class MarketDataService {
  private readonly now: () => Date;
  /** Every call to the provider waits its turn here (per process). */
  private readonly window: RequestWindow | null;

  constructor(private readonly deps: MarketDataDeps) {
    this.now = deps.now ?? (() => new Date());
    this.window = deps.provider ? new RequestWindow(deps.provider.rateLimit) : null;
  }

  /** Makes sure every universe company is a known, active stock (names and sectors kept current). */
  async seedUniverse(universe: readonly UniverseEntry[]): Promise<void> {
    if (universe.length === 0) return;
    await this.deps.db.insert(stocks).values(universe.map((entry) => ({ ...entry, isActive: true })))
      .onConflictDoUpdate({
        target: stocks.symbol,
        // Universe membership makes a stock active, even one first looked up on demand.
        set: { name: sql`excluded.name`, sector: sql`excluded.sector`, industry: sql`excluded.industry`, isActive: true },
      });
  }

  /** The symbols the scheduled jobs work on: the largest active companies first. */
  async activeSymbols(limit = 100): Promise<string[]> {
    const rows = await this.deps.db.select({ symbol: stocks.symbol }).from(stocks)
      .where(eq(stocks.isActive, true))
      .orderBy(sql`${stocks.marketCap} desc nulls last`, asc(stocks.createdAt), asc(stocks.symbol))
      .limit(limit);
    return rows.map((row) => row.symbol);
  }

  /**
   * The per-minute job: batched quotes for the active symbols, each stored as a 1m bar and as the
   * session's daily bar, cached for 5 minutes and published as `stock_update`.
   */
  async fetchMarketData(log: Log, limit = 100): Promise<FetchSummary> {
    const provider = this.deps.provider;
    const symbols = await this.activeSymbols(limit);
    const summary: FetchSummary = { source: provider?.name ?? null, symbols: symbols.length, quotes: 0, stored: 0, skipped: 0, failedBatches: 0 };
    if (!provider || symbols.length === 0) return summary;
    for (let i = 0; i < symbols.length; i += provider.maxSymbolsPerRequest) {
      await this.window!.take();
      const batch = symbols.slice(i, i + provider.maxSymbolsPerRequest);
      let quotes: Quote[];
      try {
        quotes = await provider.quotes(batch);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        summary.failedBatches += 1;
        log.warn({ provider: provider.name, kind: error.kind, symbols: batch.length }, `quotes failed: ${error.message}`);
        continue;
      }
      for (const quote of quotes) {
        if (!saneQuote(quote) || !batch.includes(quote.symbol)) {
          summary.skipped += 1;
          log.warn({ symbol: quote.symbol, price: quote.price }, 'quote dropped: not a usable price');
          continue;
        }
        summary.quotes += 1;
        if (await this.recordQuote(quote)) summary.stored += 1;
        else summary.skipped += 1;
      }
    }
    return summary;
  }

  /** Stores, caches and publishes one quote; false when the store refused it (source mixing). */
  async recordQuote(quote: Quote): Promise<boolean> {
    const previous = await this.deps.cache.get<QuoteView>(quoteKey(quote.symbol));
    const minute = new Date(Math.floor(quote.timestamp.getTime() / MINUTE_MS) * MINUTE_MS);
    // A quote carries the session's cumulative volume; the minute's is what it added since the last one.
    const sameSession = previous !== null && nyDate(new Date(previous.timestamp)) === nyDate(quote.timestamp);
    const minuteVolume = sameSession ? Math.max(0, quote.volume - previous.volume) : 0;
    const minuteBar: Bar = { timestamp: minute, open: quote.price, high: quote.price, low: quote.price, close: quote.price, adjustedClose: null, volume: minuteVolume };
    const day = new Date(`${nyDate(quote.timestamp)}T00:00:00Z`);
    const dailyBar: Bar = {
      timestamp: day,
      open: quote.open ?? quote.price,
      high: Math.max(quote.high ?? quote.price, quote.price),
      low: Math.min(quote.low ?? quote.price, quote.price),
      close: quote.price,
      adjustedClose: quote.price,
      volume: quote.volume,
    };
    await this.deps.store.ensureStock({ symbol: quote.symbol, name: quote.symbol, marketCap: quote.marketCap, currency: quote.currency });
    const minuteWrite = await this.deps.store.upsertBars(quote.symbol, '1m', [minuteBar], quote.source, 'merge');
    const dailyWrite = await this.deps.store.upsertBars(quote.symbol, '1d', [dailyBar], quote.source, 'replace');
    if (minuteWrite.stored === 0 && dailyWrite.stored === 0) return false;
    const view = quoteView(quote);
    await this.deps.cache.set(quoteKey(quote.symbol), view, QUOTE_TTL_SECONDS);
    await this.deps.bus.publish(stockChannel(quote.symbol), { type: 'stock_update', data: view });
    return true;
  }

  /** The freshest quote we have: the cache, else the newest stored bar against the previous session's close. */
  async latestQuote(symbol: string): Promise<QuoteView | null> {
    const cached = await this.deps.cache.get<QuoteView>(quoteKey(symbol));
    if (cached) return cached;
    const [stock] = await this.deps.db.select({ currency: stocks.currency }).from(stocks).where(eq(stocks.symbol, symbol));
    if (!stock) return null;
    const daily = await this.deps.store.latestBars(symbol, '1d', 2);
    const [minute] = await this.deps.store.latestBars(symbol, '1m', 1);
    const lastDaily = daily.at(-1);
    if (!lastDaily && !minute) return null;
    // A daily bar is stamped 00:00 UTC of its session date; a minute bar at its instant.
    const dailyDate = (bar: { timestamp: Date }) => bar.timestamp.toISOString().slice(0, 10);
    const useMinute = minute !== undefined && (!lastDaily || nyDate(minute.timestamp) >= dailyDate(lastDaily));
    const sessionDate = useMinute ? nyDate(minute.timestamp) : dailyDate(lastDaily!);
    const session = daily.find((bar) => dailyDate(bar) === sessionDate) ?? null;
    const previous = daily.filter((bar) => dailyDate(bar) < sessionDate).at(-1);
    const previousClose = previous ? Number(previous.close) : null;
    const price = Number(useMinute ? minute.close : lastDaily!.close);
    const change = previousClose === null ? 0 : price - previousClose;
    // A daily bar's price was struck at its session's close, not at the midnight it is stamped with.
    // (Never later than now: a provider's daily history may include the session in progress.)
    const close = sessionOn(sessionDate)?.close ?? lastDaily!.timestamp;
    const struck = useMinute ? minute.timestamp : new Date(Math.min(close.getTime(), this.now().getTime()));
    return {
      symbol, price, change: round(change, 4),
      changePercent: previousClose ? round((change / previousClose) * 100, 4) : 0,
      open: session ? Number(session.open) : null,
      high: session ? Number(session.high) : null,
      low: session ? Number(session.low) : null,
      previousClose,
      volume: session ? session.volume : (minute?.volume ?? 0),
      currency: stock.currency,
      source: useMinute ? minute.source : lastDaily!.source,
      timestamp: struck.toISOString(),
    };
  }

  /** A symbol's stock row; fetched from the provider (profile and a year of bars) when not stored yet. */
  async ensureKnown(raw: string, log: Log): Promise<typeof stocks.$inferSelect> {
    const symbol = normalizeSymbol(raw);
    if (!symbol) throw badRequest('Invalid symbol.', { symbol: ['Use letters, digits, "." or "-", starting with a letter (at most 16).'] });
    const [stored] = await this.deps.db.select().from(stocks).where(eq(stocks.symbol, symbol));
    const hasBars = stored ? (await this.deps.store.latestBars(symbol, '1d', 1)).length > 0 : false;
    if (stored && hasBars) return stored;
    const provider = this.deps.provider;
    if (!provider) {
      if (stored) return stored;
      throw notFound(`Unknown symbol: ${symbol}.`);
    }
    try {
      // Someone waits on this answer: a spent provider budget means 503 now, not minutes of waiting.
      // A universe stock has no market cap until its first quote: the profile fills it in.
      let profile = null;
      if (!stored || stored.marketCap === null) {
        await this.onDemandSlot();
        profile = await provider.profile(symbol);
      }
      if (!stored && !profile) throw notFound(`Unknown symbol: ${symbol}.`);
      // Looked up on demand: stored, but not added to the symbols the scheduled jobs fetch.
      if (profile) await this.deps.store.ensureStock({ ...profile, isActive: false });
      await this.onDemandSlot();
      await this.storeHistory(provider, symbol, '1y');
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      log.warn({ symbol, provider: provider.name, kind: error.kind }, `on-demand fetch failed: ${error.message}`);
      if (!stored) throw new ApiError(503, `No data for ${symbol} yet, and the market data provider is unavailable; try again shortly.`);
    }
    const [row] = await this.deps.db.select().from(stocks).where(eq(stocks.symbol, symbol));
    return row!;
  }

  /** One provider call for a waiting request: within ON_DEMAND_WAIT_MS, or a 503. */
  private async onDemandSlot(): Promise<void> {
    if (!(await this.window!.take(ON_DEMAND_WAIT_MS))) {
      throw new ApiError(503, 'The market data provider\'s rate limit is reached; try again in a minute.', {}, { 'Retry-After': '60' });
    }
  }

  /** Daily history for a period from the provider into the store, paced to the provider's limit. */
  async backfill(symbol: string, period: Period): Promise<WriteResult> {
    const provider = this.deps.provider;
    if (!provider) throw new ApiError(503, 'No market data provider is configured (MARKET_DATA_PROVIDER=csv).');
    await this.window!.take();
    return this.storeHistory(provider, symbol, period);
  }

  /** One history call and its upsert; the caller has taken the provider slot. */
  private async storeHistory(provider: MarketDataProvider, symbol: string, period: Period): Promise<WriteResult> {
    const to = this.now();
    const from = new Date(to.getTime() - PERIOD_DAYS[period] * DAY_MS);
    const bars = await provider.history(symbol, { interval: '1d', from, to });
    if (bars.length > 0) await this.deps.store.ensureStock({ symbol, name: symbol });
    return this.deps.store.upsertBars(symbol, '1d', bars, provider.name, 'replace');
  }

  async stockDetail(raw: string, period: Period, interval: BarInterval, log: Log) {
    const stock = await this.ensureKnown(raw, log);
    const quote = await this.latestQuote(stock.symbol);
    if (!quote) throw new ApiError(503, `No price data for ${stock.symbol} yet.`);
    const to = this.now();
    const from = new Date(to.getTime() - PERIOD_DAYS[period] * DAY_MS);
    const [bars, range] = await Promise.all([
      this.deps.store.bars(stock.symbol, interval, from, to, 50_000),
      this.deps.store.range(stock.symbol, new Date(to.getTime() - 365 * DAY_MS)),
    ]);
    const asOf = new Date(quote.timestamp);
    return {
      symbol: stock.symbol,
      name: stock.name,
      currency: stock.currency,
      exchange: stock.exchange,
      sector: stock.sector,
      industry: stock.industry,
      price: quote.price,
      change: quote.change,
      changePercent: quote.changePercent,
      volume: quote.volume,
      marketCap: stock.marketCap === null ? null : Number(stock.marketCap),
      high52w: range.high,
      low52w: range.low,
      historicalData: bars.map((bar) => ({
        date: interval === '1d' ? bar.timestamp.toISOString().slice(0, 10) : bar.timestamp.toISOString(),
        open: Number(bar.open), high: Number(bar.high), low: Number(bar.low), close: Number(bar.close),
        adjustedClose: bar.adjustedClose === null ? null : Number(bar.adjustedClose),
        volume: bar.volume,
      })),
      indicators: null,
      source: quote.source,
      asOf: quote.timestamp,
      ageSeconds: Math.max(0, Math.round((this.now().getTime() - asOf.getTime()) / 1000)),
    };
  }

  async quotes(symbols: readonly string[]): Promise<QuoteView[]> {
    const views = await Promise.all(symbols.map((symbol) => this.latestQuote(symbol)));
    return views.filter((view): view is QuoteView => view !== null);
  }

  /** Symbols and names matching `query`, best first: exact symbol, symbol prefix, name prefix, name word, anywhere. */
  async search(query: string, limit: number) {
    const q = query.trim().toUpperCase().replace(/[%_\\]/g, '');
    if (q === '') return [];
    const rank = sql<number>`case
      when upper(${stocks.symbol}) = ${q} then 0
      when upper(${stocks.symbol}) like ${`${q}%`} then 1
      when upper(${stocks.name}) like ${`${q}%`} then 2
      when upper(${stocks.name}) like ${`% ${q}%`} then 3
      else 4 end`;
    const rows = await this.deps.db.select({
      symbol: stocks.symbol, name: stocks.name, sector: stocks.sector, exchange: stocks.exchange, currency: stocks.currency, rank,
    }).from(stocks)
      .where(or(ilike(stocks.symbol, `${q}%`), ilike(stocks.name, `%${q}%`)))
      .orderBy(rank, sql`${stocks.marketCap} desc nulls last`, asc(stocks.symbol))
      .limit(limit);
    return rows.map(({ rank: _rank, ...row }) => row);
  }

  async listStocks(filter: { sector?: string }, page: { offset: number; pageSize: number }) {
    const where = filter.sector ? ilike(stocks.sector, filter.sector.replace(/[%_\\]/g, '')) : undefined;
    const [rows, [total]] = await Promise.all([
      this.deps.db.select().from(stocks).where(where)
        .orderBy(sql`${stocks.marketCap} desc nulls last`, asc(stocks.symbol))
        .limit(page.pageSize).offset(page.offset),
      this.deps.db.select({ n: count() }).from(stocks).where(where),
    ]);
    return { rows, count: total?.n ?? 0 };
  }

  /** How many bars a series holds (for reports and tests). */
  async barCount(symbol: string, interval: BarInterval): Promise<number> {
    const [row] = await this.deps.db.select({ n: count() }).from(stockPrices)
      .where(and(eq(stockPrices.symbol, symbol), eq(stockPrices.interval, interval)));
    return row?.n ?? 0;
  }
}

