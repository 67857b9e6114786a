import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { obv, obvLookback, ObvStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, HAS_REAL_DATA, realSeries,
  type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [{
  label: 'OBV',
  ours: (bars) => ({ obv: obv(bars.close, bars.volume) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('OBV', { inReal: bars.close, volume: bars.volume });
    return { begIndex, nbElement, outputs: { obv: outputs.outReal! } };
  },
}];

describe.skipIf(!talib)(talib ? 'OBV against TA-Lib' : `OBV against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe('OBV', () => {
  it("starts at the first bar's volume and adds up-day volume, subtracts down-day volume", () => {
    const out = obv(Float64Array.of(10, 11, 11, 9, 12), Float64Array.of(100, 20, 30, 5, 7));
    expect(Array.from(out)).toEqual([100, 120, 120, 115, 122]);
    expect(obvLookback()).toBe(0);
  });

  it('refuses series of different lengths', () => {
    expect(() => obv(new Float64Array(3), new Float64Array(2))).toThrow(RangeError);
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), ({ bars, drafts }) => {
        const stream = new ObvStream();
        const { close, volume } = columns(bars);
        expectStreamEqualsBatch(
          { update: (bar) => ({ obv: stream.update(bar) }), replace: (bar) => ({ obv: stream.replace(bar) }) },
          { obv: obv(close, volume) }, bars, drafts,
        );
      }),
    );
  });
});
