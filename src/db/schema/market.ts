import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, numeric, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { createdAt, instant, money, price, updatedAt } from './columns.ts';

export const stocks = pgTable('stocks', {
  symbol: varchar('symbol', { length: 16 }).primaryKey(),
  name: varchar('name', { length: 200 }).notNull(),
  sector: varchar('sector', { length: 100 }),
  industry: varchar('industry', { length: 150 }),
  marketCap: money('market_cap'),
  exchange: varchar('exchange', { length: 32 }),
  currency: varchar('currency', { length: 3 }).notNull().default('USD'),
  // Active symbols are the ones the scheduled jobs fetch and analyse.
  isActive: boolean('is_active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  index('stocks_sector_idx').on(t.sector),
  index('stocks_active_idx').on(t.isActive),
]);

const symbolRef = () => varchar('symbol', { length: 16 }).notNull().references(() => stocks.symbol, { onDelete: 'cascade' });

// Intraday quotes (`1m`) and daily bars (`1d`) live side by side; the interval is part of the key.
export const stockPrices = pgTable('stock_prices', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  symbol: symbolRef(),
  interval: varchar('interval', { length: 3 }).notNull(),
  timestamp: instant('timestamp').notNull(),
  open: price('open').notNull(),
  high: price('high').notNull(),
  low: price('low').notNull(),
  close: price('close').notNull(),
  adjustedClose: price('adjusted_close'),
  volume: bigint('volume', { mode: 'number' }).notNull(),
  source: varchar('source', { length: 16 }).notNull(),
}, (t) => [
  // Also the index of "bars of a symbol over a range, newest first".
  uniqueIndex('stock_prices_symbol_interval_timestamp_key').on(t.symbol, t.interval, t.timestamp),
  // Retention sweeps delete by interval and age.
  index('stock_prices_interval_timestamp_idx').on(t.interval, t.timestamp),
  check('stock_prices_interval_check', sql`${t.interval} in ('1m', '1d')`),
  check('stock_prices_volume_check', sql`${t.volume} >= 0`),
]);

const indicatorValue = (name: string) => numeric(name, { precision: 24, scale: 8 });

export const technicalIndicators = pgTable('technical_indicators', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  symbol: symbolRef(),
  interval: varchar('interval', { length: 3 }).notNull().default('1d'),
  timestamp: instant('timestamp').notNull(),
  sma20: indicatorValue('sma_20'),
  sma50: indicatorValue('sma_50'),
  sma200: indicatorValue('sma_200'),
  ema12: indicatorValue('ema_12'),
  ema26: indicatorValue('ema_26'),
  rsi14: indicatorValue('rsi_14'),
  macd: indicatorValue('macd'),
  macdSignal: indicatorValue('macd_signal'),
  macdHistogram: indicatorValue('macd_histogram'),
  bollingerUpper: indicatorValue('bollinger_upper'),
  bollingerMiddle: indicatorValue('bollinger_middle'),
  bollingerLower: indicatorValue('bollinger_lower'),
  atr14: indicatorValue('atr_14'),
  obv: numeric('obv', { precision: 24, scale: 0 }),
  stochK: indicatorValue('stoch_k'),
  stochD: indicatorValue('stoch_d'),
  adx14: indicatorValue('adx_14'),
  cci20: indicatorValue('cci_20'),
  mfi14: indicatorValue('mfi_14'),
  williamsR14: indicatorValue('williams_r_14'),
  /** The close of the bar the values were computed at (the session's last price while it is open). */
  close: price('close'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('technical_indicators_symbol_interval_timestamp_key').on(t.symbol, t.interval, t.timestamp)]);

/** A user's saved custom screen (src/domain/screen): run by name. */
export const savedScreens = pgTable('saved_screens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: varchar('name', { length: 100 }).notNull(),
  where: text('where_expression').notNull(),
  sort: varchar('sort', { length: 64 }),
  resultLimit: integer('result_limit'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('saved_screens_user_name_key').on(t.userId, t.name)]);

