// The `simulated` market-data adapter: the port in ./port.ts over the seeded market simulator.
//
// Any plausible ticker is priced; quotes follow the NYSE clock of the injected `now`:
// during the session, the latest minute bar (the one containing `now`) and the session so far;
// outside it, the last completed session. History never shows a bar that starts after `now`,
// and daily bars only for sessions that have closed (the session in progress is in the quote).

import {
  isMarketOpen,
  lastSessionClosedBy,
  nyDate,
  sessionOn,
  type TradingSession,
} from '../../domain/calendar/index.ts';
import {
  createMarketSimulator,
  SIMULATION_MODEL,
  type MarketSimulator,
  type SimulatedBar,
} from '../../domain/simulation/index.ts';
import type { Bar } from '../../domain/market/bar.ts';
import type { Quote } from '../../domain/market/quote.ts';
import type { UniverseEntry } from '../../domain/market/universe.ts';
import { DAY_MS, isoDate, MINUTE_MS, systemClock, type Clock } from '../../domain/time.ts';
import type { CompanyProfile, HistoryRequest, MarketDataProvider, SymbolMatch } from './port.ts';


export interface SimulatedProviderOptions {
  seed: number;
  clock?: Clock;
  /** Listed companies: names and sectors for profiles, and what search finds. */
  universe?: ReadonlyArray<UniverseEntry>;
}

/** What the simulator will price: an upper-case ticker, as exchanges spell them. */
const SYMBOL_PATTERN = /^[A-Z][A-Z0-9.-]{0,9}$/;
const EXCHANGE = 'SIM';
const CURRENCY = 'USD';
const FIRST_DATE = `${SIMULATION_MODEL.firstYear}-01-01`;
const LAST_DATE = `${SIMULATION_MODEL.lastYear}-12-31`;

function isKnown(symbol: string): boolean {
  return typeof symbol === 'string' && SYMBOL_PATTERN.test(symbol);
}

/** New York calendar year of an instant; the calendar and the simulator cover 1990–2099 only. */
function nyYear(at: Date): number {
  return Number(nyDate(at).slice(0, 4));
}

function inSimulatedYears(at: Date): boolean {
  const year = nyYear(at);
  return year >= SIMULATION_MODEL.firstYear && year <= SIMULATION_MODEL.lastYear;
}

/** Date of the last session closed by `at`, or null before the first simulated one. */
function lastClosedDate(at: Date): string | null {
  if (nyYear(at) > SIMULATION_MODEL.lastYear) return LAST_DATE;
  return inSimulatedYears(at) ? (lastSessionClosedBy(at)?.date ?? null) : null;
}

function clampDate(date: string): string {
  if (date < FIRST_DATE) return FIRST_DATE;
  if (date > LAST_DATE) return LAST_DATE;
  return date;
}

