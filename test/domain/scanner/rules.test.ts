import { describe, expect, it } from 'vitest';
import {
  averageVolume, isBreakout, isCurrent, isUnusualVolume, priorRange, SCAN_RULES, supportResistance, trendOf, volumeRatio, type TrendInputs,
} from '../../../src/domain/scanner/index.ts';

const f64 = (values: number[]) => Float64Array.from(values);

describe('volume against its average', () => {
  it('averages the 20 periods before the current one, leaving the current spike out', () => {
    const volume = f64([...Array.from({ length: 25 }, (_, i) => 1000 + i), 90_000]);
    const end = volume.length - 1;
    const expected = Array.from({ length: 20 }, (_, k) => 1000 + (end - 20 + k)).reduce((a, b) => a + b) / 20;
    expect(averageVolume(volume, end)).toBe(expected);
    expect(averageVolume(volume, 19)).toBeNaN();
  });

  it('calls a volume unusual only above twice the average, and never without an average', () => {
    expect(isUnusualVolume(volumeRatio(2000, 1000))).toBe(false);
    expect(isUnusualVolume(volumeRatio(2001, 1000))).toBe(true);
    expect(volumeRatio(5000, 0)).toBe(0);
    expect(isUnusualVolume(volumeRatio(5000, 0))).toBe(false);
  });
});

describe('breakouts', () => {
  const high = f64([...Array.from({ length: 20 }, (_, i) => 110 - (i % 4)), 999]);
  const low = f64([...Array.from({ length: 20 }, (_, i) => 90 + (i % 3)), 1]);
  it('reads the range of the 20 periods before the current one', () => {
    expect(priorRange(high, low, 20)).toEqual({ high: 110, low: 90 });
  });

  it('is a move beyond 5% either way, or a close out of the prior range', () => {
    const prior = { high: 110, low: 90 };
    expect(isBreakout(100, 5.01, prior)).toBe(true);
    expect(isBreakout(100, -5.01, prior)).toBe(true);
    expect(isBreakout(100, 5, prior)).toBe(false);
    expect(isBreakout(110.01, 0.5, prior)).toBe(true);
    expect(isBreakout(89.99, -0.5, prior)).toBe(true);
    expect(isBreakout(110, 4.9, prior)).toBe(false);
  });
});

describe('support and resistance from swing points', () => {
  // A zigzag: swing highs at 12 and 15, swing lows at 8 and 9.5, each with two lower/higher bars on either side.
  const highs = [10, 10.5, 12, 10.5, 10, 9.8, 10.2, 15, 11, 10.6, 10.4, 10.3];
  const lows = [9, 8.5, 9.2, 9, 8, 8.6, 8.9, 12, 10, 9.5, 9.7, 10];

  it('takes the nearest swing low below the close and the nearest swing high above it', () => {
    const end = highs.length - 1;
    expect(supportResistance(f64(highs), f64(lows), 11, end, 60, 2)).toEqual({ support: 9.5, resistance: 12 });
    expect(supportResistance(f64(highs), f64(lows), 13, end, 60, 2)).toEqual({ support: 9.5, resistance: 15 });
  });

  it('has no resistance above a close over every swing high, and no support below one under every swing low', () => {
    const end = highs.length - 1;
    expect(supportResistance(f64(highs), f64(lows), 20, end, 60, 2).resistance).toBeNull();
    expect(supportResistance(f64(highs), f64(lows), 7, end, 60, 2).support).toBeNull();
  });

  it('looks back only so far', () => {
    const end = highs.length - 1;
    // Four bars back reach the swing low at 9.5 (two bars on each side) but no swing high; three bars reach neither.
    expect(supportResistance(f64(highs), f64(lows), 11, end, 4, 2)).toEqual({ support: 9.5, resistance: null });
    expect(supportResistance(f64(highs), f64(lows), 11, end, 3, 2)).toEqual({ support: null, resistance: null });
  });
});

describe('trend', () => {
  const base: TrendInputs = { close: 110, rsi: 60, macd: 1.2, macdSignal: 1, sma20: 105, sma50: 100, sma200: 90 };

  it('is Bullish or Bearish when two thirds of the votes agree', () => {
    expect(trendOf(base)).toBe('Bullish');
    expect(trendOf({ ...base, rsi: 50 })).toBe('Bullish');
    expect(trendOf({ close: 80, rsi: 40, macd: -1, macdSignal: 0, sma20: 85, sma50: 90, sma200: 100 })).toBe('Bearish');
  });

  it('is Neutral when the votes disagree', () => {
    expect(trendOf({ ...base, rsi: 40 })).toBe('Neutral');
    // Above SMA 50 but SMA 50 under SMA 200: the averages do not vote.
    expect(trendOf({ ...base, sma200: 105, rsi: 50 })).toBe('Neutral');
  });

  it('counts only the votes it has inputs for', () => {
    // A short history: no SMA 200, so the close against SMA 50 votes.
    expect(trendOf({ ...base, sma200: null, rsi: null })).toBe('Bullish');
    expect(trendOf({ ...base, sma200: Number.NaN, macd: null, rsi: 50 })).toBe('Neutral');
    // Only RSI: one vote of one.
    expect(trendOf({ close: 10, rsi: 30, macd: null, macdSignal: null, sma20: null, sma50: null, sma200: null })).toBe('Bearish');
    expect(trendOf({ close: 10, rsi: null, macd: null, macdSignal: null, sma20: null, sma50: null, sma200: null })).toBe('Neutral');
    // RSI at the thresholds votes.
    expect(trendOf({ close: 10, rsi: SCAN_RULES.rsiBullish, macd: null, macdSignal: null, sma20: null, sma50: null, sma200: null })).toBe('Bullish');
  });
});

describe('current bars', () => {
  it('leaves out a symbol whose last bar is more than a week older than the newest', () => {
    const newest = Date.parse('2026-11-23T00:00:00Z');
    expect(isCurrent(Date.parse('2026-11-16T00:00:00Z'), newest)).toBe(true);
    expect(isCurrent(Date.parse('2026-11-15T00:00:00Z'), newest)).toBe(false);
  });
});
