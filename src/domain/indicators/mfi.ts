// Money flow index, as TA-Lib's MFI: the money flow (typical price × volume) of a bar counts as
// positive when the typical price rose, negative when it fell, neither when unchanged; MFI =
// 100 × positive / (positive + negative) over the last `period` bars, and 0 when that total is
// below 1 (TA-Lib's guard, which also answers zero volume). First value at index period.

import { checkPeriod, ringSize, select, seriesBlock, seriesLength, StreamCursor, typicalPrice, WHOLE, type BarStream, type PriceBar } from './kernel.ts';

export function mfiLookback(period = 14): number {
  return period;
}

function mfiOf(positive: number, negative: number): number {
  const total = positive + negative;
  return total < 1 ? 0 : 100 * (positive / total);
}

/**
 * Advances MFI(period) over bars [from, to). `positive` and `negative` are work columns of each
 * bar's flow, read back `period` bars when it leaves the window.
 * State: [previous typical price, positive total, negative total].
 */
export function mfiKernel(
  high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, out: Float64Array,
  positive: Float64Array, negative: Float64Array,
  mask: number, from: number, to: number, before: Float64Array, after: Float64Array, period: number,
): void {
  let previous = before[0]!;
  let positiveTotal = before[1]!;
  let negativeTotal = before[2]!;
  let i = from;
  for (const end = Math.min(to, period + 1); i < end; i++) {
    const at = i & mask;
    const price = typicalPrice(high[at]!, low[at]!, close[at]!);
    const change = price - previous;
    previous = price;
    const flow = price * volume[at]!;
    // Bar 0 only sets the previous price; it has no flow.
    const falling = +(i > 0) & +(change < 0);
    const rising = +(i > 0) & +(change > 0);
    negative[at] = select(falling, flow, 0);
    negativeTotal += select(falling, flow, -0);
    positive[at] = select(rising, flow, 0);
    positiveTotal += select(rising, flow, -0);
    out[at] = i < period ? NaN : mfiOf(positiveTotal, negativeTotal);
  }
  for (; i < to; i++) {
    const at = i & mask;
    const leaving = (i - period) & mask;
    positiveTotal -= positive[leaving]!;
    negativeTotal -= negative[leaving]!;
    const price = typicalPrice(high[at]!, low[at]!, close[at]!);
    const change = price - previous;
    previous = price;
    const flow = price * volume[at]!;
    // TA-Lib: a fall counts the flow as negative, a rise as positive, no change as neither
    // (x + −0 is x exactly).
    const falling = +(change < 0);
    const rising = +(change > 0);
    negative[at] = select(falling, flow, 0);
    negativeTotal += select(falling, flow, -0);
    positive[at] = select(rising, flow, 0);
    positiveTotal += select(rising, flow, -0);
    out[at] = mfiOf(positiveTotal, negativeTotal);
  }
  after[0] = previous;
  after[1] = positiveTotal;
  after[2] = negativeTotal;
}

/** MFI; NaN for the first `period` bars. */
export function mfi(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, period = 14): Float64Array {
  checkPeriod('MFI period', period, 2);
  const length = seriesLength({ high, low, close, volume });
  const [out, positive, negative] = seriesBlock(length, 3) as [Float64Array, Float64Array, Float64Array];
  const state = new Float64Array(3);
  mfiKernel(high, low, close, volume, out, positive, negative, WHOLE, 0, length, state, state, period);
  return out;
}

/** MFI(period), one bar at a time. */
export class MfiStream implements BarStream {
  private readonly cursor = new StreamCursor(new Float64Array(3));
  private readonly mask: number;
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  private readonly close: Float64Array;
  private readonly volume: Float64Array;
  private readonly out: Float64Array;
  private readonly positive: Float64Array;
  private readonly negative: Float64Array;

  constructor(readonly period = 14) {
    checkPeriod('MFI period', period, 2);
    const size = ringSize(period);
    this.mask = size - 1;
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.volume = new Float64Array(size);
    this.out = new Float64Array(size);
    this.positive = new Float64Array(size);
    this.negative = new Float64Array(size);
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
    this.volume[at] = bar.volume;
    mfiKernel(
      this.high, this.low, this.close, this.volume, this.out, this.positive, this.negative,
      mask, i, i + 1, cursor.before, cursor.after, this.period,
    );
    return this.out[at]!;
  }
}
