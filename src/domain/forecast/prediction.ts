// What a served forecast says, and its short/medium/long-term terms as the API shows them
// (API_CONTRACT's statistical-prediction `predictions`, the seed's StockPrediction).

/** One horizon of a served forecast, in prices. */
export interface HorizonForecast {
  /** Trading days ahead. */
  days: number;
  /** Forecast close (the median of the predicted distribution). */
  target: number;
  /** target − last close. */
  change: number;
  /** change / last close, in percent. */
  changePercent: number;
  /** The 80 % interval, from the backtest's residuals at this horizon scaled by current volatility. */
  low: number;
  high: number;
  /** Probability (0–1), read off the backtest residuals, that the close ends on the forecast's side of today's. */
  confidence: number;
}

/** How the served model did in its walk-forward backtest at one horizon. */
export interface HorizonTrackRecord {
  /** MAE over the random walk's MAE (below 1 beats the random walk). */
  mase: number;
  directionalAccuracy: number;
  /** Share of prices that fell inside the model's own 10–90 % quantiles. */
  coverage80: number;
  /** Share of those backtest periods in which the price rose (what "always up" would score). */
  upShare: number;
  beatsRandomWalk: boolean;
}

/** Where the served model came from: trained by the user, shipped in the repository, or not saved. */
export type ModelSource = 'user' | 'shipped' | 'memory';

export interface PriceForecast {
  symbol: string | null;
  /** Session date of the last bar read. */
  asOf: string;
  lastClose: number;
  horizons: Record<number, HorizonForecast>;
  model: { name: string; version: string; trainedThrough: string; source: ModelSource };
  backtest: Record<number, HorizonTrackRecord>;
}

export type Trend = 'Uptrend' | 'Downtrend' | 'Sideways';

/**
 * A direction the backtest backs at least this often is a trend; anything less sure is sideways
 * (a coin flip with a forecast attached is not a trend).
 */
export const TREND_CONFIDENCE = 0.6;

export function trendOf(horizon: HorizonForecast): Trend {
  if (horizon.confidence < TREND_CONFIDENCE || horizon.change === 0) return 'Sideways';
  return horizon.change > 0 ? 'Uptrend' : 'Downtrend';
}

export interface PredictionTerm {
  period: string;
  targetPrice: number;
  /** Percent. */
  change: number;
  /** Percent (0–100). */
  confidence: number;
  trend: Trend;
  low: number;
  high: number;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The 7, 30 and 90-day horizons as shortTerm, mediumTerm and longTerm. */
export function predictionTerms(forecast: PriceForecast): { shortTerm: PredictionTerm; mediumTerm: PredictionTerm; longTerm: PredictionTerm } {
  const term = (days: number): PredictionTerm => {
    const horizon = forecast.horizons[days];
    if (horizon === undefined) throw new RangeError(`the forecast has no ${days}-day horizon`);
    return {
      period: `${days} days`,
      targetPrice: round(horizon.target, 2),
      change: round(horizon.changePercent, 2),
      confidence: round(horizon.confidence * 100, 1),
      trend: trendOf(horizon),
      low: round(horizon.low, 2),
      high: round(horizon.high, 2),
    };
  };
  return { shortTerm: term(7), mediumTerm: term(30), longTerm: term(90) };
}
