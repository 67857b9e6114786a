// Training: multinomial logistic regression with L2, fitted by mini-batch (lazy) Adam over a seeded
// shuffle with a linearly decaying step, so one seed always gives the same weights. Pure: the
// caller reads the data and writes the weights.
import { stratifiedFolds, type Agreement, type Example } from './dataset.ts';
import { featurize } from './features.ts';
import { LABELS, labelIndex } from './labels.ts';
import { evaluate, type Evaluation } from './metrics.ts';
import { encodeFloat32, loadModel, weightsVersion, type ModelOptions, type SentimentModel, type SentimentWeights } from './model.ts';

export const ANALYSER_NAME = 'stockmind-finsent';
export const WEIGHTS_LICENCE = 'CC BY-NC-SA 3.0: trained on the Financial PhraseBank v1.0 (Malo et al. 2014); non-commercial use, with attribution, shared alike';

export interface TrainOptions extends ModelOptions {
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Decoupled weight decay (L2) per unit of step size: each step shrinks the weights by (1 − step × l2). */
  l2: number;
  /** An n-gram joins the vocabulary when at least this many training sentences have it. */
  minCount: number;
  /** How much a sentence counts by annotator agreement: the all-agree sentences are the surest. */
  agreementWeights: Record<Agreement, number>;
  /** 0: every sentence counts the same; 1: each label counts the same in total. */
  classBalance: number;
}

/** The shipped options, chosen by 5-fold cross-validation on the training all-agree sentences (never the held-out split). */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  ngrams: 2,
  negation: true,
  finance: true,
  structureScale: 2,
  seed: 17,
  epochs: 30,
  batchSize: 32,
  learningRate: 0.02,
  l2: 0.7,
  minCount: 2,
  agreementWeights: { 100: 1, 75: 1, 66: 1, 50: 1 },
  classBalance: 0.5,
};

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Mean weighted cross-entropy of the epoch's batches, before their updates. */
  loss: number;
}

