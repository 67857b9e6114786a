// The market routes and the market services behind them, over real HTTP. Each block has its own
// server, clock and provider, so no block sees another's state (the suite also runs shuffled).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Runtime } from '../../../src/app.ts';
import type { BarInterval } from '../../../src/domain/market/bar.ts';
import type { Quote } from '../../../src/domain/market/quote.ts';
import { manualClock } from '../../../src/domain/time.ts';
import { createSimulatedProvider } from '../../../src/providers/market/simulated.ts';
import { UNIVERSE } from '../../../src/providers/market/choose.ts';
import type { MarketDataProvider } from '../../../src/providers/market/port.ts';
import { ProviderError } from '../../../src/providers/outside-call.ts';
import { SCALE } from '../../support/scale.ts';
import { startServer, type TestServer } from '../../support/http.ts';

// Tuesday 2026-11-24, 10:00 in New York: the market is open.
const NOW = new Date('2026-11-24T15:00:00Z');
const log = pino({ level: 'silent' });

interface Market {
  server: TestServer;
  clock: ReturnType<typeof manualClock>;
  /** Makes the provider fail or lie, as a real one can. */
  fault: 'none' | 'down' | 'garbage';
}

/** A server of its own on the simulated market at NOW, with a switch to make the provider fail. */
function market(options: { systemClock?: boolean } = {}): Market {
  const clock = manualClock(NOW);
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
    state.server = await startServer({}, { provider: { provider: flaky, reason: 'test' }, ...(options.systemClock ? {} : { clock }) });
  });
  afterAll(async () => { await state.server?.close(); });
  return state;
}

const barCount = async (runtime: Runtime, symbol: string, interval: BarInterval) =>
  (await runtime.repositories.prices.bars(symbol, interval, new Date(0), new Date('2100-01-01'))).length;

describe(`stock detail (${SCALE})`, () => {
  const m = market();
  it('fetches an unknown-but-real symbol on demand and answers the contract\'s shape', async () => {
    const answer = await m.server.call('GET', '/api/market/stock/AAPL/');
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({ symbol: 'AAPL', name: 'Apple Inc.', currency: 'USD', source: 'simulated', indicators: null, sector: 'Information Technology' });
    for (const key of ['price', 'change', 'changePercent', 'volume', 'high52w', 'low52w']) expect(typeof data[key]).toBe('number');
    expect(data.price).toBeGreaterThan(0);
    // Filled from the provider's profile on first sight: never a made-up 0.
    expect(data.marketCap).toBeGreaterThan(0);
    expect(data.exchange).toBe('SIM');
    expect(data.high52w).toBeGreaterThanOrEqual(data.low52w);
    expect(data.historicalData.length).toBeGreaterThan(240);
    expect(data.historicalData.length).toBeLessThan(260);
    const first = data.historicalData[0];
    expect(Object.keys(first).sort()).toEqual(['adjustedClose', 'close', 'date', 'high', 'low', 'open', 'volume']);
    expect(first.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(data.asOf)).toBeLessThanOrEqual(NOW.getTime());
  });

  it('narrows history by period and accepts a lower-case symbol', async () => {
    const month = await m.server.call('GET', '/api/market/stock/aapl?period=1mo');
    expect(month.status).toBe(200);
    expect(month.body.data.historicalData.length).toBeGreaterThanOrEqual(19);
    expect(month.body.data.historicalData.length).toBeLessThanOrEqual(23);
  });

  it('answers an unknown symbol with 404, and a new symbol while the provider is down with 503', async () => {
    const unknown = await m.server.call('GET', '/api/market/stock/NOSUCH/');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ success: false, code: 404, message: 'Unknown symbol: NOSUCH.' });
    m.fault = 'down';
    try {
      // NFLX is a known company (the universe) without prices yet; ZYXW is not known at all.
      const known = await m.server.call('GET', '/api/market/stock/NFLX/');
      expect(known.status).toBe(503);
      expect(known.body.message).toBe('No price data for NFLX yet.');
      const unknownYet = await m.server.call('GET', '/api/market/stock/ZYXW/');
      expect(unknownYet.status).toBe(503);
      expect(unknownYet.body.message).toContain('provider is unavailable');
    } finally {
      m.fault = 'none';
    }
    // Once the provider is back, the same request works: nothing half-written was left.
    expect((await m.server.call('GET', '/api/market/stock/NFLX/')).status).toBe(200);
  });

  it('stores a symbol looked up on demand without adding it to the per-minute job', async () => {
    const answer = await m.server.call('GET', '/api/market/stock/EXTRA/');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({ name: 'Extra Corp', marketCap: 9e12 });
    const active = await m.server.app.services.catalog.active(100);
    expect(active).toHaveLength(100);
    expect(active).not.toContain('EXTRA');
  });

  it('answers malformed symbols and bad query values with 400 field errors', async () => {
    const bad = await m.server.call('GET', "/api/market/stock/1'%20OR%201=1/");
    expect(bad.status).toBe(400);
    expect(bad.body.errors.symbol).toBeDefined();
    const period = await m.server.call('GET', '/api/market/stock/AAPL?period=10y');
    expect(period.status).toBe(400);
    expect(period.body.errors.period).toBeDefined();
  });
});

