// Average true range, as TA-Lib's ATR: Wilder's smoothing of the true range. The first value (at
// index period) is the mean of the true ranges of bars 1..period; then
// atr = (atr × (period − 1) + trueRange) / period. Period 1 is the true range itself (TRANGE).

import { checkPeriod, seriesLength, StreamCursor, trueRange, WHOLE, type BarStream, type PriceBar } from './kernel.ts';

export function atrLookback(period = 14): number {
  return period;
}

/** Advances ATR(period) over bars [from, to). State: [previous close, true-range total, atr]. */
export function atrKernel(
  high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array,
  mask: number, from: number, to: number, before: Float64Array, after: Float64Array, period: number,
): void {
  let previousClose = before[0]!;
  let total = before[1]!;
  let atr = before[2]!;
  let i = from;
  for (const end = Math.min(to, period + 1); i < end; i++) {
    const at = i & mask;
    out[at] = NaN;
    if (i > 0) {
      total += trueRange(high[at]!, low[at]!, previousClose);
      if (i === period) {
        atr = total / period;
        out[at] = atr;
      }
    }
    previousClose = close[at]!;
  }
  for (; i < to; i++) {
    const at = i & mask;
    const range = trueRange(high[at]!, low[at]!, previousClose);
    previousClose = close[at]!;
    atr = period === 1 ? range : (atr * (period - 1) + range) / period;
    out[at] = atr;
  }
  after[0] = previousClose;
  after[1] = total;
  after[2] = atr;
}

/** Average true range; NaN for the first `period` bars. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod('ATR period', period, 1);
  const length = seriesLength({ high, low, close });
  const out = new Float64Array(length);
  const state = new Float64Array(3);
  atrKernel(high, low, close, out, WHOLE, 0, length, state, state, period);
  return out;
}

/** ATR(period), one bar at a time. */
export class AtrStream implements BarStream {
  private readonly cursor = new StreamCursor(new Float64Array(3));
  private readonly high = new Float64Array(1);
  private readonly low = new Float64Array(1);
  private readonly close = new Float64Array(1);
  private readonly out = new Float64Array(1);

  constructor(readonly period = 14) {
    checkPeriod('ATR period', period, 1);
  }

  get bars(): number {
    return this.cursor.bars;
  }

  update(bar: PriceBar): number {
    return this.run(this.cursor.append(), bar);
  }

  replace(bar: PriceBar): number {
    return this.run(this.cursor.revise(), bar);
  }

  private run(i: number, bar: PriceBar): number {
    const { cursor } = this;
    this.high[0] = bar.high;
    this.low[0] = bar.low;
    this.close[0] = bar.close;
    atrKernel(this.high, this.low, this.close, this.out, 0, i, i + 1, cursor.before, cursor.after, this.period);
    return this.out[0]!;
  }
}
