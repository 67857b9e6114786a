// On-balance volume, as TA-Lib's OBV: starts at the first bar's volume, then adds the volume of an
// up close and subtracts that of a down close (an unchanged close leaves it). First value at index 0.

import { select, seriesLength, StreamCursor, WHOLE, type BarStream, type PriceBar } from './kernel.ts';

export function obvLookback(): number {
  return 0;
}

/** Advances OBV over bars [from, to). State: [obv, previous close]. */
export function obvKernel(
  close: Float64Array, volume: Float64Array, out: Float64Array,
  mask: number, from: number, to: number, before: Float64Array, after: Float64Array,
): void {
  let obv = before[0]!;
  let previous = before[1]!;
  let i = from;
  if (i === 0 && i < to) {
    obv = volume[0]!;
    previous = close[0]!;
    out[0] = obv;
    i++;
  }
  for (; i < to; i++) {
    const at = i & mask;
    const value = close[at]!;
    const shares = volume[at]!;
    // TA-Lib: if (close > previous) obv += volume; else if (close < previous) obv −= volume
    // (x + −0 and x − 0 are x exactly).
    obv = obv + select(+(value > previous), shares, -0) - select(+(value < previous), shares, 0);
    out[at] = obv;
    previous = value;
  }
  after[0] = obv;
  after[1] = previous;
}

/** On-balance volume. */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  const length = seriesLength({ close, volume });
  const out = new Float64Array(length);
  const state = new Float64Array(2);
  obvKernel(close, volume, out, WHOLE, 0, length, state, state);
  return out;
}

/** OBV, one bar at a time. */
export class ObvStream implements BarStream {
  private readonly cursor = new StreamCursor(new Float64Array(2));
  private readonly close = new Float64Array(1);
  private readonly volume = new Float64Array(1);
  private readonly out = new Float64Array(1);

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
    this.close[0] = bar.close;
    this.volume[0] = bar.volume;
    obvKernel(this.close, this.volume, this.out, 0, i, i + 1, cursor.before, cursor.after);
    return this.out[0]!;
  }
}
