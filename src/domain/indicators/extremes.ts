// The lowest low and highest high of the last `period` bars, tracked exactly as TA-Lib's STOCH and
// WILLR do: keep the extreme and its bar; take a new bar that reaches it (<= for the low, >= for the
// high); rescan the window only when the extreme leaves it. Same comparisons in the same order, so
// a NaN in the input lands where TA-Lib puts it. Stochastic and Williams %R both read these columns
// (and the indicator set computes them once for both).

import { ringSize, select } from './kernel.ts';

/** State slots; the indexes start at −1 (nothing tracked yet) as in TA-Lib. */
export function extremesInitialState(): Float64Array {
  return Float64Array.of(0, 0, -1, -1);
}

/** How far back a stream's high and low rings must reach. */
export function extremesRingSize(period: number): number {
  return ringSize(period - 1);
}

/**
 * Advances the window extremes over bars [from, to) into `lowest` and `highest` (NaN before bar
 * period − 1). State: [lowest, highest, bar of lowest, bar of highest].
 */
export function extremesKernel(
  high: Float64Array, low: Float64Array, lowest: Float64Array, highest: Float64Array,
  mask: number, from: number, to: number, before: Float64Array, after: Float64Array, period: number,
): void {
  let lowValue = before[0]!;
  let highValue = before[1]!;
  let lowBar = before[2]!;
  let highBar = before[3]!;
  let i = from;
  for (const end = Math.min(to, period - 1); i < end; i++) {
    lowest[i & mask] = NaN;
    highest[i & mask] = NaN;
  }
  for (; i < to; i++) {
    const trailing = i - period + 1;
    const at = i & mask;
    let value = low[at]!;
    if (lowBar < trailing) {
      lowBar = trailing;
      lowValue = low[trailing & mask]!;
      for (let j = trailing + 1; j <= i; j++) {
        value = low[j & mask]!;
        if (value < lowValue) {
          lowBar = j;
          lowValue = value;
        }
      }
    } else {
      // A new bar reaching the low takes it (TA-Lib: <=), chosen without a branch.
      const reaches = +(value <= lowValue);
      lowBar = select(reaches, i, lowBar);
      lowValue = select(reaches, value, lowValue);
    }
    value = high[at]!;
    if (highBar < trailing) {
      highBar = trailing;
      highValue = high[trailing & mask]!;
      for (let j = trailing + 1; j <= i; j++) {
        value = high[j & mask]!;
        if (value > highValue) {
          highBar = j;
          highValue = value;
        }
      }
    } else {
      const reaches = +(value >= highValue);
      highBar = select(reaches, i, highBar);
      highValue = select(reaches, value, highValue);
    }
    lowest[at] = lowValue;
    highest[at] = highValue;
  }
  after[0] = lowValue;
  after[1] = highValue;
  after[2] = lowBar;
  after[3] = highBar;
}