function assertInstant(at: Date, label: string): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ${label}: expected a valid Date`);
  return ms;
}

function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}

function toBar(bar: SimulatedBar, interval: HistoryRequest['interval']): Bar {
  return { ...bar, adjustedClose: interval === '1d' ? bar.close : null };
}

/** The market at an instant, worked out once per call rather than once per symbol. */
type MarketAt =
  | { state: 'open'; session: TradingSession; minute: number }
  | { state: 'closed'; session: TradingSession }
  | { state: 'none' };

function marketAt(at: Date): MarketAt {
  if (!inSimulatedYears(at)) return { state: 'none' };
  const today = isMarketOpen(at) ? sessionOn(nyDate(at)) : null;
  if (today) {
    // The minute bar containing `now`: the simulator knows its close already, as a live feed knows the last trade.
    return { state: 'open', session: today, minute: Math.floor((at.getTime() - today.open.getTime()) / MINUTE_MS) };
  }
  const last = lastSessionClosedBy(at);
  return last ? { state: 'closed', session: last } : { state: 'none' };
}

export function createSimulatedProvider(options: SimulatedProviderOptions): MarketDataProvider {
  // Universe companies start near their real (approximate) prices and share counts.
  const references = new Map((options.universe ?? []).flatMap((entry) =>
    entry.referencePrice && entry.sharesOutstanding ? [[entry.symbol, { price: entry.referencePrice, sharesOutstanding: entry.sharesOutstanding }] as const] : []));
  const simulator: MarketSimulator = createMarketSimulator(options.seed, { references });
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const universe = options.universe ?? [];
  const listed = new Map(universe.map((entry) => [entry.symbol, entry]));

  const quoteIn = (symbol: string, market: MarketAt): Quote | null => {
    if (market.state === 'none') return null;
    // Open: the session so far, struck at the latest minute. Closed (night, weekend, holiday):
    // the last session's bar, struck at that session's close.
    const bar = market.state === 'open'
      ? simulator.sessionSoFar(symbol, market.session.date, market.minute)
      : simulator.dailyBar(symbol, market.session.date);
    if (!bar) return null;
    const previousClose = simulator.previousClose(symbol, market.session.date);
    return {
      symbol,
      price: bar.close,
      change: previousClose === null ? 0 : roundCents(bar.close - previousClose),
      changePercent: previousClose ? ((bar.close - previousClose) / previousClose) * 100 : 0,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      previousClose,
      volume: bar.volume,
      currency: CURRENCY,
      marketCap: Math.round(bar.close * simulator.parameters(symbol).sharesOutstanding),
      timestamp: market.state === 'open' ? bar.timestamp : market.session.close,
      source: 'simulated',
    };
  };

  return {
    name: 'simulated',
    maxSymbolsPerRequest: 1000,
    rateLimit: { requests: 1_000_000, perMs: 1000 },
    testSymbol: 'AAPL',

    async quotes(symbols, signal) {
      signal?.throwIfAborted();
      const market = marketAt(now());
      const seen = new Set<string>();
      const quotes: Quote[] = [];
      for (const symbol of symbols) {
        if (!isKnown(symbol) || seen.has(symbol)) continue;
        seen.add(symbol);
        const quote = quoteIn(symbol, market);
        if (quote) quotes.push(quote);
      }
      return quotes;
    },

    async history(symbol, request, signal) {
      signal?.throwIfAborted();
      const { interval } = request;
      if (interval !== '1d' && interval !== '1m') throw new RangeError(`Unsupported interval ${String(interval)}`);
      const fromMs = assertInstant(request.from, 'from');
      const at = now();
      const endMs = Math.min(assertInstant(request.to, 'to'), assertInstant(at, 'now()'));
      if (!isKnown(symbol) || fromMs > endMs) return [];

      if (interval === '1d') {
        // Only sessions that have closed by now; a bar's timestamp is 00:00 UTC of its session date.
        const lastClosed = lastClosedDate(at);
        if (lastClosed === null) return [];
        const from = clampDate(isoDate(new Date(fromMs)));
        const to = clampDate(isoDate(new Date(Math.min(endMs, Date.parse(`${lastClosed}T00:00:00Z`)))));
        return simulator
          .dailyBars(symbol, from, to)
          .filter((bar) => bar.timestamp.getTime() >= fromMs && bar.timestamp.getTime() <= endMs)
          .map((bar) => toBar(bar, '1d'));
      }

      // Minute bars: sessions by New York date (a day either side covers any offset), then by instant.
      const from = clampDate(isoDate(new Date(fromMs - DAY_MS)));
      const to = clampDate(isoDate(new Date(endMs + DAY_MS)));
      const bars: Bar[] = [];
      for (const bar of simulator.minuteBarsBetween(symbol, from, to)) {
        const ms = bar.timestamp.getTime();
        if (ms >= fromMs && ms <= endMs) bars.push(toBar(bar, '1m'));
      }
      return bars;
    },

    async profile(symbol, signal) {
      signal?.throwIfAborted();
      if (!isKnown(symbol)) return null;
      const entry = listed.get(symbol);
      // With a universe, the simulated exchange lists those companies only: others are unknown (404).
      if (listed.size > 0 && !entry) return null;
      const quote = quoteIn(symbol, marketAt(now()));
      return {
        symbol,
        name: entry?.name ?? `${symbol} (simulated)`,
        sector: entry?.sector ?? null,
        industry: entry?.industry ?? null,
        marketCap: quote?.marketCap ?? null,
        exchange: EXCHANGE,
        currency: CURRENCY,
      } satisfies CompanyProfile;
    },

    async search(query, limit, signal) {
      signal?.throwIfAborted();
      const needle = query.trim().toLowerCase();
      if (needle === '' || limit <= 0) return [];
      // Symbol-prefix matches first (exact symbol, then shorter symbols), then name matches in universe order.
      const bySymbol = universe
        .filter((entry) => entry.symbol.toLowerCase().startsWith(needle))
        .sort((a, b) => a.symbol.length - b.symbol.length || a.symbol.localeCompare(b.symbol));
      const picked = new Set(bySymbol.map((entry) => entry.symbol));
      const byName = universe.filter(
        (entry) => !picked.has(entry.symbol) && entry.name.toLowerCase().includes(needle),
      );
      return [...bySymbol, ...byName].slice(0, limit).map((entry): SymbolMatch => ({
        symbol: entry.symbol,
        name: entry.name,
        exchange: EXCHANGE,
        type: 'EQUITY',
      }));
    },
  };
}
