// A prediction as stored (the seed's StockPrediction) from a served forecast, the bars' indicators
// and the news sentiment; and the two ways it is shown: the stored prediction (GET) and
// API_CONTRACT's statistical-prediction answer. Pure functions.
import type { PredictionRecord, StoredTerm, TermTrackRecord } from '../../db/repositories/predictions.ts';
import { priceSeries } from '../../domain/forecast/features.ts';
import { predictionTerms, type PredictionTerm, type Trend } from '../../domain/forecast/prediction.ts';
import type { Bar } from '../../domain/market/bar.ts';
import {
  bullishScoreOf, riskLevelOf, sentimentOfLabel, sentimentOfScore, signalsOf, technicalIndicators,
  type OutlookSentiment, type RiskLevel, type SentimentSource, type Signals, type TechnicalIndicators,
} from './outlook.ts';
import { LSTM, type ServedForecast } from './served.ts';
import { recordBasis, type TrackRecords } from './track-record.ts';

/** The news sentiment aggregate of a symbol (aggregate_sentiment's last 7 days). */
export interface SentimentSummary {
  /** −1 (bearish) … 1 (bullish). */
  score: number;
  /** Bullish / Neutral / Bearish (or positive / neutral / negative). */
  label: string;
  totalArticles: number;
}

export const TERM_DAYS = { shortTerm: 7, mediumTerm: 30, longTerm: 90 } as const;
export type TermName = keyof typeof TERM_DAYS;
const TERM_NAMES = Object.keys(TERM_DAYS) as TermName[];

const rounded = (value: number, digits: number): number | null => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : null);
const percent = (share: number) => rounded(share * 100, 1);

export interface PredictionInput {
  served: ServedForecast;
  bars: readonly Bar[];
  records: TrackRecords;
  sentiment: SentimentSummary | null;
  predictedAt: Date;
}

/** The stored prediction of a served forecast. */
export function predictionRecord({ served, bars, records, sentiment, predictedAt }: PredictionInput): PredictionRecord {
  const terms = predictionTerms({ symbol: served.symbol, asOf: served.asOf, lastClose: served.lastClose, horizons: served.horizons, model: served.model, backtest: {} });
  const indicators = technicalIndicators(bars);
  const close = priceSeries(bars.slice(-1)).close[0]!;
  const signals = signalsOf(indicators, close);
  const news = sentiment !== null && sentiment.totalArticles > 0 && Number.isFinite(sentiment.score) ? sentiment : null;
  const bullishScore = bullishScoreOf(TERM_NAMES.map((name) => terms[name]), signals, news?.score ?? null);
  const basis = recordBasis(records);
  const backtest: Record<string, TermTrackRecord> = {};
  for (const [h, horizon] of Object.entries(served.horizons)) {
    const record = horizon.record;
    const lstm = records.horizons[h]?.[LSTM]?.mase;
    const mase = record === null ? null : rounded(record.mase, 3);
    backtest[h] = {
      model: horizon.model,
      mase,
      directionalAccuracy: record === null ? null : percent(record.directionalAccuracy),
      coverage80: record === null ? null : percent(record.coverage80),
      upShare: record === null ? null : percent(record.upShare),
      // Judged on the MASE the answer shows (the random walk's own is 1 up to rounding).
      beatsRandomWalk: mase !== null && mase < 1,
      lstmMase: lstm === undefined ? null : rounded(lstm, 3),
      reason: served.lstmUnavailable !== null ? `${served.lstmUnavailable}; the baseline with the lowest backtest MASE serves`
        : horizon.model === LSTM ? 'the lowest backtest MASE at this horizon' : 'the lowest backtest MASE at this horizon (the LSTM did worse)',
      basis,
    };
  }
  const stored = (term: PredictionTerm): StoredTerm => ({ target: term.targetPrice, change: term.change, confidence: term.confidence, trend: term.trend, low: term.low, high: term.high });
  return {
    symbol: served.symbol,
    predictedAt,
    asOf: served.asOf,
    model: served.model.name,
    modelVersion: served.model.version,
    modelSource: served.model.source,
    currentPrice: served.lastClose,
    shortTerm: stored(terms.shortTerm),
    mediumTerm: stored(terms.mediumTerm),
    longTerm: stored(terms.longTerm),
    bullishScore,
    riskLevel: riskLevelOf(indicators.volatility),
    overallSentiment: news !== null ? sentimentOfLabel(news.label) : sentimentOfScore(bullishScore),
    sentimentSource: news !== null ? 'news' : 'forecast',
    backtest,
    indicators: { ...indicators },
    signals: { ...signals },
  };
}

/** How the served model did at a term's horizon, as the answer shows it (the model is the term's own field). */
export type TermRecordView = Omit<TermTrackRecord, 'model'>;

export interface TermView extends PredictionTerm {
  /** The model that served this term: lstm, randomWalk, drift or holt. */
  model: string;
  backtest: TermRecordView | null;
}

export interface ModelView {
  name: string;
  version: string | null;
  source: string | null;
}

