// Slow stochastic, as TA-Lib's STOCH with SMA smoothing: fast %K = (close − lowest low) /
// ((highest high − lowest low) / 100) over `kPeriod` bars (0 when the window has no range);
// %K = SMA(kSlow) of fast %K; %D = SMA(dPeriod) of %K. Both start at index
// (kPeriod − 1) + (kSlow − 1) + (dPeriod − 1): 17 for 14/3/3. A smoothing period of 1 passes
// the values through, as TA-Lib's MA does.

import { extremesInitialState, extremesKernel, extremesRingSize } from './extremes.ts';
import { checkPeriod, ringSize, seriesBlock, seriesLength, StreamCursor, WHOLE, type BarStream, type PriceBar } from './kernel.ts';

export interface StochasticValues<T = number> {
  k: T;
  d: T;
}

export function stochasticLookback(kPeriod = 14, kSlow = 3, dPeriod = 3): number {
  return kPeriod - 1 + kSlow - 1 + dPeriod - 1;
}

function checkStochastic(kPeriod: number, kSlow: number, dPeriod: number): void {
  checkPeriod('Stochastic %K period', kPeriod, 1);
  checkPeriod('Stochastic %K slowing', kSlow, 1);
  checkPeriod('Stochastic %D period', dPeriod, 1);
}

/**
 * Advances %K and %D over bars [from, to) from the window extremes (extremesKernel with kPeriod).
 * `fastK` and `slowK` are work columns the smoothing looks back over. State: [%K total, %D total].
 */
export function stochasticKernel(
  close: Float64Array, lowest: Float64Array, highest: Float64Array, fastK: Float64Array, slowK: Float64Array,
  k: Float64Array, d: Float64Array, mask: number, from: number, to: number, before: Float64Array, after: Float64Array,
  kPeriod: number, kSlow: number, dPeriod: number,
): void {
  let kTotal = before[0]!;
  let dTotal = before[1]!;
  const kStart = kPeriod - 1;
  const dStart = kStart + kSlow - 1;
  const first = dStart + dPeriod - 1;
  let i = from;
  for (const end = Math.min(to, first); i < end; i++) {
    const at = i & mask;
    let fast = NaN;
    let slow = NaN;
    if (i >= kStart) {
      const bottom = lowest[at]!;
      const range = (highest[at]! - bottom) / 100;
      fast = range !== 0 ? (close[at]! - bottom) / range : 0;
      if (kSlow === 1) {
        slow = fast;
      } else {
        kTotal += fast;
        if (i >= dStart) {
          slow = kTotal / kSlow;
          kTotal -= fastK[(i - kSlow + 1) & mask]!;
        }
      }
      if (i >= dStart) dTotal += slow;
    }
    fastK[at] = fast;
    slowK[at] = slow;
    k[at] = NaN;
    d[at] = NaN;
  }
  // From the first output on, every stage runs on every bar.
  for (; i < to; i++) {
    const at = i & mask;
    const bottom = lowest[at]!;
    const range = (highest[at]! - bottom) / 100;
    const fast = range !== 0 ? (close[at]! - bottom) / range : 0;
    let slow = fast;
    if (kSlow !== 1) {
      kTotal += fast;
      slow = kTotal / kSlow;
      kTotal -= fastK[(i - kSlow + 1) & mask]!;
    }
    let signal = slow;
    if (dPeriod !== 1) {
      dTotal += slow;
      signal = dTotal / dPeriod;
      dTotal -= slowK[(i - dPeriod + 1) & mask]!;
    }
    fastK[at] = fast;
    slowK[at] = slow;
    k[at] = slow;
    d[at] = signal;
  }
  after[0] = kTotal;
  after[1] = dTotal;
}

/** Slow stochastic %K and %D; NaN before index (kPeriod − 1) + (kSlow − 1) + (dPeriod − 1). */
export function stochastic(
  high: Float64Array, low: Float64Array, close: Float64Array, kPeriod = 14, kSlow = 3, dPeriod = 3,
): StochasticValues<Float64Array> {
  checkStochastic(kPeriod, kSlow, dPeriod);
  const length = seriesLength({ high, low, close });
  const [k, d, lowest, highest] = seriesBlock(length, 4) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const extremes = extremesInitialState();
  extremesKernel(high, low, lowest, highest, WHOLE, 0, length, extremes, extremes, kPeriod);
  const state = new Float64Array(2);
  // The extremes are spent once fast %K is taken from them: their columns hold fast and slow %K.
  stochasticKernel(close, lowest, highest, lowest, highest, k, d, WHOLE, 0, length, state, state, kPeriod, kSlow, dPeriod);
  return { k, d };
}

/** Slow stochastic, one bar at a time. */
export class StochasticStream implements BarStream<StochasticValues> {
  private readonly extremesCursor = new StreamCursor(extremesInitialState());
  private readonly cursor = new StreamCursor(new Float64Array(2));
  private readonly mask: number;
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  private readonly close: Float64Array;
  private readonly lowest: Float64Array;
  private readonly highest: Float64Array;
  private readonly fastK: Float64Array;
  private readonly slowK: Float64Array;
  private readonly k: Float64Array;
  private readonly d: Float64Array;

  constructor(readonly kPeriod = 14, readonly kSlow = 3, readonly dPeriod = 3) {
    checkStochastic(kPeriod, kSlow, dPeriod);
    const size = Math.max(extremesRingSize(kPeriod), ringSize(Math.max(kSlow, dPeriod) - 1));
    this.mask = size - 1;
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.lowest = new Float64Array(size);
    this.highest = new Float64Array(size);
    this.fastK = new Float64Array(size);
    this.slowK = new Float64Array(size);
    this.k = new Float64Array(size);
    this.d = new Float64Array(size);
  }

  get bars(): number {
    return this.cursor.bars;
  }

  update(bar: PriceBar): StochasticValues {
    this.extremesCursor.append();
    return this.run(this.cursor.append(), bar);
  }

  replace(bar: PriceBar): StochasticValues {
    this.extremesCursor.revise();
    return this.run(this.cursor.revise(), bar);
  }

  private run(i: number, bar: PriceBar): StochasticValues {
    const { extremesCursor, cursor, mask } = this;
    const at = i & mask;
    this.high[at] = bar.high;
    this.low[at] = bar.low;
    this.close[at] = bar.close;
    extremesKernel(this.high, this.low, this.lowest, this.highest, mask, i, i + 1, extremesCursor.before, extremesCursor.after, this.kPeriod);
    stochasticKernel(
      this.close, this.lowest, this.highest, this.fastK, this.slowK, this.k, this.d, mask, i, i + 1,
      cursor.before, cursor.after, this.kPeriod, this.kSlow, this.dPeriod,
    );
    return { k: this.k[at]!, d: this.d[at]! };
  }
}
