// The scanner's rules, each stated once (the README quotes them). A "period" is a bar of the
// timeframe being scanned: a session, a week or a month.
import { DAY_MS } from '../time.ts';

export const SCAN_RULES = {
  /** Unusual volume: the period's volume above this multiple of the average of the periods before it. */
  unusualVolumeRatio: 2,
  /** How many periods before the current one that average covers. */
  averageVolumePeriods: 20,
  /** A breakout: a move larger than this, in percent, either way... */
  breakoutMovePercent: 5,
  /** ...or a close above the highest high / below the lowest low of this many periods before the current one. */
  breakoutRangePeriods: 20,
  /** Support and resistance come from swing points among this many periods before the current one. */
  swingLookback: 60,
  /** A swing high (low) is higher (lower) than this many periods on each side. */
  swingStrength: 2,
  /** RSI at or above this votes bullish; at or below `rsiBearish`, bearish. */
  rsiBullish: 55,
  rsiBearish: 45,
  /** A symbol whose last bar is this much older than the newest bar of the scan is left out (halted, delisted, not fetched). */
  staleAfterDays: 7,
} as const;

/** Periods a symbol needs to be scanned: the current one and the 20 before it. */
export const MIN_SCAN_PERIODS = Math.max(SCAN_RULES.averageVolumePeriods, SCAN_RULES.breakoutRangePeriods) + 1;

/** Periods the scan reads of each symbol: the current one and the swing lookback before it. */
export const SCAN_WINDOW_PERIODS = Math.max(SCAN_RULES.swingLookback, MIN_SCAN_PERIODS - 1) + 1;

export type Trend = 'Bullish' | 'Bearish' | 'Neutral';
export const TRENDS: readonly Trend[] = ['Bullish', 'Bearish', 'Neutral'];

/** Mean volume of the `periods` bars before bar `end`; NaN when there are fewer. */
export function averageVolume(volume: Float64Array, end: number, periods: number = SCAN_RULES.averageVolumePeriods): number {
  if (end < periods) return Number.NaN;
  let sum = 0;
  for (let i = end - periods; i < end; i += 1) sum += volume[i]!;
  return sum / periods;
}

/** volume ÷ average; 0 when there is no average to compare with (no volume traded before). */
export function volumeRatio(volume: number, average: number): number {
  return average > 0 ? volume / average : 0;
}

export function isUnusualVolume(ratio: number): boolean {
  return ratio > SCAN_RULES.unusualVolumeRatio;
}

/** Highest high and lowest low of the `periods` bars before bar `end`. */
export function priorRange(high: Float64Array, low: Float64Array, end: number, periods: number = SCAN_RULES.breakoutRangePeriods): { high: number; low: number } {
  let highest = Number.NaN;
  let lowest = Number.NaN;
  for (let i = Math.max(0, end - periods); i < end; i += 1) {
    if (!(high[i]! <= highest)) highest = high[i]!;
    if (!(low[i]! >= lowest)) lowest = low[i]!;
  }
  return { high: highest, low: lowest };
}

/** A move beyond ±5%, or a close out of the prior 20-period range. */
export function isBreakout(close: number, changePercent: number, prior: { high: number; low: number }): boolean {
  return Math.abs(changePercent) > SCAN_RULES.breakoutMovePercent || close > prior.high || close < prior.low;
}

/**
 * Support: the highest swing low at or below the close; resistance: the lowest swing high at or
 * above it; null when no swing point lies on that side. Swing points are looked for among the
 * `lookback` bars before bar `end`; a bar is a swing high when its high is above the `strength` bars
 * before it and not below the `strength` bars after it (the current bar counts as an "after"), and
 * a swing low likewise.
 */
export function supportResistance(
  high: Float64Array, low: Float64Array, close: number, end: number,
  lookback: number = SCAN_RULES.swingLookback, strength: number = SCAN_RULES.swingStrength,
): { support: number | null; resistance: number | null } {
  let support: number | null = null;
  let resistance: number | null = null;
  const start = Math.max(0, end - lookback);
  for (let i = start + strength; i + strength <= end && i < end; i += 1) {
    let swingHigh = true;
    let swingLow = true;
    for (let j = i - strength; j < i; j += 1) {
      if (!(high[i]! > high[j]!)) swingHigh = false;
      if (!(low[i]! < low[j]!)) swingLow = false;
    }
    for (let j = i + 1; j <= i + strength; j += 1) {
      if (!(high[i]! >= high[j]!)) swingHigh = false;
      if (!(low[i]! <= low[j]!)) swingLow = false;
    }
    if (swingHigh && high[i]! >= close && (resistance === null || high[i]! < resistance)) resistance = high[i]!;
    if (swingLow && low[i]! <= close && (support === null || low[i]! > support)) support = low[i]!;
  }
  return { support, resistance };
}

/** What the trend rule reads; NaN or null for a value the history is too short for. */
export interface TrendInputs {
  close: number;
  rsi: number | null;
  macd: number | null;
  macdSignal: number | null;
  sma20: number | null;
  sma50: number | null;
  sma200: number | null;
}

const known = (value: number | null): value is number => value !== null && !Number.isNaN(value);
const sign = (value: number): -1 | 0 | 1 => (value > 0 ? 1 : value < 0 ? -1 : 0);

/**
 * The trend, from three votes of +1 (bullish), −1 (bearish) or 0:
 *  - moving averages: close > SMA 50 > SMA 200 votes +1, close < SMA 50 < SMA 200 votes −1, anything
 *    else 0; with too short a history for SMA 200, the close against SMA 50 votes (against SMA 20
 *    when SMA 50 is missing too);
 *  - MACD: the MACD line above its signal line +1, below −1;
 *  - RSI 14: ≥ 55 votes +1, ≤ 45 votes −1, in between 0.
 * A vote whose inputs are missing is not cast. Bullish when the net vote reaches two thirds of the
 * votes cast, rounded up (2 of 3, 2 of 2, 1 of 1); Bearish likewise; otherwise Neutral.
 */
export function trendOf(inputs: TrendInputs): Trend {
  const votes: number[] = [];
  const { close, sma20, sma50, sma200 } = inputs;
  if (known(sma50) && known(sma200)) {
    votes.push(close > sma50 && sma50 > sma200 ? 1 : close < sma50 && sma50 < sma200 ? -1 : 0);
  } else if (known(sma50)) {
    votes.push(sign(close - sma50));
  } else if (known(sma20)) {
    votes.push(sign(close - sma20));
  }
  if (known(inputs.macd) && known(inputs.macdSignal)) votes.push(sign(inputs.macd - inputs.macdSignal));
  if (known(inputs.rsi)) votes.push(inputs.rsi >= SCAN_RULES.rsiBullish ? 1 : inputs.rsi <= SCAN_RULES.rsiBearish ? -1 : 0);
  if (votes.length === 0) return 'Neutral';
  const net = votes.reduce((sum, vote) => sum + vote, 0);
  const needed = Math.ceil((2 * votes.length) / 3);
  return net >= needed ? 'Bullish' : net <= -needed ? 'Bearish' : 'Neutral';
}

/** Whether a symbol's last bar is recent enough to be scanned beside the newest bar of the scan. */
export function isCurrent(lastBarTime: number, newestBarTime: number): boolean {
  return lastBarTime >= newestBarTime - SCAN_RULES.staleAfterDays * DAY_MS;
}
