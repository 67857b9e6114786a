// Williams %R, as TA-Lib's WILLR: (highest high − close) / ((highest high − lowest low) / −100) over
// the last `period` bars, from −100 (close at the low) to 0 (close at the high); 0 when the window
// has no range (TA-Lib's answer for flat prices). First value at index period − 1.

import { extremesInitialState, extremesKernel, extremesRingSize } from './extremes.ts';
import { checkPeriod, seriesBlock, seriesLength, StreamCursor, WHOLE, type BarStream, type PriceBar } from './kernel.ts';

export function williamsRLookback(period = 14): number {
  return period - 1;
}

/** Williams %R over bars [from, to) from the window extremes (extremesKernel). No state. */
export function williamsRKernel(
  close: Float64Array, lowest: Float64Array, highest: Float64Array, out: Float64Array,
  mask: number, from: number, to: number,
): void {
  for (let i = from; i < to; i++) {
    const at = i & mask;
    const top = highest[at]!;
    const range = (top - lowest[at]!) / -100;
    // A warm-up bar has NaN extremes, hence NaN here as well.
    out[at] = range !== 0 ? (top - close[at]!) / range : 0;
  }
}

/** Williams %R; NaN for the first period − 1 bars. */
export function williamsR(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod('Williams %R period', period, 2);
  const length = seriesLength({ high, low, close });
  const [out, lowest, highest] = seriesBlock(length, 3) as [Float64Array, Float64Array, Float64Array];
  const state = extremesInitialState();
  extremesKernel(high, low, lowest, highest, WHOLE, 0, length, state, state, period);
  williamsRKernel(close, lowest, highest, out, WHOLE, 0, length);
  return out;
}

/** Williams %R, one bar at a time. */
export class WilliamsRStream implements BarStream {
  private readonly cursor = new StreamCursor(extremesInitialState());
  private readonly mask: number;
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  private readonly close: Float64Array;
  private readonly lowest: Float64Array;
  private readonly highest: Float64Array;
  private readonly out: Float64Array;

  constructor(readonly period = 14) {
    checkPeriod('Williams %R period', period, 2);
    const size = extremesRingSize(period);
    this.mask = size - 1;
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.lowest = new Float64Array(size);
    this.highest = new Float64Array(size);
    this.out = new Float64Array(size);
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
    const { cursor, mask } = this;
    const at = i & mask;
    this.high[at] = bar.high;
    this.low[at] = bar.low;
    this.close[at] = bar.close;
    extremesKernel(this.high, this.low, this.lowest, this.highest, mask, i, i + 1, cursor.before, cursor.after, this.period);
    williamsRKernel(this.close, this.lowest, this.highest, this.out, mask, i, i + 1);
    return this.out[at]!;
  }
}
