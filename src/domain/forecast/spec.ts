// What a forecast model is made of: the features it reads, the window it reads them over, the
// horizons it answers for. A saved model records these; one trained on anything else is refused.

/** Trading days ahead: short, medium and long term (seed §5.2). */
export const HORIZONS = [7, 30, 90] as const;
export type Horizon = (typeof HORIZONS)[number];

/** Trading days of features the model reads for one forecast. */
export const FORECAST_WINDOW = 40;

/**
 * The daily features, in column order. Each is scale-free (returns, ratios, oscillators), so one
 * model serves a $10 and a $3,000 stock alike.
 */
export const FEATURE_NAMES = [
  'logReturn',
  'logRange',
  'logVolumeRatio20',
  'rsi14',
  'macdHistogram',
  'volatility20',
  'trend50',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Bars before the first one whose features are all defined (SMA50 of the close is the longest look-back). */
export const FEATURE_WARM_UP = 49;

/** Fewest bars a forecast needs: the warm-up, then a full window. */
export const MIN_FORECAST_BARS = FEATURE_WARM_UP + FORECAST_WINDOW;

/** The return quantiles the model predicts per horizon; 10 % and 90 % bound an 80 % interval. */
export const QUANTILES = [0.1, 0.5, 0.9] as const;

/** Two-sided 80 % normal interval: Φ⁻¹(0.9). */
export const Z_80 = 1.2815515655446004;

/**
 * Floor of the daily volatility that scales returns: a stock that barely moved for 20 days would
 * otherwise turn an ordinary move into a huge standardised one.
 */
export const VOLATILITY_FLOOR = 0.004;
