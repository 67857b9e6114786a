import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, date, index, integer, jsonb, numeric, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
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

// news_articles, news_article_symbols and sentiments: see news.ts.

const trend = (name: string) => varchar(name, { length: 10 });

/** A term's served model and how it did in its walk-forward backtest (ratios; percents 0–100; null when undefined). */
export interface TermTrackRecord {
  model: string;
  mase: number | null;
  directionalAccuracy: number | null;
  coverage80: number | null;
  upShare: number | null;
  beatsRandomWalk: boolean;
  /** The LSTM's MASE at this horizon, whichever model served. */
  lstmMase: number | null;
  /** Why this model served: the lowest backtest MASE, or why the LSTM could not. */
  reason: string;
  /** What the record was measured on. */
  basis: string;
}

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
  // The 80 % interval of each term, from the served model's backtest residuals.
  shortTermLow: price('short_term_low'),
  shortTermHigh: price('short_term_high'),
  mediumTermLow: price('medium_term_low'),
  mediumTermHigh: price('medium_term_high'),
  longTermLow: price('long_term_low'),
  longTermHigh: price('long_term_high'),
  /** Session date of the last daily bar the forecast read. */
  asOf: date('as_of', { mode: 'string' }),
  modelVersion: varchar('model_version', { length: 64 }),
  /** user | shipped: which saved model served. */
  modelSource: varchar('model_source', { length: 16 }),
  /** Per horizon ("7", "30", "90"): the model that served it and its walk-forward backtest record. */
  backtest: jsonb('backtest').$type<Record<string, TermTrackRecord>>(),
  indicators: jsonb('indicators').$type<Record<string, number | null>>(),
  signals: jsonb('signals').$type<Record<string, string>>(),
  /** news (the sentiment aggregate) or forecast (derived from the forecast and indicators). */
  sentimentSource: varchar('sentiment_source', { length: 16 }),
}, (t) => [
  uniqueIndex('stock_predictions_symbol_predicted_at_key').on(t.symbol, t.predictedAt),
  check('stock_predictions_bullish_score_check', sql`${t.bullishScore} between 0 and 100`),
]);
