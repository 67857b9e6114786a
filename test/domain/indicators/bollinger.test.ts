import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bollinger, bollingerLookback, BollingerStream, sma } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, HAS_REAL_DATA, randomWalk,
  realSeries, type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [[20, 2], [10, 1.5], [5, 1], [2, 3]].map(([period, k]) => ({
  label: `Bollinger(${period}, ${k})`,
  ours: (bars) => ({ ...bollinger(bars.close, period, k) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('BBANDS', { inReal: bars.close }, { optInTimePeriod: period!, optInNbDevUp: k!, optInNbDevDn: k!, optInMAType: 0 });
    return { begIndex, nbElement, outputs: { upper: outputs.outRealUpperBand!, middle: outputs.outRealMiddleBand!, lower: outputs.outRealLowerBand! } };
  },
}));

describe.skipIf(!talib)(talib ? 'Bollinger Bands against TA-Lib' : `Bollinger Bands against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('Bollinger Bands', () => {
  it('puts the bands k population standard deviations around the SMA', () => {
    const close = Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9);
    const bands = bollinger(close, 8, 2);
    // The population deviation of these eight values is exactly 2 (mean 5).
    expect(bands.middle[7]).toBe(5);
    expect(bands.upper[7]).toBeCloseTo(9, 12);
    expect(bands.lower[7]).toBeCloseTo(1, 12);
    expect(Array.from(bands.middle)).toEqual(Array.from(sma(close, 8)));
    expect(bollingerLookback(8)).toBe(7);
  });

  it('collapses onto the middle for flat prices (zero deviation, as TA-Lib)', () => {
    const bands = bollinger(new Float64Array(30).fill(12.5));
    expect(bands.upper[29]).toBe(12.5);
    expect(bands.lower[29]).toBe(12.5);
  });

  it('refuses a period or multiplier TA-Lib refuses', () => {
    expect(() => bollinger(new Float64Array(30), 1)).toThrow(RangeError);
    expect(() => bollinger(new Float64Array(30), 20, Number.NaN)).toThrow(RangeError);
    expect(() => new BollingerStream(20, Infinity)).toThrow(RangeError);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 2, max: 40 }), fc.double({ min: 0.5, max: 3, noNaN: true }), ({ bars, drafts }, period, k) => {
        const stream = new BollingerStream(period, k);
        expectStreamEqualsBatch(
          { update: (bar) => ({ ...stream.update(bar.close) }), replace: (bar) => ({ ...stream.replace(bar.close) }) },
          { ...bollinger(columns(bars).close, period, k) }, bars, drafts,
        );
      }),
    );
  });

  it('has its first value at index period − 1', () => {
    const bands = bollinger(randomWalk('walk', 25).close);
    expect(Number.isNaN(bands.upper[18]!)).toBe(true);
    expect(Number.isNaN(bands.upper[19]!)).toBe(false);
  });
});
