import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annualisedVolatility,
  beta,
  dailyRiskFreeRate,
  historicalVaR,
  maxDrawdown,
  riskMetrics,
  sharpeRatio,
  sortinoRatio,
} from '../../../../src/domain/portfolio/analytics/risk.ts';

// Five daily returns: mean 0.002; deviations 0.008, −0.022, 0.028, −0.002, −0.012;
// squares 0.000064 + 0.000484 + 0.000784 + 0.000004 + 0.000144 = 0.00148; sample variance 0.00148 / 4.
const RETURNS = Float64Array.from([0.01, -0.02, 0.03, 0, -0.01]);
const FEW = { minObservations: 2 };
const SAMPLE_SD = Math.sqrt(0.00148 / 4);
const dates = (n: number): string[] => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));

describe('volatility, Sharpe and Sortino', () => {
  it('annualise the sample standard deviation by √252', () => {
    expect(annualisedVolatility(RETURNS, FEW).value).toBeCloseTo(SAMPLE_SD * Math.sqrt(252), 12);
  });

  it('computes Sharpe as mean excess return over the standard deviation, × √252', () => {
    expect(sharpeRatio(RETURNS, FEW).value).toBeCloseTo((0.002 / SAMPLE_SD) * Math.sqrt(252), 10);
    // 2.52% a year is (1.0252)^(1/252) − 1 a day
    const daily = Math.pow(1.0252, 1 / 252) - 1;
    expect(dailyRiskFreeRate(0.0252)).toBeCloseTo(daily, 15);
    expect(sharpeRatio(RETURNS, { ...FEW, riskFreeRate: 0.0252 }).value).toBeCloseTo(((0.002 - daily) / SAMPLE_SD) * Math.sqrt(252), 10);
  });

  it('computes Sortino over the downside deviation of all returns', () => {
    // shortfalls below 0: −0.02 and −0.01; √((0.0004 + 0.0001) / 5) = 0.01; 0.002 / 0.01 × √252
    expect(sortinoRatio(RETURNS, FEW).value).toBeCloseTo(0.2 * Math.sqrt(252), 10);
  });

  it('skips days without a return', () => {
    const gappy = Float64Array.from([Number.NaN, 0.01, -0.02, Number.NaN, 0.03, 0, -0.01]);
    expect(annualisedVolatility(gappy, FEW).value).toBeCloseTo(SAMPLE_SD * Math.sqrt(252), 12);
  });

  it('are null with a reason on too little history', () => {
    for (const result of [annualisedVolatility(RETURNS), sharpeRatio(RETURNS), sortinoRatio(RETURNS)]) {
      expect(result.value).toBeNull();
      expect(result.reason).toBe('needs at least 20 daily returns, has 5');
    }
  });

  it('are null with a reason when undefined: no variation, no downside', () => {
    expect(sharpeRatio(Float64Array.from([0.01, 0.01, 0.01]), FEW).reason).toContain('do not vary');
    expect(sortinoRatio(Float64Array.from([0.01, 0.02, 0.03]), FEW).reason).toContain('no daily return fell below the risk-free rate');
  });
});

describe('maxDrawdown', () => {
  const days = dates(6);

  it('finds the largest fall from a peak, its dates and the recovery', () => {
    // peak 120 on day 1, trough 90 on day 2: 90 / 120 − 1 = −0.25; back to ≥ 120 on day 4 (130)
    const result = maxDrawdown(days, [100, 120, 90, 110, 130, 125]);
    expect(result.value).toEqual({ maxDrawdown: 90 / 120 - 1, peakDate: days[1], troughDate: days[2], recoveryDate: days[4] });
  });

  it('has no recovery date while below the peak, and picks the deeper of two falls', () => {
    // falls: 100 → 95 (−5%), then 110 → 77 (−30%) not recovered
    const result = maxDrawdown(days, [100, 95, 110, 99, 77, 100]);
    expect(result.value).toEqual({ maxDrawdown: 77 / 110 - 1, peakDate: days[2], troughDate: days[4], recoveryDate: null });
  });

  it('is 0 without dates for a series that never fell, and null with one value', () => {
    expect(maxDrawdown(days, [1, 2, 3]).value).toEqual({ maxDrawdown: 0, peakDate: null, troughDate: null, recoveryDate: null });
    expect(maxDrawdown(days, [1]).reason).toBe('needs at least 2 values, has 1');
  });
});

