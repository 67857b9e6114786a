import { describe, expect, it } from 'vitest';
import type { FeatureColumns } from '../../../src/domain/forecast/features.ts';
import { VOLATILITY_FLOOR } from '../../../src/domain/forecast/spec.ts';
import { concatWindows, firstCompleteRow, makeWindows, returnScale, windowOrigins } from '../../../src/domain/forecast/windows.ts';

/** Two features: t and 100 + t, undefined for the first `warmUp` days; volatility 2 %. */
function syntheticFeatures(length: number, warmUp: number): FeatureColumns {
  const a = Float64Array.from({ length }, (_, t) => (t < warmUp ? Number.NaN : t));
  const b = Float64Array.from({ length }, (_, t) => (t < warmUp ? Number.NaN : 100 + t));
  return { names: ['a', 'b'], columns: [a, b], volatility20: new Float64Array(length).fill(0.02), length };
}

// Closes growing 1 % a day in log terms: every h-day log return is 0.01·h.
const close = Float64Array.from({ length: 30 }, (_, t) => 50 * Math.exp(0.01 * t));

describe('windows', () => {
  const features = syntheticFeatures(30, 5);

  it('origins start once a full window of defined features ends there, and stop where the target is unknown', () => {
    expect(firstCompleteRow(features)).toBe(5);
    const origins = windowOrigins(features, 4, { lookAhead: 3 });
    expect(origins[0]).toBe(5 + 4 - 1);
    expect(origins[origins.length - 1]).toBe(30 - 1 - 3);
  });

  it('a stride keeps the latest origin and every stride-th one before it', () => {
    expect(windowOrigins(features, 4, { lookAhead: 0, stride: 5, from: 15 })).toEqual([19, 24, 29]);
  });

  it('cuts [window][feature] rows ending at the origin, with volatility-scaled future returns as targets', () => {
    const set = makeWindows(features, close, [10, 27], 3, [1, 2, 5]);
    expect(set.count).toBe(2);
    // Sample 0: days 8, 9, 10, each as (a, b).
    expect(Array.from(set.inputs.subarray(0, 6))).toEqual([8, 108, 9, 109, 10, 110]);
    expect(Array.from(set.inputs.subarray(6, 12))).toEqual([25, 125, 26, 126, 27, 127]);
    expect(set.targets[0]).toBeCloseTo(0.01 / (0.02 * Math.sqrt(1)), 12);
    expect(set.targets[2]).toBeCloseTo(0.05 / (0.02 * Math.sqrt(5)), 12);
    // Day 27 + 5 is past the end: unknown, not invented.
    expect(set.targets[3 + 1]).toBeCloseTo(0.02 / (0.02 * Math.sqrt(2)), 12);
    expect(set.targets[3 + 2]).toBeNaN();
  });

  it('refuses an origin without a full window', () => {
    expect(() => makeWindows(features, close, [1], 3, [1])).toThrow(/full window/);
  });

  it('concatenates sets in order', () => {
    const one = makeWindows(features, close, [10], 3, [1]);
    const two = makeWindows(features, close, [20], 3, [1]);
    const both = concatWindows([one, two], 3, 2, [1]);
    expect(both.count).toBe(2);
    expect(both.inputs[6]).toBe(18);
  });

  it('floors the volatility that scales returns', () => {
    expect(returnScale(Float64Array.from([0.0001, 0.03, Number.NaN]), 0)).toBe(VOLATILITY_FLOOR);
    expect(returnScale(Float64Array.from([0.0001, 0.03, Number.NaN]), 1)).toBe(0.03);
    expect(returnScale(Float64Array.from([0.0001, 0.03, Number.NaN]), 2)).toBeNaN();
  });
});
