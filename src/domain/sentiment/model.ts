// The shipped classifier: a multinomial logistic regression over the features of features.ts.
// Its weights are data (weights.json); this file turns them into a fast scorer.
import { featurize, type FeatureOptions } from './features.ts';
import { LABELS, type SentimentLabel } from './labels.ts';
import type { Evaluation } from './metrics.ts';

export interface SentimentResult {
  label: SentimentLabel;
  /** P(positive) − P(negative): -1 (surely negative) .. 1 (surely positive). */
  score: number;
  /** Probability of the chosen label, 0..1. */
  confidence: number;
}

export interface Analyser {
  name: string;
  version: string;
}

export interface ModelOptions extends FeatureOptions {
  /** The value of a financial-structure feature (an n-gram counts 1); larger means less regularised. */
  structureScale: number;
}

/** What a weights file holds (weights.json). */
export interface SentimentWeights {
  name: string;
  /** Changes whenever the weights change: a hash of features, weights and bias. */
  version: string;
  licence: string;
  labels: string[];
  options: ModelOptions;
  /** The vocabulary, one feature a line: row i of the weights belongs to line i (a string keeps the file quick to parse and typecheck). */
  features: string;
  /** Base64 of little-endian float32, features.length × labels.length, row by row. */
  weights: string;
  bias: number[];
  training: Record<string, unknown>;
  /** Metrics on the held-out all-agree split, measured with these very weights. */
  heldOut?: Pick<Evaluation, 'count' | 'accuracy' | 'macroF1' | 'confusion'>;
}

export interface SentimentModel {
  analyser: Analyser;
  classify(text: string): SentimentResult;
}

const CLASSES = LABELS.length;

export function encodeFloat32(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return Buffer.from(bytes).toString('base64');
}

export function decodeFloat32(base64: string): Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(bytes.byteLength / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}

/** FNV-1a over the parts, as 8 hex digits: the version of a set of weights. */
function weightsDigest(parts: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      h ^= part.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The version a weights file must carry: the digest of everything classify reads from it. */
export function weightsVersion(file: Pick<SentimentWeights, 'features' | 'weights' | 'bias' | 'options'>): string {
  const { ngrams, negation, finance, structureScale } = file.options;
  return weightsDigest([file.features, file.weights, file.bias.join(','), JSON.stringify({ ngrams, negation, finance, structureScale })]);
}

export function loadModel(file: SentimentWeights): SentimentModel {
  if (file.labels.join() !== LABELS.join()) throw new Error(`sentiment weights: labels ${file.labels.join()} are not ${LABELS.join()}`);
  const weights = decodeFloat32(file.weights);
  const features = file.features === '' ? [] : file.features.split('\n');
  if (weights.length !== features.length * CLASSES) throw new Error(`sentiment weights: ${weights.length} weights for ${features.length} features`);
  const rows = new Map<string, number>();
  features.forEach((feature, i) => rows.set(feature, i * CLASSES));
  const bias = file.bias;
  const { options } = file;
  const scale = options.structureScale;
  const analyser = { name: file.name, version: file.version };

  function classify(text: string): SentimentResult {
    const { grams, structure } = featurize(text, options);
    let neg = bias[0]!;
    let neu = bias[1]!;
    let pos = bias[2]!;
    for (const gram of grams) {
      const row = rows.get(gram);
      if (row === undefined) continue;
      neg += weights[row]!;
      neu += weights[row + 1]!;
      pos += weights[row + 2]!;
    }
    for (const feature of structure) {
      const row = rows.get(feature);
      if (row === undefined) continue;
      neg += scale * weights[row]!;
      neu += scale * weights[row + 1]!;
      pos += scale * weights[row + 2]!;
    }
    const top = Math.max(neg, neu, pos);
    const eNeg = Math.exp(neg - top);
    const eNeu = Math.exp(neu - top);
    const ePos = Math.exp(pos - top);
    const sum = eNeg + eNeu + ePos;
    const pNeg = eNeg / sum;
    const pNeu = eNeu / sum;
    const pPos = ePos / sum;
    // Ties go to neutral: with no evidence a sentence says nothing.
    const label: SentimentLabel = pNeu >= pPos && pNeu >= pNeg ? 'neutral' : pPos >= pNeg ? 'positive' : 'negative';
    return { label, score: pPos - pNeg, confidence: Math.max(pNeg, pNeu, pPos) };
  }

  return { analyser, classify };
}
