import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cci, cciLookback, CciStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, HAS_REAL_DATA, realSeries,
  type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [2, 14, 20, 31].map((period) => ({
  label: `CCI(${period})`,
  ours: (bars) => ({ cci: cci(bars.high, bars.low, bars.close, period) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('CCI', { high: bars.high, low: bars.low, close: bars.close }, { optInTimePeriod: period });
    return { begIndex, nbElement, outputs: { cci: outputs.outReal! } };
  },
}));

describe.skipIf(!talib)(talib ? 'CCI against TA-Lib' : `CCI against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('CCI', () => {
  it('measures the typical price against its mean, in units of 0.015 mean deviations', () => {
    // Typical prices 1, 2, 3, 6: mean 3, mean absolute deviation (2 + 1 + 0 + 3) / 4 = 1.5.
    const out = cci(Float64Array.of(1, 2, 3, 6), Float64Array.of(1, 2, 3, 6), Float64Array.of(1, 2, 3, 6), 4);
    expect(out[3]).toBeCloseTo((6 - 3) / (0.015 * 1.5), 9);
    expect(cciLookback(4)).toBe(3);
  });

  it('is 0 on a flat window (TA-Lib)', () => {
    const flat = new Float64Array(25).fill(4);
    expect(cci(flat, flat, flat)[24]).toBe(0);
  });

  it('refuses a period TA-Lib refuses', () => {
    expect(() => cci(new Float64Array(5), new Float64Array(5), new Float64Array(5), 1)).toThrow(RangeError);
    expect(() => new CciStream(2.2)).toThrow(RangeError);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 2, max: 30 }), ({ bars, drafts }, period) => {
        const stream = new CciStream(period);
        const { high, low, close } = columns(bars);
        expectStreamEqualsBatch(
          { update: (bar) => ({ cci: stream.update(bar) }), replace: (bar) => ({ cci: stream.replace(bar) }) },
          { cci: cci(high, low, close, period) }, bars, drafts,
        );
      }),
    );
  });
});
