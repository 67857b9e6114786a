// What the indicator tests share: the real daily series of ../shared/data/ohlcv, the edge cases
// (flat, one bar, too short, zero volume, gaps, huge and tiny prices, NaN), the comparison with
// TA-Lib (within 1e-9 relative, identical warm-up) and the stream-equals-batch property.
//
// The files are parsed here rather than through the importer: the oracle wants the numbers exactly
// as published, odd rows included (the importer repairs or rejects those).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { IndicatorBars, PriceBar } from '../../../src/domain/indicators/index.ts';
import { hasSharedData, sharedData } from '../../support/shared-data.ts';

export interface Series extends IndicatorBars {
  name: string;
}

// --- Real series ---------------------------------------------------------------------------

const KAGGLE = 'ohlcv/daily_huge_stock_market_2000-2017';
const SP500 = 'ohlcv/sp500_482_daily_2015-01-12_2020-01-10_yahoo.csv';
const PLOTLY_AAPL = 'ohlcv/plotly/finance-charts-apple.csv';

/** True when every real file the oracle tests read is present. */
export const HAS_REAL_DATA = hasSharedData(KAGGLE) && hasSharedData(SP500) && hasSharedData(PLOTLY_AAPL);

function series(name: string, rows: number[][], [high, low, close, volume]: [number, number, number, number]): Series {
  const column = (k: number): Float64Array => Float64Array.from(rows, (row) => row[k]!);
  return { name, high: column(high), low: column(low), close: column(close), volume: column(volume) };
}

/** A Kaggle "huge stock market" file: Date,Open,High,Low,Close,Volume,OpenInt. */
function kaggle(ticker: string): Series {
  const lines = readFileSync(sharedData(KAGGLE, `${ticker}.csv`), 'utf8').trim().split(/\r?\n/).slice(1);
  return series(`${ticker} (Kaggle 2000–2017)`, lines.map((line) => line.split(',').map(Number)), [2, 3, 4, 5]);
}

/** Tickers of the S&P 500 long file: date,ticker,open,high,low,close,adj_close,volume. */
function sp500(tickers: readonly string[]): Series[] {
  const wanted = new Map(tickers.map((ticker) => [ticker, [] as number[][]]));
  for (const line of readFileSync(sharedData(SP500), 'utf8').split(/\r?\n/)) {
    const rows = wanted.get(line.slice(11, line.indexOf(',', 11)));
    if (rows) rows.push(line.split(',').map(Number));
  }
  return tickers.map((ticker) => series(`${ticker} (S&P 500 2015–2020)`, wanted.get(ticker)!, [3, 4, 5, 7]));
}

/** Plotly's AAPL: Date,AAPL.Open,AAPL.High,AAPL.Low,AAPL.Close,AAPL.Volume,... */
function plotlyApple(): Series {
  const lines = readFileSync(sharedData(PLOTLY_AAPL), 'utf8').trim().split(/\r?\n/).slice(1);
  return series('AAPL (plotly 2015–2017)', lines.map((line) => line.split(',').map(Number)), [2, 3, 4, 5]);
}

let real: Series[] | undefined;

/**
 * The real daily series of the oracle tests: AAPL, MSFT and SPY from the Kaggle files, AAPL from
 * plotly, and from the S&P 500 file AAPL, ARNC (zero-volume days), AET (flat last days), CBS (a
 * duplicated day printed as all zeros) and PYPL (listed mid-period).
 */
export function realSeries(): Series[] {
  real ??= [kaggle('AAPL'), kaggle('MSFT'), kaggle('SPY'), plotlyApple(), ...sp500(['AAPL', 'ARNC', 'AET', 'CBS', 'PYPL'])];
  return real;
}

// --- Synthetic and edge series -------------------------------------------------------------

/** mulberry32: deterministic series for the edge cases. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random walk of `length` bars around `price` (a coherent high ≥ open/close ≥ low). */
export function randomWalk(name: string, length: number, price = 100, seed = 7, volatility = 0.02): Series {
  const next = seeded(seed);
  const out: Series = {
    name, high: new Float64Array(length), low: new Float64Array(length), close: new Float64Array(length), volume: new Float64Array(length),
  };
  let close = price;
  for (let i = 0; i < length; i++) {
    const open = close;
    close = open * (1 + (next() - 0.5) * 2 * volatility);
    out.high[i] = Math.max(open, close) * (1 + next() * volatility);
    out.low[i] = Math.min(open, close) * (1 - next() * volatility);
    out.close[i] = close;
    out.volume[i] = Math.round(1e5 + next() * 1e6);
  }
  return out;
}

