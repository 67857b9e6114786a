// The seed's indicator set (SMA 20/50/200, EMA 12/26, RSI 14, MACD 12/26/9, Bollinger 20/2,
// ATR 14, OBV, Stochastic 14/3/3, ADX 14, CCI 20, MFI 14, Williams %R 14) for one symbol's daily
// bars, as the indicators job and the scanner need it for thousands of symbols: the same kernels as
// the single indicators, run over columns kept in a reusable workspace (no allocation per symbol
// once it is large enough), sharing what TA-Lib would compute twice with the same bits: SMA 20 is
// the Bollinger middle band, EMA 26 is MACD's slow EMA, and Stochastic and Williams %R read one
// 14-bar lowest-low/highest-high window.

import { adxKernel, AdxStream } from './adx.ts';
import { atrKernel, AtrStream } from './atr.ts';
import { bollingerKernel, BollingerStream } from './bollinger.ts';
import { cciKernel, CciStream } from './cci.ts';
import { emaKernel, EmaStream } from './ema.ts';
import { extremesInitialState, extremesKernel } from './extremes.ts';
import { emaFactor, seriesLength, WHOLE, type BarStream, type PriceBar } from './kernel.ts';
import { macdKernel, MacdStream } from './macd.ts';
import { mfiKernel, MfiStream } from './mfi.ts';
import { obvKernel, ObvStream } from './obv.ts';
import { rsiKernel, RsiStream } from './rsi.ts';
import { smaKernel, SmaStream } from './sma.ts';
import { stochasticKernel, StochasticStream } from './stochastic.ts';
import { williamsRKernel, WilliamsRStream } from './williams-r.ts';

/** A symbol's bars as parallel columns, oldest first. */
export interface IndicatorBars {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The latest value of each indicator of the set: NaN while the series is too short for it. */
export interface IndicatorSet {
  sma20: number;
  sma50: number;
  sma200: number;
  ema12: number;
  ema26: number;
  rsi14: number;
  macd: number;
  macdSignal: number;
  macdHistogram: number;
  bollingerUpper: number;
  bollingerMiddle: number;
  bollingerLower: number;
  atr14: number;
  obv: number;
  stochK: number;
  stochD: number;
  adx14: number;
  cci20: number;
  mfi14: number;
  williamsR14: number;
}

export type IndicatorName = keyof IndicatorSet;

export const INDICATOR_NAMES: readonly IndicatorName[] = [
  'sma20', 'sma50', 'sma200', 'ema12', 'ema26', 'rsi14', 'macd', 'macdSignal', 'macdHistogram',
  'bollingerUpper', 'bollingerMiddle', 'bollingerLower', 'atr14', 'obv', 'stochK', 'stochD',
  'adx14', 'cci20', 'mfi14', 'williamsR14',
];

/** Bars before each indicator of the set has its first value (TA-Lib's lookbacks). */
export const INDICATOR_LOOKBACK: Readonly<Record<IndicatorName, number>> = {
  sma20: 19, sma50: 49, sma200: 199, ema12: 11, ema26: 25, rsi14: 14,
  macd: 33, macdSignal: 33, macdHistogram: 33,
  bollingerUpper: 19, bollingerMiddle: 19, bollingerLower: 19,
  atr14: 14, obv: 0, stochK: 17, stochD: 17, adx14: 27, cci20: 19, mfi14: 14, williamsR14: 13,
};

const WORK_COLUMNS = ['lowest', 'highest', 'fastK', 'slowK', 'positiveFlow', 'negativeFlow'] as const;
type Column = IndicatorName | (typeof WORK_COLUMNS)[number];
const COLUMNS: readonly Column[] = [...INDICATOR_NAMES, ...WORK_COLUMNS];
type Columns = Record<Column, Float64Array>;

// The set's CCI ring is a module constant with a literal period at its call: V8 then knows the
// ring's length and drops the bounds checks of CCI's two inner loops (CCI runs 1.4× faster). Each
// call fills the ring before reading it, so sharing it between workspaces is safe.
const CCI_RING = new Float64Array(20);
const EMA12_K = emaFactor(12);
const EMA26_K = emaFactor(26);
const SIGNAL_K = emaFactor(9);

/** Each kernel's state: its slot count. */
const STATE_SIZES = {
  sma20: 1, sma50: 1, sma200: 1, ema12: 2, ema26: 2, rsi: 3, macd: 4, bollinger: 1, atr: 3, obv: 2,
  extremes: 4, stochastic: 2, adx: 8, cci: 1, mfi: 3,
} as const;
type States = Record<keyof typeof STATE_SIZES, Float64Array>;
const EXTREMES_START = extremesInitialState();

/**
 * Columns and kernel state reused from one computeIndicatorSet call to the next. One per worker:
 * a call overwrites what the previous one left.
 */
export class IndicatorWorkspace {
  private capacity = 0;
  private columns = {} as Columns;
  private readonly stateBlock: Float64Array;
  readonly states: States;