export const marketScanResults = pgTable('market_scan_results', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  symbol: symbolRef(),
  timeframe: varchar('timeframe', { length: 8 }).notNull(),
  scannedAt: instant('scanned_at').notNull(),
  price: price('price').notNull(),
  change: price('change').notNull(),
  changePercent: numeric('change_percent', { precision: 12, scale: 4 }).notNull(),
  volume: bigint('volume', { mode: 'number' }).notNull(),
  avgVolume: bigint('avg_volume', { mode: 'number' }).notNull(),
  volumeRatio: numeric('volume_ratio', { precision: 12, scale: 4 }).notNull(),
  isUnusualVolume: boolean('is_unusual_volume').notNull().default(false),
  isBreakout: boolean('is_breakout').notNull().default(false),
  isGainer: boolean('is_gainer').notNull().default(false),
  isLoser: boolean('is_loser').notNull().default(false),
  trend: varchar('trend', { length: 8 }).notNull(),
  support: price('support'),
  resistance: price('resistance'),
  rsi: indicatorValue('rsi'),
  sma20: indicatorValue('sma_20'),
  sma50: indicatorValue('sma_50'),
}, (t) => [
  uniqueIndex('market_scan_results_symbol_timeframe_scanned_at_key').on(t.symbol, t.timeframe, t.scannedAt),
  // "The latest scan of a timeframe".
  index('market_scan_results_timeframe_scanned_at_idx').on(t.timeframe, t.scannedAt),
  check('market_scan_results_timeframe_check', sql`${t.timeframe} in ('daily', 'weekly', 'monthly')`),
  check('market_scan_results_trend_check', sql`${t.trend} in ('Bullish', 'Bearish', 'Neutral')`),
]);

export const newsArticles = pgTable('news_articles', {
  id: uuid('id').primaryKey().defaultRandom(),
  symbol: symbolRef(),
  title: varchar('title', { length: 500 }).notNull(),
  description: text('description'),
  source: varchar('source', { length: 200 }),
  url: varchar('url', { length: 1000 }).notNull(),
  urlToImage: varchar('url_to_image', { length: 1000 }),
  publishedAt: instant('published_at').notNull(),
  createdAt: createdAt(),
}, (t) => [
  // Fetching the same feed twice stores each article once.
  uniqueIndex('news_articles_symbol_url_key').on(t.symbol, t.url),
  index('news_articles_symbol_published_at_idx').on(t.symbol, t.publishedAt),
]);

export const sentiments = pgTable('sentiments', {
  id: uuid('id').primaryKey().defaultRandom(),
  symbol: symbolRef(),
  // Optional 1:1 with its article (an aggregate or a manual analysis has none).
  articleId: uuid('article_id').references(() => newsArticles.id, { onDelete: 'cascade' }),
  aiSentiment: varchar('ai_sentiment', { length: 8 }).notNull(),
  aiScore: numeric('ai_score', { precision: 6, scale: 4 }).notNull(),
  analysis: text('analysis'),
  model: varchar('model', { length: 64 }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('sentiments_article_id_key').on(t.articleId),
  index('sentiments_symbol_created_at_idx').on(t.symbol, t.createdAt),
  check('sentiments_ai_sentiment_check', sql`${t.aiSentiment} in ('positive', 'neutral', 'negative')`),
  check('sentiments_ai_score_check', sql`${t.aiScore} between -1 and 1`),
]);

const trend = (name: string) => varchar(name, { length: 10 });
const confidence = (name: string) => numeric(name, { precision: 5, scale: 2 });
const changePercent = (name: string) => numeric(name, { precision: 12, scale: 4 });

export const stockPredictions = pgTable('stock_predictions', {
  id: uuid('id').primaryKey().defaultRandom(),
  symbol: symbolRef(),
  predictedAt: instant('predicted_at').notNull(),
  model: varchar('model', { length: 64 }).notNull(),
  currentPrice: price('current_price').notNull(),
  shortTermTarget: price('short_term_target').notNull(),
  shortTermChange: changePercent('short_term_change').notNull(),
  shortTermConfidence: confidence('short_term_confidence').notNull(),
  shortTermTrend: trend('short_term_trend').notNull(),
  mediumTermTarget: price('medium_term_target').notNull(),
  mediumTermChange: changePercent('medium_term_change').notNull(),
  mediumTermConfidence: confidence('medium_term_confidence').notNull(),
  mediumTermTrend: trend('medium_term_trend').notNull(),
  longTermTarget: price('long_term_target').notNull(),
  longTermChange: changePercent('long_term_change').notNull(),
  longTermConfidence: confidence('long_term_confidence').notNull(),
  longTermTrend: trend('long_term_trend').notNull(),
  bullishScore: integer('bullish_score').notNull(),
  riskLevel: varchar('risk_level', { length: 8 }).notNull(),
  overallSentiment: varchar('overall_sentiment', { length: 16 }).notNull(),
}, (t) => [
  uniqueIndex('stock_predictions_symbol_predicted_at_key').on(t.symbol, t.predictedAt),
  check('stock_predictions_bullish_score_check', sql`${t.bullishScore} between 0 and 100`),
]);
