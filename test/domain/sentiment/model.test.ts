import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFloat32, encodeFloat32, loadModel, weightsVersion, type SentimentWeights } from '../../../src/domain/sentiment/model.ts';

/** A hand-made model: "good" votes positive, "bad" negative, "good" after a negation negative; anything else is neutral by its bias. */
function handMade(overrides: Partial<SentimentWeights> = {}): SentimentWeights {
  const base = {
    name: 'hand-made',
    licence: 'test',
    labels: ['negative', 'neutral', 'positive'],
    options: { ngrams: 1, negation: true, finance: false, structureScale: 1 },
    features: 'bad\ngood\nnot_good',
    weights: encodeFloat32([4, 0, -4, -4, 0, 4, 8, 0, -8]),
    bias: [0, 1, 0],
    training: {},
  };
  const file = { ...base, ...overrides };
  return { ...file, version: weightsVersion(file) };
}

describe('encodeFloat32 / decodeFloat32', () => {
  it('round-trips every float32 exactly', () => {
    fc.assert(fc.property(fc.array(fc.float({ noNaN: true })), (values) => {
      expect(Array.from(decodeFloat32(encodeFloat32(values)))).toEqual(values.map((x) => Math.fround(x)));
    }));
  });
});

describe('weightsVersion', () => {
  it('changes when a weight, a feature, the bias or an option changes', () => {
    const version = handMade().version;
    expect(handMade({ weights: encodeFloat32([4, 0, -4, -4, 0, 4.5, 8, 0, -8]) }).version).not.toBe(version);
    expect(handMade({ features: 'bad\ngreat' }).version).not.toBe(version);
    expect(handMade({ bias: [0, 1.5, 0] }).version).not.toBe(version);
    expect(handMade({ options: { ngrams: 2, negation: true, finance: false, structureScale: 1 } }).version).not.toBe(version);
    expect(handMade().version).toBe(version);
  });
});

describe('loadModel', () => {
  const model = loadModel(handMade());

  it('scores with the weights it was given', () => {
    expect(model.classify('good news').label).toBe('positive');
    expect(model.classify('bad news').label).toBe('negative');
    expect(model.classify('news').label).toBe('neutral');
    expect(model.analyser).toEqual({ name: 'hand-made', version: handMade().version });
  });

  it('gives P(positive) − P(negative) as the score and the winning probability as the confidence', () => {
    const good = model.classify('good');
    // logits: negative -4, neutral 1, positive 4
    const z = Math.exp(-4) + Math.exp(1) + Math.exp(4);
    expect(good.score).toBeCloseTo((Math.exp(4) - Math.exp(-4)) / z, 6);
    expect(good.confidence).toBeCloseTo(Math.exp(4) / z, 6);
  });

  it('reads a word after a negation as another feature', () => {
    expect(model.classify('not good').label).toBe('negative');
    // A negation reaches to the end of its clause only.
    expect(model.classify('not now , good').label).toBe('positive');
  });

  it('refuses weights whose labels are in another order or whose sizes disagree', () => {
    expect(() => loadModel(handMade({ labels: ['positive', 'neutral', 'negative'] }))).toThrow(/labels/);
    expect(() => loadModel(handMade({ features: 'bad\ngood' }))).toThrow(/9 weights for 2 features/);
  });
});
