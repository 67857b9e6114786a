import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyWallTime } from '../../../src/domain/calendar/index.ts';
import { sessionStarts, vwap, VwapStream } from '../../../src/domain/indicators/index.ts';
import { hasSharedData, NO_SHARED_DATA, sharedData } from '../../support/shared-data.ts';
import { barsWithRevisions, columns } from './fixtures.ts';

const bar = (high: number, low: number, close: number, volume: number) => ({ high, low, close, volume });

/** VWAP recomputed from scratch at every bar: the sums from the session's first bar. */
function naiveVwap(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, starts: Uint8Array): Float64Array {
  const out = new Float64Array(close.length).fill(Number.NaN);
  let start = -1;
  for (let i = 0; i < close.length; i++) {
    if (starts[i]) start = i;
    if (start < 0) continue;
    let priceVolume = 0;
    let shares = 0;
    for (let j = start; j <= i; j++) {
      priceVolume += ((high[j]! + low[j]! + close[j]!) / 3) * volume[j]!;
      shares += volume[j]!;
    }
    out[i] = shares > 0 ? priceVolume / shares : Number.NaN;
  }
  return out;
}

describe('VWAP', () => {
  it('weights each typical price by its volume from the session start (hand-computed)', () => {
    // Typical prices 10, 13, 16 with volumes 100, 200, 100: (1000 + 2600 + 1600) / 400 = 13.
    const high = Float64Array.of(11, 14, 17);
    const low = Float64Array.of(9, 12, 15);
    const close = Float64Array.of(10, 13, 16);
    const out = vwap(high, low, close, Float64Array.of(100, 200, 100), Uint8Array.of(1, 0, 0));
    expect(Array.from(out)).toEqual([10, 12, 13]);
  });

  it('starts again at each session', () => {
    const prices = Float64Array.of(10, 20, 30, 40);
    const out = vwap(prices, prices, prices, Float64Array.of(1, 3, 1, 1), Uint8Array.of(1, 0, 1, 0));
    expect(Array.from(out)).toEqual([10, 17.5, 30, 35]);
  });

  it('has no value before the first session start nor while the session has traded nothing', () => {
    const prices = Float64Array.of(10, 11, 12, 13);
    const out = vwap(prices, prices, prices, Float64Array.of(5, 0, 0, 2), Uint8Array.of(0, 1, 0, 0));
    expect(Number.isNaN(out[0]!)).toBe(true);
    expect(Number.isNaN(out[1]!)).toBe(true);
    expect(Number.isNaN(out[2]!)).toBe(true);
    expect(out[3]).toBe(13);
  });

  it('refuses inputs of different lengths', () => {
    expect(() => vwap(new Float64Array(3), new Float64Array(3), new Float64Array(3), new Float64Array(3), new Uint8Array(2))).toThrow(RangeError);
  });

  it('flags the first bar of each New York session date', () => {
    const at = (date: string, hour: number, minute: number) => nyWallTime(date, hour, minute);
    const flags = sessionStarts([at('2024-03-08', 9, 30), at('2024-03-08', 15, 59), at('2024-03-11', 9, 30), at('2024-03-11', 9, 31)]);
    expect(Array.from(flags)).toEqual([1, 0, 1, 0]);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.array(fc.boolean(), { minLength: 90, maxLength: 90 }), ({ bars, drafts }, starts) => {
        const { high, low, close, volume } = columns(bars);
        const flags = Uint8Array.from(bars, (_, i) => (starts[i] ? 1 : 0));
        const batch = vwap(high, low, close, volume, flags);
        const stream = new VwapStream();
        bars.forEach((final, i) => {
          const versions = [...drafts[i]!, final];
          let value = stream.update(versions[0]!, flags[i] === 1);
          for (const version of versions.slice(1)) value = stream.replace(version, flags[i] === 1);
          expect(Object.is(value, batch[i]), `bar ${i}`).toBe(true);
        });
      }),
    );
  });

  it('equals the sums recomputed from scratch on random sessions', () => {
    fc.assert(
      fc.property(barsWithRevisions(120), fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }), ({ bars }, starts) => {
        const { high, low, close, volume } = columns(bars);
        const flags = Uint8Array.from(bars, (_, i) => (starts[i] ? 1 : 0));
        const ours = vwap(high, low, close, volume, flags);
        const naive = naiveVwap(high, low, close, volume, flags);
        ours.forEach((value, i) => expect(Object.is(value, naive[i]), `bar ${i}: ${value} vs ${naive[i]}`).toBe(true));
      }),
    );
  });
});

const SPY = 'ohlcv/intraday_1min/SPY_1min_2025-07-01_2025-07-30.csv';
const HAS_SPY = hasSharedData(SPY);

describe.skipIf(!HAS_SPY)(HAS_SPY ? 'VWAP on real 1-minute bars' : `VWAP on real 1-minute bars: skipped, ${NO_SHARED_DATA}`, () => {
  it('equals the from-scratch sums over a month of SPY minutes, one anchor per New York day', () => {
    const rows = readFileSync(sharedData(SPY), 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(','));
    const timestamps = rows.map(([stamp]) => nyWallTime(stamp!.slice(0, 10), Number(stamp!.slice(11, 13)), Number(stamp!.slice(14, 16))));
    const column = (k: number) => Float64Array.from(rows, (row) => Number(row[k]));
    const [high, low, close, volume] = [column(2), column(3), column(4), column(5)];
    const flags = sessionStarts(timestamps);
    expect(flags.reduce((sum, flag) => sum + flag, 0)).toBe(new Set(rows.map(([stamp]) => stamp!.slice(0, 10))).size);
    const ours = vwap(high, low, close, volume, flags);
    const naive = naiveVwap(high, low, close, volume, flags);
    ours.forEach((value, i) => {
      if (!Object.is(value, naive[i])) expect.fail(`minute ${i}: ${value} vs ${naive[i]}`);
    });
    // Every minute has a value: each session's first minute traded.
    expect(ours.every((value) => Number.isFinite(value))).toBe(true);
  });
});

describe('VwapStream', () => {
  it('moves with the open bar and keeps the session', () => {
    const stream = new VwapStream();
    expect(stream.update(bar(11, 9, 10, 100), true)).toBe(10);
    expect(stream.update(bar(14, 12, 13, 100))).toBe(11.5);
    expect(stream.replace(bar(17, 15, 16, 100))).toBe(13);
    expect(stream.bars).toBe(2);
  });

  it('keeps a revised bar opening its session', () => {
    const stream = new VwapStream();
    stream.update(bar(11, 9, 10, 100), true);
    expect(stream.update(bar(31, 29, 30, 50), true)).toBe(30);
    expect(stream.replace(bar(41, 39, 40, 50))).toBe(40);
  });
});
