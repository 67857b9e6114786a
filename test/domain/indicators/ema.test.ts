import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ema, emaLookback, EmaStream, sma } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, firstValue, HAS_REAL_DATA,
  HAS_VECTORS, realSeries, spotChecks, talibPythonVectors, type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [2, 12, 26, 50].map((period) => ({
  label: `EMA(${period})`,
  ours: (bars) => ({ ema: ema(bars.close, period) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('EMA', { inReal: bars.close }, { optInTimePeriod: period });
    return { begIndex, nbElement, outputs: { ema: outputs.outReal! } };
  },
}));

describe.skipIf(!talib)(talib ? 'EMA against TA-Lib' : `EMA against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe.skipIf(!HAS_VECTORS)(HAS_VECTORS ? "EMA on ta-lib-python's spot values" : `ta-lib-python vectors: skipped, ${NO_SHARED_DATA}`, () => {
  it('gives the middle band of its BBANDS test with an EMA (EMA(20) at i0 and i0 + 13)', () => {
    const [check] = spotChecks('BBANDS');
    const close = Float64Array.from(talibPythonVectors().inputs.series.close);
    const out = ema(close, 20);
    const i0 = firstValue(out);
    expect(i0).toBe(19);
    for (const [k, value] of Object.entries(check!.values!.middle as Record<string, number>)) {
      expect(Math.abs(out[i0 + Number(k)]! - value)).toBeLessThanOrEqual(check!.tolerance!);
    }
  });

  it('starts EMA(EMA(x, 2), 2) at index 2 when the second EMA is given the defined part', () => {
    const [check] = spotChecks('EMA(EMA(x,2),2)');
    const close = Float64Array.from(talibPythonVectors().inputs.series.close);
    const first = ema(close, 2);
    const second = ema(first.subarray(emaLookback(2)), 2);
    expect(emaLookback(2) + firstValue(second)).toBe(check!.values!.i0);
  });
});

describe('EMA', () => {
  it('is seeded with the SMA of the first period, then smooths with k = 2 / (period + 1)', () => {
    const values = Float64Array.of(2, 4, 6, 8, 20);
    const out = ema(values, 3);
    expect(Number.isNaN(out[1]!)).toBe(true);
    expect(out[2]).toBe(sma(values, 3)[2]);
    expect(out[3]).toBe((8 - 4) * 0.5 + 4);
    expect(out[4]).toBe((20 - 6) * 0.5 + 6);
  });

  it('refuses a period TA-Lib refuses', () => {
    for (const period of [1, 0, 3.5, 100_001]) {
      expect(() => ema(new Float64Array(10), period)).toThrow(RangeError);
      expect(() => new EmaStream(period)).toThrow(RangeError);
    }
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 2, max: 40 }), ({ bars, drafts }, period) => {
        const stream = new EmaStream(period);
        expectStreamEqualsBatch(
          { update: (bar) => ({ ema: stream.update(bar.close) }), replace: (bar) => ({ ema: stream.replace(bar.close) }) },
          { ema: ema(columns(bars).close, period) }, bars, drafts,
        );
      }),
    );
  });
});
