import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMarketOpen, sessionOn } from '../../../src/domain/calendar/index.ts';
import { createMarketSimulator, type SimulatedBar } from '../../../src/domain/simulation/index.ts';
import type { Bar } from '../../../src/domain/market/bar.ts';
import type { Quote } from '../../../src/domain/market/quote.ts';
import { createSimulatedProvider } from '../../../src/providers/market/simulated.ts';

const SEED = 20_261_124;

const symbolArb = fc.stringMatching(/^[A-Z][A-Z0-9.-]{0,9}$/);

const isCents = (price: number): boolean => Math.round(price * 100) / 100 === price;

function expectConsistentBar(bar: SimulatedBar | Bar): void {
  expect(bar.low).toBeGreaterThan(0);
  expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
  expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
  for (const price of [bar.open, bar.high, bar.low, bar.close]) expect(isCents(price)).toBe(true);
  expect(Number.isInteger(bar.volume)).toBe(true);
  expect(bar.volume).toBeGreaterThanOrEqual(0);
}

/** The daily bar the minutes of a session add up to. */
function aggregate(minutes: readonly SimulatedBar[]): Omit<SimulatedBar, 'timestamp'> {
  return {
    open: minutes[0]?.open ?? Number.NaN,
    high: Math.max(...minutes.map((bar) => bar.high)),
    low: Math.min(...minutes.map((bar) => bar.low)),
    close: minutes.at(-1)?.close ?? Number.NaN,
    volume: minutes.reduce((sum, bar) => sum + bar.volume, 0),
  };
}

