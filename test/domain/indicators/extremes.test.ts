import { describe, expect, it } from 'vitest';
import { extremesInitialState, extremesKernel } from '../../../src/domain/indicators/extremes.ts';
import { WHOLE } from '../../../src/domain/indicators/kernel.ts';
import { NO_SHARED_DATA } from '../../support/shared-data.ts';
import { talib, TALIB_MISSING, talibLine } from '../../support/talib.ts';
import { edgeSeries, expectSameSeries, HAS_REAL_DATA, HAS_VECTORS, realSeries, spotChecks, talibPythonVectors } from './fixtures.ts';

/** Lowest low and highest high of the last `period` bars, through the kernel. */
function extremes(high: Float64Array, low: Float64Array, period: number): { lowest: Float64Array; highest: Float64Array } {
  const out = { lowest: new Float64Array(low.length), highest: new Float64Array(high.length) };
  const state = extremesInitialState();
  extremesKernel(high, low, out.lowest, out.highest, WHOLE, 0, low.length, state, state, period);
  return out;
}

describe.skipIf(!talib)(talib ? "window extremes against TA-Lib's MIN and MAX" : `window extremes: skipped, ${TALIB_MISSING}`, () => {
  it.skipIf(!HAS_REAL_DATA)(HAS_REAL_DATA ? 'equal MIN(low) and MAX(high) on real series and edge cases' : `real series: skipped, ${NO_SHARED_DATA}`, () => {
    for (const s of [...realSeries(), ...edgeSeries()]) {
      for (const period of [2, 5, 14]) {
        const { lowest, highest } = extremes(s.high, s.low, period);
        // MIN/MAX track the window as STOCH and WILLR do; NaN lands alike.
        expectSameSeries(lowest, talibLine('MIN', { inReal: s.low }, { optInTimePeriod: period }), `MIN(${period}) ${s.name}`);
        expectSameSeries(highest, talibLine('MAX', { inReal: s.high }, { optInTimePeriod: period }), `MAX(${period}) ${s.name}`);
      }
    }
  });
});

describe.skipIf(!HAS_VECTORS)(HAS_VECTORS ? "window extremes on ta-lib-python's spot values" : `ta-lib-python vectors: skipped, ${NO_SHARED_DATA}`, () => {
  it('give MIN(4) and MAX(4) of its series', () => {
    const series = Float64Array.from(talibPythonVectors().inputs.series.close);
    const { lowest, highest } = extremes(series, series, 4);
    for (const [func, out] of [['MIN', lowest], ['MAX', highest]] as const) {
      const check = spotChecks(func).find((c) => c.input === 'series')!;
      for (const [k, value] of Object.entries(check.values!)) expect(out[3 + Number(k)]).toBe(value);
    }
  });

  it('skip a NaN that is not the oldest of the window, as TA-Lib', () => {
    const check = spotChecks('MIN').find((c) => Array.isArray(c.input))!;
    const low = Float64Array.from(check.input as (number | null)[], (value) => value ?? Number.NaN);
    const { lowest } = extremes(low, low, check.params.timeperiod as number);
    expect(Array.from(lowest, (value) => (Number.isNaN(value) ? null : value))).toEqual(check.expected);
  });
});
