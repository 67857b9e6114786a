// The machinery every indicator shares, so the batch form and the streaming form run the SAME
// arithmetic. Each indicator is one kernel:
//
//   kernel(columns..., mask, from, to, before, after, params)
//
// which advances the indicator over bars [from, to): it reads its scalar state from `before`,
// reads and writes bar i of every column at `column[i & mask]`, and leaves its state in
// `after`. A batch call runs the kernel once over the whole series (mask = WHOLE, so
// `i & mask === i`, and before === after). A stream keeps its columns in power-of-two rings of
// one size (a kernel has one mask) holding the last bars the kernel looks back at, runs the
// kernel over one bar per update, and keeps the state from before the last bar so `replace` can
// run that bar again. Same kernel, same operations in the same order: batch and stream agree bit
// for bit. A kernel writes every output of every bar it runs over (NaN during warm-up), so
// outputs need no fill.
//
// The kernels are TA-Lib's functions (0.6, as the talib package builds it) rewritten operation
// for operation, including its comparisons, so a NaN in the input goes where TA-Lib sends it:
// running sums and Wilder averages stay NaN from that bar on, window extremes skip a NaN unless
// it is the window's oldest bar when they rescan, and so on; the tests hold every output to
// TA-Lib's for NaN inputs too.

import type { Bar } from '../market/bar.ts';

/** Mask of a batch run: a column is the whole series, indexed by bar. */
export const WHOLE = -1;

/** TA-Lib's largest period. */
export const MAX_PERIOD = 100_000;

/** TA-Lib's TA_EPSILON: its zero tests (TA_IS_ZERO, TA_IS_ZERO_OR_NEG) compare against it. */
export const TA_EPSILON = 1e-14;

// A comparison on prices goes either way about as often as not, so a branch on it mispredicts
// and costs more than the arithmetic around it (gcc compiles TA-Lib's into maxsd and the like;
// V8 keeps a branch). `select` takes the same value TA-Lib's branch would, through a two-slot
// array indexed by the flag, so no branch is taken and every NaN lands where TA-Lib puts it.
const choice = new Float64Array(2);

/** `flag ? ifSet : ifClear` for a flag of 0 or 1 (`+condition`), without a branch. */
export function select(flag: number, ifSet: number, ifClear: number): number {
  choice[0] = ifClear;
  choice[1] = ifSet;
  return choice[flag]!;
}

/** TA-Lib's TA_IS_ZERO: false for NaN, as in C. */
export function isZero(value: number): boolean {
  return -TA_EPSILON < value && value < TA_EPSILON;
}

/**
 * The true range of a bar (TA-Lib's TRANGE and ADX macro): the greatest of high − low,
 * |previous close − high| and |previous close − low|, compared in that order (so a NaN
 * previous close leaves high − low, as in TA-Lib).
 */
export function trueRange(high: number, low: number, previousClose: number): number {
  const range = high - low;
  const toHigh = Math.abs(previousClose - high);
  const greatest = select(+(toHigh > range), toHigh, range);
  const toLow = Math.abs(previousClose - low);
  return select(+(toLow > greatest), toLow, greatest);
}

/** The typical price (high + low + close) / 3, as TA-Lib's CCI and MFI compute it. */
export function typicalPrice(high: number, low: number, close: number): number {
  return (high + low + close) / 3;
}

/** TA-Lib's PER_TO_K: the EMA smoothing factor of a period. */
export function emaFactor(period: number): number {
  return 2 / (period + 1);
}

/** A period as TA-Lib accepts it (an integer from `min` to 100,000), or a RangeError naming it. */
export function checkPeriod(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_PERIOD) {
    throw new RangeError(`${name} must be an integer from ${min} to ${MAX_PERIOD}, got ${value}`);
  }
}

/** The common length of parallel input series, or a RangeError naming the first that differs. */
export function seriesLength<T extends { [K in keyof T]: ArrayLike<number> }>(columns: T): number {
  let length = -1;
  let first = '';
  for (const name in columns) {
    const size = columns[name].length;
    if (length === -1) {
      length = size;
      first = name;
    } else if (size !== length) {
      throw new RangeError(`${name} has ${size} values but ${first} has ${length}`);
    }
  }
  return Math.max(length, 0);
}

/**
 * `count` series of `length` values carved from one allocation: a batch call with several
 * outputs (and work columns) allocates once, since each typed-array allocation costs about a
 * microsecond, as much as the arithmetic of a 500-bar series. The series share one ArrayBuffer.
 */
export function seriesBlock(length: number, count: number): Float64Array[] {
  const block = new Float64Array(length * count);
  return Array.from({ length: count }, (_, k) => block.subarray(k * length, (k + 1) * length));
}

/** Ring capacity for a stream that reads back `reach` bars: the smallest power of two above it. */
export function ringSize(reach: number): number {
  let size = 1;
  while (size <= reach) size *= 2;
  return size;
}

// Each indicator's stream class repeats the same `bars`, `update` and `replace` on purpose. A shared
// base class with an abstract step makes that one call site see every indicator's class
// (megamorphic): measured with bench/indicators.ts, +12 ns per update for ATR, ADX, CCI, MFI, OBV and
// Williams %R, and +19% for the whole streaming set (703 → 839 ns per bar).
/**
 * Where a stream is: how many bars it has seen (the open one included) and the kernel state
 * after the last bar and before it. `append` and `revise` return the bar to run the kernel on;
 * the kernel then reads `before` and writes `after`.
 */
export class StreamCursor {
  /** Bars seen, the still-open last one included. */
  bars = 0;
  /** State after the last bar (the kernel's output). */
  after: Float64Array;
  /** State before the last bar (the kernel's input): what `replace` starts again from. */
  before: Float64Array;

  constructor(initial: Float64Array) {
    this.after = initial;
    this.before = Float64Array.from(initial);
  }

  /** A new bar: its index; the state so far becomes `before`. */
  append(): number {
    const previous = this.before;
    this.before = this.after;
    this.after = previous;
    return this.bars++;
  }

  /** The open bar again (a new bar when there is none yet): its index. */
  revise(): number {
    return this.bars === 0 ? this.append() : this.bars - 1;
  }
}

/** A streaming indicator over plain values (closes): each call returns the value after that bar. */
export interface ValueStream<Output = number> {
  /** Appends a bar and returns the indicator after it (NaN during warm-up). O(1). */
  update(value: number): Output;
  /** Revises the still-open last bar (appends when there is none) and returns the indicator. */
  replace(value: number): Output;
  /** Bars seen, the open one included. */
  readonly bars: number;
}

/** The fields of a bar that indicators read. */
export type PriceBar = Pick<Bar, 'high' | 'low' | 'close' | 'volume'>;

/** A streaming indicator over bars. */
export interface BarStream<Output = number, Input = PriceBar> {
  update(bar: Input): Output;
  replace(bar: Input): Output;
  readonly bars: number;
}
