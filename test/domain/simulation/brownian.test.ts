import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bridgeMaximum, bridgeMinimum, reflectInto, toCents } from '../../../src/domain/simulation/brownian.ts';
import { Rng } from '../../../src/domain/simulation/random.ts';

const level = fc.double({ min: -5, max: 15, noNaN: true });
const variance = fc.double({ min: 1e-8, max: 1, noNaN: true });
const uniform = fc.double({ min: 1e-12, max: 1, noNaN: true });

describe('toCents', () => {
  it('rounds the exponential of a log price to a whole, positive number of cents', () => {
    expect(toCents(Math.log(12_345))).toBe(12_345);
    expect(toCents(Math.log(99.6))).toBe(100);
    expect(toCents(Math.log(99.4))).toBe(99);
    expect(toCents(-50)).toBe(1);
    expect(toCents(Number.NEGATIVE_INFINITY)).toBe(1);
  });

  it('never overflows the Int32 storage', () => {
    expect(toCents(1_000)).toBeLessThan(2 ** 31);
    expect(new Int32Array([toCents(1_000)])[0]).toBe(toCents(1_000));
  });
});

describe('Brownian bridge extremes', () => {
  it('bracket both ends of the bridge, for any ends, variance and draw', () => {
    fc.assert(
      fc.property(level, level, variance, uniform, (a, b, v, u) => {
        expect(bridgeMaximum(a, b, v, u)).toBeGreaterThanOrEqual(Math.max(a, b) - 1e-12);
        expect(bridgeMinimum(a, b, v, u)).toBeLessThanOrEqual(Math.min(a, b) + 1e-12);
      }),
    );
  });

  it('are the exact quantiles: P(max > m) = exp(−2(m − a)(m − b)/v)', () => {
    fc.assert(
      fc.property(level, level, variance, uniform, (a, b, v, u) => {
        const m = bridgeMaximum(a, b, v, u);
        const n = bridgeMinimum(a, b, v, u);
        const tolerance = 1e-6 * Math.max(1, u);
        expect(Math.abs(Math.exp((-2 * (m - a) * (m - b)) / v) - u)).toBeLessThan(tolerance);
        expect(Math.abs(Math.exp((-2 * (a - n) * (b - n)) / v) - u)).toBeLessThan(tolerance);
      }),
    );
  });

  it('peak where a standard Brownian bridge does: on average √(π/8) ≈ 0.627 above its ends', () => {
    const rng = new Rng(3, 1, 4, 1);
    let total = 0;
    const trials = 40_000;
    for (let i = 0; i < trials; i++) total += bridgeMaximum(0, 0, 1, rng.positive());
    expect(total / trials).toBeCloseTo(Math.sqrt(Math.PI / 8), 2);

    // And a discretised bridge (1,000 steps) peaks at about the same level, a little lower for the grid.
    let walked = 0;
    const paths = 400;
    for (let p = 0; p < paths; p++) {
      const steps = 1000;
      const path = new Float64Array(steps + 1);
      for (let k = 1; k <= steps; k++) path[k] = (path[k - 1] ?? 0) + rng.normal() / Math.sqrt(steps);
      const end = path[steps] ?? 0;
      let peak = 0;
      for (let k = 0; k <= steps; k++) peak = Math.max(peak, (path[k] ?? 0) - (k / steps) * end);
      walked += peak;
    }
    expect(walked / paths).toBeGreaterThan(0.5);
    expect(walked / paths).toBeLessThan(0.7);
  });
});

describe('reflectInto', () => {
  it('leaves values inside the band alone and folds the rest back in', () => {
    expect(reflectInto(0.3, -1, 1)).toBe(0.3);
    expect(reflectInto(1.25, -1, 1)).toBeCloseTo(0.75, 12);
    expect(reflectInto(-1.5, -1, 1)).toBeCloseTo(-0.5, 12);
    expect(reflectInto(5, 2, 2)).toBe(2);
  });

  it('always lands inside the band', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), (x, low, width) => {
        const y = reflectInto(x, low, low + width);
        expect(y).toBeGreaterThanOrEqual(low);
        expect(y).toBeLessThanOrEqual(low + width);
      }),
    );
  });
});
