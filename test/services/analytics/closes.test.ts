// DailyCloses: the analytics read cache over stored daily bars, with history filled on demand.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DailyCloses } from '../../../src/services/analytics/closes.ts';
import { sessionsBetween } from '../../../src/domain/calendar/index.ts';
import { market, MARKET_NOW } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';

const log = pino({ level: 'silent' });
const bar = (date: string, close: number) => ({ timestamp: new Date(`${date}T00:00:00Z`), open: close, high: close, low: close, close, adjustedClose: close, volume: 1 });

describe(`daily closes for analytics (${SCALE})`, () => {
  const m = market();
  const closesOf = (settings: Partial<ConstructorParameters<typeof DailyCloses>[3]> = {}) => new DailyCloses(
    m.server.app.repositories.dailyCloses, m.server.app.services.history, m.clock,
    { tailSeconds: 60, reloadSeconds: 3_600, fillsPerRequest: 8, reloadsPerRequest: 2, ...settings },
  );

  it('re-reads the last days after tailSeconds and the whole series after reloadSeconds', async () => {
    const { stocks, prices } = m.server.app.repositories;
    await stocks.upsertProfile({ symbol: 'CCHA', name: 'Cache Co' }, false);
    await prices.upsertBars('CCHA', '1d', [bar('2026-11-16', 10), bar('2026-11-17', 11), bar('2026-11-18', 12)], 'csv');
    const closes = closesOf();
    const need = [{ symbol: 'CCHA', from: '2026-11-16' }];
    const first = await closes.closes(need, log, { fill: false });
    expect(first.closes.get('CCHA')).toEqual({ dates: ['2026-11-16', '2026-11-17', '2026-11-18'], closes: [10, 11, 12] });
    // A new day and a corrected old one, written by someone else.
    await prices.upsertBars('CCHA', '1d', [bar('2026-11-19', 13), bar('2026-10-01', 9)], 'csv');
    expect((await closes.closes(need, log, { fill: false })).closes.get('CCHA')?.dates).toHaveLength(3);
    try {
      m.clock.set(new Date(MARKET_NOW.getTime() + 61_000));
      const tail = (await closes.closes(need, log, { fill: false })).closes.get('CCHA');
      expect(tail?.dates).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19']);
      m.clock.set(new Date(MARKET_NOW.getTime() + 3_601_000));
      const full = (await closes.closes(need, log, { fill: false })).closes.get('CCHA');
      expect(full?.dates[0]).toBe('2026-10-01');
      expect(full?.closes).toEqual([9, 10, 11, 12, 13]);
    } finally {
      m.clock.set(MARKET_NOW);
    }
  });

  it('fills missing sessions from the provider, a few symbols per request, and says what is left', async () => {
    const closes = closesOf({ fillsPerRequest: 2 });
    const needs = ['JPM', 'BAC', 'UNH'].map((symbol) => ({ symbol, from: '2026-10-01' }));
    const first = await closes.closes(needs, log, { fill: true });
    const sessions = sessionsBetween('2026-10-01', '2026-11-23').length;
    const filled = [...first.closes.values()].filter((series) => series.dates.filter((date) => date >= '2026-10-01').length >= sessions);
    expect(filled).toHaveLength(2);
    expect(first.notes.join(' ')).toContain('1 more symbols');
    const second = await closes.closes(needs, log, { fill: true });
    for (const symbol of ['JPM', 'BAC', 'UNH']) {
      expect(second.closes.get(symbol)?.dates.filter((date) => date >= '2026-10-01')).toHaveLength(sessions);
    }
    expect(second.notes).toEqual([]);
  });

  it('does not extend stored real prices with simulated ones, and says so', async () => {
    const { stocks, prices } = m.server.app.repositories;
    await stocks.upsertProfile({ symbol: 'MSFT', name: 'Microsoft' }, false);
    await prices.upsertBars('MSFT', '1d', [bar('2026-11-20', 400), bar('2026-11-23', 401)], 'yahoo');
    const answer = await closesOf().closes([{ symbol: 'MSFT', from: '2026-11-02' }], log, { fill: true });
    expect(answer.closes.get('MSFT')?.closes).toEqual([400, 401]);
    expect(answer.notes.join(' ')).toContain('not extended with simulated');
  });
});
