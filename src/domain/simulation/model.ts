// The simulator's vocabulary: its constants, what distinguishes one symbol from another, and its bar.
import type { Bar } from '../market/bar.ts';

/** An OHLCV bar as simulated (no adjusted close): `timestamp` is 00:00 UTC of the session date for daily bars, the minute's start for minute bars. */
export type SimulatedBar = Omit<Bar, 'adjustedClose'>;

/** What distinguishes one simulated symbol from another. */
export interface SymbolParameters {
  /** Long-run annualised volatility of the diffusion, before news moves. */
  annualVolatility: number;
  /** Annual log drift of the price trend. */
  annualDrift: number;
  /** Trend price in 2026, the level the path reverts to; a referenced symbol's reference price. */
  basePrice: number;
  /** Typical shares traded per full session. */
  averageVolume: number;
  sharesOutstanding: number;
}

/**
 * Where a real company stands, so its simulated path starts from a believable level: approximate,
 * for the simulation only. The last close before 1 January of `SIMULATION_MODEL.trendAnchorYear` is
 * `price`, and market cap is price × `sharesOutstanding`.
 */
export interface SymbolReference {
  /** USD per share. */
  price: number;
  sharesOutstanding: number;
}

/** The model's constants, exported so reports and tests can quote them. */
export const SIMULATION_MODEL = {
  firstYear: 1990,
  lastYear: 2099,
  tradingDaysPerYear: 252,
  fullSessionMinutes: 390,
  /** Annual volatility = min + (max - min) · u², so most symbols are large-cap-like and a few are wild. */
  volatility: { min: 0.15, max: 0.6 },
  /** The same for a referenced symbol: a large listed company, so large-cap volatility only. */
  referencedVolatility: { min: 0.15, max: 0.4 },
  drift: { min: -0.04, max: 0.16 },
  basePrice: { min: 10, max: 400 },
  averageVolume: { min: 300_000, max: 30_000_000 },
  /** Shares outstanding = average volume × this, i.e. 0.3–1.25% daily turnover. */
  sharesPerDailyVolume: { min: 80, max: 400 },
  /** The trend flattens beyond this many years from 2026, so 1990 and 2099 prices stay plausible. */
  trendHorizonYears: 12,
  /** The trend's anchor, and the reference year: a referenced symbol's last close before 1 January is its price. */
  trendAnchorYear: 2026,
  /** Share of the year-end deviation from trend that decays each year. */
  meanReversionPerYear: 0.2,
  /** Deviation from trend is reflected inside ± this (log), a factor of about 5. */
  maxLogDeviation: 1.6,
  regime: {
    /** Daily chance a calm market turns turbulent, and back; turbulent spells last ~10 sessions, 1/6 of the time. */
    calmToTurbulent: 0.02,
    turbulentToCalm: 0.1,
    /** Volatility multipliers; their stationary mean variance is 1, so the symbol's volatility is the long-run one. */
    calmMultiplier: Math.sqrt(1 / 1.5),
    turbulentMultiplier: 2 * Math.sqrt(1 / 1.5),
  },
  /** Share of a day's variance that falls overnight (the gap between the previous close and the open). */
  overnightVarianceShare: 0.25,
  news: {
    /** Chance per session of a news move. */
    probability: 0.025,
    /** Size: min + exponential(mean excess), either sign. */
    minMove: 0.06,
    meanExcess: 0.02,
    /** Chance the move lands overnight (in the gap) rather than during the session. */
    overnightShare: 0.6,
    /** Volume on news days: × (min..max). */
    volumeMultiplier: { min: 1.8, max: 3.5 },
  },
  volumeSpike: { probability: 0.03, min: 2.5, max: 6 },
  /** Daily volume noise (log-normal sigma) and the turbulent-regime boost. */
  volumeNoise: 0.25,
  turbulentVolumeMultiplier: 1.3,
  /** Volume grows with the size of the move: × (1 + this · min(|return| / daily sigma, 4)) / normaliser. */
  volumePerSigmaMove: 0.25,
  /** Half-day sessions trade about this share of a normal day's volume. */
  earlyCloseVolumeShare: 0.6,
  intraday: {
    /** U-shaped minute volume weight: 1 + open·e^(−k/openDecay) + close·e^(−(n−1−k)/closeDecay). */
    openBoost: 2.4,
    openDecayMinutes: 18,
    closeBoost: 1.6,
    closeDecayMinutes: 22,
    volumeNoise: 0.35,
    volumePerSigmaMove: 0.5,
    /** Chance the high comes before the low on a down day (and the low before the high on an up day). */
    extremeOrderBias: 0.75,
  },
} as const;
