import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sma, smaLookback, SmaStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, HAS_REAL_DATA, realSeries,
  type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [2, 20, 50, 200].map((period) => ({
  label: `SMA(${period})`,
  ours: (bars) => ({ sma: sma(bars.close, period) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('SMA', { inReal: bars.close }, { optInTimePeriod: period });
    return { begIndex, nbElement, outputs: { sma: outputs.outReal! } };
  },
}));

describe.skipIf(!talib)(talib ? 'SMA against TA-Lib' : `SMA against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('SMA', () => {
  it('averages the last `period` values and has none before', () => {
    const values = Float64Array.of(1, 2, 3, 4, 10);
    const out = sma(values, 3);
    expect(Array.from(out.subarray(0, 2)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(2))).toEqual([2, 3, (3 + 4 + 10) / 3]);
    expect(smaLookback(3)).toBe(2);
  });

  it('answers an empty series with an empty one and a short one with NaN only', () => {
    expect(sma(new Float64Array(0), 5).length).toBe(0);
    expect(Array.from(sma(Float64Array.of(1, 2, 3), 5)).every(Number.isNaN)).toBe(true);
  });

  it('refuses a period TA-Lib refuses', () => {
    for (const period of [1, 0, -3, 2.5, Number.NaN, 100_001]) {
      expect(() => sma(new Float64Array(10), period)).toThrow(RangeError);
      expect(() => new SmaStream(period)).toThrow(RangeError);
    }
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 2, max: 40 }), ({ bars, drafts }, period) => {
        const stream = new SmaStream(period);
        expectStreamEqualsBatch(
          { update: (bar) => ({ sma: stream.update(bar.close) }), replace: (bar) => ({ sma: stream.replace(bar.close) }) },
          { sma: sma(columns(bars).close, period) }, bars, drafts,
        );
        expect(stream.bars).toBe(bars.length);
      }),
    );
  });
});
