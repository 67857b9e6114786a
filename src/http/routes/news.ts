// /api/market/news and /api/market/sentiment: a symbol's news with each article's sentiment and the
// 7-day verdict, the verdict with its daily series, and the offline classifier for posted texts.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { NewsService } from '../../services/news/news.ts';
import type { SentimentAnalyser } from '../../services/sentiment/analyser.ts';
import { Envelope, Nullable, OneOf, ok, responses } from '../envelope.ts';

export interface NewsRouteDeps {
  news: NewsService;
  sentiment: SentimentAnalyser;
}

/** Most texts one analyze request may carry. */
export const MAX_ANALYZE_TEXTS = 100;
const MAX_TEXT_LENGTH = 10_000;
const DEFAULT_ARTICLES = 20;
const MAX_ARTICLES = 100;

const Num = Type.Number();
const Count = Type.Integer({ minimum: 0 });
const NullableString = Nullable(Type.String());
const DateTime = Type.String({ format: 'date-time' });
const MarketLabel = OneOf(['Bullish', 'Neutral', 'Bearish'] as const, { description: 'As the web client shows it' });
const SentimentLabel = OneOf(['positive', 'neutral', 'negative'] as const);
const Refresh = OneOf(['fresh', 'fetched', 'failed', 'no_sources'] as const, {
  description: 'fresh: the sources were read within the last 30 minutes; fetched: read now; failed: every source failed now; no_sources: none is configured',
});

const ArticleSentiment = Type.Object({
  score: Type.Number({ description: '-1 (very negative) .. 1 (very positive)' }),
  label: MarketLabel,
  sentiment: SentimentLabel,
  explanation: Type.String(),
  confidence: Nullable(Type.Number({ description: '0..1; null when the analyser gave none' })),
  analyser: Type.String({ description: 'name@version of the analyser: gemini@<model>, or the offline model and its weights' }),
});

const Article = Type.Object({
  title: Type.String(), description: Type.String(), url: Type.String(), source: NullableString,
  publishedAt: DateTime, urlToImage: NullableString,
  symbols: Type.Array(Type.String(), { description: 'Every symbol the article is about' }),
  sentiment: ArticleSentiment,
});

const OverallSentiment = Type.Object({
  label: MarketLabel, score: Type.Number({ description: 'Average score of the window, -1..1' }),
  bullish: Count, neutral: Count, bearish: Count, totalArticles: Count, windowDays: Count,
}, { description: 'The last 7 days of the symbol\'s analysed news' });

const SymbolNews = Type.Object({ symbol: Type.String(), news: Type.Array(Article), overallSentiment: OverallSentiment, refresh: Refresh });

const DailySentiment = Type.Object({
  date: Type.String({ description: 'UTC date, YYYY-MM-DD' }),
  score: Nullable(Type.Number({ description: 'Average score of the day, null without news' })),
  label: Nullable(Type.String({ enum: ['Bullish', 'Neutral', 'Bearish'] })),
  bullish: Count, neutral: Count, bearish: Count, articles: Count,
});

const SymbolSentiment = Type.Object({
  symbol: Type.String(),
  sentiment: SentimentLabel,
  sentimentScore: Type.Integer({ minimum: 0, maximum: 100, description: 'The average score on a 0–100 scale (50 is neutral)' }),
  analysis: Type.String(),
  timestamp: DateTime,
  label: MarketLabel,
  score: Num,
  bullish: Count, neutral: Count, bearish: Count, totalArticles: Count, windowDays: Count,
  daily: Type.Array(DailySentiment),
  refresh: Refresh,
});

const TextSentiment = Type.Object({
  label: SentimentLabel,
  score: Type.Number({ description: 'P(positive) − P(negative), -1..1' }),
  confidence: Type.Number({ description: 'Probability of the label, 0..1' }),
  analyser: Type.String({ description: 'name@version' }),
});

const SymbolParam = Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 32 }) });
const NewsOptions = {
  companyName: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Also search NewsAPI for this name' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ARTICLES, description: `Articles to answer, newest first (default ${DEFAULT_ARTICLES})` })),
};

export function newsRoutes(root: FastifyInstance, deps: NewsRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { news, sentiment } = deps;
  const tags = ['news'];
  const newsSummary = 'A symbol\'s news, newest first, each article with its sentiment, and the 7-day overall sentiment (sources read on demand when the stored news is older than 30 minutes)';

  app.get('/api/market/news/:symbol/', {
    schema: {
      tags, summary: newsSummary, params: SymbolParam, querystring: Type.Object(NewsOptions),
      response: responses(Envelope(SymbolNews), [404, 503]),
    },
  }, async (request) => {
    const answer = await news.symbolNews(request.params.symbol, { companyName: request.query.companyName, limit: request.query.limit ?? DEFAULT_ARTICLES }, request.log);
    const { message, ...data } = answer;
    return ok(data, message);
  });

  app.get('/api/market/news/', {
    schema: {
      tags, summary: `${newsSummary}; the web client's form of the route above`,
      querystring: Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 32 }), ...NewsOptions }),
      response: responses(Envelope(SymbolNews), [404, 503]),
    },
  }, async (request) => {
    const { symbol, companyName, limit } = request.query;
    const { message, ...data } = await news.symbolNews(symbol, { companyName, limit: limit ?? DEFAULT_ARTICLES }, request.log);
    return ok(data, message);
  });

  app.get('/api/market/sentiment/:symbol/', {
    schema: {
      tags, summary: 'A symbol\'s news sentiment: the 7-day verdict (average score, bullish / neutral / bearish counts) and a daily series',
      params: SymbolParam,
      querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Days of the daily series, today included (default 30)' })) }),
      response: responses(Envelope(SymbolSentiment), [404, 503]),
    },
  }, async (request) => {
    const { message, ...data } = await news.symbolSentiment(request.params.symbol, { days: request.query.days ?? 30 }, request.log);
    return ok(data, message);
  });

  app.post('/api/market/sentiment/analyze/', {
    schema: {
      tags, summary: `The offline financial sentiment model on up to ${MAX_ANALYZE_TEXTS} texts, in order (what \`stockmind sentiment classify\` prints)`,
      body: Type.Object({
        texts: Type.Array(Type.String({ maxLength: MAX_TEXT_LENGTH }), { minItems: 1, maxItems: MAX_ANALYZE_TEXTS, description: `1 to ${MAX_ANALYZE_TEXTS} texts` }),
      }),
      response: responses(Envelope(Type.Object({ results: Type.Array(TextSentiment) }))),
    },
  }, async (request) => ok({ results: sentiment.classifyTexts(request.body.texts) }));
}
