// MACD, as TA-Lib's MACD: the line is EMA(fast) − EMA(slow), the signal is EMA(signal) of the line,
// the histogram is line − signal. TA-Lib's seeding: the slow EMA is the plain EMA(slow) (first value
// at slow − 1); the fast EMA is seeded at that same bar with the mean of the `fast` values ending
// there (not at fast − 1); the signal is seeded with the mean of the first `signal` line values.
// All three outputs start at (slow − 1) + (signal − 1): 33 for 12/26/9. Periods are swapped when
// fast > slow, as TA-Lib does.

import { emaKernel } from './ema.ts';
import { checkPeriod, emaFactor, seriesBlock, seriesLength, StreamCursor, WHOLE, type ValueStream } from './kernel.ts';

export interface MacdValues<T = number> {
  macd: T;
  signal: T;
  histogram: T;
}

interface MacdPeriods {
  fast: number;
  slow: number;
  signal: number;
}

function macdPeriods(fast: number, slow: number, signal: number): MacdPeriods {
  checkPeriod('MACD fast period', fast, 2);
  checkPeriod('MACD slow period', slow, 2);
  checkPeriod('MACD signal period', signal, 2);
  return slow < fast ? { fast: slow, slow: fast, signal } : { fast, slow, signal };
}

export function macdLookback(fast = 12, slow = 26, signal = 9): number {
  return Math.max(fast, slow) - 1 + signal - 1;
}

/**
 * Advances MACD over bars [from, to) given the slow EMA (emaKernel with the slow period) of the
 * same closes. State: [fast seed total, fast EMA, signal seed total, signal].
 */
export function macdKernel(
  close: Float64Array, slowEma: Float64Array, macd: Float64Array, signal: Float64Array, histogram: Float64Array,
  mask: number, from: number, to: number, before: Float64Array, after: Float64Array,
  fastPeriod: number, slowPeriod: number, signalPeriod: number, fastK: number, signalK: number,
): void {
  let fastTotal = before[0]!;
  let fastEma = before[1]!;
  let signalTotal = before[2]!;
  let signalLine = before[3]!;
  const lineStart = slowPeriod - 1;
  const fastStart = slowPeriod - fastPeriod;
  const signalSeed = lineStart + signalPeriod - 1;
  let i = from;
  for (const end = Math.min(to, signalSeed + 1); i < end; i++) {
    const at = i & mask;
    macd[at] = NaN;
    signal[at] = NaN;
    histogram[at] = NaN;
    if (i < fastStart) continue;
    if (i < lineStart) {
      fastTotal += close[at]!;
      continue;
    }
    if (i === lineStart) {
      fastTotal += close[at]!;
      fastEma = fastTotal / fastPeriod;
    } else {
      fastEma = (close[at]! - fastEma) * fastK + fastEma;
    }
    const line = fastEma - slowEma[at]!;
    signalTotal += line;
    if (i === signalSeed) {
      signalLine = signalTotal / signalPeriod;
      macd[at] = line;
      signal[at] = signalLine;
      histogram[at] = line - signalLine;
    }
  }
  for (; i < to; i++) {
    const at = i & mask;
    fastEma = (close[at]! - fastEma) * fastK + fastEma;
    const line = fastEma - slowEma[at]!;
    signalLine = (line - signalLine) * signalK + signalLine;
    macd[at] = line;
    signal[at] = signalLine;
    histogram[at] = line - signalLine;
  }
  after[0] = fastTotal;
  after[1] = fastEma;
  after[2] = signalTotal;
  after[3] = signalLine;
}

/** MACD line, signal and histogram of the closes; NaN before index (slow − 1) + (signal − 1). */
export function macd(close: Float64Array, fast = 12, slow = 26, signal = 9): MacdValues<Float64Array> {
  const periods = macdPeriods(fast, slow, signal);
  const length = seriesLength({ close });
  const [line, signalLine, histogram, slowEma] = seriesBlock(length, 4) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const out = { macd: line, signal: signalLine, histogram };
  const emaState = new Float64Array(2);
  emaKernel(close, slowEma, WHOLE, 0, length, emaState, emaState, periods.slow, emaFactor(periods.slow));
  const state = new Float64Array(4);
  macdKernel(
    close, slowEma, out.macd, out.signal, out.histogram, WHOLE, 0, length, state, state,
    periods.fast, periods.slow, periods.signal, emaFactor(periods.fast), emaFactor(periods.signal),
  );
  return out;
}

/** MACD, one close at a time. */
export class MacdStream implements ValueStream<MacdValues> {
  private readonly slowCursor = new StreamCursor(new Float64Array(2));
  private readonly cursor = new StreamCursor(new Float64Array(4));
  private readonly periods: MacdPeriods;
  private readonly slowK: number;
  private readonly fastK: number;
  private readonly signalK: number;
  private readonly close = new Float64Array(1);
  private readonly slowEma = new Float64Array(1);
  private readonly line = new Float64Array(1);
  private readonly signal = new Float64Array(1);
  private readonly histogram = new Float64Array(1);

  constructor(fast = 12, slow = 26, signal = 9) {
    this.periods = macdPeriods(fast, slow, signal);
    this.slowK = emaFactor(this.periods.slow);
    this.fastK = emaFactor(this.periods.fast);
    this.signalK = emaFactor(this.periods.signal);
  }

  get bars(): number {
    return this.cursor.bars;
  }

  update(close: number): MacdValues {
    this.slowCursor.append();
    return this.run(this.cursor.append(), close);
  }

  replace(close: number): MacdValues {
    this.slowCursor.revise();
    return this.run(this.cursor.revise(), close);
  }

  private run(i: number, close: number): MacdValues {
    const { periods, slowCursor, cursor } = this;
    this.close[0] = close;
    emaKernel(this.close, this.slowEma, 0, i, i + 1, slowCursor.before, slowCursor.after, periods.slow, this.slowK);
    macdKernel(
      this.close, this.slowEma, this.line, this.signal, this.histogram, 0, i, i + 1, cursor.before, cursor.after,
      periods.fast, periods.slow, periods.signal, this.fastK, this.signalK,
    );
    return { macd: this.line[0]!, signal: this.signal[0]!, histogram: this.histogram[0]! };
  }
}
