import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rsi, rsiLookback, RsiStream } from '../../../src/domain/indicators/index.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibSeries } from '../../support/talib.ts';
import {
  barsWithRevisions, columns, edgeSeries, expectMatchesTalib, expectStreamEqualsBatch, HAS_REAL_DATA, HAS_VECTORS,
  realSeries, spotChecks, type OracleCase,
} from './fixtures.ts';

const cases: OracleCase[] = [2, 10, 14, 30].map((period) => ({
  label: `RSI(${period})`,
  ours: (bars) => ({ rsi: rsi(bars.close, period) }),
  talib: (bars) => {
    const { begIndex, nbElement, outputs } = talibSeries('RSI', { inReal: bars.close }, { optInTimePeriod: period });
    return { begIndex, nbElement, outputs: { rsi: outputs.outReal! } };
  },
}));

describe.skipIf(!talib)(talib ? 'RSI against TA-Lib' : `RSI against TA-Lib: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equals TA-Lib on real daily series' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    expectMatchesTalib(cases, realSeries());
  });

  it('equals TA-Lib on flat, short, gapped, huge, tiny and NaN series', () => {
    expectMatchesTalib(cases, edgeSeries());
  });
});

describe.skipIf(!HAS_VECTORS)(HAS_VECTORS ? "RSI on ta-lib-python's spot values" : `ta-lib-python vectors: skipped, ${NO_SHARED_DATA}`, () => {
  it('gives RSI(10) of its sub-micro prices, and the same ×100,000', () => {
    const [check] = spotChecks('RSI');
    const input = (check!.input as number[]);
    for (const scale of [1, 100_000]) {
      const out = rsi(Float64Array.from(input, (value) => value * scale), check!.params.timeperiod as number);
      check!.expected!.forEach((expected, i) => {
        if (expected === null) expect(Number.isNaN(out[i]!)).toBe(true);
        else expect(Math.abs(out[i]! - expected)).toBeLessThanOrEqual(check!.tolerance!);
      });
    }
  });
});

describe('RSI', () => {
  it('has its first value at index period (TA-Lib RSI(14) at 14)', () => {
    const out = rsi(Float64Array.from({ length: 30 }, (_, i) => 100 + Math.sin(i)));
    expect(rsiLookback(14)).toBe(14);
    expect(Number.isNaN(out[13]!)).toBe(true);
    expect(Number.isNaN(out[14]!)).toBe(false);
  });

  it('is 100 for a rising series, 0 for a falling one and 0 for a flat one (TA-Lib)', () => {
    const rising = Float64Array.from({ length: 20 }, (_, i) => 10 + i);
    expect(rsi(rising, 5)[19]).toBe(100);
    expect(rsi(rising.slice().reverse(), 5)[19]).toBe(0);
    expect(rsi(new Float64Array(20).fill(7), 5)[19]).toBe(0);
  });

  it("uses Wilder's smoothing after the first mean", () => {
    // Changes +1, −1, +2 then +3: first means over 3 changes, then (avg × 2 + change) / 3.
    const out = rsi(Float64Array.of(10, 11, 10, 12, 15), 3);
    const gain = (3 / 3 * 2 + 3) / 3;
    const loss = (1 / 3 * 2 + 0) / 3;
    expect(out[3]).toBeCloseTo(100 * (1 / (1 + 1 / 3)), 12);
    expect(out[4]).toBeCloseTo((100 * gain) / (gain + loss), 12);
  });

  it('refuses a period TA-Lib refuses', () => {
    for (const period of [1, 0, 2.5, 100_001]) {
      expect(() => rsi(new Float64Array(10), period)).toThrow(RangeError);
      expect(() => new RsiStream(period)).toThrow(RangeError);
    }
  });

  it('streams exactly the batch values, revisions of the open bar included', () => {
    fc.assert(
      fc.property(barsWithRevisions(90), fc.integer({ min: 2, max: 30 }), ({ bars, drafts }, period) => {
        const stream = new RsiStream(period);
        expectStreamEqualsBatch(
          { update: (bar) => ({ rsi: stream.update(bar.close) }), replace: (bar) => ({ rsi: stream.replace(bar.close) }) },
          { rsi: rsi(columns(bars).close, period) }, bars, drafts,
        );
      }),
    );
  });
});
