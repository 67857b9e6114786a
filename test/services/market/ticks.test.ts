// The simulated market's intraday ticks: the same path as the job's quotes (stored, cached,
// published with their source), once per tick slot however many processes run the loop, and only
// while the market is open.
import { describe, expect, it } from 'vitest';
import type { Quote } from '../../../src/domain/market/quote.ts';
import { tickOf } from '../../../src/services/market/ticks.ts';
import { market, MARKET_NOW } from '../../support/market.ts';
import { connect } from '../../support/ws.ts';

describe('simulated intraday ticks', () => {
  const m = market({ env: { SIMULATED_TICK_SECONDS: '5', ACTIVE_SYMBOLS: '5' } });

  it('records the active symbols\' quotes once per slot while the market is open, and subscribers see each tick', async () => {
    const { ticks, catalog } = m.server.app.services;
    const [symbol] = await catalog.active(1);
    const ws = await connect(m.server.baseUrl);
    ws.send({ type: 'subscribe', symbol });
    const snapshot = await ws.next('stock_update');
    m.clock.set(new Date(MARKET_NOW.getTime() + 5_000));
    expect(await ticks.tick()).toEqual({ ran: true, recorded: 5 });
    // Another process (or a late timer) in the same slot does nothing.
    expect(await ticks.tick()).toEqual({ ran: false, reason: 'taken' });
    const tick = await ws.next((frame) => frame.type === 'stock_update' && frame.data.timestamp !== snapshot.data.timestamp);
    expect(tick.data).toMatchObject({ symbol, source: 'simulated' });
    expect(Date.parse(tick.data.timestamp)).toBeGreaterThan(Date.parse(snapshot.data.timestamp));
    // Recorded like the job's quotes: the REST quote is the tick.
    const rest = await m.server.call('GET', `/api/market/quotes?symbols=${symbol}`);
    expect(rest.body.data[0]).toEqual(tick.data);
    m.clock.set(new Date(MARKET_NOW.getTime() + 10_000));
    expect(await ticks.tick()).toMatchObject({ ran: true });
    // Saturday: the market is closed.
    m.clock.set(new Date('2026-11-28T15:00:00Z'));
    expect(await ticks.tick()).toEqual({ ran: false, reason: 'market_closed' });
    m.clock.set(MARKET_NOW);
    await ws.close();
  });
});

describe('a tick within the minute', () => {
  const minute: Quote = {
    symbol: 'AAPL', price: 200, change: 2, changePercent: 1.0101, open: 198, high: 200.05, low: 197, previousClose: 198,
    volume: 1_000_000, currency: 'USD', marketCap: null, source: 'simulated', timestamp: new Date('2026-11-24T15:00:00Z'),
  };

  it('strays at most 0.05% from the minute\'s price, struck at the tick, with change, day range and source consistent', () => {
    for (let s = 1; s < 60; s += 1) {
      const at = new Date(minute.timestamp.getTime() + s * 1000);
      const tick = tickOf(minute, at);
      expect(Math.abs(tick.price - 200)).toBeLessThanOrEqual(0.1);
      expect(tick.timestamp).toEqual(at);
      expect(tick.change).toBeCloseTo(tick.price - 198, 4);
      expect(tick.changePercent).toBeCloseTo(((tick.price - 198) / 198) * 100, 3);
      expect(tick.high).toBeGreaterThanOrEqual(tick.price);
      expect(tick.low).toBeLessThanOrEqual(tick.price);
      expect(tick.source).toBe('simulated');
    }
    const prices = new Set(Array.from({ length: 12 }, (_, i) => tickOf(minute, new Date(minute.timestamp.getTime() + i * 5000)).price));
    expect(prices.size).toBeGreaterThan(6);
  });
});