/** A deterministic generator of [0, 1) from a 32-bit seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Encoded {
  rows: Int32Array;
  values: Float64Array;
  label: number;
  weight: number;
}

const CLASSES = LABELS.length;

export function trainModel(examples: readonly Example[], options: TrainOptions = DEFAULT_TRAIN_OPTIONS, onEpoch?: (report: EpochReport) => void): SentimentWeights {
  if (examples.length === 0) throw new Error('trainModel: no examples');
  const featurized = examples.map((e) => featurize(e.text, options));

  // Vocabulary: frequent-enough n-grams and every structure feature seen, in sorted order.
  const documentFrequency = new Map<string, number>();
  for (const { grams } of featurized) for (const gram of grams) documentFrequency.set(gram, (documentFrequency.get(gram) ?? 0) + 1);
  const structureSeen = new Set<string>();
  for (const { structure } of featurized) for (const feature of structure) structureSeen.add(feature);
  const vocabulary = [...documentFrequency].filter(([, n]) => n >= options.minCount).map(([gram]) => gram);
  for (const feature of structureSeen) if (!documentFrequency.has(feature)) vocabulary.push(feature);
  vocabulary.sort();
  const rowOf = new Map(vocabulary.map((feature, i) => [feature, i] as const));

  const labelCounts = LABELS.map((label) => examples.filter((e) => e.label === label).length);
  const classWeight = labelCounts.map((n) => (n === 0 ? 0 : (examples.length / (CLASSES * n)) ** options.classBalance));
  const encoded: Encoded[] = featurized.map(({ grams, structure }, i) => {
    const rows: number[] = [];
    const values: number[] = [];
    for (const gram of grams) {
      const row = rowOf.get(gram);
      if (row !== undefined) { rows.push(row); values.push(1); }
    }
    for (const feature of structure) {
      const row = rowOf.get(feature);
      if (row !== undefined) { rows.push(row); values.push(options.structureScale); }
    }
    const example = examples[i]!;
    const label = labelIndex(example.label);
    return { rows: Int32Array.from(rows), values: Float64Array.from(values), label, weight: options.agreementWeights[example.agreement] * classWeight[label]! };
  });
  const meanWeight = encoded.reduce((sum, e) => sum + e.weight, 0) / encoded.length;
  for (const e of encoded) e.weight /= meanWeight;

  // Parameters: feature rows then the bias row, CLASSES columns each.
  const size = (vocabulary.length + 1) * CLASSES;
  const biasAt = vocabulary.length * CLASSES;
  const w = new Float64Array(size);
  const gradient = new Float64Array(size);
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = 1e-8;
  const random = seededRandom(options.seed);
  const order = encoded.map((_, i) => i);
  const batches = Math.ceil(encoded.length / options.batchSize);
  const totalSteps = options.epochs * batches;
  const logits = new Float64Array(CLASSES);
  const mark = new Int32Array(vocabulary.length + 1);
  const touched: number[] = [];
  const logDecay = new Float64Array(totalSteps + 1);
  const decayedTo = new Int32Array(vocabulary.length + 1);
  let step = 0;

  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const end = Math.min(start + options.batchSize, order.length);
      const count = end - start;
      // Lazy Adam: only the rows this batch touches (and the bias) move, so a step costs the batch, not the vocabulary.
      touched.length = 0;
      for (let b = start; b < end; b++) {
        const { rows } = encoded[order[b]!]!;
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          if (mark[row] !== step + 1) { mark[row] = step + 1; touched.push(row); }
        }
      }
      touched.push(vocabulary.length);
      for (let b = start; b < end; b++) {
        const { rows, values, label, weight } = encoded[order[b]!]!;
        for (let k = 0; k < CLASSES; k++) logits[k] = w[biasAt + k]!;
        for (let r = 0; r < rows.length; r++) {
          const at = rows[r]! * CLASSES;
          for (let k = 0; k < CLASSES; k++) logits[k]! += w[at + k]! * values[r]!;
        }
        let top = -Infinity;
        for (let k = 0; k < CLASSES; k++) top = Math.max(top, logits[k]!);
        let sum = 0;
        for (let k = 0; k < CLASSES; k++) { logits[k] = Math.exp(logits[k]! - top); sum += logits[k]!; }
        lossSum += -weight * Math.log(logits[label]! / sum);
        for (let k = 0; k < CLASSES; k++) {
          const delta = (weight * (logits[k]! / sum - (k === label ? 1 : 0))) / count;
          gradient[biasAt + k]! += delta;
          for (let r = 0; r < rows.length; r++) gradient[rows[r]! * CLASSES + k]! += delta * values[r]!;
        }
      }
      step += 1;
      const rate = options.learningRate * (1 - (step - 1) / totalSteps);
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      logDecay[step] = logDecay[step - 1]! + Math.log(1 - rate * options.l2);
      for (const row of touched) {
        // Decoupled weight decay, caught up over the steps this row sat out, then this step's.
        const decay = row < vocabulary.length ? Math.exp(logDecay[step]! - logDecay[decayedTo[row]!]!) : 1;
        decayedTo[row] = step;
        for (let k = 0; k < CLASSES; k++) {
          const p = row * CLASSES + k;
          w[p]! *= decay;
          const g = gradient[p]!;
          gradient[p] = 0;
          m[p] = beta1 * m[p]! + (1 - beta1) * g;
          v[p] = beta2 * v[p]! + (1 - beta2) * g * g;
          w[p]! -= (rate * (m[p]! / correction1)) / (Math.sqrt(v[p]! / correction2) + epsilon);
        }
      }
    }
    onEpoch?.({ epoch, epochs: options.epochs, loss: lossSum / encoded.length });
  }
  for (let row = 0; row < vocabulary.length; row++) {
    const decay = Math.exp(logDecay[step]! - logDecay[decayedTo[row]!]!);
    for (let k = 0; k < CLASSES; k++) w[row * CLASSES + k]! *= decay;
  }

  const weights = encodeFloat32(w.subarray(0, biasAt));
  const bias = Array.from(w.subarray(biasAt), (x) => Math.fround(x));
  const { ngrams, negation, finance, structureScale } = options;
  const model = { features: vocabulary.join('\n'), weights, bias, options: { ngrams, negation, finance, structureScale } };
  return {
    name: ANALYSER_NAME,
    version: weightsVersion(model),
    licence: WEIGHTS_LICENCE,
    labels: [...LABELS],
    options: model.options,
    features: model.features,
    weights,
    bias,
    training: {
      algorithm: 'multinomial logistic regression, mini-batch lazy Adam with decoupled weight decay (L2) and a linearly decaying step',
      examples: examples.length,
      labelCounts: Object.fromEntries(LABELS.map((label, k) => [label, labelCounts[k]])),
      seed: options.seed,
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      l2: options.l2,
      minCount: options.minCount,
      agreementWeights: options.agreementWeights,
      classBalance: options.classBalance,
    },
  };
}

export function evaluateModel(model: SentimentModel, examples: readonly Example[]): Evaluation {
  return evaluate(examples.map((e) => e.label), examples.map((e) => model.classify(e.text).label));
}

export interface CrossValidation {
  folds: Evaluation[];
  accuracy: number;
  macroF1: number;
}

/**
 * k-fold cross-validation for tuning: each fold of the all-agree training sentences is scored by a
 * model trained on everything else. Never given the held-out split.
 */
export function crossValidate(training: readonly Example[], options: TrainOptions, folds = 5, salt = 'stockmind-sentiment-validation-v1'): CrossValidation {
  const parts = stratifiedFolds(training.filter((e) => e.agreement === 100), folds, salt);
  const results = parts.map((validation) => {
    const keys = new Set(validation.map((e) => e.key));
    const model = loadModel(trainModel(training.filter((e) => !keys.has(e.key)), options));
    return evaluateModel(model, validation);
  });
  return {
    folds: results,
    accuracy: results.reduce((sum, r) => sum + r.accuracy, 0) / results.length,
    macroF1: results.reduce((sum, r) => sum + r.macroF1, 0) / results.length,
  };
}
