// Quote ingest: successive quotes of a minute build that minute's real bar.
import { describe, expect, it } from 'vitest';
import type { Quote } from '../../../src/domain/market/quote.ts';
import { market } from '../../support/market.ts';
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
