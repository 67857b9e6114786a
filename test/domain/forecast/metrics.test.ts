import { describe, expect, it } from 'vitest';
import { coverage, directionalAccuracy, mae, mape, mase } from '../../../src/domain/forecast/metrics.ts';

describe('forecast metrics', () => {
  const actual = [10, 12];
  const predicted = [11, 10];

  it('MAE is the mean absolute error', () => {
    expect(mae(actual, predicted)).toBeCloseTo((1 + 2) / 2, 12);
  });

  it('MAPE is in percent of the actual price', () => {
    expect(mape(actual, predicted)).toBeCloseTo(((1 / 10 + 2 / 12) / 2) * 100, 12);
  });

  it('MASE divides the MAE by the scale', () => {
    expect(mase(actual, predicted, 3)).toBeCloseTo(1.5 / 3, 12);
  });

  it('directional accuracy counts only forecasts that call a direction', () => {
    const origin = [10, 10, 10, 10];
    // Calls up, up, down and no change; the market went up, down, up, flat.
    expect(directionalAccuracy(origin, [11, 9, 12, 10], [12, 11, 9, 10])).toBeCloseTo(1 / 3, 12);
    expect(directionalAccuracy(origin, [11, 9, 12, 10], origin)).toBeNaN();
  });

  it('coverage counts actual values inside the closed interval', () => {
    expect(coverage([1, 2, 3], [0, 2.5, 3], [2, 3, 3])).toBeCloseTo(2 / 3, 12);
  });

  it('refuses arrays of different lengths', () => {
    expect(() => mae([1, 2], [1])).toThrow(/different lengths/);
  });
});
