import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mfi, mfiLookback, MfiStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, HAS_REAL_DATA, realSeries,
  type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [2, 14, 30].map((period) => ({
  label: `MFI(${period})`,
  ours: (bars) => ({ mfi: mfi(bars.high, bars.low, bars.close, bars.volume, period) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('MFI', { high: bars.high, low: bars.low, close: bars.close, volume: bars.volume }, { optInTimePeriod: period });
    return { begIndex, nbElement, outputs: { mfi: outputs.outReal! } };
  },
}));

describe.skipIf(!talib)(talib ? 'MFI against TA-Lib' : `MFI against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series (zero-volume days included)' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('MFI', () => {
  it('is the share of money flow on days the typical price rose', () => {
    const price = Float64Array.of(10, 11, 10.5, 12);
    const volume = Float64Array.of(1000, 200, 300, 100);
    // Flows: +11×200, −10.5×300, +12×100 over the last 3 bars.
    const positive = 11 * 200 + 12 * 100;
    const negative = 10.5 * 300;
    expect(mfi(price, price, price, volume, 3)[3]).toBeCloseTo((100 * positive) / (positive + negative), 12);
    expect(mfiLookback(3)).toBe(3);
  });

  it('is 0 when there is no volume (TA-Lib answers a flow total below 1 with 0)', () => {
    const price = Float64Array.from({ length: 20 }, (_, i) => 10 + Math.sin(i));
    expect(mfi(price, price, price, new Float64Array(20), 5)[19]).toBe(0);
  });

  it('refuses a period TA-Lib refuses', () => {
    const zeros = new Float64Array(5);
    expect(() => mfi(zeros, zeros, zeros, zeros, 1)).toThrow(RangeError);
    expect(() => new MfiStream(0)).toThrow(RangeError);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 2, max: 30 }), ({ bars, drafts }, period) => {
        const stream = new MfiStream(period);
        const { high, low, close, volume } = columns(bars);
        expectStreamEqualsBatch(
          { update: (bar) => ({ mfi: stream.update(bar) }), replace: (bar) => ({ mfi: stream.replace(bar) }) },
          { mfi: mfi(high, low, close, volume, period) }, bars, drafts,
        );
      }),
    );
  });
});
