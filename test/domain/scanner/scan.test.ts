import { describe, expect, it } from 'vitest';
import { columnsOf, MIN_SCAN_PERIODS, scanBars, scanLists, type ListedRow, type ScanIndicators } from '../../../src/domain/scanner/index.ts';

const NO_INDICATORS: ScanIndicators = { rsi: null, macd: null, macdSignal: null, sma20: null, sma50: null, sma200: null };

/** Bars from closes and volumes, each with a 2% range around its close. */
function bars(closes: number[], volumes: number[]) {
  return columnsOf(closes.map((close, i) => ({
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000), open: close, high: close * 1.01, low: close * 0.99, close, adjustedClose: null, volume: volumes[i]!,
  })));
}

describe('scanBars', () => {
  it('needs the current period and the 20 before it', () => {
    expect(MIN_SCAN_PERIODS).toBe(21);
    expect(scanBars(bars(Array(20).fill(100), Array(20).fill(1000)), NO_INDICATORS)).toBeNull();
    expect(scanBars(bars(Array(21).fill(100), Array(21).fill(1000)), NO_INDICATORS)).not.toBeNull();
  });

  it('compares the latest period with the one before and with the average volume of the 20 before', () => {
    const closes = [...Array.from({ length: 30 }, (_, i) => 100 + (i % 5)), 110];
    const volumes = [...Array.from({ length: 30 }, (_, i) => 1000 + 10 * i), 5000];
    const signal = scanBars(bars(closes, volumes), { ...NO_INDICATORS, rsi: 61.5, sma20: 102, sma50: Number.NaN })!;
    const previous = closes.at(-2)!;
    const average = volumes.slice(-21, -1).reduce((a, b) => a + b) / 20;
    expect(signal.price).toBe(110);
    expect(signal.change).toBeCloseTo(110 - previous, 12);
    expect(signal.changePercent).toBeCloseTo(((110 - previous) / previous) * 100, 12);
    expect(signal.avgVolume).toBe(average);
    expect(signal.volumeRatio).toBeCloseTo(5000 / average, 12);
    expect(signal.isUnusualVolume).toBe(true);
    expect(signal.isGainer).toBe(true);
    expect(signal.isLoser).toBe(false);
    // 110 closes above every high of the 20 sessions before (at most 104 × 1.01).
    expect(signal.isBreakout).toBe(true);
    expect(signal).toMatchObject({ rsi: 61.5, sma20: 102, sma50: null });
  });

  it('is neither gainer nor loser on an unchanged close, and no breakout inside the range', () => {
    const closes = [...Array.from({ length: 30 }, (_, i) => 100 + (i % 5)), 104];
    const signal = scanBars(bars(closes, Array(31).fill(1000)), NO_INDICATORS)!;
    expect(signal.change).toBe(0);
    expect(signal).toMatchObject({ isGainer: false, isLoser: false, isBreakout: false, isUnusualVolume: false, volumeRatio: 1, trend: 'Neutral' });
  });
});

describe('scanLists', () => {
  const row = (symbol: string, changePercent: number, volume: number, extra: Partial<ListedRow> = {}): ListedRow => ({
    symbol, changePercent, volume, volumeRatio: 1, isUnusualVolume: false, isBreakout: Math.abs(changePercent) > 5,
    isGainer: changePercent > 0, isLoser: changePercent < 0, trend: 'Neutral', ...extra,
  });
  const rows = [
    row('AAA', 2, 100), row('BBB', -7, 300, { trend: 'Bearish' }), row('CCC', 9, 50, { trend: 'Bullish' }),
    row('DDD', -1, 900, { isUnusualVolume: true, volumeRatio: 2.5 }), row('EEE', 0, 10, { isUnusualVolume: true, volumeRatio: 4 }),
    row('FFF', 2, 100, { trend: 'Bullish' }),
  ];

  it('ranks each list by its own measure, ties alphabetically, and cuts it at the limit', () => {
    const lists = scanLists(rows, 3);
    expect(lists.gainers.map((r) => r.symbol)).toEqual(['CCC', 'AAA', 'FFF']);
    expect(lists.losers.map((r) => r.symbol)).toEqual(['BBB', 'DDD']);
    expect(lists.mostActive.map((r) => r.symbol)).toEqual(['DDD', 'BBB', 'AAA']);
    expect(lists.unusualVolume.map((r) => r.symbol)).toEqual(['EEE', 'DDD']);
    expect(lists.breakouts.map((r) => r.symbol)).toEqual(['CCC', 'BBB']);
    expect(scanLists(rows, 1).gainers.map((r) => r.symbol)).toEqual(['CCC']);
  });

  it('sums up every row in the overview', () => {
    const mean = rows.reduce((sum, r) => sum + r.changePercent, 0) / rows.length;
    expect(scanLists(rows, 1).marketOverview).toEqual({ totalScanned: 6, bullish: 2, bearish: 1, avgChange: Math.round(mean * 100) / 100 });
  });

  it('answers all five lists, empty, for no rows', () => {
    expect(scanLists([], 10)).toEqual({
      gainers: [], losers: [], mostActive: [], unusualVolume: [], breakouts: [],
      marketOverview: { totalScanned: 0, bullish: 0, bearish: 0, avgChange: 0 },
    });
  });
});
