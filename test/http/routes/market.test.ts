// The market routes and the market services behind them, over real HTTP. Each block has its own
// server, clock and provider, so no block sees another's state (the suite also runs shuffled).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { UNIVERSE } from '../../../src/providers/market/choose.ts';
import { barCount, market, MARKET_NOW } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';

const NOW = MARKET_NOW;
const log = pino({ level: 'silent' });

describe(`stock detail (${SCALE})`, () => {
  const m = market();
  it('fetches an unknown-but-real symbol on demand and answers the contract\'s shape', async () => {
    const answer = await m.server.call('GET', '/api/market/stock/AAPL/');
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({ symbol: 'AAPL', name: 'Apple Inc.', currency: 'USD', source: 'simulated', sector: 'Information Technology' });
    // Filled from the indicators service (issue 15): at the last bar of the same answer's history.
    expect(data.indicators).toMatchObject({ asOf: expect.any(String), rsi: expect.any(Number), sma200: expect.any(Number) });
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

  it('gives a first short-range answer the indicator set of a whole year, the same a year-long answer gives', async () => {
    // MSFT: no other test of this block asks for it, so this month is the first anyone asks for.
    const month = await m.server.call('GET', '/api/market/stock/MSFT?period=1mo');
    expect(month.status).toBe(200);
    expect(month.body.data.indicators.sma200).toEqual(expect.any(Number));
    const year = await m.server.call('GET', '/api/market/stock/MSFT?period=1y');
    expect(year.body.data.indicators).toEqual(month.body.data.indicators);
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

describe(`a history never shrinks to one bar (${SCALE})`, () => {
  const m = market();
  it('fills the missing part of the range even after the per-minute fetch stored today\'s bar', async () => {
    // During market hours the job stores today's bar for every active symbol, MSFT included.
    await m.server.app.services.ingest.fetchActive(100, log);
    const answer = await m.server.call('GET', '/api/market/stock/MSFT');
    expect(answer.status).toBe(200);
    const { historicalData, coverage, high52w, low52w } = answer.body.data;
    expect(historicalData.length).toBeGreaterThan(240);
    expect(coverage).toMatchObject({ complete: true, note: null });
    expect(coverage.bars).toBe(coverage.sessions);
    expect(high52w).toBeGreaterThan(low52w);
  });

  it('says what a range covers when it cannot be filled', async () => {
    // Some history is stored (tests run shuffled: this one may come first), then the provider fails.
    expect((await m.server.call('GET', '/api/market/stock/AMZN?period=1mo')).status).toBe(200);
    m.fault = 'down';
    try {
      const answer = await m.server.call('GET', '/api/market/stock/AMZN?period=5y');
      expect(answer.status).toBe(200);
      expect(answer.body.data.coverage).toMatchObject({ complete: false, note: expect.stringContaining('unavailable') });
      expect(answer.body.data.coverage.bars).toBeLessThan(answer.body.data.coverage.sessions);
    } finally {
      m.fault = 'none';
    }
  });
});

describe(`imported history is reachable and never sits beside a simulated price (${SCALE})`, () => {
  const m = market();
  const closes = [83.18, 83.72, 84.27, 84.56, 84.09, 84.47, 84.26, 84.12];
  const days = ['2017-11-01', '2017-11-02', '2017-11-03', '2017-11-06', '2017-11-07', '2017-11-08', '2017-11-09', '2017-11-10'];

  it('serves an imported range by start and end, priced from the last real close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stockmind-import-'));
    const file = join(dir, 'MSFT.csv');
    writeFileSync(file, ['Date,Open,High,Low,Close,Volume', ...days.map((day, i) => `${day},${closes[i]},${closes[i]! + 1},${closes[i]! - 1},${closes[i]},20000000`)].join('\n'));
    const report = await m.server.app.services.imports.importCsv(file);
    expect(report.inserted).toBe(8);
    // The simulated market's quotes for MSFT are refused from now on: its prices are real.
    const fetched = await m.server.app.services.ingest.fetchActive(100, log);
    expect(fetched.skipped).toBeGreaterThanOrEqual(1);

    const range = await m.server.call('GET', '/api/market/stock/MSFT?start=2017-11-01&end=2017-11-10');
    expect(range.status).toBe(200);
    const data = range.body.data;
    expect(data.historicalData.map((bar: { date: string }) => bar.date)).toEqual(days);
    expect(data.coverage).toMatchObject({ sessions: 8, bars: 8, complete: true });
    expect(data).toMatchObject({ price: 84.12, source: 'csv', asOf: '2017-11-10T21:00:00.000Z' });
    expect(data.change).toBeCloseTo(84.12 - 84.26, 6);
    expect(data.ageSeconds).toBeGreaterThan(8 * 365 * 86_400);
    expect(data.high52w).toBe(85.56);

    // The default year holds none of it, and says so; the price is still the real one.
    const year = await m.server.call('GET', '/api/market/stock/MSFT');
    expect(year.status).toBe(200);
    expect(year.body.data).toMatchObject({ historicalData: [], price: 84.12, source: 'csv' });
    expect(year.body.data.coverage).toMatchObject({ complete: false, note: 'stored real prices are not extended with simulated ones' });
    const quotes = await m.server.call('GET', '/api/market/quotes?symbols=MSFT');
    expect(quotes.body.data).toMatchObject([{ symbol: 'MSFT', price: 84.12, source: 'csv' }]);
  });

  it('refuses malformed and reversed dates, naming the format', async () => {
    const bad = await m.server.call('GET', '/api/market/stock/MSFT?start=11/01/2017');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.start[0]).toContain('YYYY-MM-DD');
    expect(bad.body.message).toContain('YYYY-MM-DD');
    expect((await m.server.call('GET', '/api/market/stock/MSFT?start=2017-11-10&end=2017-11-01')).status).toBe(400);
  });
});

describe(`quotes answer on demand (${SCALE})`, () => {
  const m = market();
  it('fetches known symbols nobody has fetched yet, and tells unknown symbols from symbols without data', async () => {
    const answer = await m.server.call('GET', '/api/market/quotes?symbols=AAPL,MSFT,ZZZZ9');
    expect(answer.status).toBe(200);
    expect(answer.body.data.map((q: { symbol: string }) => q.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(answer.body.message).toBe('Unknown symbols: ZZZZ9.');
    m.fault = 'down';
    try {
      const down = await m.server.call('GET', '/api/market/quotes?symbols=AAPL,NFLX');
      // AAPL was cached by the first request; NFLX is known but has no price, and the provider is down.
      expect(down.body.data.map((q: { symbol: string }) => q.symbol)).toEqual(['AAPL']);
      expect(down.body.message).toBe('No data yet for: NFLX.');
    } finally {
      m.fault = 'none';
    }
  });

  it('answers outside market hours with the last session\'s close', async () => {
    m.clock.set(new Date('2026-11-28T18:00:00Z'));
    try {
      const answer = await m.server.call('GET', '/api/market/quotes?symbols=JPM');
      expect(answer.body.data).toMatchObject([{ symbol: 'JPM', timestamp: '2026-11-27T18:00:00.000Z' }]);
    } finally {
      m.clock.set(NOW);
    }
  });
});

describe(`one notion of a known symbol (${SCALE})`, () => {
  const m = market();
  it('answers a symbol the simulated market does not list with 404', async () => {
    const answer = await m.server.call('GET', '/api/market/stock/GME');
    expect(answer.status).toBe(404);
    expect(answer.body.message).toBe('Unknown symbol: GME.');
  });
});

describe(`the simulated market starts where the real one is (${SCALE})`, () => {
  const m = market({ now: new Date('2026-01-02T20:00:00Z') });
  it('prices universe companies near their reference prices', async () => {
    for (const symbol of ['MSFT', 'GOOGL', 'NVDA']) {
      const reference = UNIVERSE.find((entry) => entry.symbol === symbol)!.referencePrice!;
      const answer = await m.server.call('GET', `/api/market/stock/${symbol}?period=1mo`);
      expect(answer.body.data.price).toBeGreaterThan(reference * 0.75);
      expect(answer.body.data.price).toBeLessThan(reference * 1.25);
      expect(answer.body.data.marketCap).toBeGreaterThan(1e11);
    }
  });
});

describe(`sectors (${SCALE})`, () => {
  const m = market();
  it('lists the sectors, and answers an unknown one with a 400 that names the valid ones', async () => {
    const sectors = await m.server.call('GET', '/api/market/sectors');
    expect(sectors.body.data).toContainEqual({ sector: 'Information Technology', stocks: UNIVERSE.filter((s) => s.sector === 'Information Technology').length });
    const unknown = await m.server.call('GET', '/api/market/stocks?sector=Technology');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.sector[0]).toContain('Information Technology');
    const known = await m.server.call('GET', '/api/market/stocks?sector=information%20technology');
    expect(known.status).toBe(200);
    expect(known.body.pagination.count).toBeGreaterThan(5);
  });

  it('names the date format when a calendar date is malformed', async () => {
    const answer = await m.server.call('GET', '/api/market/calendar?start=bad');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('YYYY-MM-DD');
  });
});
