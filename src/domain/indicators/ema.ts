// Exponential moving average, as TA-Lib's EMA: seeded with the SMA of the first `period` values
// (first value at index period − 1), then ema = (value − ema) × k + ema with k = 2 / (period + 1).

import { checkPeriod, emaFactor, seriesLength, StreamCursor, WHOLE, type ValueStream } from './kernel.ts';

export function emaLookback(period: number): number {
  return period - 1;
}

/**
 * Advances EMA(period, k) over bars [from, to). State: [seed total, ema]. The seed is the mean
 * of the `period` values from bar `start` (TA-Lib seeds MACD's fast EMA and its signal line
 * late like this), so the first value is at start + period − 1.
 */
export function emaKernel(
  values: Float64Array, out: Float64Array, mask: number, from: number, to: number,
  before: Float64Array, after: Float64Array, period: number, k: number, start = 0,
): void {
  let total = before[0]!;
  let ema = before[1]!;
  const seedAt = start + period - 1;
  let i = from;
  for (const end = Math.min(to, start); i < end; i++) out[i & mask] = NaN;
  for (const end = Math.min(to, seedAt); i < end; i++) {
    total += values[i & mask]!;
    out[i & mask] = NaN;
  }
  if (i === seedAt && i < to) {
    total += values[i & mask]!;
    ema = total / period;
    out[i & mask] = ema;
    i++;
  }
  for (; i < to; i++) {
    ema = (values[i & mask]! - ema) * k + ema;
    out[i & mask] = ema;
  }
  after[0] = total;
  after[1] = ema;
}

/** Exponential moving average of `values`; NaN for the first period − 1 bars. */
export function ema(values: Float64Array, period: number): Float64Array {
  checkPeriod('EMA period', period, 2);
  const length = seriesLength({ values });
  const out = new Float64Array(length);
  const state = new Float64Array(2);
  emaKernel(values, out, WHOLE, 0, length, state, state, period, emaFactor(period));
  return out;
}

/** EMA(period), one value at a time. */
export class EmaStream implements ValueStream {
  private readonly cursor = new StreamCursor(new Float64Array(2));
  private readonly k: number;
  private readonly values = new Float64Array(1);
  private readonly out = new Float64Array(1);

  constructor(readonly period: number) {
    checkPeriod('EMA period', period, 2);
    this.k = emaFactor(period);
  }

  get bars(): number {
    return this.cursor.bars;
  }

  update(value: number): number {
    return this.run(this.cursor.append(), value);
  }

  replace(value: number): number {
    return this.run(this.cursor.revise(), value);
  }

  private run(i: number, value: number): number {
    const { cursor } = this;
    this.values[0] = value;
    emaKernel(this.values, this.out, 0, i, i + 1, cursor.before, cursor.after, this.period, this.k);
    return this.out[0]!;
  }
}
