// A server of its own on the simulated market, with a clock the test moves and a switch that makes
// the provider fail or lie as a real one can: what every market test block starts from.
import { afterAll, beforeAll } from 'vitest';
import type { Runtime } from '../../src/app.ts';
import type { BarInterval } from '../../src/domain/market/bar.ts';
import type { Quote } from '../../src/domain/market/quote.ts';
import { manualClock } from '../../src/domain/time.ts';
import { createSimulatedProvider } from '../../src/providers/market/simulated.ts';
import { UNIVERSE } from '../../src/providers/market/choose.ts';
import type { MarketDataProvider } from '../../src/providers/market/port.ts';
import { ProviderError } from '../../src/providers/outside-call.ts';
import { startServer, type TestServer } from './http.ts';

// Tuesday 2026-11-24, 10:00 in New York: the market is open.
export const MARKET_NOW = new Date('2026-11-24T15:00:00Z');

export interface Market {
  server: TestServer;
  clock: ReturnType<typeof manualClock>;
  /** Makes the provider fail or lie, as a real one can (`history_down`: quotes answer, history does not). */
  fault: 'none' | 'down' | 'garbage' | 'history_down';
}

/** A server of its own on the simulated market at NOW, with a switch to make the provider fail. */
export function market(options: { systemClock?: boolean; now?: Date; env?: Record<string, string> } = {}): Market {
  const clock = manualClock(options.now ?? MARKET_NOW);
  const state: Market = { server: undefined as unknown as TestServer, clock, fault: 'none' };
  const simulated = createSimulatedProvider({ seed: 7, clock, universe: UNIVERSE });
  const down = () => {
    if (state.fault === 'down') throw new ProviderError('simulated', 'connection refused', 'unavailable');
  };
  // A symbol looked up on demand, consistent in its profile and quotes.
  const EXTRA_CAP = 9e12;
  const flaky: MarketDataProvider = {
    ...simulated,
    name: 'simulated',
    maxSymbolsPerRequest: 40,
    quotes: async (symbols) => {
      down();
      const quotes = (await simulated.quotes(symbols)).map((q): Quote => (q.symbol === 'EXTRA' ? { ...q, marketCap: EXTRA_CAP } : q));
      return state.fault === 'garbage' ? quotes.map((q): Quote => ({ ...q, price: Number.NaN })) : quotes;
    },
    history: async (symbol, request) => {
      down();
      if (state.fault === 'history_down') throw new ProviderError('simulated', 'history unavailable', 'unavailable');
      return simulated.history(symbol, request);
    },
    // A symbol the source has never heard of, as Yahoo answers for a typo.
    profile: async (symbol) => {
      down();
      if (symbol === 'EXTRA') return { symbol, name: 'Extra Corp', sector: 'Utilities', industry: null, marketCap: EXTRA_CAP, exchange: 'SIM', currency: 'USD' };
      return symbol === 'NOSUCH' ? null : simulated.profile(symbol);
    },
    search: (query, limit) => simulated.search(query, limit),
  };
  beforeAll(async () => {
    state.server = await startServer(options.env ?? {}, { provider: { provider: flaky, reason: 'test' }, ...(options.systemClock ? {} : { clock }) });
  });
  afterAll(async () => { await state.server?.close(); });
  return state;
}

export const barCount = async (runtime: Runtime, symbol: string, interval: BarInterval) =>
  (await runtime.repositories.prices.bars(symbol, interval, new Date(0), new Date('2100-01-01'))).length;