describe('simulated provider', () => {
  const UNIVERSE = [
    { symbol: 'AAPL', name: 'Apple Inc.', sector: 'Technology', industry: 'Consumer Electronics' },
    { symbol: 'AMZN', name: 'Amazon.com, Inc.', sector: 'Consumer Cyclical', industry: 'Internet Retail' },
    { symbol: 'AA', name: 'Alcoa Corporation', sector: 'Basic Materials', industry: 'Aluminum' },
    { symbol: 'PAAS', name: 'Pan American Silver Corp.', sector: 'Basic Materials', industry: 'Silver' },
    { symbol: 'MSFT', name: 'Microsoft Corporation', sector: 'Technology', industry: 'Software' },
  ];
  const at = (iso: string) => () => new Date(iso);
  const provider = (now: string) => createSimulatedProvider({ seed: SEED, clock: { now: at(now) }, universe: UNIVERSE });
  const simulator = createMarketSimulator(SEED);
  const IN_HOURS = '2026-11-24T15:00:00Z';

  it('describes itself', () => {
    const p = provider(IN_HOURS);
    expect(p.name).toBe('simulated');
    expect(p.maxSymbolsPerRequest).toBe(1000);
    expect(p.rateLimit.requests / p.rateLimit.perMs).toBeGreaterThanOrEqual(1000);
    expect(p.testSymbol).toBe('AAPL');
  });

  it('quotes the latest minute bar and the session so far while the market is open', async () => {
    expect(isMarketOpen(new Date(IN_HOURS))).toBe(true);
    const p = provider(IN_HOURS);
    const [quote] = await p.quotes(['AAPL']);
    const minutes = simulator.minuteBars('AAPL', '2026-11-24').slice(0, 31);
    const soFar = aggregate(minutes);
    const previousClose = simulator.dailyBar('AAPL', '2026-11-23')!.close;
    expect(quote).toEqual({
      symbol: 'AAPL',
      price: soFar.close,
      change: Math.round((soFar.close - previousClose) * 100) / 100,
      changePercent: ((soFar.close - previousClose) / previousClose) * 100,
      open: soFar.open,
      high: soFar.high,
      low: soFar.low,
      previousClose,
      volume: soFar.volume,
      currency: 'USD',
      marketCap: Math.round(soFar.close * simulator.parameters('AAPL').sharesOutstanding),
      timestamp: new Date(IN_HOURS),
      source: 'simulated',
    } satisfies Quote);
    // The same as the 1m history up to now says.
    const history = await p.history('AAPL', { interval: '1m', from: new Date('2026-11-24T00:00:00Z'), to: new Date('2026-11-25T00:00:00Z') });
    expect(history).toHaveLength(31);
    expect(history.at(-1)?.close).toBe(quote?.price);
  });

  it('moves with the clock: same bar within a minute, the next bar a minute later', async () => {
    const [a] = await provider('2026-11-24T15:00:30Z').quotes(['AAPL']);
    const [b] = await provider('2026-11-24T15:01:00Z').quotes(['AAPL']);
    const minutes = simulator.minuteBars('AAPL', '2026-11-24');
    expect(a?.price).toBe(minutes[30]?.close);
    expect(b?.price).toBe(minutes[31]?.close);
    expect(b?.timestamp.toISOString()).toBe('2026-11-24T15:01:00.000Z');
  });

  it('quotes the last session close outside market hours', async () => {
    const day = (date: string) => simulator.dailyBar('AAPL', date)!;
    const cases: Array<[string, string, string, string]> = [
      // [now, session quoted, its previous session, close instant]
      ['2026-11-26T17:00:00Z', '2026-11-25', '2026-11-24', '2026-11-25T21:00:00.000Z'], // Thanksgiving
      ['2026-11-24T22:00:00Z', '2026-11-24', '2026-11-23', '2026-11-24T21:00:00.000Z'], // after the close
      ['2026-11-25T13:00:00Z', '2026-11-24', '2026-11-23', '2026-11-24T21:00:00.000Z'], // before the open
      ['2026-11-27T18:30:00Z', '2026-11-27', '2026-11-25', '2026-11-27T18:00:00.000Z'], // after the 13:00 early close
      ['2026-11-29T12:00:00Z', '2026-11-27', '2026-11-25', '2026-11-27T18:00:00.000Z'], // weekend
    ];
    for (const [now, date, previous, closedAt] of cases) {
      expect(isMarketOpen(new Date(now))).toBe(false);
      const [quote] = await provider(now).quotes(['AAPL']);
      const bar = day(date);
      expect(quote).toMatchObject({
        price: bar.close,
        open: bar.open,
        high: bar.high,
        low: bar.low,
        volume: bar.volume,
        previousClose: day(previous).close,
        change: Math.round((bar.close - day(previous).close) * 100) / 100,
        timestamp: new Date(closedAt),
        source: 'simulated',
      });
    }
    // The close quoted after hours is the last minute's close.
    const [evening] = await provider('2026-11-24T22:00:00Z').quotes(['AAPL']);
    expect(evening?.price).toBe(simulator.minuteBars('AAPL', '2026-11-24').at(-1)?.close);
  });

  it('stamps every quote simulated, with a consistent price, at any instant', async () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    const end = Date.parse('2026-12-31T00:00:00Z');
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(symbolArb, { minLength: 1, maxLength: 5 }), fc.integer({ min: start, max: end }), async (list, ms) => {
        const quotes = await createSimulatedProvider({ seed: SEED, clock: { now: () => new Date(ms) } }).quotes(list);
        expect(quotes.map((q) => q.symbol)).toEqual(list);
        for (const quote of quotes) {
          expect(quote.source).toBe('simulated');
          expect(quote.currency).toBe('USD');
          expect(quote.timestamp.getTime()).toBeLessThanOrEqual(ms);
          expect(quote.low).toBeLessThanOrEqual(quote.price);
          expect(quote.high).toBeGreaterThanOrEqual(quote.price);
          expect(quote.volume).toBeGreaterThan(0);
          expect(quote.marketCap).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('leaves out symbols it does not know, and repeats none', async () => {
    const quotes = await provider(IN_HOURS).quotes(['aapl', 'MSFT', '1ABC', '', 'ABCDEFGHIJK', 'A B', 'BRK.B', 'MSFT', 'X']);
    expect(quotes.map((q) => q.symbol)).toEqual(['MSFT', 'BRK.B', 'X']);
  });

  it('has no quotes or history before the simulated years', async () => {
    const p = createSimulatedProvider({ seed: SEED, clock: { now: at('1985-06-03T15:00:00Z') } });
    expect(await p.quotes(['AAPL'])).toEqual([]);
    expect(await p.history('AAPL', { interval: '1d', from: new Date('1980-01-01'), to: new Date('1985-06-03') })).toEqual([]);
  });

  it('never returns history past now', async () => {
    const p = provider(IN_HOURS);
    const future = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2027-06-01T00:00:00Z') };
    const daily = await p.history('AAPL', { interval: '1d', ...future });
    // The session in progress has no daily bar yet; its minutes do.
    expect(daily.at(-1)?.timestamp.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    const minutes = await p.history('AAPL', { interval: '1m', ...future });
    expect(minutes.every((bar) => bar.timestamp.getTime() <= Date.parse(IN_HOURS))).toBe(true);
    expect(minutes.at(-1)?.timestamp.toISOString()).toBe('2026-11-24T15:00:00.000Z');

    const evening = await provider('2026-11-24T21:00:00Z').history('AAPL', { interval: '1d', ...future });
    expect(evening.at(-1)?.timestamp.toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it('returns bars oldest first within [from, to], adjusted close on daily bars only', async () => {
    const p = provider('2026-12-31T23:00:00Z');
    const daily = await p.history('AAPL', { interval: '1d', from: new Date('2021-06-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') });
    expect(daily.length).toBeGreaterThan(1250);
    expect(daily[0]?.timestamp.toISOString()).toBe('2021-06-01T00:00:00.000Z');
    expect(daily.at(-1)?.timestamp.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    for (let i = 0; i < daily.length; i++) {
      expectConsistentBar(daily[i]!);
      expect(daily[i]?.adjustedClose).toBe(daily[i]?.close);
      if (i > 0) expect(daily[i]!.timestamp.getTime()).toBeGreaterThan(daily[i - 1]!.timestamp.getTime());
    }
    // A from after midnight leaves out that date's bar (stamped 00:00 UTC).
    const partial = await p.history('AAPL', { interval: '1d', from: new Date('2026-03-02T12:00:00Z'), to: new Date('2026-03-06T00:00:00Z') });
    expect(partial.map((bar) => bar.timestamp.toISOString().slice(0, 10))).toEqual(['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']);

    const window = { from: new Date('2026-03-02T15:00:00Z'), to: new Date('2026-03-03T15:00:00Z') };
    const minutes = await p.history('AAPL', { interval: '1m', ...window });
    expect(minutes[0]?.timestamp.toISOString()).toBe('2026-03-02T15:00:00.000Z');
    expect(minutes.at(-1)?.timestamp.toISOString()).toBe('2026-03-03T15:00:00.000Z');
    expect(minutes).toHaveLength(390 + 1);
    expect(minutes.every((bar) => bar.adjustedClose === null)).toBe(true);
    expect(await p.history('AAPL', { interval: '1m', from: window.to, to: window.from })).toEqual([]);
    expect(await p.history('aapl', { interval: '1d', ...window })).toEqual([]);
  });

  it('serves daily bars that agree with its minute bars', async () => {
    const p = provider('2026-12-31T23:00:00Z');
    for (const date of ['2026-11-24', '2026-11-27']) {
      const session = sessionOn(date)!;
      const [day] = await p.history('MSFT', { interval: '1d', from: new Date(`${date}T00:00:00Z`), to: new Date(`${date}T00:00:00Z`) });
      const minutes = await p.history('MSFT', { interval: '1m', from: session.open, to: session.close });
      expect(aggregate(minutes.map(({ adjustedClose: _, ...bar }) => bar))).toEqual({
        open: day?.open,
        high: day?.high,
        low: day?.low,
        close: day?.close,
        volume: day?.volume,
      });
    }
  });

  it('profiles listed and unlisted symbols', async () => {
    const p = provider(IN_HOURS);
    const [quote] = await p.quotes(['AAPL']);
    expect(await p.profile('AAPL')).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      sector: 'Technology',
      industry: 'Consumer Electronics',
      marketCap: quote?.marketCap,
      exchange: 'SIM',
      currency: 'USD',
    });
    // Listed companies only, when there is a universe; any plausible ticker without one.
    expect(await p.profile('NEWCO')).toBeNull();
    const unlisted = createSimulatedProvider({ seed: SEED, clock: { now: at(IN_HOURS) } });
    expect(await unlisted.profile('NEWCO')).toMatchObject({ symbol: 'NEWCO', name: 'NEWCO (simulated)', sector: null, industry: null, exchange: 'SIM' });
    expect(await p.profile('not a symbol')).toBeNull();
  });

  it('searches the universe: symbol prefix first, then name substring, case-insensitive', async () => {
    const p = provider(IN_HOURS);
    expect((await p.search('aa', 10)).map((m) => m.symbol)).toEqual(['AA', 'AAPL']);
    // AMZN by symbol, then PAAS by "Pan American"; AMZN's own name match is not repeated.
    expect((await p.search('Am', 10)).map((m) => m.symbol)).toEqual(['AMZN', 'PAAS']);
    expect((await p.search('A', 2)).map((m) => m.symbol)).toEqual(['AA', 'AAPL']);
    expect((await p.search('corp', 10)).map((m) => m.symbol)).toEqual(['AA', 'PAAS', 'MSFT']);
    expect(await p.search('micro', 10)).toEqual([{ symbol: 'MSFT', name: 'Microsoft Corporation', exchange: 'SIM', type: 'EQUITY' }]);
    expect(await p.search('   ', 10)).toEqual([]);
    expect(await createSimulatedProvider({ seed: SEED }).search('AAPL', 10)).toEqual([]);
  });

  it('honours an aborted signal', async () => {
    const p = provider(IN_HOURS);
    const signal = AbortSignal.abort();
    await expect(p.quotes(['AAPL'], signal)).rejects.toThrow();
    await expect(p.history('AAPL', { interval: '1d', from: new Date(0), to: new Date() }, signal)).rejects.toThrow();
  });
});
