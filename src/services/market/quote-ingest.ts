// Quote ingest: the per-minute fetch of the active symbols' quotes, and the recording of any
// quote (stored as its minute's bar and its session's daily bar, cached, published on the bus).
import type { Bus } from '../../adapters/bus.ts';
import type { Cache } from '../../adapters/cache.ts';
import type { PriceStream } from '../../adapters/stream.ts';
import type { PriceRepository } from '../../db/repositories/prices.ts';
import { dailyBarFromQuote, isUsableQuote, minuteBarFromQuote, quoteView, type Quote, type QuoteView } from '../../domain/market/quote.ts';
import { nyDate, sessionOn } from '../../domain/calendar/index.ts';
import type { Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import { ProviderError } from '../../providers/outside-call.ts';
import type { StockCatalog } from './catalog.ts';
import type { MarketGateway } from './gateway.ts';

/** The seed's "cache the latest quote 5 minutes". */
export const QUOTE_TTL_SECONDS = 300;
export const quoteKey = (symbol: string) => `quote:${symbol}`;
/** The bus channel of a symbol: the seed's Channels group. */
export const stockChannel = (symbol: string) => `stock_${symbol}`;

/** Told of every recorded quote after it is published (price alerts). */
export interface QuoteWatcher {
  quoteRecorded(quote: QuoteView, previous: QuoteView | null): Promise<void>;
}

export interface FetchSummary extends Record<string, unknown> {
  source: string | null;
  symbols: number;
  quotes: number;
  stored: number;
  skipped: number;
  failedBatches: number;
  /** Why the provider failed, when it did (the run stores nothing made up). */
  error?: string;
  /** 1-minute bars fetched to fill the minutes since the last good run, after an outage. */
  caughtUp?: number;
}

/** When the last run that reached the provider was (shared by every worker). */
const LAST_GOOD_RUN = 'ingest:last-good-run';
/** A gap longer than this since the last good run is filled from the provider's 1-minute bars. */
const CATCH_UP_AFTER_MS = 2 * 60_000;

export class QuoteIngest {
  constructor(
    private readonly catalog: StockCatalog,
    private readonly prices: PriceRepository,
    private readonly cache: Cache,
    private readonly bus: Bus,
    private readonly gateway: MarketGateway,
    private readonly clock: Clock,
    /** The durable `stock_prices` stream, when one is configured: every recorded quote is appended. */
    private readonly stream: PriceStream | null = null,
    private readonly watcher: QuoteWatcher | null = null,
  ) {}

  /**
   * The per-minute job: batched quotes for the active symbols, each recorded. A provider that is
   * down fails the run's remaining batches at once (its adapter logged the one line that says why)
   * and nothing is stored; the first good run after an outage fills the missed minutes.
   */
  async fetchActive(limit: number, log: Log): Promise<FetchSummary> {
    const symbols = await this.catalog.active(limit);
    const summary: FetchSummary = { source: this.gateway.source, symbols: symbols.length, quotes: 0, stored: 0, skipped: 0, failedBatches: 0 };
    if (!this.gateway.provider || symbols.length === 0) return summary;
    const batches = this.gateway.batches(symbols);
    for (const [index, batch] of batches.entries()) {
      let quotes: Quote[];
      try {
        quotes = await this.gateway.quotes(batch);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        summary.failedBatches = batches.length - index;
        summary.error = error.message;
        return summary;
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
    summary.caughtUp = await this.catchUp(symbols, log);
    return summary;
  }

  /**
   * After an outage (no good run for a few minutes), the minutes it missed in today's session are
   * fetched as the provider's own 1-minute bars. One request per symbol, paced like any other.
   */
  private async catchUp(symbols: readonly string[], log: Log): Promise<number> {
    const now = this.clock.now();
    const last = await this.cache.get<string>(LAST_GOOD_RUN);
    const caughtUp = () => this.cache.set(LAST_GOOD_RUN, now.toISOString(), 24 * 3600);
    const session = sessionOn(nyDate(now));
    const from = session && last !== null ? new Date(Math.max(Date.parse(last), session.open.getTime())) : null;
    if (from === null || now.getTime() - from.getTime() < CATCH_UP_AFTER_MS) {
      await caughtUp();
      return 0;
    }
    let bars = 0;
    for (const symbol of symbols) {
      try {
        const missed = await this.gateway.history(symbol, { interval: '1m', from, to: now });
        bars += (await this.prices.upsertBars(symbol, '1m', missed, this.gateway.source!, 'replace')).stored;
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        // The gap stays marked as missed: the next good run fetches it again (bars already filled are replaced, not doubled).
        log.warn({ symbol, from: from.toISOString() }, `catch-up of missed minutes stopped, to be resumed by the next run: ${error.message}`);
        return bars;
      }
    }
    await caughtUp();
    log.info({ from: from.toISOString(), symbols: symbols.length, bars }, 'missed minutes filled after an outage');
    return bars;
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
    await this.stream?.append(quote.symbol, view);
    await this.watcher?.quoteRecorded(view, previous);
    return true;
  }
}
