import { describe, expect, it } from 'vitest';
import { calibratedInterval, directionConfidence, percentile, residualPercentiles, standardisedResidual } from '../../../src/domain/forecast/calibration.ts';

describe('percentile', () => {
  it('interpolates linearly between ranks', () => {
    expect(percentile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
    expect(percentile([10, 20], 0.75)).toBeCloseTo(17.5, 12);
  });
});

describe('intervals from backtest residuals', () => {
  // 101 residuals −1.00, −0.98, …, +1.00: the p-th percentile is 2p − 1.
  const points = Array.from({ length: 101 }, (_, i) => {
    const residual = -1 + i * 0.02;
    return { actual: 100 * Math.exp(residual * 0.05), predicted: 100, scale: 0.05 };
  });
  const percentiles = residualPercentiles(points);

  it('standardises residuals by the return scale', () => {
    expect(standardisedResidual(points[0]!)).toBeCloseTo(-1, 12);
    expect(percentiles).toHaveLength(99);
    expect(percentiles[9]).toBeCloseTo(-0.8, 9);
    expect(percentiles[89]).toBeCloseTo(0.8, 9);
  });

  it('puts the 10 % and 90 % residuals, scaled to current volatility, around the point', () => {
    const interval = calibratedInterval(0.01, 0.1, percentiles);
    expect(interval.low).toBeCloseTo(0.01 - 0.08, 9);
    expect(interval.high).toBeCloseTo(0.01 + 0.08, 9);
  });

  it('confidence is the share of residuals that keep the forecast direction', () => {
    // z = 0.45: residuals above −0.45 keep it up, percentiles 2p − 1 > −0.45 for p ≥ 28 %;
    // down, residuals below 0.45 keep it down, for p ≤ 72 %.
    expect(directionConfidence(0.045, 0.1, percentiles)).toBeCloseTo(72 / 99, 12);
    expect(directionConfidence(-0.045, 0.1, percentiles)).toBeCloseTo(72 / 99, 12);
    expect(directionConfidence(0, 0.1, percentiles)).toBe(0.5);
  });
});
