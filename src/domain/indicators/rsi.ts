// Relative strength index, as TA-Lib's RSI: Wilder's smoothing of gains and losses. The first
// averages are the plain means of the first `period` changes (first value at index period);
// then avg = (avg × (period − 1) + change) / period. RSI = 100 × gain / (gain + loss), and 0 when
// both averages are zero (TA-Lib's flat-price answer).

import { checkPeriod, isZero, select, seriesLength, StreamCursor, WHOLE, type ValueStream } from './kernel.ts';

export function rsiLookback(period: number): number {
  return period;
}

function rsiOf(gain: number, loss: number): number {
  const total = gain + loss;
  return isZero(total) ? 0 : 100 * (gain / total);
}

/** Advances RSI(period) over bars [from, to). State: [previous close, average gain, average loss]. */
export function rsiKernel(
  close: Float64Array, out: Float64Array, mask: number, from: number, to: number,
  before: Float64Array, after: Float64Array, period: number,
): void {
  let previous = before[0]!;
  let gain = before[1]!;
  let loss = before[2]!;
  let i = from;
  for (const end = Math.min(to, period + 1); i < end; i++) {
    const value = close[i & mask]!;
    out[i & mask] = NaN;
    if (i > 0) {
      const change = value - previous;
      const falling = +(change < 0);
      loss -= select(falling, change, 0);
      gain += select(falling, -0, change);
      if (i === period) {
        loss /= period;
        gain /= period;
        out[i & mask] = rsiOf(gain, loss);
      }
    }
    previous = value;
  }
  for (; i < to; i++) {
    const value = close[i & mask]!;
    const change = value - previous;
    previous = value;
    // TA-Lib: if (change < 0) loss −= change; else gain += change (x − 0 and x + −0 are x).
    const falling = +(change < 0);
    loss = (loss * (period - 1) - select(falling, change, 0)) / period;
    gain = (gain * (period - 1) + select(falling, -0, change)) / period;
    out[i & mask] = rsiOf(gain, loss);
  }
  after[0] = previous;
  after[1] = gain;
  after[2] = loss;
}

/** RSI of the closes; NaN for the first `period` bars. */
export function rsi(close: Float64Array, period = 14): Float64Array {
  checkPeriod('RSI period', period, 2);
  const length = seriesLength({ close });
  const out = new Float64Array(length);
  const state = new Float64Array(3);
  rsiKernel(close, out, WHOLE, 0, length, state, state, period);
  return out;
}

/** RSI(period), one close at a time. */
export class RsiStream implements ValueStream {
  private readonly cursor = new StreamCursor(new Float64Array(3));
  private readonly close = new Float64Array(1);
  private readonly out = new Float64Array(1);

  constructor(readonly period = 14) {
    checkPeriod('RSI period', period, 2);
  }

  get bars(): number {
    return this.cursor.bars;
  }

  update(close: number): number {
    return this.run(this.cursor.append(), close);
  }

  replace(close: number): number {
    return this.run(this.cursor.revise(), close);
  }

  private run(i: number, close: number): number {
    const { cursor } = this;
    this.close[0] = close;
    rsiKernel(this.close, this.out, 0, i, i + 1, cursor.before, cursor.after, this.period);
    return this.out[0]!;
  }
}
