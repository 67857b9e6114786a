// Simple moving average, as TA-Lib's SMA: a running total that adds the new value, divides by the
// period and subtracts the value leaving the window. First value at index period − 1.

import { checkPeriod, ringSize, seriesLength, StreamCursor, WHOLE, type ValueStream } from './kernel.ts';

export function smaLookback(period: number): number {
  return period - 1;
}

/**
 * Advances SMA(period) over bars [from, to) of `values` into `out`. State: [running total].
 * The average starts at bar `start` (values before it are not read), so it can smooth another
 * indicator's output as TA-Lib's MA does; period 1 copies the values, as TA_MA does.
 */
export function smaKernel(
  values: Float64Array, out: Float64Array, mask: number, from: number, to: number,
  before: Float64Array, after: Float64Array, period: number, start = 0,
): void {
  let total = before[0]!;
  let i = from;
  for (const end = Math.min(to, start); i < end; i++) out[i & mask] = NaN;
  if (period === 1) {
    for (; i < to; i++) out[i & mask] = values[i & mask]!;
  } else {
    for (const end = Math.min(to, start + period - 1); i < end; i++) {
      total += values[i & mask]!;
      out[i & mask] = NaN;
    }
    for (; i < to; i++) {
      total += values[i & mask]!;
      out[i & mask] = total / period;
      total -= values[(i - period + 1) & mask]!;
    }
  }
  after[0] = total;
}

/** Simple moving average of `values`; NaN for the first period − 1 bars. */
export function sma(values: Float64Array, period: number): Float64Array {
  checkPeriod('SMA period', period, 2);
  const length = seriesLength({ values });
  const out = new Float64Array(length);
  const state = new Float64Array(1);
  smaKernel(values, out, WHOLE, 0, length, state, state, period);
  return out;
}

/** SMA(period), one value at a time. */
export class SmaStream implements ValueStream {
  private readonly cursor = new StreamCursor(new Float64Array(1));
  private readonly mask: number;
  private readonly values: Float64Array;
  private readonly out: Float64Array;

  constructor(readonly period: number) {
    checkPeriod('SMA period', period, 2);
    const size = ringSize(period - 1);
    this.mask = size - 1;
    this.values = new Float64Array(size);
    this.out = new Float64Array(size);
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
    const { cursor, mask } = this;
    this.values[i & mask] = value;
    smaKernel(this.values, this.out, mask, i, i + 1, cursor.before, cursor.after, this.period);
    return this.out[i & mask]!;
  }
}
