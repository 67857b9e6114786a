// What the services see of a large language model: sentiment of several texts per request, and a
// short narrative from a prompt.
import type { SentimentLabel } from '../../domain/sentiment/index.ts';
import type { CallPolicy } from '../outside-call.ts';

export interface LlmCallOptions {
  /** A tighter budget when a person is waiting on the answer (the default suits the scheduled job). */
  policy?: CallPolicy;
  signal?: AbortSignal;
}

export interface LlmSentiment {
  label: SentimentLabel;
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
  /** The model's own estimate, 0..1; null when it gave none. */
  confidence: number | null;
  /** One or two sentences saying why. */
  analysis: string;
}

export interface LlmSentiments {
  /** One per text, in order; null where the model's answer for that text was unusable. */
  results: (LlmSentiment | null)[];
  /** The model that answered, as it names itself (e.g. "gemini-2.5-flash"). */
  model: string;
}

export interface SentimentLlm {
  /** The analyser's name in Sentiment rows ("gemini"). */
  readonly name: string;
  /** The model asked for. */
  readonly model: string;
  /** How many texts one request carries at most. */
  readonly maxTextsPerRequest: number;
  sentiments(texts: readonly string[], options?: LlmCallOptions): Promise<LlmSentiments>;
}

export interface NarrateOptions extends LlmCallOptions {
  /** Who the model is and how it should write (a system instruction). */
  system?: string;
  /** Longest answer, in tokens. */
  maxOutputTokens?: number;
}

export interface Narration {
  text: string;
  /** The model that wrote it. */
  model: string;
}

export interface Narrator {
  narrate(prompt: string, options?: NarrateOptions): Promise<Narration>;
}
