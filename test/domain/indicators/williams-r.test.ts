import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { williamsR, williamsRLookback, WilliamsRStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, HAS_REAL_DATA, realSeries,
  type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [2, 14, 30].map((period) => ({
  label: `Williams %R(${period})`,
  ours: (bars) => ({ williamsR: williamsR(bars.high, bars.low, bars.close, period) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('WILLR', { high: bars.high, low: bars.low, close: bars.close }, { optInTimePeriod: period });
    return { begIndex, nbElement, outputs: { williamsR: outputs.outReal! } };
  },
}));

describe.skipIf(!talib)(talib ? 'Williams %R against TA-Lib' : `Williams %R against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('Williams %R', () => {
  it('is 0 at the highest high, −100 at the lowest low, and 0 on a flat window (TA-Lib)', () => {
    const high = Float64Array.of(10, 12, 11);
    const low = Float64Array.of(8, 9, 9);
    expect(williamsR(high, low, Float64Array.of(9, 11, 12), 3)[2]).toBe(-0);
    expect(williamsR(high, low, Float64Array.of(9, 11, 8), 3)[2]).toBe(-100);
    expect(williamsR(high, low, Float64Array.of(9, 11, 10), 3)[2]).toBe(-50);
    const flat = new Float64Array(5).fill(3);
    expect(williamsR(flat, flat, flat, 3)[4]).toBe(0);
    expect(williamsRLookback(3)).toBe(2);
  });

  it('refuses a period TA-Lib refuses', () => {
    expect(() => williamsR(new Float64Array(5), new Float64Array(5), new Float64Array(5), 1)).toThrow(RangeError);
    expect(() => new WilliamsRStream(0)).toThrow(RangeError);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 2, max: 30 }), ({ bars, drafts }, period) => {
        const stream = new WilliamsRStream(period);
        const { high, low, close } = columns(bars);
        expectStreamEqualsBatch(
          { update: (bar) => ({ williamsR: stream.update(bar) }), replace: (bar) => ({ williamsR: stream.replace(bar) }) },
          { williamsR: williamsR(high, low, close, period) }, bars, drafts,
        );
      }),
    );
  });
});
