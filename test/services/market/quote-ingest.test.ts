// Quote ingest: successive quotes of a minute build that minute's real bar; the first good run after
// an outage fills the minutes it missed.
import { describe, expect, it } from 'vitest';
import type { Quote } from '../../../src/domain/market/quote.ts';
import { market, MARKET_NOW } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';

describe(`1-minute bars from quotes (${SCALE})`, () => {
  const m = market();
  const quote = (at: string, price: number, volume: number, high: number, low: number): Quote => ({
    symbol: 'MINB', price, change: 0, changePercent: 0, open: 99, high, low, previousClose: 99,
    volume, currency: 'USD', marketCap: null, timestamp: new Date(at), source: 'yahoo',
  });

  it('takes the first, highest, lowest and last price of the minute and the shares traded in it', async () => {
    const { ingest } = m.server.app.services;
    const { stocks, prices } = m.server.app.repositories;
    await stocks.upsertProfile({ symbol: 'MINB', name: 'Minute Bar Co' }, true);
    // 10:00:05 and 10:00:40 New York, then 10:01:10; the day's high rises between the first two.
    expect(await ingest.record(quote('2026-11-24T15:00:05Z', 100, 1_000, 101, 99))).toBe(true);
    expect(await ingest.record(quote('2026-11-24T15:00:40Z', 102, 1_500, 102.5, 99))).toBe(true);
    expect(await ingest.record(quote('2026-11-24T15:01:10Z', 101, 1_800, 102.5, 99))).toBe(true);
    const bars = await prices.bars('MINB', '1m', new Date('2026-11-24T15:00:00Z'), new Date('2026-11-24T15:02:00Z'));
    expect(bars.map(({ timestamp, open, high, low, close, volume }) => ({ at: timestamp.toISOString(), open, high, low, close, volume }))).toEqual([
      { at: '2026-11-24T15:00:00.000Z', open: 100, high: 102.5, low: 100, close: 102, volume: 500 },
      { at: '2026-11-24T15:01:00.000Z', open: 101, high: 101, low: 101, close: 101, volume: 300 },
    ]);
    // The session's daily bar carries the day's range and cumulative volume.
    const [daily] = await prices.latestBars('MINB', '1d', 1);
    expect(daily).toMatchObject({ open: 99, high: 102.5, low: 99, close: 101, volume: 1_800 });
  });
});

describe(`the first good run after an outage fills the minutes it missed (${SCALE})`, () => {
  const m = market();
  const log = { debug() {}, info() {}, warn() {}, error() {}, child() { return log; } };
  const minute = 60_000;

  it('stores nothing while the provider is down, then fetches the missed minutes, resuming a catch-up cut short', async () => {
    const { ingest } = m.server.app.services;
    const { prices } = m.server.app.repositories;
    const first = await ingest.fetchActive(3, log);
    expect(first).toMatchObject({ stored: 3, caughtUp: 0 });
    const symbol = (await m.server.app.repositories.stocks.active(3))[0]!;
    const minutes = async () => (await prices.bars(symbol, '1m', MARKET_NOW, m.clock.now())).length;
    const before = await minutes();

    // Five minutes of outage: each run fails as a whole and stores nothing.
    m.fault = 'down';
    for (let i = 0; i < 5; i += 1) {
      m.clock.advance(minute);
      expect(await ingest.fetchActive(3, log)).toMatchObject({ stored: 0, failedBatches: 1 });
    }
    expect(await minutes()).toBe(before);

    // Quotes come back before history does: the catch-up stops, and the gap stays marked as missed.
    m.fault = 'history_down';
    m.clock.advance(minute);
    expect(await ingest.fetchActive(3, log)).toMatchObject({ stored: 3, caughtUp: 0 });

    // The next good run fills the missed minutes from the provider's 1-minute bars.
    m.fault = 'none';
    m.clock.advance(minute);
    const resumed = await ingest.fetchActive(3, log);
    expect(resumed.caughtUp).toBeGreaterThanOrEqual(3 * 5);
    const filled = await prices.bars(symbol, '1m', new Date(MARKET_NOW.getTime() + minute), new Date(MARKET_NOW.getTime() + 5 * minute));
    expect(filled).toHaveLength(5);
    // And the one after has nothing left to catch up.
    m.clock.advance(minute);
    expect(await ingest.fetchActive(3, log)).toMatchObject({ caughtUp: 0 });
  });
});