describe(`fetch_market_data (${SCALE})`, () => {
  const m = market();
  it('stores one 1m bar per active symbol, caches and publishes the quote, and stores nothing twice', async () => {
    const { app } = m.server;
    const published: unknown[] = [];
    const unsubscribe = await app.infra.bus.subscribe('stock_MSFT', (message) => published.push(message));
    const first = await app.services.ingest.fetchActive(100, log);
    expect(first).toMatchObject({ source: 'simulated', symbols: 100, quotes: 100, stored: 100, failedBatches: 0 });
    const bars = await barCount(app, 'MSFT', '1m');
    expect(bars).toBe(1);
    await app.services.ingest.fetchActive(100, log);
    expect(await barCount(app, 'MSFT', '1m')).toBe(1);
    for (let i = 0; i < 100 && published.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(published[0]).toMatchObject({ type: 'stock_update', data: { symbol: 'MSFT', source: 'simulated' } });
    await unsubscribe();

    const quotes = await m.server.call('GET', '/api/market/quotes?symbols=MSFT,NVDA,ZZZZ9');
    expect(quotes.status).toBe(200);
    expect(quotes.body.data.map((q: { symbol: string }) => q.symbol)).toEqual(['MSFT', 'NVDA']);
    expect(quotes.body.message).toContain('ZZZZ9');
  });

  it('keeps answering from stored data with the quote\'s age when the provider is down', async () => {
    const { ingest } = m.server.app.services;
    await ingest.fetchActive(100, log);
    m.clock.set(new Date(NOW.getTime() + 10 * 60_000));
    m.fault = 'down';
    try {
      const summary = await ingest.fetchActive(100, log);
      expect(summary.failedBatches).toBe(3);
      expect(summary.stored).toBe(0);
      const detail = await m.server.call('GET', '/api/market/stock/MSFT');
      expect(detail.status).toBe(200);
      expect(detail.body.data.ageSeconds).toBeGreaterThanOrEqual(9 * 60);
    } finally {
      m.fault = 'none';
      m.clock.set(NOW);
    }
  });

  it('stores nothing from a provider answering garbage', async () => {
    const { app } = m.server;
    const before = await barCount(app, 'AMZN', '1m');
    m.fault = 'garbage';
    try {
      const summary = await app.services.ingest.fetchActive(100, log);
      expect(summary).toMatchObject({ stored: 0, skipped: 100 });
    } finally {
      m.fault = 'none';
    }
    expect(await barCount(app, 'AMZN', '1m')).toBe(before);
  });
});

describe(`search, stock list and quotes (${SCALE})`, () => {
  const m = market();
  it('ranks an exact symbol first, then prefixes, then names', async () => {
    const answer = await m.server.call('GET', '/api/market/search?q=ma&limit=5');
    expect(answer.status).toBe(200);
    expect(answer.body.data[0].symbol).toBe('MA');
    const byName = await m.server.call('GET', '/api/market/search?q=microsoft');
    expect(byName.body.data[0]).toMatchObject({ symbol: 'MSFT', name: 'Microsoft' });
    expect((await m.server.call('GET', '/api/market/search')).status).toBe(400);
  });

  it('lists stocks of a sector with pagination', async () => {
    const answer = await m.server.call('GET', '/api/market/stocks/?sector=Financials&page_size=5');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toHaveLength(5);
    expect(answer.body.data.every((s: { sector: string }) => s.sector === 'Financials')).toBe(true);
    expect(answer.body.pagination.count).toBe(UNIVERSE.filter((s) => s.sector === 'Financials').length);
    expect(answer.body.pagination.next).toContain('page=2');
  });

  it('refuses malformed and too many symbols', async () => {
    expect((await m.server.call('GET', '/api/market/quotes?symbols=AAPL,<script>')).status).toBe(400);
    const many = Array.from({ length: 101 }, (_, i) => `S${i}`).join(',');
    expect((await m.server.call('GET', `/api/market/quotes?symbols=${many}`)).status).toBe(400);
  });
});

describe(`market clock and calendar (${SCALE})`, () => {
  // The clock answers for real time: the server reads the system clock.
  const m = market({ systemClock: true });
  it('lists sessions with holidays left out and early closes marked, in UTC and New York time', async () => {
    const answer = await m.server.call('GET', '/api/market/calendar?start=2026-11-23&end=2026-11-30');
    expect(answer.status).toBe(200);
    expect(answer.body.data.map((s: { date: string }) => s.date)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-27', '2026-11-30']);
    const friday = answer.body.data[3];
    expect(friday).toMatchObject({ earlyClose: true, openNewYork: '09:30', closeNewYork: '13:00', close: '2026-11-27T18:00:00.000Z' });
  });

  it('refuses reversed, overlong and malformed ranges', async () => {
    expect((await m.server.call('GET', '/api/market/calendar?start=2026-12-01&end=2026-11-01')).status).toBe(400);
    expect((await m.server.call('GET', '/api/market/calendar?start=2000-01-01&end=2026-01-01')).status).toBe(400);
    expect((await m.server.call('GET', '/api/market/calendar?start=2026-13-45')).status).toBe(400);
  });

  it('tells whether the market is open and when it next opens and closes', async () => {
    const answer = await m.server.call('GET', '/api/market/clock/');
    expect(answer.status).toBe(200);
    const { isOpen, nextOpen, nextClose } = answer.body.data;
    expect(typeof isOpen).toBe('boolean');
    expect(Date.parse(nextOpen)).toBeGreaterThan(Date.now() - 1000);
    expect(Date.parse(nextClose)).toBeGreaterThan(Date.now() - 1000);
  });
});

describe(`the price store (${SCALE})`, () => {
  const m = market();
  const bar = (day: string, close: number) => ({ timestamp: new Date(`${day}T00:00:00Z`), open: close, high: close + 1, low: close - 1, close, adjustedClose: close, volume: 1000 });

  it('lets real prices replace simulated ones, and never mixes simulated into a real series', async () => {
    const { prices, stocks } = m.server.app.repositories;
    await stocks.upsertProfile({ symbol: 'MIXD', name: 'Mixed Co' }, true);
    await prices.upsertBars('MIXD', '1d', [bar('2026-01-05', 10), bar('2026-01-06', 11)], 'simulated');
    const real = await prices.upsertBars('MIXD', '1d', [bar('2026-01-07', 50)], 'yahoo');
    expect(real.stored).toBe(1);
    const after = await prices.latestBars('MIXD', '1d', 10);
    expect(after.map((b) => b.source)).toEqual(['yahoo']);
    const refused = await prices.upsertBars('MIXD', '1d', [bar('2026-01-08', 12)], 'simulated');
    expect(refused).toMatchObject({ stored: 0, skipped: 1 });
    expect((await prices.latestBars('MIXD', '1d', 10)).map((b) => b.source)).toEqual(['yahoo']);
  });

  it('quotes from stored bars against the previous session\'s close when nothing is cached', async () => {
    const { prices, stocks } = m.server.app.repositories;
    const { quotes } = m.server.app.services;
    await stocks.upsertProfile({ symbol: 'QTST', name: 'Quote Test' }, true);
    await prices.upsertBars('QTST', '1d', [bar('2026-11-23', 100), bar('2026-11-24', 110)], 'yahoo');
    const daily = await quotes.latest('QTST', 'USD', log);
    // Tuesday's bar while Tuesday is trading (now is 10:00 in New York): struck now, not at the coming close.
    expect(daily).toMatchObject({ price: 110, previousClose: 100, change: 10, changePercent: 10, timestamp: NOW.toISOString() });
    await stocks.upsertProfile({ symbol: 'QTSU', name: 'Quote Test Two' }, true);
    await prices.upsertBars('QTSU', '1d', [bar('2026-11-20', 50), bar('2026-11-23', 55)], 'yahoo');
    // Monday's bar, a closed session: struck at its 16:00 New York close, against Friday's close.
    expect(await quotes.latest('QTSU', 'USD', log)).toMatchObject({ price: 55, previousClose: 50, change: 5, timestamp: '2026-11-23T21:00:00.000Z' });
    await prices.upsertBars('QTST', '1m', [{ ...bar('2026-11-24', 112), timestamp: new Date('2026-11-24T20:59:00Z'), adjustedClose: null }], 'yahoo');
    const minute = await quotes.latest('QTST', 'USD', log);
    expect(minute).toMatchObject({ price: 112, previousClose: 100, change: 12, open: 110, timestamp: '2026-11-24T20:59:00.000Z' });
  });

  it('bulk-loads through COPY as an upsert: loading twice stores each bar once, the last value winning', async () => {
    const { app } = m.server;
    const { prices } = app.repositories;
    const written = (result: { inserted: number; updated: number; unchanged: number }) => result.inserted + result.updated + result.unchanged;
    const rows = (close: number) => Array.from({ length: 300 }, (_, i) => ({
      symbol: 'BULK', interval: '1d' as const, source: 'csv' as const,
      bar: bar(new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10), close),
    }));
    async function* batches(close: number) { yield rows(close).slice(0, 120); yield rows(close).slice(120); }
    const first = await prices.bulkLoad(() => batches(100));
    expect(written(first)).toBe(300);
    expect(first.inserted).toBe(300);
    const second = await prices.bulkLoad(() => batches(200));
    expect(written(second)).toBe(300);
    expect(second.updated).toBe(300);
    // A key repeated within one load is one bar: the last row of it wins.
    async function* repeated() { yield rows(300).slice(0, 3); yield rows(400).slice(0, 3); }
    expect(written(await prices.bulkLoad(repeated))).toBe(3);
    expect(Number((await prices.bars('BULK', '1d', new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z')))[0]!.close)).toBe(400);
    expect(await barCount(app, 'BULK', '1d')).toBe(300);
    const [last] = await prices.latestBars('BULK', '1d', 1);
    expect(Number(last!.close)).toBe(200);
  });
});