function mapSeries(base: Series, name: string, change: (column: 'high' | 'low' | 'close' | 'volume', values: Float64Array) => void): Series {
  const out: Series = { name, high: base.high.slice(), low: base.low.slice(), close: base.close.slice(), volume: base.volume.slice() };
  for (const column of ['high', 'low', 'close', 'volume'] as const) change(column, out[column]);
  return out;
}

/** The edge cases every indicator is checked on against TA-Lib. */
export function edgeSeries(): Series[] {
  const walk = randomWalk('walk', 300);
  const flat = mapSeries(walk, 'flat prices', (column, values) => values.fill(column === 'volume' ? 5000 : 42.5));
  const gaps = mapSeries(walk, 'gaps (±30% jumps every 9 bars)', (column, values) => {
    if (column === 'volume') return;
    let factor = 1;
    for (let i = 0; i < values.length; i++) {
      if (i % 9 === 0) factor *= i % 18 === 0 ? 1.3 : 0.7;
      values[i] = values[i]! * factor;
    }
  });
  const withNaN = (name: string, columns: ('high' | 'low' | 'close' | 'volume')[], at: number[]): Series =>
    mapSeries(walk, name, (column, values) => {
      if (columns.includes(column)) for (const i of at) values[i] = NaN;
    });
  return [
    flat,
    mapSeries(walk, 'flat run inside a walk', (column, values) => {
      if (column !== 'volume') values.fill(values[100]!, 100, 160);
    }),
    randomWalk('a single bar', 1),
    randomWalk('two bars', 2),
    randomWalk('shorter than the periods (8 bars)', 8),
    randomWalk('just past the slow warm-ups (34 bars)', 34),
    mapSeries(walk, 'zero volume', (column, values) => {
      if (column === 'volume') values.fill(0);
    }),
    mapSeries(walk, 'zero volume on some days', (column, values) => {
      if (column === 'volume') for (let i = 0; i < values.length; i += 3) values[i] = 0;
    }),
    gaps,
    randomWalk('huge prices (1e9)', 300, 1e9, 11),
    randomWalk('tiny prices (1e-6)', 300, 1e-6, 13),
    mapSeries(randomWalk('huge volume', 300, 50, 17), 'huge volume (1e15)', (column, values) => {
      if (column === 'volume') for (let i = 0; i < values.length; i++) values[i] = values[i]! * 1e9;
    }),
    withNaN('NaN closes', ['close'], [40, 41, 170]),
    withNaN('a NaN bar (all fields)', ['high', 'low', 'close', 'volume'], [60]),
    withNaN('NaN highs and lows', ['high', 'low'], [25, 120]),
    withNaN('NaN volume', ['volume'], [90]),
    withNaN('NaN first bar', ['high', 'low', 'close', 'volume'], [0]),
  ];
}

// --- Comparison with TA-Lib ----------------------------------------------------------------

/** Bar index of the first non-NaN value, or −1. */
export function firstValue(values: Float64Array): number {
  return values.findIndex((value) => !Number.isNaN(value));
}

/**
 * On x86-64 the talib package builds TA-Lib for baseline x86-64, without fused multiply-add, so
 * its doubles are computed exactly as ours: there we hold every value to the bit. Elsewhere (a
 * compiler may fuse a multiply and an add) the contract is 1e-9 relative.
 */
export const BIT_EXACT = process.arch === 'x64';

/**
 * `ours` equals TA-Lib's aligned output: NaN exactly where TA-Lib has no value or NaN, elsewhere
 * the same double (BIT_EXACT) or within 1e-9 relative (absolute below 1). `label` names the case.
 */
export function expectSameSeries(ours: Float64Array, theirs: Float64Array, label: string): void {
  expect(ours.length, `${label}: length`).toBe(theirs.length);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    const close = Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    if (!close) expect.fail(`${label}: bar ${i} is ${a}, TA-Lib says ${b}`);
    if (BIT_EXACT && !Object.is(a, b)) expect.fail(`${label}: bar ${i} is ${a}, TA-Lib says ${b} (not the same double)`);
  }
}

// --- Streams -------------------------------------------------------------------------------

/** A stream under test, its outputs by name (the batch form's names). */
export interface NamedStream {
  update(bar: PriceBar): Record<string, number>;
  replace(bar: PriceBar): Record<string, number>;
}

/**
 * Random bars for the stream property: a walk with flat stretches, zero volume, NaN now and then,
 * and for each bar 0–3 provisional versions the stream sees first (revised with replace()).
 */
