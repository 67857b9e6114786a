import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/sentiment/metrics.ts';
import type { SentimentLabel } from '../../../src/domain/sentiment/labels.ts';

describe('evaluate', () => {
  it('counts the confusion matrix gold by predicted and scores each label', () => {
    const gold: SentimentLabel[] = ['positive', 'positive', 'neutral', 'neutral', 'neutral', 'negative'];
    const predicted: SentimentLabel[] = ['positive', 'neutral', 'neutral', 'neutral', 'positive', 'negative'];
    const result = evaluate(gold, predicted);
    expect(result.confusion).toEqual([
      [1, 0, 0],
      [0, 2, 1],
      [0, 1, 1],
    ]);
    expect(result.accuracy).toBeCloseTo(4 / 6, 12);
    const f1 = Object.fromEntries(result.perClass.map((c) => [c.label, c.f1]));
    // positive: precision 1/2, recall 1/2; neutral: precision 2/3, recall 2/3; negative: perfect.
    expect(f1).toEqual({ negative: 1, neutral: expect.closeTo(2 / 3, 12), positive: expect.closeTo(1 / 2, 12) });
    expect(result.macroF1).toBeCloseTo((1 + 2 / 3 + 1 / 2) / 3, 12);
  });

  it('gives a label that is never predicted nor present an F1 of 0, not NaN', () => {
    const result = evaluate(['neutral'], ['neutral']);
    expect(result.accuracy).toBe(1);
    expect(Number.isNaN(result.macroF1)).toBe(false);
  });

  it('refuses lists of different lengths', () => {
    expect(() => evaluate(['neutral'], [])).toThrow(/1 gold labels but 0 predictions/);
  });
});
