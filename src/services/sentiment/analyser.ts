// Sentiment of news articles: Gemini when a key is set (several articles per request), the offline
// classifier when there is none, when Gemini fails, and for any article whose answer was unusable.
// Every result names the analyser and version that produced it.
import { roundTo } from '../../domain/market/quote.ts';
import { clip } from '../../domain/news/index.ts';
import { ANALYSER, classify, type SentimentLabel } from '../../domain/sentiment/index.ts';
import type { Log } from '../../logging.ts';
import type { LlmSentiment, SentimentLlm } from '../../providers/llm/port.ts';
import { ProviderError, type CallPolicy } from '../../providers/outside-call.ts';

/** A person is waiting: one attempt, and not long. */
const ON_DEMAND_POLICY: CallPolicy = { timeoutMs: 15_000, retries: 0 };
/** What of a description the offline model reads after the headline (it was trained on single sentences). */
const OFFLINE_DESCRIPTION_CHARS = 300;

export interface ArticleText {
  title: string;
  description: string;
}

export interface ArticleSentiment {
  label: SentimentLabel;
  /** -1 .. 1 */
  score: number;
  /** 0 .. 1; null when the analyser gave none. */
  confidence: number | null;
  /** Why, in a sentence. */
  analysis: string;
  analyser: string;
  analyserVersion: string;
}

/** One line of `stockmind sentiment classify`, and of POST /api/market/sentiment/analyze. */
export interface TextSentiment {
  label: SentimentLabel;
  score: number;
  confidence: number;
  /** "name@version" */
  analyser: string;
}

export interface AnalyseSummary {
  results: ArticleSentiment[];
  /** Articles the LLM analysed; the rest went to the offline model. */
  byLlm: number;
  /** Requests to the LLM that failed after their retries. */
  llmFailures: number;
}

/** The headline, then the start of the description: what the offline model reads. */
export function offlineText(article: ArticleText): string {
  const description = article.description.trim();
  if (description === '') return article.title;
  const joiner = /[.!?]$/.test(article.title.trim()) ? ' ' : '. ';
  return `${article.title.trim()}${joiner}${clip(description, OFFLINE_DESCRIPTION_CHARS)}`;
}

/** The offline model's verdict on an article, with a sentence saying which model and how sure it is. */
export function offlineSentiment(article: ArticleText): ArticleSentiment {
  const { label, score, confidence } = classify(offlineText(article));
  return {
    label, score: roundTo(score, 4), confidence: roundTo(confidence, 4),
    analysis: `${label[0]!.toUpperCase()}${label.slice(1)} by the offline financial-news model (${Math.round(confidence * 100)}% confident).`,
    analyser: ANALYSER.name, analyserVersion: ANALYSER.version,
  };
}

/** LLM failures after which the rest of a run goes offline: asking again now would fail the same way. */
const STOP_ASKING = new Set(['rate_limited', 'unavailable', 'timeout']);

export class SentimentAnalyser {
  constructor(private readonly llm: SentimentLlm | null) {}

  /** Which analyser articles get first: the LLM's name and model, or the offline model's. */
  get primary(): { name: string; version: string } {
    return this.llm ? { name: this.llm.name, version: this.llm.model } : ANALYSER;
  }

  /** The offline model's verdict on texts, in order (what `stockmind sentiment classify` prints). */
  classifyTexts(texts: readonly string[]): TextSentiment[] {
    const analyser = `${ANALYSER.name}@${ANALYSER.version}`;
    return texts.map((text) => {
      const { label, score, confidence } = classify(text);
      return { label, score: roundTo(score, 4), confidence: roundTo(confidence, 4), analyser };
    });
  }

  /** One sentiment per article, in order: the LLM's where it answered usably, the offline model's otherwise. */
  async analyse(articles: readonly ArticleText[], log: Log, options: { onDemand?: boolean } = {}): Promise<AnalyseSummary> {
    const results: (ArticleSentiment | null)[] = articles.map(() => null);
    let byLlm = 0;
    let llmFailures = 0;
    if (this.llm) {
      const llm = this.llm;
      for (let start = 0; start < articles.length; start += llm.maxTextsPerRequest) {
        const batch = articles.slice(start, start + llm.maxTextsPerRequest);
        let answer: { results: (LlmSentiment | null)[]; model: string };
        try {
          answer = await llm.sentiments(batch.map((a) => `${a.title}\n${a.description}`), options.onDemand ? { policy: ON_DEMAND_POLICY } : {});
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          llmFailures += 1;
          if (STOP_ASKING.has(error.failure)) {
            log.warn({ provider: error.provider, kind: error.failure, articles: articles.length - start }, `${llm.name} unavailable: the offline model analyses the remaining articles`);
            break;
          }
          continue;
        }
        answer.results.forEach((result, i) => {
          if (result === null) return;
          results[start + i] = {
            label: result.label, score: roundTo(result.score, 4), confidence: result.confidence === null ? null : roundTo(result.confidence, 4),
            analysis: result.analysis, analyser: llm.name, analyserVersion: answer.model.slice(0, 64),
          };
          byLlm += 1;
        });
      }
    }
    return { results: results.map((result, i) => result ?? offlineSentiment(articles[i]!)), byLlm, llmFailures };
  }
}
