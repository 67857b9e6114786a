// Commodity channel index, as TA-Lib's CCI: (typical price − its SMA) / (0.015 × mean absolute
// deviation) over `period` bars, 0 when either is zero. TA-Lib keeps the typical prices in a
// circular buffer and sums it in buffer order (not time order); so does the kernel, so the sums
// round alike. First value at index period − 1.

import { checkPeriod, seriesLength, StreamCursor, typicalPrice, WHOLE, type BarStream, type PriceBar } from './kernel.ts';

export function cciLookback(period = 20): number {
  return period - 1;
}

/**
 * Advances CCI(period) over bars [from, to). `ring` (length period) is TA-Lib's circular buffer
 * of typical prices; bar i writes only its own slot, so running a bar again is safe.
 * State: [next ring slot].
 */
export function cciKernel(
  high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array, ring: Float64Array,
  mask: number, from: number, to: number, before: Float64Array, after: Float64Array, period: number,
): void {
  let slot = before[0]!;
  let i = from;
  for (const end = Math.min(to, period - 1); i < end; i++) {
    const at = i & mask;
    ring[slot] = typicalPrice(high[at]!, low[at]!, close[at]!);
    if (++slot === period) slot = 0;
    out[at] = NaN;
  }
  for (; i < to; i++) {
    const at = i & mask;
    const last = typicalPrice(high[at]!, low[at]!, close[at]!);
    ring[slot] = last;
    let average = 0;
    for (let j = 0; j < period; j++) average += ring[j]!;
    average /= period;
    let deviation = 0;
    for (let j = 0; j < period; j++) deviation += Math.abs(ring[j]! - average);
    const distance = last - average;
    out[at] = distance !== 0 && deviation !== 0 ? distance / (0.015 * (deviation / period)) : 0;
    if (++slot === period) slot = 0;
  }
  after[0] = slot;
}

/** CCI; NaN for the first period − 1 bars. */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period = 20): Float64Array {
  checkPeriod('CCI period', period, 2);
  const length = seriesLength({ high, low, close });
  const out = new Float64Array(length);
  const state = new Float64Array(1);
  cciKernel(high, low, close, out, new Float64Array(period), WHOLE, 0, length, state, state, period);
  return out;
}

/** CCI(period), one bar at a time. */
export class CciStream implements BarStream {
  private readonly cursor = new StreamCursor(new Float64Array(1));
  private readonly ring: Float64Array;
  private readonly high = new Float64Array(1);
  private readonly low = new Float64Array(1);
  private readonly close = new Float64Array(1);
  private readonly out = new Float64Array(1);

  constructor(readonly period = 20) {
    checkPeriod('CCI period', period, 2);
    this.ring = new Float64Array(period);
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
    cciKernel(this.high, this.low, this.close, this.out, this.ring, 0, i, i + 1, cursor.before, cursor.after, this.period);
    return this.out[0]!;
  }
}
