// Stored forecasts (the seed's StockPrediction): one row per symbol and prediction time, the
// newest read back by the predictions route. Numbers go in as numbers and come out as numbers.
import { desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { stockPredictions, type TermTrackRecord } from '../schema/index.ts';

export type { TermTrackRecord };

/** One term (7, 30 or 90 trading days) as stored. */
export interface StoredTerm {
  target: number;
  /** Percent. */
  change: number;
  /** Percent (0–100). */
  confidence: number;
  trend: string;
  /** The 80 % interval; null on rows written before intervals were stored. */
  low: number | null;
  high: number | null;
}

export interface PredictionRecord {
  symbol: string;
  predictedAt: Date;
  /** Session date of the last daily bar read. */
  asOf: string | null;
  model: string;
  modelVersion: string | null;
  modelSource: string | null;
  currentPrice: number;
  shortTerm: StoredTerm;
  mediumTerm: StoredTerm;
  longTerm: StoredTerm;
  bullishScore: number;
  riskLevel: string;
  overallSentiment: string;
  sentimentSource: string | null;
  /** Per horizon ("7", "30", "90"). */
  backtest: Record<string, TermTrackRecord> | null;
  indicators: Record<string, number | null> | null;
  signals: Record<string, string> | null;
}

type Row = typeof stockPredictions.$inferSelect;
type NewRow = typeof stockPredictions.$inferInsert;

const text = (value: number | null) => (value === null ? null : String(value));
const num = (value: string | null) => (value === null ? null : Number(value));

function toRow(record: PredictionRecord): NewRow {
  const { shortTerm: s, mediumTerm: m, longTerm: l } = record;
  return {
    symbol: record.symbol, predictedAt: record.predictedAt, asOf: record.asOf,
    model: record.model, modelVersion: record.modelVersion, modelSource: record.modelSource,
    currentPrice: String(record.currentPrice),
    shortTermTarget: String(s.target), shortTermChange: String(s.change), shortTermConfidence: String(s.confidence), shortTermTrend: s.trend,
    shortTermLow: text(s.low), shortTermHigh: text(s.high),
    mediumTermTarget: String(m.target), mediumTermChange: String(m.change), mediumTermConfidence: String(m.confidence), mediumTermTrend: m.trend,
    mediumTermLow: text(m.low), mediumTermHigh: text(m.high),
    longTermTarget: String(l.target), longTermChange: String(l.change), longTermConfidence: String(l.confidence), longTermTrend: l.trend,
    longTermLow: text(l.low), longTermHigh: text(l.high),
    bullishScore: record.bullishScore, riskLevel: record.riskLevel, overallSentiment: record.overallSentiment,
    sentimentSource: record.sentimentSource, backtest: record.backtest, indicators: record.indicators, signals: record.signals,
  };
}

function toRecord(row: Row): PredictionRecord {
  const term = (target: string, change: string, confidence: string, trend: string, low: string | null, high: string | null): StoredTerm => ({
    target: Number(target), change: Number(change), confidence: Number(confidence), trend, low: num(low), high: num(high),
  });
  return {
    symbol: row.symbol, predictedAt: row.predictedAt, asOf: row.asOf,
    model: row.model, modelVersion: row.modelVersion, modelSource: row.modelSource,
    currentPrice: Number(row.currentPrice),
    shortTerm: term(row.shortTermTarget, row.shortTermChange, row.shortTermConfidence, row.shortTermTrend, row.shortTermLow, row.shortTermHigh),
    mediumTerm: term(row.mediumTermTarget, row.mediumTermChange, row.mediumTermConfidence, row.mediumTermTrend, row.mediumTermLow, row.mediumTermHigh),
    longTerm: term(row.longTermTarget, row.longTermChange, row.longTermConfidence, row.longTermTrend, row.longTermLow, row.longTermHigh),
    bullishScore: row.bullishScore, riskLevel: row.riskLevel, overallSentiment: row.overallSentiment,
    sentimentSource: row.sentimentSource, backtest: row.backtest, indicators: row.indicators, signals: row.signals,
  };
}

/** On a repeated (symbol, predicted_at), every other column takes the new value. */
const REPLACE_ALL = Object.fromEntries(Object.entries(getTableColumns(stockPredictions))
  .filter(([key]) => !['id', 'symbol', 'predictedAt'].includes(key))
  .map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]));

export class PredictionRepository {
  constructor(private readonly db: Db) {}

  /** Stores predictions; a row for the same symbol and time replaces the earlier one (a job run twice). */
  async save(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.insert(stockPredictions).values(records.map(toRow))
      .onConflictDoUpdate({ target: [stockPredictions.symbol, stockPredictions.predictedAt], set: REPLACE_ALL });
  }

  /** The newest prediction of a symbol, or null. */
  async latest(symbol: string): Promise<PredictionRecord | null> {
    const [row] = await this.db.select().from(stockPredictions)
      .where(eq(stockPredictions.symbol, symbol))
      .orderBy(desc(stockPredictions.predictedAt)).limit(1);
    return row === undefined ? null : toRecord(row);
  }
}