  constructor(capacity = 0) {
    const names = Object.keys(STATE_SIZES) as (keyof typeof STATE_SIZES)[];
    this.stateBlock = new Float64Array(names.reduce((total, name) => total + STATE_SIZES[name], 0));
    const states = {} as States;
    let offset = 0;
    for (const name of names) {
      states[name] = this.stateBlock.subarray(offset, offset + STATE_SIZES[name]);
      offset += STATE_SIZES[name];
    }
    this.states = states;
    this.reserve(capacity);
  }

  /** The columns, each at least `length` long, with every kernel state reset. */
  prepare(length: number): Columns {
    this.reserve(length);
    this.stateBlock.fill(0);
    this.states.extremes.set(EXTREMES_START);
    return this.columns;
  }

  private reserve(length: number): void {
    if (length <= this.capacity) return;
    const capacity = Math.max(length, 2 * this.capacity);
    const block = new Float64Array(COLUMNS.length * capacity);
    const columns = {} as Columns;
    COLUMNS.forEach((name, k) => {
      columns[name] = block.subarray(k * capacity, (k + 1) * capacity);
    });
    this.columns = columns;
    this.capacity = capacity;
  }
}


/**
 * The set's kernels in order, one small function each. They are called through this table on
 * purpose: V8 then optimises each kernel on its own (with its helpers inlined), where one function
 * calling all sixteen would exhaust its inlining budget and run a third slower.
 */
const STEPS: readonly ((bars: IndicatorBars, n: number, c: Columns, s: States) => void)[] = [
  (b, n, c, s) => smaKernel(b.close, c.sma20, WHOLE, 0, n, s.sma20, s.sma20, 20),
  (b, n, c, s) => smaKernel(b.close, c.sma50, WHOLE, 0, n, s.sma50, s.sma50, 50),
  (b, n, c, s) => smaKernel(b.close, c.sma200, WHOLE, 0, n, s.sma200, s.sma200, 200),
  (b, n, c, s) => emaKernel(b.close, c.ema12, WHOLE, 0, n, s.ema12, s.ema12, 12, EMA12_K),
  (b, n, c, s) => emaKernel(b.close, c.ema26, WHOLE, 0, n, s.ema26, s.ema26, 26, EMA26_K),
  (b, n, c, s) => rsiKernel(b.close, c.rsi14, WHOLE, 0, n, s.rsi, s.rsi, 14),
  (b, n, c, s) => macdKernel(b.close, c.ema26, c.macd, c.macdSignal, c.macdHistogram, WHOLE, 0, n, s.macd, s.macd, 12, 26, 9, EMA12_K, SIGNAL_K),
  (b, n, c, s) => bollingerKernel(b.close, c.sma20, c.bollingerUpper, c.bollingerLower, WHOLE, 0, n, s.bollinger, s.bollinger, 20, 2),
  (b, n, c, s) => atrKernel(b.high, b.low, b.close, c.atr14, WHOLE, 0, n, s.atr, s.atr, 14),
  (b, n, c, s) => obvKernel(b.close, b.volume, c.obv, WHOLE, 0, n, s.obv, s.obv),
  (b, n, c, s) => extremesKernel(b.high, b.low, c.lowest, c.highest, WHOLE, 0, n, s.extremes, s.extremes, 14),
  (b, n, c, s) => stochasticKernel(b.close, c.lowest, c.highest, c.fastK, c.slowK, c.stochK, c.stochD, WHOLE, 0, n, s.stochastic, s.stochastic, 14, 3, 3),
  (b, n, c) => williamsRKernel(b.close, c.lowest, c.highest, c.williamsR14, WHOLE, 0, n),
  (b, n, c, s) => adxKernel(b.high, b.low, b.close, c.adx14, WHOLE, 0, n, s.adx, s.adx, 14),
  (b, n, c, s) => cciKernel(b.high, b.low, b.close, c.cci20, CCI_RING, WHOLE, 0, n, s.cci, s.cci, 20),
  (b, n, c, s) => mfiKernel(b.high, b.low, b.close, b.volume, c.mfi14, c.positiveFlow, c.negativeFlow, WHOLE, 0, n, s.mfi, s.mfi, 14),
];

/** The value at bar `at`, NaN for an empty series (at = −1). */
function last(column: Float64Array, at: number): number {
  return at >= 0 ? column[at]! : NaN;
}

/**
 * The latest value of every indicator of the set over one symbol's bars (daily bars, today's
 * open bar included when the caller has it). Pass the same workspace for every symbol.
 */
export function computeIndicatorSet(bars: IndicatorBars, workspace = new IndicatorWorkspace()): IndicatorSet {
  const n = seriesLength({ high: bars.high, low: bars.low, close: bars.close, volume: bars.volume });
  const c = workspace.prepare(n);
  for (const step of STEPS) step(bars, n, c, workspace.states);
  const at = n - 1;
  return {
    sma20: last(c.sma20, at), sma50: last(c.sma50, at), sma200: last(c.sma200, at), ema12: last(c.ema12, at),
    ema26: last(c.ema26, at), rsi14: last(c.rsi14, at), macd: last(c.macd, at), macdSignal: last(c.macdSignal, at),
    macdHistogram: last(c.macdHistogram, at), bollingerUpper: last(c.bollingerUpper, at),
    bollingerMiddle: last(c.sma20, at), bollingerLower: last(c.bollingerLower, at), atr14: last(c.atr14, at),
    obv: last(c.obv, at), stochK: last(c.stochK, at), stochD: last(c.stochD, at), adx14: last(c.adx14, at),
    cci20: last(c.cci20, at), mfi14: last(c.mfi14, at), williamsR14: last(c.williamsR14, at),
  };
}

/**
 * The whole set, one bar at a time: what a live quote moves without recomputing history. Feed
 * the history with update(), then update() for each new bar and replace() as the open bar moves.
 */
export class IndicatorSetStream implements BarStream<IndicatorSet> {
  private readonly sma20 = new SmaStream(20);
  private readonly sma50 = new SmaStream(50);
  private readonly sma200 = new SmaStream(200);
  private readonly ema12 = new EmaStream(12);
  private readonly ema26 = new EmaStream(26);
  private readonly rsi14 = new RsiStream(14);
  private readonly macd = new MacdStream(12, 26, 9);
  private readonly bollinger = new BollingerStream(20, 2);
  private readonly atr14 = new AtrStream(14);
  private readonly obv = new ObvStream();
  private readonly stochastic = new StochasticStream(14, 3, 3);
  private readonly adx14 = new AdxStream(14);
  private readonly cci20 = new CciStream(20);
  private readonly mfi14 = new MfiStream(14);
  private readonly williamsR14 = new WilliamsRStream(14);

