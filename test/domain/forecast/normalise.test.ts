import { describe, expect, it } from 'vitest';
import { CLIP, denormaliseTarget, fitNormaliser, normaliseInputs, normaliseTargets } from '../../../src/domain/forecast/normalise.ts';
import type { WindowSet } from '../../../src/domain/forecast/windows.ts';

function windowSet(inputs: number[], targets: number[], featureCount: number, horizons: number[]): WindowSet {
  return {
    count: targets.length / horizons.length,
    window: inputs.length / featureCount / (targets.length / horizons.length),
    featureCount,
    horizons,
    inputs: Float64Array.from(inputs),
    targets: Float64Array.from(targets),
  };
}

describe('normalisation', () => {
  // Two windows of two days, features (x, y); one horizon.
  const train = windowSet([1, 10, 3, 10, 5, 10, 7, 10], [2, 4], 2, [7]);
  const test = windowSet([1000, -50, 1001, -50], [100], 2, [7]);

  it('fits means and sample standard deviations on the training windows only', () => {
    const normaliser = fitNormaliser(train);
    expect(normaliser.featureMean).toEqual([4, 10]);
    expect(normaliser.featureStd[0]).toBeCloseTo(Math.sqrt((9 + 1 + 1 + 9) / 3), 12);
    // A constant feature keeps a unit scale.
    expect(normaliser.featureStd[1]).toBe(1);
    expect(normaliser.targetMean).toEqual([3]);
    expect(normaliser.targetStd[0]).toBeCloseTo(Math.SQRT2, 12);
    // Scaling test windows uses the training moments and changes nothing fitted.
    const before = JSON.stringify(normaliser);
    normaliseInputs(test, normaliser);
    expect(JSON.stringify(normaliser)).toBe(before);
  });

  it('scales inputs with the training moments and clips extremes', () => {
    const normaliser = fitNormaliser(train);
    const scaled = normaliseInputs(train, normaliser);
    expect(scaled[0]).toBeCloseTo((1 - 4) / normaliser.featureStd[0]!, 6);
    expect(scaled[1]).toBe(0);
    const extreme = normaliseInputs(test, normaliser);
    // (1000 − 4) / 2.58 and (−50 − 10) / 1 are far outside ±CLIP.
    expect(extreme[0]).toBe(CLIP);
    expect(extreme[1]).toBe(-CLIP);
  });

  it('targets round-trip through normalisation', () => {
    const normaliser = fitNormaliser(train);
    const scaled = normaliseTargets(train, normaliser);
    expect(scaled[0]).toBeCloseTo(-1 / Math.SQRT2, 6);
    expect(denormaliseTarget(scaled[1]!, 0, normaliser)).toBeCloseTo(4, 5);
  });

  it('refuses to fit on nothing', () => {
    expect(() => fitNormaliser(windowSet([], [], 2, [7]))).toThrow(/no training windows/);
  });
});