describe('beta', () => {
  it('is the covariance with the benchmark over its variance', () => {
    const benchmark = Float64Array.from([0.01, -0.02, 0.03, 0, -0.01]);
    const doubled = benchmark.map((b) => 2 * b + 0.001);
    expect(beta(doubled, benchmark, FEW).value).toBeCloseTo(2, 12);
  });

  it('pairs the days both have a return', () => {
    const portfolio = Float64Array.from([Number.NaN, 0.02, -0.04, 0.06, 99]);
    const benchmark = Float64Array.from([0.5, 0.01, -0.02, 0.03, Number.NaN]);
    expect(beta(portfolio, benchmark, FEW).value).toBeCloseTo(2, 12);
  });

  it('is null with a reason for a constant benchmark or too few pairs', () => {
    expect(beta(RETURNS, Float64Array.from([0.01, 0.01, 0.01, 0.01, 0.01]), FEW).reason).toContain('benchmark returns do not vary');
    expect(beta(RETURNS, RETURNS).reason).toBe('needs at least 20 days with both a return and a benchmark return, has 5');
  });
});

describe('historicalVaR', () => {
  it('takes the k-th worst return, k = ⌈5% · n⌉, and the mean of the k worst', () => {
    // 40 returns: k = ⌈0.05 × 40⌉ = 2; the two worst are −0.05 and −0.03 → VaR 0.03, CVaR 0.04
    const returns = Float64Array.from({ length: 40 }, (_, i) => (i === 7 ? -0.05 : i === 21 ? -0.03 : 0.001 * (i % 5)));
    const result = historicalVaR(returns);
    expect(result.value?.tail).toBe(2);
    expect(result.value?.valueAtRisk).toBeCloseTo(0.03, 15);
    expect(result.value?.conditionalValueAtRisk).toBeCloseTo(0.04, 15);
    expect(result.value?.observations).toBe(40);
  });

  it('keeps k exact when 5% of n is whole (100 returns: the 5th worst)', () => {
    const returns = Float64Array.from({ length: 100 }, (_, i) => -(i + 1) / 1000);
    // worst five: −0.1, −0.099, −0.098, −0.097, −0.096
    const result = historicalVaR(returns);
    expect(result.value?.tail).toBe(5);
    expect(result.value?.valueAtRisk).toBeCloseTo(0.096, 15);
    expect(result.value?.conditionalValueAtRisk).toBeCloseTo((0.1 + 0.099 + 0.098 + 0.097 + 0.096) / 5, 15);
  });

  it('CVaR is never below VaR (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 20, maxLength: 300 }), (values) => {
      const result = historicalVaR(Float64Array.from(values)).value;
      expect(result).not.toBeNull();
      expect((result?.conditionalValueAtRisk ?? 0) + 1e-12).toBeGreaterThanOrEqual(result?.valueAtRisk ?? 0);
    }));
  });
});

describe('riskMetrics', () => {
  it('measures the drawdown on the growth of the returns, from the day before the first one', () => {
    const days = dates(4);
    // growth: 1 (day 0), 1.1, 0.88, 0.968: peak 1.1 on day 1, trough 0.88 on day 2 = −20%
    const metrics = riskMetrics(days, Float64Array.from([Number.NaN, 0.1, -0.2, 0.1]), null, FEW);
    expect(metrics.maxDrawdown.value?.maxDrawdown).toBeCloseTo(-0.2, 12);
    expect(metrics.maxDrawdown.value?.peakDate).toBe(days[1]);
    expect(metrics.beta.reason).toBe('no benchmark');
    expect(metrics.observations).toBe(3);
  });
});
