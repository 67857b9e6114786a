// The technical side of a prediction and the overall outlook, from daily bars and the served
// terms: the indicators the client shows, four signals, the risk level, the bullish score and the
// overall sentiment. Pure functions (no I/O).
import { bollinger, macd, rsi, sma } from '../../domain/indicators/index.ts';
import { priceSeries } from '../../domain/forecast/features.ts';
import type { Bar } from '../../domain/market/bar.ts';

export type Signal = 'Bullish' | 'Bearish' | 'Neutral';
export type RiskLevel = 'Low' | 'Medium' | 'High';
export type OutlookSentiment = 'Bullish' | 'Bearish' | 'Neutral';
/** Where overallSentiment came from: the news sentiment aggregate, or the forecast and indicators. */
export type SentimentSource = 'news' | 'forecast';

/** The latest values; null while the series is too short for one. Prices in the bars' currency. */
export interface TechnicalIndicators {
  rsi: number | null;
  macd: number | null;
  macdSignal: number | null;
  macdHistogram: number | null;
  sma20: number | null;
  sma50: number | null;
  bollingerUpper: number | null;
  bollingerLower: number | null;
  /** Annualised volatility of the last 20 daily log returns, in percent. */
  volatility: number | null;
}

export interface Signals {
  /** MACD histogram above zero (the MACD line above its signal line). */
  macd: Signal;
  /** Below 30 oversold (Bullish), above 70 overbought (Bearish). */
  rsi: Signal;
  /** SMA 20 above SMA 50. */
  maCross: Signal;
  /** Close below the lower band (Bullish: stretched down) or above the upper one (Bearish). */
  bollinger: Signal;
}

const TRADING_DAYS = 252;
const VOLATILITY_DAYS = 20;

const finite = (value: number | undefined, digits: number): number | null =>
  value === undefined || !Number.isFinite(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits;

/** Indicators of the last bar, on split- and dividend-adjusted prices (a split is not a crash). */
export function technicalIndicators(bars: readonly Bar[]): TechnicalIndicators {
  const { close } = priceSeries(bars);
  const at = close.length - 1;
  const m = macd(close);
  const bands = bollinger(close, 20, 2);
  return {
    rsi: finite(rsi(close, 14)[at], 2),
    macd: finite(m.macd[at], 4),
    macdSignal: finite(m.signal[at], 4),
    macdHistogram: finite(m.histogram[at], 4),
    sma20: finite(sma(close, 20)[at], 4),
    sma50: finite(sma(close, 50)[at], 4),
    bollingerUpper: finite(bands.upper[at], 4),
    bollingerLower: finite(bands.lower[at], 4),
    volatility: finite(annualisedVolatility(close), 2),
  };
}

/** Sample standard deviation of the last 20 daily log returns × √252, in percent (NaN when too short). */
export function annualisedVolatility(close: Float64Array, days = VOLATILITY_DAYS): number {
  if (close.length < days + 1) return Number.NaN;
  const returns: number[] = [];
  for (let t = close.length - days; t < close.length; t++) returns.push(Math.log(close[t]! / close[t - 1]!));
  const mean = returns.reduce((sum, r) => sum + r, 0) / days;
  const variance = returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (days - 1);
  return Math.sqrt(variance * TRADING_DAYS) * 100;
}

const sign = (value: number | null): Signal => (value === null || value === 0 ? 'Neutral' : value > 0 ? 'Bullish' : 'Bearish');

export function signalsOf(indicators: TechnicalIndicators, close: number): Signals {
  const { rsi: r, sma20, sma50, bollingerUpper: upper, bollingerLower: lower } = indicators;
  return {
    macd: sign(indicators.macdHistogram),
    rsi: r === null ? 'Neutral' : r < 30 ? 'Bullish' : r > 70 ? 'Bearish' : 'Neutral',
    maCross: sma20 === null || sma50 === null ? 'Neutral' : sign(sma20 - sma50),
    bollinger: upper === null || lower === null ? 'Neutral' : close < lower ? 'Bullish' : close > upper ? 'Bearish' : 'Neutral',
  };
}

/** Volatility bands: an index fund is Low (≈15 %), a large cap Medium (25–40 %), a speculative stock High. */
export const RISK_BANDS = { low: 25, high: 45 } as const;

export function riskLevelOf(volatility: number | null): RiskLevel {
  if (volatility === null) return 'Medium';
  return volatility < RISK_BANDS.low ? 'Low' : volatility < RISK_BANDS.high ? 'Medium' : 'High';
}

/** A term's direction as the forecast gives it: change in percent, confidence 0–100 that the close ends on that side. */
export interface TermDirection {
  change: number;
  confidence: number;
}

/** The weights of the bullish score's parts; without a news sentiment the other two share its weight. */
export const SCORE_WEIGHTS = { forecast: 0.5, technical: 0.3, sentiment: 0.2 } as const;

const SIGNAL_VALUE: Record<Signal, number> = { Bullish: 1, Neutral: 0, Bearish: -1 };

/**
 * 0–100, 50 neutral: the weighted mean of (a) the forecast, P(up) − P(down) per term averaged,
 * (b) the four signals (+1 bullish, −1 bearish) averaged, and (c) the news sentiment score (−1…1)
 * when there is one.
 */
export function bullishScoreOf(terms: readonly TermDirection[], signals: Signals, sentimentScore: number | null): number {
  const forecast = terms.length === 0 ? 0 : terms.reduce((sum, term) => {
    const onSide = term.confidence / 100;
    const up = term.change > 0 ? onSide : term.change < 0 ? 1 - onSide : 0.5;
    return sum + (2 * up - 1);
  }, 0) / terms.length;
  const values = Object.values(signals) as Signal[];
  const technical = values.reduce((sum, s) => sum + SIGNAL_VALUE[s], 0) / values.length;
  const parts: [number, number][] = [[SCORE_WEIGHTS.forecast, forecast], [SCORE_WEIGHTS.technical, technical]];
  if (sentimentScore !== null && Number.isFinite(sentimentScore)) parts.push([SCORE_WEIGHTS.sentiment, Math.max(-1, Math.min(1, sentimentScore))]);
  const weight = parts.reduce((sum, [w]) => sum + w, 0);
  const combined = parts.reduce((sum, [w, v]) => sum + w * v, 0) / weight;
  return Math.max(0, Math.min(100, Math.round(50 + 50 * combined)));
}

/** Bullish from 60, Bearish up to 40. */
export function sentimentOfScore(bullishScore: number): OutlookSentiment {
  return bullishScore >= 60 ? 'Bullish' : bullishScore <= 40 ? 'Bearish' : 'Neutral';
}

/** A news label (positive, Bullish, …) as the outlook's word. */
export function sentimentOfLabel(label: string): OutlookSentiment {
  const word = label.toLowerCase();
  if (word.includes('bull') || word.includes('positive')) return 'Bullish';
  if (word.includes('bear') || word.includes('negative')) return 'Bearish';
  return 'Neutral';
}
