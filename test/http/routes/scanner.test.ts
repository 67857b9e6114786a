// The market scanner over HTTP: each list by its rule on bars made by hand, the timeframes, the
// filters, and the answers before any scan (each describe has its own server).
import { beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Bar } from '../../../src/domain/market/bar.ts';
import { market } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';
import { crafted, craftMarket, lastChangePercent, SCANNABLE } from './crafted-market.ts';

const log = pino({ level: 'silent' });

interface Row {
  symbol: string; name: string; currency: string; price: number; change: number; changePercent: number; volume: number;
  avgVolume: number; volumeRatio: number; isUnusualVolume: boolean; isBreakout: boolean; support: number | null;
  resistance: number | null; rsi: number | null; sma20: number | null; sma50: number | null; trend: string;
}
const LISTS = ['gainers', 'losers', 'mostActive', 'unusualVolume', 'breakouts'] as const;
const symbolsOf = (rows: Row[]) => rows.map((row) => row.symbol);

/** The bars grouped into weeks starting on Monday (or months), each as [close, volume], oldest first. */
function periods(bars: readonly Bar[], by: 'week' | 'month'): { close: number; volume: number }[] {
  const keyOf = (bar: Bar) => {
    const date = bar.timestamp;
    if (by === 'month') return `${date.getUTCFullYear()}-${date.getUTCMonth()}`;
    const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000);
    return monday.toISOString().slice(0, 10);
  };
  const out = new Map<string, { close: number; volume: number }>();
  for (const bar of bars) {
    const period = out.get(keyOf(bar)) ?? { close: 0, volume: 0 };
    out.set(keyOf(bar), { close: bar.close, volume: period.volume + bar.volume });
  }
  return [...out.values()];
}

describe(`market scanner before any scan (${SCALE})`, () => {
  const m = market();

  it('answers 404 "No scan results" on every timeframe, and 400 for a bad timeframe', async () => {
    await m.server.app.startup;
    for (const timeframe of ['daily', 'weekly', 'monthly']) {
      const answer = await m.server.call('GET', `/api/market/scanner/?timeframe=${timeframe}`);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ success: false, code: 404 });
      expect(answer.body.message).toContain('No scan results');
    }
    const bad = await m.server.call('GET', '/api/market/scanner?timeframe=hourly');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.timeframe).toBeDefined();
  });

  it('saves nothing when no symbol has enough bars, so the scanner still answers 404', async () => {
    await m.server.app.startup;
    const summaries = await m.server.app.services.scanner.scanAll(log);
    expect(summaries.map((s) => s.scanned)).toEqual([0, 0, 0]);
    expect((await m.server.call('GET', '/api/market/scanner')).status).toBe(404);
  });
});

