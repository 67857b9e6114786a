import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adx, adxLookback, AdxStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, firstValue, HAS_REAL_DATA,
  randomWalk, realSeries, type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [2, 14, 30].map((period) => ({
  label: `ADX(${period})`,
  ours: (bars) => ({ adx: adx(bars.high, bars.low, bars.close, period) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('ADX', { high: bars.high, low: bars.low, close: bars.close }, { optInTimePeriod: period });
    return { begIndex, nbElement, outputs: { adx: outputs.outReal! } };
  },
}));

describe.skipIf(!talib)(talib ? 'ADX against TA-Lib' : `ADX against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('ADX', () => {
  it('starts at index 2 × period − 1 (27 for 14)', () => {
    const walk = randomWalk('walk', 40);
    expect(adxLookback()).toBe(27);
    expect(firstValue(adx(walk.high, walk.low, walk.close))).toBe(27);
  });

  it('reads a steady trend as strong: 100 when every bar moves only up', () => {
    const n = 30;
    const high = Float64Array.from({ length: n }, (_, i) => 11 + i);
    const low = Float64Array.from({ length: n }, (_, i) => 10 + i);
    expect(adx(high, low, high, 5)[n - 1]).toBe(100);
  });

  it('refuses a period TA-Lib refuses', () => {
    expect(() => adx(new Float64Array(5), new Float64Array(5), new Float64Array(5), 1)).toThrow(RangeError);
    expect(() => new AdxStream(100_001)).toThrow(RangeError);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 2, max: 30 }), ({ bars, drafts }, period) => {
        const stream = new AdxStream(period);
        const { high, low, close } = columns(bars);
        expectStreamEqualsBatch(
          { update: (bar) => ({ adx: stream.update(bar) }), replace: (bar) => ({ adx: stream.replace(bar) }) },
          { adx: adx(high, low, close, period) }, bars, drafts,
        );
      }),
    );
  });
});
