import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/domain/sentiment/model.ts';
import { crossValidate, DEFAULT_TRAIN_OPTIONS, evaluateModel, seededRandom, trainModel, type TrainOptions } from '../../../src/domain/sentiment/train.ts';
import { toyExamples } from './toy-phrasebank.ts';

const QUICK: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, epochs: 8, batchSize: 8, minCount: 1 };

describe('trainModel', () => {
  it('gives byte-identical weights for the same seed', () => {
    const first = JSON.stringify(trainModel(toyExamples(), QUICK));
    const second = JSON.stringify(trainModel(toyExamples(), QUICK));
    expect(second).toBe(first);
  });

  it('gives other weights, and another version, for another seed', () => {
    const first = trainModel(toyExamples(), QUICK);
    const other = trainModel(toyExamples(), { ...QUICK, seed: QUICK.seed + 1 });
    expect(other.weights).not.toBe(first.weights);
    expect(other.version).not.toBe(first.version);
  });

  it('learns what it was shown', () => {
    const model = loadModel(trainModel(toyExamples(), QUICK));
    expect(evaluateModel(model, toyExamples()).accuracy).toBe(1);
    expect(model.classify('Aspo \'s net sales rose by 12 % in the quarter .').label).toBe('positive');
  });

  it('reports each epoch, with a loss that falls', () => {
    const losses: number[] = [];
    trainModel(toyExamples(), QUICK, ({ epoch, epochs, loss }) => {
      expect(epochs).toBe(QUICK.epochs);
      expect(epoch).toBe(losses.length + 1);
      losses.push(loss);
    });
    expect(losses).toHaveLength(QUICK.epochs);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('keeps n-grams seen fewer than minCount times out of the vocabulary', () => {
    const vocabulary = (minCount: number) => trainModel(toyExamples(), { ...QUICK, minCount, epochs: 1 }).features.split('\n');
    expect(vocabulary(1)).toContain('helsinki on');
    expect(vocabulary(11)).not.toContain('helsinki on');
    expect(vocabulary(11)).toContain('%');
  });

  it('refuses to train on nothing', () => {
    expect(() => trainModel([], QUICK)).toThrow(/no examples/);
  });
});

describe('crossValidate', () => {
  it('scores every fold on sentences its model did not train on', () => {
    const cv = crossValidate(toyExamples(), QUICK, 3, 'salt');
    expect(cv.folds).toHaveLength(3);
    expect(cv.folds.reduce((sum, f) => sum + f.count, 0)).toBe(toyExamples().length);
    expect(cv.accuracy).toBeGreaterThan(0.8);
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(first[0]);
  });
});
