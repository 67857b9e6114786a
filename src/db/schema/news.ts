import { sql } from 'drizzle-orm';
import { check, index, numeric, pgTable, primaryKey, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns.ts';
import { stocks } from './market.ts';

// One row per story, however many feeds, copies and symbols bring it (src/domain/news decides
// what a copy is); the symbols it is about are links beside it.
export const newsArticles = pgTable('news_articles', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: varchar('title', { length: 500 }).notNull(),
  description: text('description'),
  source: varchar('source', { length: 200 }),
  /** Canonical (domain/news canonicalUrl). */
  url: varchar('url', { length: 1000 }).notNull(),
  urlToImage: varchar('url_to_image', { length: 1000 }),
  /** When the feed gave no date: when we first saw the article. */
  publishedAt: instant('published_at').notNull(),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('news_articles_url_key').on(t.url),
  // Syndicated copies are looked for among the articles published around the same time.
  index('news_articles_published_at_idx').on(t.publishedAt),
]);

export const newsArticleSymbols = pgTable('news_article_symbols', {
  articleId: uuid('article_id').notNull().references(() => newsArticles.id, { onDelete: 'cascade' }),
  symbol: varchar('symbol', { length: 16 }).notNull().references(() => stocks.symbol, { onDelete: 'cascade' }),
  /** The article's date, repeated here so "a symbol's news, newest first" reads one index range. */
  publishedAt: instant('published_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.articleId, t.symbol] }),
  index('news_article_symbols_symbol_published_at_idx').on(t.symbol, t.publishedAt),
]);

// One analysis per article, whichever symbols it mentions.
export const sentiments = pgTable('sentiments', {
  id: uuid('id').primaryKey().defaultRandom(),
  articleId: uuid('article_id').notNull().references(() => newsArticles.id, { onDelete: 'cascade' }),
  aiSentiment: varchar('ai_sentiment', { length: 8 }).notNull(),
  aiScore: numeric('ai_score', { precision: 6, scale: 4 }).notNull(),
  /** Probability of the label (offline model) or the LLM's own estimate; null when it gave none. */
  confidence: numeric('confidence', { precision: 5, scale: 4 }),
  analysis: text('analysis'),
  /** Which analyser produced the row ("gemini", "stockmind-finsent") and its version (model name, weights digest). */
  analyser: varchar('analyser', { length: 32 }).notNull(),
  analyserVersion: varchar('analyser_version', { length: 64 }).notNull(),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('sentiments_article_id_key').on(t.articleId),
  check('sentiments_ai_sentiment_check', sql`${t.aiSentiment} in ('positive', 'neutral', 'negative')`),
  check('sentiments_ai_score_check', sql`${t.aiScore} between -1 and 1`),
  check('sentiments_confidence_check', sql`${t.confidence} between 0 and 1`),
]);
