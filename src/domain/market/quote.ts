// Quotes: the latest price of a symbol with its change against the previous session's close, and
// the arithmetic that turns quotes into bars and stored bars into a quote.
import { nyDate, sessionOn } from '../calendar/index.ts';
import { MINUTE_MS } from '../time.ts';
import { dailyBarTimestamp, sessionDateOf, type Bar } from './bar.ts';
import type { PriceSource } from './source.ts';

export interface Quote {
  symbol: string;
  price: number;
  change: number;
  changePercent: number;
  open: number | null;
  high: number | null;
  low: number | null;
  previousClose: number | null;
  /** Shares traded in the session so far (cumulative, as exchanges report it). */
  volume: number;
  currency: string;
  marketCap: number | null;
  /** When the source says the price was struck. */
  timestamp: Date;
  source: PriceSource;
}

/** A quote as the API, the cache and the bus carry it: JSON, with the instant as an ISO string. */
export type QuoteView = Omit<Quote, 'timestamp' | 'marketCap' | 'source'> & {
  source: string;
  /** When the price was struck. */
  timestamp: string;
};

/** A stored bar with the source of its series. */
export interface SourcedBar extends Bar {
  source: string;
}

export const roundTo = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

export function quoteView(quote: Quote): QuoteView {
  return {
    symbol: quote.symbol,
    price: roundTo(quote.price, 4),
    change: roundTo(quote.change, 4),
    changePercent: roundTo(quote.changePercent, 4),
    open: quote.open, high: quote.high, low: quote.low, previousClose: quote.previousClose,
    volume: Math.round(quote.volume),
    currency: quote.currency,
    source: quote.source,
    timestamp: quote.timestamp.toISOString(),
  };
}

/** A quote fit to store: a finite positive price struck at a real time, a sane volume. */
export function isUsableQuote(quote: Quote): boolean {
  return Number.isFinite(quote.price) && quote.price > 0 && Number.isFinite(quote.timestamp.getTime())
    && Number.isFinite(quote.volume) && quote.volume >= 0;
}

/** The session's daily bar as a quote shows it (open, day range, last price, cumulative volume). */
export function dailyBarFromQuote(quote: Quote): Bar {
  return {
    timestamp: dailyBarTimestamp(nyDate(quote.timestamp)),
    open: quote.open ?? quote.price,
    high: Math.max(quote.high ?? quote.price, quote.price),
    low: Math.min(quote.low ?? quote.price, quote.price),
    close: quote.price,
    adjustedClose: quote.price,
    volume: Math.round(quote.volume),
  };
}

/**
 * What one quote adds to its minute's bar. Stored with `merge` (the first open stays, high and low
 * widen, the last close wins, volumes add up), successive quotes of a minute build the real bar:
 * first, highest, lowest and last price, and the shares traded in the minute, which is the growth
 * of the session's cumulative volume since the previous quote. A rise of the day's high (or fall of
 * its low) since the previous quote happened in between, so it widens this minute's range too.
 */
export function minuteBarFromQuote(quote: Quote, previous: QuoteView | null): Bar {
  const minuteStart = Math.floor(quote.timestamp.getTime() / MINUTE_MS) * MINUTE_MS;
  const session = sessionOn(nyDate(quote.timestamp));
  const sameSession = previous !== null && nyDate(new Date(previous.timestamp)) === nyDate(quote.timestamp)
    && Date.parse(previous.timestamp) <= quote.timestamp.getTime();
  let high = quote.price;
  let low = quote.price;
  let volume = 0;
  if (sameSession) {
    if (quote.high !== null && previous.high !== null && quote.high > previous.high) high = Math.max(high, quote.high);
    if (quote.low !== null && previous.low !== null && quote.low < previous.low) low = Math.min(low, quote.low);
    volume = Math.max(0, quote.volume - previous.volume);
  } else if (session && minuteStart === session.open.getTime()) {
    // The session's first minute: everything traded so far was traded in it.
    volume = quote.volume;
  }
  return { timestamp: new Date(minuteStart), open: quote.price, high, low, close: quote.price, adjustedClose: null, volume: Math.round(volume) };
}

export interface StoredPrices {
  symbol: string;
  currency: string;
  /** The newest daily bars (at least the last two), oldest first. */
  daily: readonly SourcedBar[];
  /** The newest 1-minute bar, if any. */
  minute: SourcedBar | null;
  now: Date;
}

/**
 * The freshest quote stored bars give: the newest minute bar when it is of the newest session,
 * else the newest daily bar, against the previous session's close. A daily bar's price was struck
 * at its session's close (or now, while that session is still trading).
 */
export function quoteFromBars({ symbol, currency, daily, minute, now }: StoredPrices): Quote | null {
  const lastDaily = daily.at(-1);
  if (!lastDaily && !minute) return null;
  const useMinute = minute !== null && (!lastDaily || nyDate(minute.timestamp) >= sessionDateOf(lastDaily));
  const sessionDate = useMinute ? nyDate(minute.timestamp) : sessionDateOf(lastDaily!);
  const session = daily.find((bar) => sessionDateOf(bar) === sessionDate) ?? null;
  const previous = daily.filter((bar) => sessionDateOf(bar) < sessionDate).at(-1);
  const previousClose = previous ? previous.close : null;
  const price = useMinute ? minute.close : lastDaily!.close;
  const change = previousClose === null ? 0 : price - previousClose;
  const close = sessionOn(sessionDate)?.close ?? lastDaily!.timestamp;
  const struck = useMinute ? minute.timestamp : new Date(Math.min(close.getTime(), now.getTime()));
  return {
    symbol, price, change: roundTo(change, 4),
    changePercent: previousClose ? roundTo((change / previousClose) * 100, 4) : 0,
    open: session ? session.open : null,
    high: session ? session.high : null,
    low: session ? session.low : null,
    previousClose,
    volume: session ? session.volume : (minute?.volume ?? 0),
    currency,
    marketCap: null,
    source: (useMinute ? minute.source : lastDaily!.source) as PriceSource,
    timestamp: struck,
  };
}

/** How old a quote is at `now`, in whole seconds (never negative). */
export function ageSeconds(timestamp: string | Date, now: Date): number {
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : timestamp.getTime();
  return Math.max(0, Math.round((now.getTime() - at) / 1000));
}