describe(`market scanner (${SCALE})`, () => {
  const m = market();
  beforeAll(async () => {
    await m.server.app.startup;
    await craftMarket(m.server.app);
    const summaries = await m.server.app.services.scanner.scanAll(log);
    expect(summaries.map((s) => [s.timeframe, s.scanned])).toEqual([['daily', SCANNABLE.length], ['weekly', SCANNABLE.length], ['monthly', SCANNABLE.length]]);
  });

  describe('after a scan', () => {
    const daily = async (query = '') => {
      const answer = await m.server.call('GET', `/api/market/scanner${query}`);
      expect(answer.status, answer.text).toBe(200);
      return answer.body.data as Record<(typeof LISTS)[number], Row[]> & { timeframe: string; timestamp: string; marketOverview: Record<string, number> };
    };

    it('lists gainers, losers, most active, unusual volume and breakouts by their rules', async () => {
      const data = await daily();
      expect(data.timeframe).toBe('daily');
      expect(Date.parse(data.timestamp)).not.toBeNaN();
      expect(symbolsOf(data.gainers)[0]).toBe('JUMP');
      expect(new Set(symbolsOf(data.gainers))).toEqual(new Set(['JUMP', 'GAIN', 'BRKO', 'SPIK', 'BULL']));
      expect(symbolsOf(data.losers)).toEqual(['DROP', 'LOSS', 'BEAR']);
      expect(symbolsOf(data.mostActive)[0]).toBe('SPIK');
      expect(symbolsOf(data.unusualVolume)).toEqual(['SPIK']);
      // Moves beyond 5% (JUMP, DROP) and a close above the 20-session high on a 3% move (BRKO).
      expect(symbolsOf(data.breakouts)).toEqual(['JUMP', 'DROP', 'BRKO']);
      // Gainers rank by change: each at most the one before.
      for (const [k, row] of data.gainers.entries()) if (k > 0) expect(row.changePercent).toBeLessThanOrEqual(data.gainers[k - 1]!.changePercent);
    });

    it('gives each row the contract\'s fields, worked out from the bars', async () => {
      const data = await daily();
      const rows = new Map<string, Row>(LISTS.flatMap((list) => data[list]).map((row) => [row.symbol, row]));
      for (const row of rows.values()) {
        expect(Object.keys(row).sort()).toEqual(['avgVolume', 'change', 'changePercent', 'currency', 'isBreakout', 'isUnusualVolume', 'name', 'price', 'resistance', 'rsi', 'sma20', 'sma50', 'support', 'symbol', 'trend', 'volume', 'volumeRatio']);
        const { bars } = crafted(row.symbol);
        expect(row).toMatchObject({ name: `${row.symbol} Corp`, currency: 'USD', price: bars.at(-1)!.close, volume: bars.at(-1)!.volume });
        expect(row.changePercent).toBeCloseTo(lastChangePercent(bars), 4);
        expect(row.change).toBeCloseTo(bars.at(-1)!.close - bars.at(-2)!.close, 6);
        const average = bars.slice(-21, -1).reduce((sum, bar) => sum + bar.volume, 0) / 20;
        expect(row.avgVolume).toBe(Math.round(average));
        expect(row.volumeRatio).toBeCloseTo(bars.at(-1)!.volume / average, 4);
        const sma20 = bars.slice(-20).reduce((sum, bar) => sum + bar.close, 0) / 20;
        expect(row.sma20).toBeCloseTo(sma20, 6);
        if (row.support !== null) expect(row.support).toBeLessThanOrEqual(row.price);
        if (row.resistance !== null) expect(row.resistance).toBeGreaterThanOrEqual(row.price);
        expect(row.rsi).toBeGreaterThanOrEqual(0);
        expect(row.rsi).toBeLessThanOrEqual(100);
      }
      // A swinging series has swing lows below and swing highs above its close.
      expect(rows.get('GAIN')).toMatchObject({ support: expect.any(Number), resistance: expect.any(Number) });
      expect(rows.get('BULL')!.trend).toBe('Bullish');
      expect(rows.get('BEAR')!.trend).toBe('Bearish');
    });

    it('sums every scanned symbol up in the overview, leaving out stale and short histories', async () => {
      const data = await daily();
      const changes = SCANNABLE.map((c) => lastChangePercent(c.bars));
      expect(data.marketOverview.totalScanned).toBe(SCANNABLE.length);
      expect(data.marketOverview.avgChange).toBeCloseTo(changes.reduce((a, b) => a + b) / changes.length, 2);
      expect(data.marketOverview.bullish).toBeGreaterThanOrEqual(1);
      expect(data.marketOverview.bearish).toBeGreaterThanOrEqual(1);
      const listed = new Set(LISTS.flatMap((list) => symbolsOf(data[list])));
      expect(listed.has('OLDS')).toBe(false);
      expect(listed.has('TINY')).toBe(false);
    });

    it('filters by sector, price and volume, cuts lists at the limit, and always answers all five lists', async () => {
      const financials = await daily('?sector=financials');
      expect(new Set(LISTS.flatMap((list) => symbolsOf(financials[list])))).toEqual(new Set(['DROP', 'SPIK']));
      expect(financials.marketOverview.totalScanned).toBe(2);
      const dear = await daily('?minPrice=75');
      const expensive = SCANNABLE.filter((c) => c.bars.at(-1)!.close >= 75).map((c) => c.symbol);
      expect(new Set(symbolsOf(dear.mostActive))).toEqual(new Set(expensive));
      const busy = await daily('?minVolume=2000000');
      expect(symbolsOf(busy.mostActive)).toEqual(['SPIK']);
      const one = await daily('?limit=1');
      for (const list of LISTS) expect(one[list].length).toBeLessThanOrEqual(1);
      expect(one.marketOverview.totalScanned).toBe(SCANNABLE.length);
      const none = await daily('?minPrice=1000000');
      for (const list of LISTS) expect(none[list]).toEqual([]);
      expect(none.marketOverview).toEqual({ totalScanned: 0, bullish: 0, bearish: 0, avgChange: 0 });
      const unknown = await m.server.call('GET', '/api/market/scanner?sector=Technology');
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors.sector[0]).toContain('Information Technology');
      expect((await m.server.call('GET', '/api/market/scanner?limit=0')).status).toBe(400);
    });

    it('compares weeks and months on weekly and monthly scans', async () => {
      await daily();
      for (const [timeframe, by] of [['weekly', 'week'], ['monthly', 'month']] as const) {
        const answer = await m.server.call('GET', `/api/market/scanner?timeframe=${timeframe}&limit=100`);
        expect(answer.status).toBe(200);
        expect(answer.body.data.timeframe).toBe(timeframe);
        const rows = new Map<string, Row>((answer.body.data.mostActive as Row[]).map((row) => [row.symbol, row]));
        expect(rows.size).toBe(SCANNABLE.length);
        for (const { symbol, bars } of SCANNABLE) {
          // The scan reads two years of daily bars: the periods they cover.
          const recent = periods(bars.slice(-504), by);
          const [previous, last] = recent.slice(-2) as [{ close: number; volume: number }, { close: number; volume: number }];
          const average = recent.slice(-21, -1).reduce((sum, period) => sum + period.volume, 0) / 20;
          const row = rows.get(symbol)!;
          expect(row.changePercent, `${timeframe} ${symbol}`).toBeCloseTo(((last.close - previous.close) / previous.close) * 100, 3);
          expect(row.volume).toBe(last.volume);
          expect(row.avgVolume).toBe(Math.round(average));
        }
      }
      // Monday's spike is a fifth of an ordinary week's volume: unusual daily, not weekly.
      const weekly = await m.server.call('GET', '/api/market/scanner?timeframe=weekly');
      expect(symbolsOf(weekly.body.data.unusualVolume)).not.toContain('SPIK');
    });

    it('serves a new scan once it is saved', async () => {
      const before = await daily();
      m.clock.advance(60_000);
      try {
        await m.server.app.services.scanner.scan('daily', log);
        const after = await daily();
        expect(Date.parse(after.timestamp)).toBeGreaterThan(Date.parse(before.timestamp));
      } finally {
        m.clock.advance(-60_000);
      }
    });
  });
});
