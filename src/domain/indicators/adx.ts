// Average directional index, as TA-Lib's ADX: Wilder's smoothing of +DM, −DM and the true range
// (the first sums over period − 1 bars, then x = x − x / period + new), DX = 100 × |−DI − +DI| /
// (−DI + +DI); the first ADX (at index 2 × period − 1) is the mean of `period` DX values, then
// adx = (adx × (period − 1) + dx) / period. A bar whose smoothed true range or DI sum is zero
// (TA-Lib's epsilon) leaves the ADX unchanged, as in TA-Lib.

import { checkPeriod, isZero, select, seriesLength, StreamCursor, trueRange, WHOLE, type BarStream, type PriceBar } from './kernel.ts';

export function adxLookback(period = 14): number {
  return 2 * period - 1;
}

/**
 * Advances ADX(period) over bars [from, to). State: [previous high, previous low, previous close,
 * smoothed −DM, smoothed +DM, smoothed true range, DX total, adx].
 */
export function adxKernel(
  high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array,
  mask: number, from: number, to: number, before: Float64Array, after: Float64Array, period: number,
): void {
  let previousHigh = before[0]!;
  let previousLow = before[1]!;
  let previousClose = before[2]!;
  let minusDM = before[3]!;
  let plusDM = before[4]!;
  let range = before[5]!;
  let dxTotal = before[6]!;
  let adx = before[7]!;
  const first = 2 * period - 1;
  let i = from;
  for (const end = Math.min(to, first + 1); i < end; i++) {
    const at = i & mask;
    out[at] = NaN;
    if (i === 0) {
      previousHigh = high[at]!;
      previousLow = low[at]!;
      previousClose = close[at]!;
      continue;
    }
    const up = high[at]! - previousHigh;
    previousHigh = high[at]!;
    const down = previousLow - low[at]!;
    previousLow = low[at]!;
    if (i >= period) {
      minusDM -= minusDM / period;
      plusDM -= plusDM / period;
    }
    // TA-Lib: if (down > 0 && up < down) −DM += down; else if (up > 0 && up > down) +DM += up
    // (x + −0 is x exactly, so adding −0 is "leave it").
    const minus = +(down > 0) & +(up < down);
    minusDM += select(minus, down, -0);
    plusDM += select((minus ^ 1) & +(up > 0) & +(up > down), up, -0);
    const barRange = trueRange(previousHigh, previousLow, previousClose);
    range = i < period ? range + barRange : range - range / period + barRange;
    previousClose = close[at]!;
    if (i < period) continue;
    if (!isZero(range)) {
      const minusDI = 100 * (minusDM / range);
      const plusDI = 100 * (plusDM / range);
      const sum = minusDI + plusDI;
      if (!isZero(sum)) dxTotal += 100 * (Math.abs(minusDI - plusDI) / sum);
    }
    if (i === first) {
      adx = dxTotal / period;
      out[at] = adx;
    }
  }
  for (; i < to; i++) {
    const at = i & mask;
    const up = high[at]! - previousHigh;
    previousHigh = high[at]!;
    const down = previousLow - low[at]!;
    previousLow = low[at]!;
    minusDM -= minusDM / period;
    plusDM -= plusDM / period;
    // TA-Lib: if (down > 0 && up < down) −DM += down; else if (up > 0 && up > down) +DM += up
    // (x + −0 is x exactly, so adding −0 is "leave it").
    const minus = +(down > 0) & +(up < down);
    minusDM += select(minus, down, -0);
    plusDM += select((minus ^ 1) & +(up > 0) & +(up > down), up, -0);
    range = range - range / period + trueRange(previousHigh, previousLow, previousClose);
    previousClose = close[at]!;
    if (!isZero(range)) {
      const minusDI = 100 * (minusDM / range);
      const plusDI = 100 * (plusDM / range);
      const sum = minusDI + plusDI;
      if (!isZero(sum)) adx = (adx * (period - 1) + 100 * (Math.abs(minusDI - plusDI) / sum)) / period;
    }
    out[at] = adx;
  }
  after[0] = previousHigh;
  after[1] = previousLow;
  after[2] = previousClose;
  after[3] = minusDM;
  after[4] = plusDM;
  after[5] = range;
  after[6] = dxTotal;
  after[7] = adx;
}

/** ADX; NaN for the first 2 × period − 1 bars. */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod('ADX period', period, 2);
  const length = seriesLength({ high, low, close });
  const out = new Float64Array(length);
  const state = new Float64Array(8);
  adxKernel(high, low, close, out, WHOLE, 0, length, state, state, period);
  return out;
}

/** ADX(period), one bar at a time. */
export class AdxStream implements BarStream {
  private readonly cursor = new StreamCursor(new Float64Array(8));
  private readonly high = new Float64Array(1);
  private readonly low = new Float64Array(1);
  private readonly close = new Float64Array(1);
  private readonly out = new Float64Array(1);

  constructor(readonly period = 14) {
    checkPeriod('ADX period', period, 2);
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
    adxKernel(this.high, this.low, this.close, this.out, 0, i, i + 1, cursor.before, cursor.after, this.period);
    return this.out[0]!;
  }
}
