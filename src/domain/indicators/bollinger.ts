// Bollinger Bands, as TA-Lib's BBANDS with an SMA: middle = SMA(period); the bands are middle ± k
// population standard deviations, the deviation taken as TA-Lib does from a running sum of squares:
// sqrt(mean of squares − middle²), and 0 when that is below TA-Lib's epsilon (flat prices).
// First value at index period − 1.

import { checkPeriod, ringSize, seriesBlock, seriesLength, StreamCursor, TA_EPSILON, WHOLE, type ValueStream } from './kernel.ts';
import { smaKernel } from './sma.ts';

export interface BollingerValues<T = number> {
  upper: T;
  middle: T;
  lower: T;
}

export function bollingerLookback(period = 20): number {
  return period - 1;
}

function checkBollinger(period: number, k: number): void {
  checkPeriod('Bollinger period', period, 2);
  if (!Number.isFinite(k)) throw new RangeError(`Bollinger deviation multiplier must be a finite number, got ${k}`);
}

/**
 * Advances the bands over bars [from, to) given the middle band (smaKernel over the same values
 * and period). State: [running sum of squares].
 */
export function bollingerKernel(
  values: Float64Array, middle: Float64Array, upper: Float64Array, lower: Float64Array,
  mask: number, from: number, to: number, before: Float64Array, after: Float64Array, period: number, k: number,
): void {
  let squares = before[0]!;
  let i = from;
  for (const end = Math.min(to, period - 1); i < end; i++) {
    const value = values[i & mask]!;
    squares += value * value;
    upper[i & mask] = NaN;
    lower[i & mask] = NaN;
  }
  for (; i < to; i++) {
    const at = i & mask;
    const value = values[at]!;
    squares += value * value;
    let variance = squares / period;
    const leaving = values[(i - period + 1) & mask]!;
    squares -= leaving * leaving;
    const mean = middle[at]!;
    variance -= mean * mean;
    const width = (variance < TA_EPSILON ? 0 : Math.sqrt(variance)) * k;
    upper[at] = mean + width;
    lower[at] = mean - width;
  }
  after[0] = squares;
}

/** Bollinger Bands of the closes; NaN for the first period − 1 bars. */
export function bollinger(close: Float64Array, period = 20, k = 2): BollingerValues<Float64Array> {
  checkBollinger(period, k);
  const length = seriesLength({ close });
  const [upper, middle, lower] = seriesBlock(length, 3) as [Float64Array, Float64Array, Float64Array];
  const bands = { upper, middle, lower };
  const smaState = new Float64Array(1);
  smaKernel(close, bands.middle, WHOLE, 0, length, smaState, smaState, period);
  const state = new Float64Array(1);
  bollingerKernel(close, bands.middle, bands.upper, bands.lower, WHOLE, 0, length, state, state, period, k);
  return bands;
}

/** Bollinger Bands, one close at a time. */
export class BollingerStream implements ValueStream<BollingerValues> {
  private readonly smaCursor = new StreamCursor(new Float64Array(1));
  private readonly cursor = new StreamCursor(new Float64Array(1));
  private readonly mask: number;
  private readonly close: Float64Array;
  private readonly middle: Float64Array;
  private readonly upper: Float64Array;
  private readonly lower: Float64Array;

  constructor(readonly period = 20, readonly k = 2) {
    checkBollinger(period, k);
    const size = ringSize(period - 1);
    this.mask = size - 1;
    this.close = new Float64Array(size);
    this.middle = new Float64Array(size);
    this.upper = new Float64Array(size);
    this.lower = new Float64Array(size);
  }

  get bars(): number {
    return this.cursor.bars;
  }

  update(close: number): BollingerValues {
    this.smaCursor.append();
    return this.run(this.cursor.append(), close);
  }

  replace(close: number): BollingerValues {
    this.smaCursor.revise();
    return this.run(this.cursor.revise(), close);
  }

  private run(i: number, close: number): BollingerValues {
    const { smaCursor, cursor, mask } = this;
    this.close[i & mask] = close;
    smaKernel(this.close, this.middle, mask, i, i + 1, smaCursor.before, smaCursor.after, this.period);
    bollingerKernel(this.close, this.middle, this.upper, this.lower, mask, i, i + 1, cursor.before, cursor.after, this.period, this.k);
    const at = i & mask;
    return { upper: this.upper[at]!, middle: this.middle[at]!, lower: this.lower[at]! };
  }
}