function termView(record: PredictionRecord, name: TermName): TermView {
  const days = TERM_DAYS[name];
  const term = record[name];
  const track = record.backtest?.[String(days)] ?? null;
  const { model, ...backtest } = track ?? { model: record.model };
  return {
    period: `${days} days`, targetPrice: term.target, change: term.change, confidence: term.confidence,
    trend: term.trend as Trend, low: term.low ?? term.target, high: term.high ?? term.target,
    model,
    backtest: track === null ? null : (backtest as TermRecordView),
  };
}

/** One line per term: which model served and whether it beats the random walk. */
export function trackRecordNote(record: PredictionRecord): string {
  const lines = TERM_NAMES.map((name) => {
    const days = TERM_DAYS[name];
    const track = record.backtest?.[String(days)];
    if (track === undefined) return `${days} days: served by ${record.model}; no backtest record stored.`;
    const mase = track.mase === null ? 'n/a' : track.mase.toFixed(3);
    if (track.model === 'randomWalk') {
      const why = track.reason.startsWith('the lowest') ? `no model beat it in the backtest${track.lstmMase === null ? '' : ` (the LSTM's MASE was ${track.lstmMase.toFixed(3)})`}` : track.reason;
      return `${days} days: the random walk (no change) serves: ${why}.`;
    }
    const against = track.mase === null ? '' : track.beatsRandomWalk
      ? `, ${((1 - track.mase) * 100).toFixed(1)} % smaller errors than the random walk`
      : `, ${((track.mase - 1) * 100).toFixed(1)} % larger errors than the random walk`;
    const direction = track.directionalAccuracy === null ? '' : `; its direction was right ${track.directionalAccuracy} % of the time, against ${track.upShare ?? 'n/a'} % for "always up"`;
    const why = track.reason.startsWith('the lowest') ? '' : ` (${track.reason})`;
    return `${days} days: ${track.model}${why}, backtest MASE ${mase}${against}${direction}.`;
  });
  const basis = Object.values(record.backtest ?? {})[0]?.basis;
  return `${lines.join(' ')}${basis ? ` Measured by a ${basis}.` : ''}`;
}

export interface PredictionView {
  symbol: string;
  currency: string;
  predictedAt: string;
  asOf: string | null;
  currentPrice: number;
  shortTerm: TermView;
  mediumTerm: TermView;
  longTerm: TermView;
  bullishScore: number;
  riskLevel: RiskLevel;
  overallSentiment: OutlookSentiment;
  sentimentSource: SentimentSource;
  technicalIndicators: TechnicalIndicators | null;
  signals: Signals | null;
  model: ModelView;
  note: string;
}

const modelView = (record: PredictionRecord): ModelView => ({ name: record.model, version: record.modelVersion, source: record.modelSource });

/** The stored prediction, as GET /api/market/predictions/{symbol} and `prediction_update` carry it. */
export function predictionView(record: PredictionRecord, currency: string): PredictionView {
  return {
    symbol: record.symbol,
    currency,
    predictedAt: record.predictedAt.toISOString(),
    asOf: record.asOf,
    currentPrice: record.currentPrice,
    shortTerm: termView(record, 'shortTerm'),
    mediumTerm: termView(record, 'mediumTerm'),
    longTerm: termView(record, 'longTerm'),
    bullishScore: record.bullishScore,
    riskLevel: record.riskLevel as RiskLevel,
    overallSentiment: record.overallSentiment as OutlookSentiment,
    sentimentSource: (record.sentimentSource ?? 'forecast') as SentimentSource,
    technicalIndicators: record.indicators as TechnicalIndicators | null,
    signals: record.signals as Signals | null,
    model: modelView(record),
    note: trackRecordNote(record),
  };
}

export interface StatisticalView {
  symbol: string;
  currency: string;
  asOf: string | null;
  currentPrice: number;
  predictions: { shortTerm: TermView; mediumTerm: TermView; longTerm: TermView };
  technicalIndicators: TechnicalIndicators;
  signals: Signals;
  overallOutlook: { sentiment: OutlookSentiment; bullishScore: number; riskLevel: RiskLevel; sentimentSource: SentimentSource };
  model: ModelView;
  note: string;
}

/** API_CONTRACT's statistical-prediction answer. */
export function statisticalView(record: PredictionRecord, currency: string, extraNote: string | null = null): StatisticalView {
  const view = predictionView(record, currency);
  return {
    symbol: view.symbol,
    currency,
    asOf: view.asOf,
    currentPrice: view.currentPrice,
    predictions: { shortTerm: view.shortTerm, mediumTerm: view.mediumTerm, longTerm: view.longTerm },
    technicalIndicators: view.technicalIndicators!,
    signals: view.signals!,
    overallOutlook: { sentiment: view.overallSentiment, bullishScore: view.bullishScore, riskLevel: view.riskLevel, sentimentSource: view.sentimentSource },
    model: view.model,
    note: extraNote === null ? view.note : `${extraNote} ${view.note}`,
  };
}