  get bars(): number {
    return this.obv.bars;
  }

  update(bar: PriceBar): IndicatorSet {
    const close = bar.close;
    const macd = this.macd.update(close);
    const bands = this.bollinger.update(close);
    const stochastic = this.stochastic.update(bar);
    return {
      sma20: this.sma20.update(close), sma50: this.sma50.update(close), sma200: this.sma200.update(close),
      ema12: this.ema12.update(close), ema26: this.ema26.update(close), rsi14: this.rsi14.update(close),
      macd: macd.macd, macdSignal: macd.signal, macdHistogram: macd.histogram,
      bollingerUpper: bands.upper, bollingerMiddle: bands.middle, bollingerLower: bands.lower,
      atr14: this.atr14.update(bar), obv: this.obv.update(bar), stochK: stochastic.k, stochD: stochastic.d,
      adx14: this.adx14.update(bar), cci20: this.cci20.update(bar), mfi14: this.mfi14.update(bar),
      williamsR14: this.williamsR14.update(bar),
    };
  }

  replace(bar: PriceBar): IndicatorSet {
    const close = bar.close;
    const macd = this.macd.replace(close);
    const bands = this.bollinger.replace(close);
    const stochastic = this.stochastic.replace(bar);
    return {
      sma20: this.sma20.replace(close), sma50: this.sma50.replace(close), sma200: this.sma200.replace(close),
      ema12: this.ema12.replace(close), ema26: this.ema26.replace(close), rsi14: this.rsi14.replace(close),
      macd: macd.macd, macdSignal: macd.signal, macdHistogram: macd.histogram,
      bollingerUpper: bands.upper, bollingerMiddle: bands.middle, bollingerLower: bands.lower,
      atr14: this.atr14.replace(bar), obv: this.obv.replace(bar), stochK: stochastic.k, stochD: stochastic.d,
      adx14: this.adx14.replace(bar), cci20: this.cci20.replace(bar), mfi14: this.mfi14.replace(bar),
      williamsR14: this.williamsR14.replace(bar),
    };
  }
}
