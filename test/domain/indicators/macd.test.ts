import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ema, macd, macdLookback, MacdStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, firstValue, HAS_REAL_DATA,
  randomWalk, realSeries, type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [[12, 26, 9], [5, 35, 5], [26, 12, 9], [2, 3, 2]].map(([fast, slow, signal]) => ({
  label: `MACD(${fast}, ${slow}, ${signal})`,
  ours: (bars) => ({ ...macd(bars.close, fast, slow, signal) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('MACD', { inReal: bars.close }, { optInFastPeriod: fast!, optInSlowPeriod: slow!, optInSignalPeriod: signal! });
    return { begIndex, nbElement, outputs: { macd: outputs.outMACD!, signal: outputs.outMACDSignal!, histogram: outputs.outMACDHist! } };
  },
}));

describe.skipIf(!talib)(talib ? 'MACD against TA-Lib' : `MACD against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series (fast > slow swapped as TA-Lib does)', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('MACD', () => {
  it('starts all three outputs at (slow − 1) + (signal − 1): 33 for 12/26/9', () => {
    const out = macd(randomWalk('walk', 60).close);
    expect(macdLookback()).toBe(33);
    for (const line of [out.macd, out.signal, out.histogram]) expect(firstValue(line)).toBe(33);
  });

  it("seeds the fast EMA where the slow one starts, so its line differs from EMA(12) − EMA(26)", () => {
    const close = randomWalk('walk', 120).close;
    const out = macd(close);
    const naive = ema(close, 12).map((fast, i) => fast - ema(close, 26)[i]!);
    expect(out.macd[33]).not.toBe(naive[33]);
    // The seeding fades: far from the start both lines agree to rounding.
    expect(Math.abs(out.macd[119]! - naive[119]!)).toBeLessThan(1e-6 * Math.abs(naive[119]!) + 1e-9);
  });

  it('has histogram = line − signal', () => {
    const out = macd(randomWalk('walk', 80).close);
    for (let i = 33; i < 80; i++) expect(out.histogram[i]).toBe(out.macd[i]! - out.signal[i]!);
  });

  it('refuses periods TA-Lib refuses (a signal of 1 included)', () => {
    for (const [fast, slow, signal] of [[1, 26, 9], [12, 0, 9], [12, 26, 1], [12.5, 26, 9]]) {
      expect(() => macd(new Float64Array(50), fast, slow, signal)).toThrow(RangeError);
      expect(() => new MacdStream(fast, slow, signal)).toThrow(RangeError);
    }
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    const periods = fc.tuple(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 2, max: 30 }), fc.integer({ min: 2, max: 12 }));
    fc.assert(
      fc.property(barsWithRevisions(90), periods, ({ bars, drafts }, [fast, slow, signal]) => {
        const stream = new MacdStream(fast, slow, signal);
        expectStreamEqualsBatch(
          { update: (bar) => ({ ...stream.update(bar.close) }), replace: (bar) => ({ ...stream.replace(bar.close) }) },
          { ...macd(columns(bars).close, fast, slow, signal) }, bars, drafts,
        );
      }),
    );
  });
});
