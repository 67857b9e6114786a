// Intraday ticks of the simulated market: between the per-minute fetches, the active symbols'
// simulated quotes every few seconds while the market is open, so the embedded default feels live.
// Each tick takes the same path as the job's quotes (QuoteIngest.record: store, cache, bus, stream,
// alerts) and says `source: "simulated"`. Every process may run the loop; a shared claim per tick
// slot makes each tick happen once (embedded the one process, scaled one of the workers).
import type { Cache } from '../../adapters/cache.ts';
import { isMarketOpen } from '../../domain/calendar/index.ts';
import { isUsableQuote, roundTo, type Quote } from '../../domain/market/quote.ts';
import type { Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { StockCatalog } from './catalog.ts';
import type { MarketGateway } from './gateway.ts';
import type { QuoteIngest } from './quote-ingest.ts';

/** How far a tick strays from its minute's simulated price, at most (a fraction of the price). */
const TICK_SPREAD = 0.0005;

/** A number in [-1, 1] fixed by the symbol and the instant: the same seed gives the same ticks. */
function wobble(symbol: string, at: number): number {
  let hash = 2166136261;
  for (const char of `${symbol}@${at}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return ((hash >>> 0) / 0xffffffff) * 2 - 1;
}

/**
 * The simulated provider prices a whole minute at once; a tick within it strays a little around
 * that price (within TICK_SPREAD), struck now, so a subscriber sees the price move between minutes.
 */
export function tickOf(quote: Quote, now: Date): Quote {
  const price = roundTo(quote.price * (1 + TICK_SPREAD * wobble(quote.symbol, now.getTime())), 4);
  const change = quote.previousClose === null ? quote.change : roundTo(price - quote.previousClose, 4);
  return {
    ...quote, price, change,
    changePercent: quote.previousClose ? roundTo((change / quote.previousClose) * 100, 4) : quote.changePercent,
    high: quote.high === null ? null : Math.max(quote.high, price),
    low: quote.low === null ? null : Math.min(quote.low, price),
    timestamp: now,
  };
}

export interface TickSettings {
  /** Milliseconds between ticks; 0 turns them off. */
  intervalMs: number;
  activeSymbols: number;
}

export type TickOutcome = { ran: false; reason: 'off' | 'not_simulated' | 'market_closed' | 'taken' } | { ran: true; recorded: number };

export class IntradayTicks {
  constructor(
    private readonly catalog: StockCatalog,
    private readonly gateway: MarketGateway,
    private readonly ingest: QuoteIngest,
    private readonly counters: Cache,
    private readonly clock: Clock,
    private readonly settings: TickSettings,
  ) {}

  /** One tick now, if one is due here: the simulated provider, an open market, and a slot no other process took. */
  async tick(): Promise<TickOutcome> {
    if (this.settings.intervalMs <= 0) return { ran: false, reason: 'off' };
    if (!this.gateway.isSimulated) return { ran: false, reason: 'not_simulated' };
    const now = this.clock.now();
    if (!isMarketOpen(now)) return { ran: false, reason: 'market_closed' };
    const slot = Math.floor(now.getTime() / this.settings.intervalMs);
    const ttlSeconds = Math.max(2, Math.ceil((this.settings.intervalMs * 2) / 1000));
    if (!(await this.counters.add(`simulated-tick:${slot}`, 1, ttlSeconds))) return { ran: false, reason: 'taken' };
    const symbols = await this.catalog.active(this.settings.activeSymbols);
    let recorded = 0;
    for (const quote of await this.gateway.quotes(symbols)) {
      if (isUsableQuote(quote) && (await this.ingest.record(tickOf(quote, now)))) recorded += 1;
    }
    return { ran: true, recorded };
  }

  /** Ticks on the interval's boundaries until stopped; a tick still running makes the next one skip. */
  start(log: Log): { stop(): void } {
    const { intervalMs } = this.settings;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let running = false;
    let stopped = false;
    const schedule = () => {
      if (stopped) return;
      const wait = intervalMs - (Date.now() % intervalMs);
      timer = setTimeout(fire, wait);
      timer.unref?.();
    };
    const fire = () => {
      schedule();
      if (running) return;
      running = true;
      this.tick()
        .then((outcome) => { if (outcome.ran) log.debug({ recorded: outcome.recorded }, 'simulated tick'); })
        .catch((error: unknown) => log.warn({ err: error }, 'simulated tick failed'))
        .finally(() => { running = false; });
    };
    if (intervalMs > 0 && this.gateway.isSimulated) schedule();
    return {
      stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
    };
  }
}
