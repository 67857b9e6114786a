import { describe, expect, it } from 'vitest';
import { drift, holt, holtBestFit, holtFit, holtForecast, randomWalk } from '../../../src/domain/forecast/baselines.ts';
import { Z_80 } from '../../../src/domain/forecast/spec.ts';

// Log closes with one-day changes +0.01, +0.02, −0.01.
const y = Float64Array.from([0, 0.01, 0.03, 0.02]);

describe('random walk', () => {
  it('forecasts no change, with an interval of ±z·σ·√h at the root mean square daily change', () => {
    const sigma = Math.sqrt((0.01 ** 2 + 0.02 ** 2 + 0.01 ** 2) / 3);
    const [week, month] = randomWalk(y, [4, 9]);
    expect(week).toMatchObject({ horizon: 4, point: 0 });
    expect(week!.high).toBeCloseTo(Z_80 * sigma * 2, 12);
    expect(week!.low).toBeCloseTo(-Z_80 * sigma * 2, 12);
    expect(month!.high).toBeCloseTo(Z_80 * sigma * 3, 12);
  });

  it('refuses a single close', () => {
    expect(() => randomWalk(Float64Array.from([1]), [7])).toThrow(/at least 2/);
  });
});

describe('drift', () => {
  it('extends the average daily change, with the slope uncertainty in the interval', () => {
    const slope = 0.02 / 3;
    const residuals = [0.01 - slope, 0.02 - slope, -0.01 - slope];
    const sigma = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / 2);
    const [forecast] = drift(y, [3]);
    expect(forecast!.point).toBeCloseTo(0.02, 12);
    expect(forecast!.high - forecast!.point).toBeCloseTo(Z_80 * sigma * Math.sqrt(3 * (1 + 3 / 3)), 12);
    expect(forecast!.point - forecast!.low).toBeCloseTo(forecast!.high - forecast!.point, 12);
  });
});

describe('Holt exponential smoothing', () => {
  it('follows a straight line exactly when undamped', () => {
    const line = Float64Array.from([0, 1, 2, 3, 4]);
    const fit = holtFit(line, 0.3, 0.1, 1);
    expect(fit.sse).toBe(0);
    const [forecast] = holtForecast(fit, 4, [5]);
    expect(forecast!.point).toBeCloseTo(5, 12);
    expect(forecast!.low).toBeCloseTo(5, 12);
  });

  it('matches a hand-computed damped fit and forecast', () => {
    // α = β = φ = 0.5 on 0, 1, 2, started at level 0 and trend 1:
    // t=1: ŷ 0.5, e 0.5, l 0.75, b 0.625; t=2: ŷ 1.0625, e 0.9375, l 1.53125, b 0.546875.
    const fit = holtFit(Float64Array.from([0, 1, 2]), 0.5, 0.5, 0.5);
    expect(fit.level).toBeCloseTo(1.53125, 12);
    expect(fit.trend).toBeCloseTo(0.546875, 12);
    expect(fit.sse).toBeCloseTo(0.25 + 0.9375 ** 2, 12);
    const sigma = Math.sqrt(fit.sse / 2);
    const [forecast] = holtForecast(fit, 2, [2]);
    // Point l + (φ + φ²)·b − last; variance factor 1 + (α·(1 + β·φ))².
    expect(forecast!.point).toBeCloseTo(1.53125 + 0.75 * 0.546875 - 2, 12);
    expect(forecast!.high - forecast!.point).toBeCloseTo(Z_80 * sigma * Math.sqrt(1 + 0.625 ** 2), 12);
  });

  it('chooses the grid point with the least one-step error', () => {
    const line = Float64Array.from({ length: 30 }, (_, t) => 0.01 * t);
    const best = holtBestFit(line, { alpha: [0.5], beta: [0.1], phi: [0.9, 1] });
    expect(best.phi).toBe(1);
    const [forecast] = holt(line, [10]);
    expect(forecast!.point).toBeCloseTo(0.1, 9);
  });
});
