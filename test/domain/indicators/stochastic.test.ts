import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stochastic, stochasticLookback, StochasticStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, firstValue, HAS_REAL_DATA,
  randomWalk, realSeries, type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [[14, 3, 3], [5, 1, 1], [9, 3, 5], [1, 2, 1], [3, 1, 4]].map(([kPeriod, kSlow, dPeriod]) => ({
  label: `Stochastic(${kPeriod}, ${kSlow}, ${dPeriod})`,
  ours: (bars) => ({ ...stochastic(bars.high, bars.low, bars.close, kPeriod, kSlow, dPeriod) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('STOCH', { high: bars.high, low: bars.low, close: bars.close }, {
      optInFastK_Period: kPeriod!, optInSlowK_Period: kSlow!, optInSlowK_MAType: 0, optInSlowD_Period: dPeriod!, optInSlowD_MAType: 0,
    });
    return { begIndex, nbElement, outputs: { k: outputs.outSlowK!, d: outputs.outSlowD! } };
  },
}));

describe.skipIf(!talib)(talib ? 'Stochastic against TA-Lib' : `Stochastic against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib STOCH (SMA smoothing) on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('Stochastic', () => {
  it('starts %K and %D at (kPeriod − 1) + (kSlow − 1) + (dPeriod − 1): 17 for 14/3/3', () => {
    const walk = randomWalk('walk', 40);
    const out = stochastic(walk.high, walk.low, walk.close);
    expect(stochasticLookback()).toBe(17);
    expect(firstValue(out.k)).toBe(17);
    expect(firstValue(out.d)).toBe(17);
  });

  it('is 100 at the top of the range and 0 at the bottom, and 0 when the range is flat (TA-Lib)', () => {
    const high = Float64Array.of(10, 11, 12, 13);
    const low = Float64Array.of(9, 10, 11, 12);
    expect(stochastic(high, low, high, 2, 1, 1).k[3]).toBe(100);
    expect(stochastic(high, low, Float64Array.of(9, 10, 11, 11), 2, 1, 1).k[3]).toBe(0);
    const flat = new Float64Array(6).fill(5);
    expect(stochastic(flat, flat, flat, 3, 1, 1).k[5]).toBe(0);
  });

  it('refuses periods TA-Lib refuses', () => {
    const zeros = new Float64Array(30);
    expect(() => stochastic(zeros, zeros, zeros, 0)).toThrow(RangeError);
    expect(() => stochastic(zeros, zeros, zeros, 14, 3, 0)).toThrow(RangeError);
    expect(() => new StochasticStream(14, 2.5)).toThrow(RangeError);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    const periods = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }));
    fc.assert(
      fc.property(barsWithRevisions(90), periods, ({ bars, drafts }, [kPeriod, kSlow, dPeriod]) => {
        const stream = new StochasticStream(kPeriod, kSlow, dPeriod);
        const { high, low, close } = columns(bars);
        expectStreamEqualsBatch(
          { update: (bar) => ({ ...stream.update(bar) }), replace: (bar) => ({ ...stream.replace(bar) }) },
          { ...stochastic(high, low, close, kPeriod, kSlow, dPeriod) }, bars, drafts,
        );
      }),
    );
  });
});
