import { describe, expect, it } from 'vitest';
import { dailyFeatures, priceSeries } from '../../../src/domain/forecast/features.ts';
import { FEATURE_NAMES, FEATURE_WARM_UP } from '../../../src/domain/forecast/spec.ts';
import { macd, rsi } from '../../../src/domain/indicators/index.ts';
import type { Bar } from '../../../src/domain/market/bar.ts';
import { dailyBarTimestamp } from '../../../src/domain/market/bar.ts';
import { addDays } from '../../../src/domain/time.ts';

function bars(count: number): Bar[] {
  return Array.from({ length: count }, (_, t) => {
    const close = 100 * Math.exp(0.05 * Math.sin(t / 3) + 0.002 * t);
    return {
      timestamp: dailyBarTimestamp(addDays('2020-01-01', t)),
      open: close * 0.995,
      high: close * (1.01 + 0.001 * (t % 5)),
      low: close * 0.99,
      close,
      adjustedClose: null,
      volume: 1000 + 100 * (t % 7),
    };
  });
}

describe('price series', () => {
  it('scales open, high, low and close by the adjusted close, so a split is not a crash', () => {
    const split: Bar[] = [
      { timestamp: dailyBarTimestamp('2020-01-02'), open: 198, high: 202, low: 196, close: 200, adjustedClose: 100, volume: 10 },
      { timestamp: dailyBarTimestamp('2020-01-03'), open: 100, high: 102, low: 99, close: 101, adjustedClose: 101, volume: 20 },
    ];
    const series = priceSeries(split);
    expect(series.dates).toEqual(['2020-01-02', '2020-01-03']);
    expect(Array.from(series.close)).toEqual([100, 101]);
    expect(Array.from(series.open)).toEqual([99, 100]);
    expect(Array.from(series.high)).toEqual([101, 102]);
    expect(Array.from(series.volume)).toEqual([10, 20]);
    expect(Math.log(series.close[1]! / series.close[0]!)).toBeCloseTo(Math.log(1.01), 12);
  });

  it('takes prices without an adjusted close as they are', () => {
    const [bar] = bars(1);
    expect(priceSeries([bar!]).high[0]).toBe(bar!.high);
  });
});

describe('daily features', () => {
  const input = bars(120);
  const series = priceSeries(input);
  const features = dailyFeatures(series);
  const column = (name: (typeof FEATURE_NAMES)[number]) => features.columns[FEATURE_NAMES.indexOf(name)]!;
  const close = series.close;

  it('computes each feature from its definition', () => {
    expect(column('logReturn')[10]).toBeCloseTo(Math.log(close[10]! / close[9]!), 12);
    expect(column('logRange')[10]).toBeCloseTo(Math.log(input[10]!.high / input[10]!.low), 12);
    const meanVolume = input.slice(0, 20).reduce((s, b) => s + b.volume, 0) / 20;
    expect(column('logVolumeRatio20')[19]).toBeCloseTo(Math.log((input[19]!.volume + 1) / (meanVolume + 1)), 12);
    const returns = Array.from({ length: 20 }, (_, k) => Math.log(close[6 + k]! / close[5 + k]!));
    const mean = returns.reduce((s, r) => s + r, 0) / 20;
    expect(column('volatility20')[25]).toBeCloseTo(Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / 19), 12);
    expect(features.volatility20).toBe(column('volatility20'));
    const sma50 = Array.from(close.subarray(11, 61)).reduce((s, c) => s + c, 0) / 50;
    expect(column('trend50')[60]).toBeCloseTo(Math.log(close[60]! / sma50), 12);
  });

  it('reads RSI(14) and the MACD(12, 26, 9) histogram from the indicators, scaled', () => {
    expect(column('rsi14')[40]).toBeCloseTo(rsi(close, 14)[40]! / 100, 12);
    expect(column('macdHistogram')[40]).toBeCloseTo(macd(close, 12, 26, 9).histogram[40]! / close[40]!, 12);
  });

  it('is defined from FEATURE_WARM_UP on, and not before', () => {
    for (const values of features.columns) {
      for (let t = FEATURE_WARM_UP; t < values.length; t++) expect(Number.isFinite(values[t]!)).toBe(true);
    }
    expect(features.columns.some((values) => Number.isNaN(values[FEATURE_WARM_UP - 1]!))).toBe(true);
  });

  it('gives NaN, not an error, for a series shorter than the warm-up', () => {
    const short = dailyFeatures(priceSeries(bars(10)));
    expect(short.length).toBe(10);
    expect(Number.isNaN(short.columns[FEATURE_NAMES.indexOf('trend50')]![9]!)).toBe(true);
  });
});
