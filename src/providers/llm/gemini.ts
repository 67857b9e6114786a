// Gemini through @google/genai: sentiment of several news texts per request under a JSON response
// schema, and plain-text narratives. The SDK's own retries stay off: every request goes through
// callOutside (a timeout per attempt, 3 attempts with exponential backoff and jitter, Gemini's
// RetryInfo honoured on 429), and answers are checked before anyone sees them.
import { ApiError, GoogleGenAI, Type, type GenerateContentResponse, type Schema } from '@google/genai';
import { isSentimentLabel } from '../../domain/sentiment/labels.ts';
import { callOutside, type CallPolicy, type Verdict } from '../outside-call.ts';
import type { LlmCallOptions, LlmSentiment, LlmSentiments, Narration, NarrateOptions, Narrator, SentimentLlm } from './port.ts';

/** The seed's "3 attempts with exponential backoff": the first and two retries, about 1 s then 2 s apart. */
export const GEMINI_POLICY: CallPolicy = { timeoutMs: 30_000, retries: 2, backoffBaseMs: 1_000, backoffCapMs: 8_000, maxRetryAfterMs: 60_000 };
/** Texts per sentiment request: enough to save requests, few enough that one bad answer costs little. */
export const GEMINI_TEXTS_PER_REQUEST = 20;
/** Characters of each text sent (a headline and its teaser fit). */
const MAX_TEXT_CHARS = 1_200;

export interface GeminiOptions {
  apiKey: string;
  model: string;
  /** Google's endpoint unless set (a proxy, or a local server in tests). */
  baseUrl?: string | null;
  policy?: CallPolicy;
  log?: { warn(obj: object, msg: string): void };
}

export interface GeminiClient extends SentimentLlm, Narrator {}

/** An answer that is no use: not JSON, or not the JSON the schema asks for. */
class UnusableAnswer extends Error {}

const SENTIMENT_SYSTEM = [
  'You rate the sentiment of financial news for shareholders of the companies it is about.',
  'For every numbered text, give its id, a sentiment (positive, neutral or negative), a score from -1 (very negative) to 1 (very positive)',
  'whose sign agrees with the sentiment, your confidence from 0 to 1, and a one-sentence analysis.',
  'Beats, raised guidance, buybacks, narrowing losses and rising profits are positive; misses, profit warnings, lawsuits,',
  'widening losses and falling sales are negative; routine announcements and mixed news are neutral.',
].join(' ');

const SENTIMENT_SCHEMA: Schema = {
  type: Type.OBJECT,
  properties: {
    results: {
      type: Type.ARRAY,
      items: {
        type: Type.OBJECT,
        properties: {
          id: { type: Type.INTEGER },
          sentiment: { type: Type.STRING, format: 'enum', enum: ['positive', 'neutral', 'negative'] },
          score: { type: Type.NUMBER, minimum: -1, maximum: 1 },
          confidence: { type: Type.NUMBER, minimum: 0, maximum: 1 },
          analysis: { type: Type.STRING },
        },
        required: ['id', 'sentiment', 'score', 'analysis'],
        propertyOrdering: ['id', 'sentiment', 'score', 'confidence', 'analysis'],
      },
    },
  },
  required: ['results'],
};

/** Gemini's RetryInfo ("retryDelay": "37s") from an error body, in ms. */
function retryDelayMs(error: ApiError): number | null {
  try {
    const body = JSON.parse(error.message) as { error?: { details?: Array<{ retryDelay?: unknown }> } };
    for (const detail of body.error?.details ?? []) {
      const match = typeof detail.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
      if (match) return Math.round(Number(match[1]) * 1000);
    }
  } catch {
    // Not JSON: no delay given.
  }
  return null;
}

/** Gemini's own message from an error body, for the log line. */
function errorMessage(error: ApiError): string {
  try {
    const body = JSON.parse(error.message) as { error?: { message?: unknown; status?: unknown } };
    if (typeof body.error?.message === 'string') return `HTTP ${error.status} ${String(body.error.status ?? '')}: ${body.error.message}`;
  } catch {
    // Fall through.
  }
  return `HTTP ${error.status}: ${error.message}`;
}

function classify<T>(error: unknown): Verdict<T> {
  if (error instanceof UnusableAnswer) {
    // The model answers differently each time: asking again is worth it.
    return { fail: 'bad_response', retry: true, detail: error.message };
  }
  if (error instanceof ApiError) {
    const detail = errorMessage(error);
    if (error.status === 429) return { fail: 'rate_limited', retry: true, retryAfterMs: retryDelayMs(error), detail };
    if (error.status >= 500 || error.status === 408) return { fail: 'unavailable', retry: true, detail };
    // A bad key, a model that does not exist, a refused request: asking again changes nothing.
    return { fail: error.status === 401 || error.status === 403 ? 'unavailable' : 'bad_response', retry: false, detail };
  }
  // fetch's "fetch failed" and socket errors: Gemini did not answer.
  return { fail: 'unavailable', retry: true };
}

