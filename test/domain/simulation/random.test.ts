import { describe, expect, it } from 'vitest';
import { hashString, hashWords, Rng, rngFor, sfc32, STREAM } from '../../../src/domain/simulation/random.ts';

const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
const draws = (next: () => number, count: number): number[] => Array.from({ length: count }, next);

describe('sfc32', () => {
  it('repeats for the same state, differs for another, and stays in [0, 1)', () => {
    const first = draws(sfc32(1, 2, 3, 4), 2000);
    expect(draws(sfc32(1, 2, 3, 4), 2000)).toEqual(first);
    expect(draws(sfc32(1, 2, 3, 5), 2000)).not.toEqual(first);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('fills [0, 1) evenly: each tenth gets about a tenth of the draws', () => {
    const counts = new Array<number>(10).fill(0);
    for (const u of draws(sfc32(9, 8, 7, 6), 50_000)) counts[Math.floor(u * 10)]! += 1;
    for (const count of counts) expect(Math.abs(count / 50_000 - 0.1)).toBeLessThan(0.01);
  });
});

describe('Rng', () => {
  it('gives positive() in (0, 1], safe for a logarithm', () => {
    const rng = new Rng(1, 1, 1, 1);
    const values = draws(() => rng.positive(), 10_000);
    expect(values.every((u) => u > 0 && u <= 1 && Number.isFinite(Math.log(u)))).toBe(true);
  });

  it('gives standard normals: mean 0, variance 1, symmetric, 4.55% beyond two sigma', () => {
    const rng = new Rng(5, 6, 7, 8);
    const z = draws(() => rng.normal(), 60_000);
    const m = mean(z);
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(mean(z.map((x) => (x - m) ** 2)) - 1)).toBeLessThan(0.03);
    expect(Math.abs(z.filter((x) => x > 0).length / z.length - 0.5)).toBeLessThan(0.01);
    expect(z.filter((x) => Math.abs(x) > 2).length / z.length).toBeCloseTo(0.0455, 2);
  });

  it('does not echo its seed: nearby states give unrelated first draws', () => {
    const firsts = Array.from({ length: 200 }, (_, i) => new Rng(i, 0, 0, 0).next());
    // Echoing states would give near-equal or monotone first draws.
    expect(new Set(firsts.map((u) => u.toFixed(6))).size).toBe(200);
    expect(Math.abs(mean(firsts) - 0.5)).toBeLessThan(0.07);
  });
});

describe('hashing', () => {
  it('is a pure function of its words and seed', () => {
    expect(hashWords(7, [1, 2, 3])).toBe(hashWords(7, [1, 2, 3]));
    expect(hashWords(7, [1, 2, 3])).not.toBe(hashWords(8, [1, 2, 3]));
    expect(hashWords(7, [1, 2, 3])).not.toBe(hashWords(7, [3, 2, 1]));
    expect(hashWords(7, [1, 2])).not.toBe(hashWords(7, [1, 2, 0]));
  });

  it('gives unsigned 32-bit values whose bits each flip about half the time when one input bit flips', () => {
    let flipped = 0;
    let trials = 0;
    for (let word = 0; word < 200; word++) {
      for (let bit = 0; bit < 32; bit += 5) {
        const a = hashWords(1, [word, 99]);
        const b = hashWords(1, [word ^ (1 << bit), 99]);
        expect(Number.isInteger(a) && a >= 0 && a < 2 ** 32).toBe(true);
        flipped += (a ^ b).toString(2).split('').filter((c) => c === '1').length;
        trials += 32;
      }
    }
    expect(flipped / trials).toBeGreaterThan(0.47);
    expect(flipped / trials).toBeLessThan(0.53);
  });

  it('tells apart symbols that differ in one character or in case', () => {
    const symbols = ['AAPL', 'AAPM', 'aapl', 'BRK.A', 'BRK.B', 'A', 'AA', ''];
    expect(new Set(symbols.map(hashString)).size).toBe(symbols.length);
  });
});

describe('rngFor', () => {
  it('gives the same stream for the same words and unrelated streams for different purposes', () => {
    const words = [123, 0, hashString('AAPL'), 20_000];
    const first = rngFor([STREAM.day, ...words]);
    const second = rngFor([STREAM.day, ...words]);
    expect(draws(() => second.next(), 100)).toEqual(draws(() => first.next(), 100));

    const day = rngFor([STREAM.day, ...words]);
    const minute = rngFor([STREAM.minute, ...words]);
    const a = draws(() => day.next(), 5000);
    const b = draws(() => minute.next(), 5000);
    // Correlation of independent uniforms is ~0 (standard error 1/√5000 ≈ 0.014).
    const ma = mean(a);
    const mb = mean(b);
    const covariance = mean(a.map((x, i) => (x - ma) * ((b[i] ?? 0) - mb)));
    expect(Math.abs(covariance / (1 / 12))).toBeLessThan(0.05);
  });

  it('has a distinct purpose for every stream', () => {
    const purposes = Object.values(STREAM);
    expect(new Set(purposes).size).toBe(purposes.length);
  });
});