export function barsWithRevisions(maxLength: number): fc.Arbitrary<{ bars: PriceBar[]; drafts: PriceBar[][] }> {
  const bar = fc.record({
    move: fc.oneof(fc.double({ min: -0.08, max: 0.08, noNaN: true }), fc.constant(0)),
    up: fc.double({ min: 0, max: 0.05, noNaN: true }),
    down: fc.double({ min: 0, max: 0.05, noNaN: true }),
    volume: fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.constant(0)),
    nan: fc.oneof({ weight: 30, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('close', 'high', 'low', 'volume') }),
    drafts: fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { maxLength: 3 }),
  });
  return fc.tuple(fc.double({ min: 1, max: 1000, noNaN: true }), fc.array(bar, { maxLength })).map(([start, steps]) => {
    const bars: PriceBar[] = [];
    const drafts: PriceBar[][] = [];
    let close = start;
    for (const step of steps) {
      const open = close;
      close = open * (1 + step.move);
      const made: PriceBar = {
        high: Math.max(open, close) * (1 + step.up), low: Math.min(open, close) * (1 - step.down), close, volume: step.volume,
      };
      if (step.nan !== '') made[step.nan] = NaN;
      bars.push(made);
      drafts.push(step.drafts.map((shift) => ({ ...made, close: made.close * (1 + shift), high: made.high * (1 + Math.abs(shift)), volume: Math.round(made.volume / 2) })));
    }
    return { bars, drafts };
  });
}

/** The bars as columns, for the batch form. */
export function columns(bars: readonly PriceBar[]): IndicatorBars {
  return {
    high: Float64Array.from(bars, (bar) => bar.high), low: Float64Array.from(bars, (bar) => bar.low),
    close: Float64Array.from(bars, (bar) => bar.close), volume: Float64Array.from(bars, (bar) => bar.volume),
  };
}

/**
 * Feeds `bars` to a fresh stream (each bar's drafts first: update with the first, replace with
 * the rest and finally the bar itself) and checks every value against the batch form, bit for bit.
 */
export function expectStreamEqualsBatch(
  stream: NamedStream, batch: Record<string, Float64Array>, bars: readonly PriceBar[], drafts: readonly PriceBar[][],
): void {
  bars.forEach((bar, i) => {
    const versions = [...(drafts[i] ?? []), bar];
    let values = stream.update(versions[0]!);
    for (const version of versions.slice(1)) values = stream.replace(version);
    for (const [name, series] of Object.entries(batch)) {
      if (!Object.is(values[name], series[i])) {
        expect.fail(`bar ${i} (${versions.length - 1} revisions): stream ${name} = ${values[name]}, batch = ${series[i]}`);
      }
    }
  });
}

// --- The oracle tests ----------------------------------------------------------------------

/** One parameterisation of an indicator: our outputs and TA-Lib's, under the same names. */
export interface OracleCase {
  label: string;
  ours(bars: IndicatorBars): Record<string, Float64Array>;
  /** TA-Lib's outputs aligned to the input, and its first output index. */
  talib(bars: IndicatorBars): { begIndex: number; nbElement: number; outputs: Record<string, Float64Array> };
}

/** Checks every case on `series`: each output as TA-Lib's, and the first value where TA-Lib's is. */
export function expectMatchesTalib(cases: readonly OracleCase[], series: readonly Series[]): void {
  for (const s of series) {
    for (const c of cases) {
      const ours = c.ours(s);
      const theirs = c.talib(s);
      for (const [name, values] of Object.entries(ours)) {
        const label = `${c.label} ${name} on ${s.name}`;
        expectSameSeries(values, theirs.outputs[name] ?? new Float64Array(s.close.length).fill(NaN), label);
        const clean = [s.high, s.low, s.close, s.volume].every((column) => column.every((value) => !Number.isNaN(value)));
        if (clean) expect(firstValue(values), `${label}: first value`).toBe(theirs.nbElement > 0 ? theirs.begIndex : -1);
      }
    }
  }
}

// --- ta-lib-python's spot values -----------------------------------------------------------

const VECTORS = 'talib_oracle/ta-lib-python_test_vectors.json';
export const HAS_VECTORS = hasSharedData(VECTORS);

export interface SpotCheck {
  func: string;
  input: string | (number | null)[] | Record<string, number[]>;
  params: Record<string, number | string>;
  values?: Record<string, number | Record<string, number>>;
  expected?: (number | null)[];
  tolerance?: number;
}

interface Vectors {
  inputs: { series: { close: number[] } };
  expected: SpotCheck[];
}

let vectors: Vectors | undefined;

/** ta-lib-python's fixture close series and its spot checks (null stands for NaN). */
export function talibPythonVectors(): Vectors {
  vectors ??= JSON.parse(readFileSync(sharedData(VECTORS), 'utf8')) as Vectors;
  return vectors;
}

/** The spot checks of one TA-Lib function. */
export function spotChecks(func: string): SpotCheck[] {
  return talibPythonVectors().expected.filter((check) => check.func === func);
}