/** The first candidate's text, or an UnusableAnswer saying why there is none. */
function answerText(response: GenerateContentResponse): string {
  const text = response.text;
  if (text === undefined || text.trim() === '') {
    const reason = response.candidates?.[0]?.finishReason ?? response.promptFeedback?.blockReason ?? 'no candidates';
    throw new UnusableAnswer(`empty answer (${String(reason)})`);
  }
  return text;
}

/** The sentiments in a JSON answer, one per text (null where that text's entry breaks the schema). */
export function parseSentiments(text: string, count: number): (LlmSentiment | null)[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UnusableAnswer(`malformed JSON: ${(error as Error).message}`);
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw new UnusableAnswer('schema violation: no results array');
  const out: (LlmSentiment | null)[] = Array.from({ length: count }, () => null);
  for (const entry of results as Array<Record<string, unknown> | null>) {
    if (entry === null || typeof entry !== 'object') continue;
    const { id, sentiment, score, confidence, analysis } = entry;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= count || out[id] !== null) continue;
    if (typeof sentiment !== 'string' || !isSentimentLabel(sentiment)) continue;
    if (typeof score !== 'number' || !Number.isFinite(score) || score < -1 || score > 1) continue;
    // A "positive" with a negative score contradicts itself.
    if ((sentiment === 'positive' && score < 0) || (sentiment === 'negative' && score > 0)) continue;
    if (typeof analysis !== 'string') continue;
    const sure = typeof confidence === 'number' && Number.isFinite(confidence) && confidence >= 0 && confidence <= 1 ? confidence : null;
    out[id] = { label: sentiment, score, confidence: sure, analysis: analysis.trim().slice(0, 2_000) };
  }
  if (count > 0 && out.every((result) => result === null)) throw new UnusableAnswer('schema violation: no usable result');
  return out;
}

export function createGemini(options: GeminiOptions): GeminiClient {
  const ai = new GoogleGenAI({
    apiKey: options.apiKey,
    // No retryOptions: the SDK then makes exactly one request per call, and callOutside does the retrying.
    httpOptions: options.baseUrl ? { baseUrl: options.baseUrl } : {},
  });
  const policy = options.policy ?? GEMINI_POLICY;
  const context = (overrides: LlmCallOptions) => ({ policy: overrides.policy ?? policy, log: options.log, signal: overrides.signal });

  return {
    name: 'gemini',
    model: options.model,
    maxTextsPerRequest: GEMINI_TEXTS_PER_REQUEST,

    async sentiments(texts, overrides = {}): Promise<LlmSentiments> {
      if (texts.length === 0) return { results: [], model: options.model };
      if (texts.length > GEMINI_TEXTS_PER_REQUEST) throw new RangeError(`at most ${GEMINI_TEXTS_PER_REQUEST} texts per request`);
      const articles = texts.map((text, id) => ({ id, text: text.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT_CHARS) }));
      return callOutside<LlmSentiments>({
        provider: 'gemini', op: 'sentiment', target: `${texts.length} texts`,
        attempt: async (signal) => {
          const response = await ai.models.generateContent({
            model: options.model,
            contents: JSON.stringify({ texts: articles }),
            config: {
              abortSignal: signal,
              systemInstruction: SENTIMENT_SYSTEM,
              responseMimeType: 'application/json',
              responseSchema: SENTIMENT_SCHEMA,
              temperature: 0,
            },
          });
          return { results: parseSentiments(answerText(response), texts.length), model: response.modelVersion ?? options.model };
        },
        classify,
      }, context(overrides));
    },

    async narrate(prompt: string, overrides: NarrateOptions = {}): Promise<Narration> {
      return callOutside<Narration>({
        provider: 'gemini', op: 'narrate', target: `${prompt.length} characters`,
        attempt: async (signal) => {
          const response = await ai.models.generateContent({
            model: options.model,
            contents: prompt,
            config: {
              abortSignal: signal,
              ...(overrides.system ? { systemInstruction: overrides.system } : {}),
              ...(overrides.maxOutputTokens ? { maxOutputTokens: overrides.maxOutputTokens } : {}),
            },
          });
          return { text: answerText(response).trim(), model: response.modelVersion ?? options.model };
        },
        classify,
      }, context(overrides));
    },
  };
}
