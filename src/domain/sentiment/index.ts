// StockMind's offline sentiment classifier for financial text: the shipped weights, loaded once.
// Used when there is no Gemini key or Gemini fails; needs no network.
import shipped from './weights.json' with { type: 'json' };
import { loadModel, type Analyser, type SentimentResult, type SentimentWeights } from './model.ts';

const model = loadModel(shipped as SentimentWeights);

/** Which analyser produced a result: its name and the version of its weights (changes whenever they change). */
export const ANALYSER: Analyser = model.analyser;

export function classify(text: string): SentimentResult {
  return model.classify(text);
}

export function classifyMany(texts: readonly string[]): SentimentResult[] {
  return texts.map((text) => model.classify(text));
}

/** The shipped weights file, for tools that report on it (its held-out metrics, its training options). */
export const SHIPPED_WEIGHTS = shipped as SentimentWeights;

export type { Analyser, SentimentResult, SentimentWeights } from './model.ts';
export type { SentimentLabel } from './labels.ts';
export { LABELS } from './labels.ts';
