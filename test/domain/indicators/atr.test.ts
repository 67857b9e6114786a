import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atr, atrLookback, AtrStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, HAS_REAL_DATA, realSeries,
  type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [1, 2, 14, 30].map((period) => ({
  label: `ATR(${period})`,
  ours: (bars) => ({ atr: atr(bars.high, bars.low, bars.close, period) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('ATR', { high: bars.high, low: bars.low, close: bars.close }, { optInTimePeriod: period });
    return { begIndex, nbElement, outputs: { atr: outputs.outReal! } };
  },
}));

describe.skipIf(!talib)(talib ? 'ATR against TA-Lib' : `ATR against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('ATR', () => {
  it("takes the gap from the previous close into the true range, and smooths it Wilder's way", () => {
    const high = Float64Array.of(10, 11, 15, 15);
    const low = Float64Array.of(9, 10, 14, 13);
    const close = Float64Array.of(9.5, 10.5, 14.5, 13.5);
    // True ranges from bar 1: 1.5 (from the close of 9.5), 4.5 (gap up from 10.5), 2 (high − low).
    const out = atr(high, low, close, 2);
    expect(Number.isNaN(out[1]!)).toBe(true);
    expect(out[2]).toBe((1.5 + 4.5) / 2);
    expect(out[3]).toBe((3 * 1 + 2) / 2);
    expect(atrLookback(2)).toBe(2);
  });

  it('is the true range itself for period 1', () => {
    const out = atr(Float64Array.of(10, 12), Float64Array.of(9, 11.5), Float64Array.of(9.5, 12), 1);
    expect(out[1]).toBe(2.5);
  });

  it('refuses a period TA-Lib refuses and series of different lengths', () => {
    expect(() => atr(new Float64Array(5), new Float64Array(5), new Float64Array(5), 0)).toThrow(RangeError);
    expect(() => atr(new Float64Array(5), new Float64Array(4), new Float64Array(5))).toThrow(/low has 4 values/);
    expect(() => new AtrStream(1.5)).toThrow(RangeError);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 1, max: 30 }), ({ bars, drafts }, period) => {
        const stream = new AtrStream(period);
        const { high, low, close } = columns(bars);
        expectStreamEqualsBatch(
          { update: (bar) => ({ atr: stream.update(bar) }), replace: (bar) => ({ atr: stream.replace(bar) }) },
          { atr: atr(high, low, close, period) }, bars, drafts,
        );
      }),
    );
  });
});
