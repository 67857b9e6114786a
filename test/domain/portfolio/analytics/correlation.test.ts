import { describe, expect, it } from 'vitest';
import { MAX_CORRELATION_SYMBOLS, correlationMatrix } from '../../../../src/domain/portfolio/analytics/correlation.ts';
import type { CloseSeries } from '../../../../src/domain/portfolio/analytics/series.ts';

const dates = (n: number): string[] => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
/** Closes that compound the given daily returns from 100. */
function compound(returns: readonly number[]): number[] {
  const closes = [100];
  for (const r of returns) closes.push((closes[closes.length - 1] as number) * (1 + r));
  return closes;
}

describe('correlationMatrix', () => {
  const r = [0.01, -0.02, 0.015, 0.03, -0.01, 0.002];
  const days = dates(r.length + 1);
  const closes = new Map<string, CloseSeries>([
    ['A', { dates: days, closes: compound(r) }],
    ['B', { dates: days, closes: compound(r.map((x) => 2 * x + 0.001)) }],
    ['C', { dates: days, closes: compound(r.map((x) => -x)) }],
  ]);

  it('gives 1 for returns that move together, −1 for opposite ones, 1 on the diagonal', () => {
    const result = correlationMatrix(['A', 'B', 'C'], closes, { minObservations: 3 });
    expect(result.symbols).toEqual(['A', 'B', 'C']);
    expect(result.matrix[0]?.[1]).toBeCloseTo(1, 12);
    expect(result.matrix[0]?.[2]).toBeCloseTo(-1, 12);
    expect(result.matrix[1]?.[2]).toBeCloseTo(-1, 12);
    expect(result.matrix.map((row, i) => row[i])).toEqual([1, 1, 1]);
    expect(result.matrix[2]?.[0]).toBe(result.matrix[0]?.[2]);
    expect(result.observations[0]?.[1]).toBe(6);
  });

  it('matches a hand-computed Pearson coefficient on the overlapping dates only', () => {
    // X misses day 3: returns only where it has the day and the day before (days 1, 2, 5, 6)
    const x = [100, 101, 103, 0, 104, 103, 105];
    const y = [50, 51, 50, 52, 53, 52, 54];
    const hand = new Map<string, CloseSeries>([
      ['X', { dates: days.filter((_, i) => i !== 3), closes: x.filter((_, i) => i !== 3) }],
      ['Y', { dates: days, closes: y }],
    ]);
    const rx = [101 / 100 - 1, 103 / 101 - 1, 103 / 104 - 1, 105 / 103 - 1];
    const ry = [51 / 50 - 1, 50 / 51 - 1, 52 / 53 - 1, 54 / 52 - 1];
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const [mx, my] = [mean(rx), mean(ry)];
    const sxy = rx.reduce((s, v, i) => s + (v - mx) * ((ry[i] as number) - my), 0);
    const sxx = rx.reduce((s, v) => s + (v - mx) ** 2, 0);
    const syy = ry.reduce((s, v) => s + (v - my) ** 2, 0);
    const result = correlationMatrix(['X', 'Y'], hand, { minObservations: 3 });
    expect(result.observations[0]?.[1]).toBe(4);
    expect(result.matrix[0]?.[1]).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 12);
  });

  it('is null with a reason for too few overlapping days, an unknown symbol or a constant series', () => {
    const withFlat = new Map(closes).set('F', { dates: days, closes: days.map(() => 10) });
    const result = correlationMatrix(['A', 'NOPE', 'F'], withFlat, { minObservations: 3 });
    expect(result.matrix[0]?.[1]).toBeNull();
    expect(result.matrix[0]?.[2]).toBeNull();
    expect(result.undefinedPairs).toContainEqual({ a: 'A', b: 'NOPE', reason: 'needs at least 3 days with both returns, has 0' });
    expect(result.undefinedPairs).toContainEqual({ a: 'A', b: 'F', reason: 'a constant return series has no correlation' });
    expect(correlationMatrix(['A', 'B'], closes).matrix[0]?.[1]).toBeNull();
  });

  it(`refuses more than ${MAX_CORRELATION_SYMBOLS} symbols`, () => {
    const many = Array.from({ length: MAX_CORRELATION_SYMBOLS + 1 }, (_, i) => `S${i}`);
    expect(() => correlationMatrix(many, closes)).toThrow(/at most 50 symbols, got 51/);
  });
});
