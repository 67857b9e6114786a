// Quote ingest: the per-minute fetch of the active symbols' quotes, and the recording of any
// quote (stored as its minute's bar and its session's daily bar, cached, published on the bus).
import type { Bus } from '../../adapters/bus.ts';
import type { Cache } from '../../adapters/cache.ts';
import type { PriceRepository } from '../../db/repositories/prices.ts';
import { dailyBarFromQuote, isUsableQuote, minuteBarFromQuote, quoteView, type Quote, type QuoteView } from '../../domain/market/quote.ts';
import type { Log } from '../../logging.ts';
import { ProviderError } from '../../providers/outside-call.ts';
import type { StockCatalog } from './catalog.ts';
import type { MarketGateway } from './gateway.ts';

/** The seed's "cache the latest quote 5 minutes". */
export const QUOTE_TTL_SECONDS = 300;
export const quoteKey = (symbol: string) => `quote:${symbol}`;
/** The bus channel of a symbol: the seed's Channels group. */
export const stockChannel = (symbol: string) => `stock_${symbol}`;

export interface FetchSummary extends Record<string, unknown> {
  source: string | null;
  symbols: number;
  quotes: number;
  stored: number;
  skipped: number;
  failedBatches: number;
}

export class QuoteIngest {
  constructor(
    private readonly catalog: StockCatalog,
    private readonly prices: PriceRepository,
    private readonly cache: Cache,
    private readonly bus: Bus,
    private readonly gateway: MarketGateway,
  ) {}

  /**
   * The per-minute job: batched quotes for the active symbols, each recorded. A failing batch is
   * logged and skipped; the others still land.
   */
  async fetchActive(limit: number, log: Log): Promise<FetchSummary> {
    const symbols = await this.catalog.active(limit);
    const summary: FetchSummary = { source: this.gateway.source, symbols: symbols.length, quotes: 0, stored: 0, skipped: 0, failedBatches: 0 };
    if (!this.gateway.provider || symbols.length === 0) return summary;
    for (const batch of this.gateway.batches(symbols)) {
      let quotes: Quote[];
      try {
        quotes = await this.gateway.quotes(batch);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        summary.failedBatches += 1;
        log.warn({ provider: error.provider, kind: error.failure, symbols: batch.length }, `quotes failed: ${error.message}`);
        continue;
      }
      for (const quote of quotes) {
        if (!isUsableQuote(quote) || !batch.includes(quote.symbol)) {
          summary.skipped += 1;
          log.warn({ symbol: quote.symbol, price: quote.price }, 'quote dropped: not a usable price');
          continue;
        }
        summary.quotes += 1;
        if (await this.record(quote)) summary.stored += 1;
        else summary.skipped += 1;
      }
    }
    return summary;
  }

  /**
   * Stores, caches and publishes one quote; false when the store refused it (a simulated quote
   * for a series of real prices), in which case nothing is cached or published either.
   */
  async record(quote: Quote): Promise<boolean> {
    const previous = await this.cache.get<QuoteView>(quoteKey(quote.symbol));
    await this.catalog.noteQuote(quote);
    const minute = await this.prices.upsertBars(quote.symbol, '1m', [minuteBarFromQuote(quote, previous)], quote.source, 'merge');
    const daily = await this.prices.upsertBars(quote.symbol, '1d', [dailyBarFromQuote(quote)], quote.source, 'replace');
    if (minute.stored === 0 && daily.stored === 0) return false;
    const view = quoteView(quote);
    await this.cache.set(quoteKey(quote.symbol), view, QUOTE_TTL_SECONDS);
    await this.bus.publish(stockChannel(quote.symbol), { type: 'stock_update', data: view });
    return true;
  }
}
