// Latest quotes: from the cache (what the per-minute job or an earlier request recorded), else
// fetched from the provider on demand, else worked out from the stored bars with their age.
// A symbol holding real prices is never answered with a simulated quote.
import type { Cache } from '../../adapters/cache.ts';
import type { PriceRepository } from '../../db/repositories/prices.ts';
import { NotFound, Unavailable } from '../../domain/errors.ts';
import { isUsableQuote, quoteFromBars, quoteView, type QuoteView } from '../../domain/market/quote.ts';
import { isRealSource } from '../../domain/market/source.ts';
import type { Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { StockCatalog } from './catalog.ts';
import { onDemand, type MarketGateway } from './gateway.ts';
import { quoteKey, type QuoteIngest } from './quote-ingest.ts';

export interface QuoteAnswer {
  quotes: QuoteView[];
  /** Symbols neither we nor the provider know. */
  unknown: string[];
  /** Known symbols without any price yet (the provider could not be asked, or had none). */
  noData: string[];
}

export class QuoteService {
  constructor(
    private readonly cache: Cache,
    private readonly prices: PriceRepository,
    private readonly catalog: StockCatalog,
    private readonly gateway: MarketGateway,
    private readonly ingest: QuoteIngest,
    private readonly clock: Clock,
  ) {}

  /** Whether the live provider may price this symbol: never the simulator for a symbol with real prices. */
  private async providerMayPrice(symbol: string): Promise<boolean> {
    if (!this.gateway.provider) return false;
    if (!this.gateway.isSimulated) return true;
    const stored = await this.prices.symbolSource(symbol);
    return stored === null || !isRealSource(stored);
  }

  /** The latest quote worked out from stored bars, or null when there are none. */
  async fromStore(symbol: string, currency: string): Promise<QuoteView | null> {
    const [daily, [minute]] = await Promise.all([this.prices.latestBars(symbol, '1d', 2), this.prices.latestBars(symbol, '1m', 1)]);
    const quote = quoteFromBars({ symbol, currency, daily, minute: minute ?? null, now: this.clock.now() });
    return quote ? quoteView(quote) : null;
  }

  /**
   * The freshest quote of a known symbol: cached, else fetched now (recorded and cached like the
   * job's), else from stored bars. A provider failure only makes the answer older.
   */
  async latest(symbol: string, currency: string, log: Log): Promise<QuoteView | null> {
    return (await this.live(symbol, log)) ?? this.fromStore(symbol, currency);
  }

  /** The cached quote, else one fetched now (and recorded, today's bars with it); null when neither can be had. */
  async live(symbol: string, log: Log): Promise<QuoteView | null> {
    const cached = await this.cache.get<QuoteView>(quoteKey(symbol));
    if (cached) return cached;
    const [fetched] = await this.fetch([symbol], log);
    return fetched ?? null;
  }

  /** Fetches and records quotes for symbols the provider may price; failures answer nothing. */
  private async fetch(symbols: readonly string[], log: Log): Promise<QuoteView[]> {
    const allowed: string[] = [];
    for (const symbol of symbols) if (await this.providerMayPrice(symbol)) allowed.push(symbol);
    if (allowed.length === 0) return [];
    let quotes;
    try {
      quotes = await this.gateway.quotes(allowed, onDemand());
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      log.warn({ symbols: allowed.length }, `on-demand quotes failed: ${error.message}`);
      return [];
    }
    const views: QuoteView[] = [];
    for (const quote of quotes) {
      if (!allowed.includes(quote.symbol) || !isUsableQuote(quote)) continue;
      if (await this.ingest.record(quote)) views.push(quoteView(quote));
    }
    return views;
  }

  /**
   * Quotes of many symbols, in the order asked: cached ones at once, the rest fetched in one
   * batch, then from stored bars. Unknown symbols and known ones without data are told apart.
   */
  async many(symbols: readonly string[], log: Log): Promise<QuoteAnswer> {
    const cached = await Promise.all(symbols.map((symbol) => this.cache.get<QuoteView>(quoteKey(symbol))));
    const found = new Map<string, QuoteView>();
    const unknown: string[] = [];
    const missing: { symbol: string; currency: string }[] = [];
    for (const [index, symbol] of symbols.entries()) {
      const quote = cached[index];
      if (quote) {
        found.set(symbol, quote);
        continue;
      }
      try {
        const stock = await this.catalog.resolve(symbol, onDemand());
        missing.push({ symbol, currency: stock.currency });
      } catch (error) {
        if (error instanceof NotFound) unknown.push(symbol);
        else if (error instanceof Unavailable) missing.push({ symbol, currency: 'USD' });
        else throw error;
      }
    }
    for (const quote of await this.fetch(missing.map((m) => m.symbol), log)) found.set(quote.symbol, quote);
    const noData: string[] = [];
    for (const { symbol, currency } of missing) {
      if (found.has(symbol)) continue;
      const stored = await this.fromStore(symbol, currency);
      if (stored) found.set(symbol, stored);
      else noData.push(symbol);
    }
    return { quotes: symbols.flatMap((symbol) => found.get(symbol) ?? []), unknown, noData };
  }
}
