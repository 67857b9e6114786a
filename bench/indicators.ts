// The indicator set over many symbols on one core, side by side with TA-Lib's own C functions
// called natively (the true limit), the talib Node binding, and the two JavaScript libraries a Node
// user would otherwise pick (technicalindicators, trading-signals); then the streaming update().
//
//   npx tsx bench/indicators.ts [--symbols 5000] [--bars 500] [--repeats 5] [--no-libraries] [--scanner-only]
//
// Bars come from a fixed seed (a random walk in cents with overnight gaps, intraday ranges and
// volume spikes), written once to a temporary file that every measurement reads, so all see the
// same 5,000 × 500 bars. Each implementation runs in a process of its own, as the C driver does:
//   - native: bench/native/indicators.c, compiled with `cc -O2` into the temporary directory
//     against the static libraries the talib package built, deleted afterwards;
//   - ours: this file with `--part ours`, importing nothing but our indicators;
//   - ours after CommonJS: the same set after importing a CommonJS package through tsx, as the API
//     and worker processes do. tsx's loader then detaches an ArrayBuffer, which invalidates V8's
//     ArrayBufferDetaching protector for the process, and from then on V8 checks every typed-array
//     access for a detached buffer: the slower, real-life figure;
//   - libraries: the talib binding, technicalindicators and trading-signals (technicalindicators
//     being CommonJS, it pays the same check).
// Times are CPU time of the measuring process (getrusage; the driver's CLOCK_PROCESS_CPUTIME_ID),
// so other work on a shared machine counts against neither side; each is the best of --repeats
// runs after a warm-up run (libraries: one run after a warm-up on 50 symbols, they are slow). A
// library's time covers its calls only, not turning our Float64Arrays into the arrays or candle
// objects it takes. "vs C" is native time ÷ time: 1.0 is as fast as TA-Lib in C, 0.5 twice as slow.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TechnicalIndicators from 'technicalindicators';
import type * as TradingSignals from 'trading-signals';
import { adxKernel } from '../src/domain/indicators/adx.ts';
import { atrKernel } from '../src/domain/indicators/atr.ts';
import { bollingerKernel } from '../src/domain/indicators/bollinger.ts';
import { cciKernel } from '../src/domain/indicators/cci.ts';
import { emaKernel } from '../src/domain/indicators/ema.ts';
import { extremesInitialState, extremesKernel } from '../src/domain/indicators/extremes.ts';
import * as ours from '../src/domain/indicators/index.ts';
import { emaFactor, WHOLE } from '../src/domain/indicators/kernel.ts';
import { macdKernel } from '../src/domain/indicators/macd.ts';
import { mfiKernel } from '../src/domain/indicators/mfi.ts';
import { obvKernel } from '../src/domain/indicators/obv.ts';
import { rsiKernel } from '../src/domain/indicators/rsi.ts';
import { smaKernel } from '../src/domain/indicators/sma.ts';
import { stochasticKernel } from '../src/domain/indicators/stochastic.ts';
import { williamsRKernel } from '../src/domain/indicators/williams-r.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SCRIPT = fileURLToPath(import.meta.url);
const TALIB_LIB = join(ROOT, 'node_modules/talib/src/lib');

// --- Options -------------------------------------------------------------------------------

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

function count(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${name} takes a positive integer`);
  return value;
}

const REPEATS = count('repeats', 5);
const PART = option('part');

// --- The market ----------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so every run sees the same bars. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Market {
  symbols: number;
  bars: number;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

function generateMarket(symbols: number, bars: number, seed = 42): Market {
  const next = random(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const cents = (price: number): number => Math.round(price * 100) / 100;
  const size = symbols * bars;
  const market: Market = {
    symbols, bars, high: new Float64Array(size), low: new Float64Array(size), close: new Float64Array(size), volume: new Float64Array(size),
  };
  for (let s = 0; s < symbols; s++) {
    let close = 5 + 495 * next();
    const volatility = 0.008 + 0.025 * next();
    const baseVolume = 1e5 * Math.exp(4 * next());
    for (let i = 0; i < bars; i++) {
      const at = s * bars + i;
      // An overnight gap, now and then a large one, then the session's move.
      const open = close * Math.exp(normal() * volatility * (next() < 0.02 ? 4 : 0.3));
      close = open * Math.exp(normal() * volatility);
      market.high[at] = cents(Math.max(open, close) * (1 + Math.abs(normal()) * volatility * 0.5));
      market.low[at] = cents(Math.min(open, close) * (1 - Math.abs(normal()) * volatility * 0.5));
      market.close[at] = cents(close);
      market.volume[at] = Math.round(baseVolume * Math.exp(0.4 * normal()) * (next() < 0.02 ? 4 : 1));
    }
  }
  return market;
}

/** bars.bin: int32 symbols, int32 bars, then high, low, close, volume as float64 (the C driver's format). */
function writeMarket(path: string, market: Market): void {
  const header = Buffer.alloc(8);
  header.writeInt32LE(market.symbols, 0);
  header.writeInt32LE(market.bars, 4);
  const columns = [market.high, market.low, market.close, market.volume].map((column) => Buffer.from(column.buffer, column.byteOffset, column.byteLength));
  writeFileSync(path, Buffer.concat([header, ...columns]));
}

function readMarket(path: string): Market {
  const file = readFileSync(path);
  const symbols = file.readInt32LE(0);
  const bars = file.readInt32LE(4);
  const size = symbols * bars;
  const all = new Float64Array(file.buffer.slice(file.byteOffset + 8, file.byteOffset + 8 + 32 * size));
  return {
    symbols, bars, high: all.subarray(0, size), low: all.subarray(size, 2 * size),
    close: all.subarray(2 * size, 3 * size), volume: all.subarray(3 * size),
  };
}

/** Each symbol's bars as views, made once (a view costs about a microsecond: not the indicators' time). */
function symbolsOf(market: Market): ours.IndicatorBars[] {
  return Array.from({ length: market.symbols }, (_, s) => {
    const from = s * market.bars;
    const to = from + market.bars;
    return {
      high: market.high.subarray(from, to), low: market.low.subarray(from, to),
      close: market.close.subarray(from, to), volume: market.volume.subarray(from, to),
    };
  });
}

// --- Timing --------------------------------------------------------------------------------

let sink = 0;
let kept: unknown = null;

/** Keeps a result reachable so no call is optimised away. */
function keep(result: unknown): void {
  kept = result;
}

/** CPU time of this process in ms. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Best CPU time in ms of `runs` runs of `body`, after one warm-up run. */
function best(runs: number, body: () => void): number {
  body();
  let fastest = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = cpuNow();
    body();
    fastest = Math.min(fastest, cpuNow() - start);
  }
  return fastest;
}

/** CPU time of `call` over every symbol, preparing its input untimed; after a warm-up on 50 symbols. */
function timedPerSymbol<T>(symbols: readonly ours.IndicatorBars[], prepare: (bars: ours.IndicatorBars) => T, call: (input: T) => void): number {
  const once = (total: number): number => {
    let spent = 0;
    for (let s = 0; s < total; s++) {
      const input = prepare(symbols[s]!);
      const start = cpuNow();
      call(input);
      spent += cpuNow() - start;
    }
    return spent;
  };
  once(Math.min(50, symbols.length));
  return once(symbols.length);
}

// --- The implementations, indicator by indicator -------------------------------------------

type Arrays = { high: number[]; low: number[]; close: number[]; volume: number[] };
type Candle = { open: number; high: number; low: number; close: number; volume: number };
type TI = typeof TechnicalIndicators;
type TS = typeof TradingSignals;

const toArrays = (bars: ours.IndicatorBars): Arrays => ({
  high: Array.from(bars.high), low: Array.from(bars.low), close: Array.from(bars.close), volume: Array.from(bars.volume),
});
const toCandles = (bars: ours.IndicatorBars): Candle[] =>
  Array.from(bars.close, (close, i) => ({ open: close, high: bars.high[i]!, low: bars.low[i]!, close, volume: bars.volume[i]! }));

function feed<T>(indicator: { add(input: T): unknown; getResult(): unknown }, inputs: readonly T[]): void {
  for (const input of inputs) indicator.add(input);
  if (indicator.getResult() !== null) sink += 1;
}

/** Arrays reused from call to call, as TA-Lib's caller reuses its output buffers. */
interface Reused {
  n: number;
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
  d: Float64Array;
  e: Float64Array;
  f: Float64Array;
  state: Float64Array;
  ring: Float64Array;
}

interface Case {
  /** Key in the native driver's output. */
  key: string;
  label: string;
  ours: (bars: ours.IndicatorBars) => unknown;
  /** The same arithmetic straight from the kernels into reused arrays (what computeIndicatorSet runs). */
  kernel: (bars: ours.IndicatorBars, w: Reused) => void;
  /** talib binding: function name, options and inputs. */
  talib: [string, Record<string, number>, 'close' | 'hlc' | 'cv' | 'hlcv'];
  technicalindicators: (ti: TI, input: Arrays) => unknown;
  tradingSignals: (ts: TS, candles: Candle[]) => void;
  /** A fresh stream taking bars. */
  stream: () => { update(bar: Candle): unknown; replace(bar: Candle): unknown };
}

const byClose = (make: () => { update(value: number): unknown; replace(value: number): unknown }) => () => {
  const inner = make();
  return { update: (bar: Candle) => inner.update(bar.close), replace: (bar: Candle) => inner.replace(bar.close) };
};

const CASES: readonly Case[] = [
  {
    key: 'sma20', label: 'SMA 20', ours: (b) => ours.sma(b.close, 20), kernel: (b, w) => smaKernel(b.close, w.a, WHOLE, 0, w.n, w.state, w.state, 20),
    talib: ['SMA', { optInTimePeriod: 20 }, 'close'],
    technicalindicators: (ti, a) => ti.SMA.calculate({ period: 20, values: a.close }),
    tradingSignals: (ts, c) => feed(new ts.SMA(20), c.map((x) => x.close)), stream: byClose(() => new ours.SmaStream(20)),
  },
  {
    key: 'sma50', label: 'SMA 50', ours: (b) => ours.sma(b.close, 50), kernel: (b, w) => smaKernel(b.close, w.a, WHOLE, 0, w.n, w.state, w.state, 50),
    talib: ['SMA', { optInTimePeriod: 50 }, 'close'],
    technicalindicators: (ti, a) => ti.SMA.calculate({ period: 50, values: a.close }),
    tradingSignals: (ts, c) => feed(new ts.SMA(50), c.map((x) => x.close)), stream: byClose(() => new ours.SmaStream(50)),
  },
  {
    key: 'sma200', label: 'SMA 200', ours: (b) => ours.sma(b.close, 200), kernel: (b, w) => smaKernel(b.close, w.a, WHOLE, 0, w.n, w.state, w.state, 200),
    talib: ['SMA', { optInTimePeriod: 200 }, 'close'],
    technicalindicators: (ti, a) => ti.SMA.calculate({ period: 200, values: a.close }),
    tradingSignals: (ts, c) => feed(new ts.SMA(200), c.map((x) => x.close)), stream: byClose(() => new ours.SmaStream(200)),
  },
  {
    key: 'ema12', label: 'EMA 12', ours: (b) => ours.ema(b.close, 12), kernel: (b, w) => emaKernel(b.close, w.a, WHOLE, 0, w.n, w.state, w.state, 12, emaFactor(12)),
    talib: ['EMA', { optInTimePeriod: 12 }, 'close'],
    technicalindicators: (ti, a) => ti.EMA.calculate({ period: 12, values: a.close }),
    tradingSignals: (ts, c) => feed(new ts.EMA(12), c.map((x) => x.close)), stream: byClose(() => new ours.EmaStream(12)),
  },
  {
    key: 'ema26', label: 'EMA 26', ours: (b) => ours.ema(b.close, 26), kernel: (b, w) => emaKernel(b.close, w.a, WHOLE, 0, w.n, w.state, w.state, 26, emaFactor(26)),
    talib: ['EMA', { optInTimePeriod: 26 }, 'close'],
    technicalindicators: (ti, a) => ti.EMA.calculate({ period: 26, values: a.close }),
    tradingSignals: (ts, c) => feed(new ts.EMA(26), c.map((x) => x.close)), stream: byClose(() => new ours.EmaStream(26)),
  },
  {
    key: 'rsi14', label: 'RSI 14', ours: (b) => ours.rsi(b.close, 14), kernel: (b, w) => rsiKernel(b.close, w.a, WHOLE, 0, w.n, w.state, w.state, 14),
    talib: ['RSI', { optInTimePeriod: 14 }, 'close'],
    technicalindicators: (ti, a) => ti.RSI.calculate({ period: 14, values: a.close }),
    tradingSignals: (ts, c) => feed(new ts.RSI(14), c.map((x) => x.close)), stream: byClose(() => new ours.RsiStream(14)),
  },
  {
    key: 'macd', label: 'MACD 12/26/9', ours: (b) => ours.macd(b.close), kernel: (b, w) => {
      emaKernel(b.close, w.d, WHOLE, 0, w.n, w.state, w.state, 26, emaFactor(26));
      w.state.fill(0);
      macdKernel(b.close, w.d, w.a, w.b, w.c, WHOLE, 0, w.n, w.state, w.state, 12, 26, 9, emaFactor(12), emaFactor(9));
    },
    talib: ['MACD', { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }, 'close'],
    technicalindicators: (ti, a) => ti.MACD.calculate({ values: a.close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }),
    tradingSignals: (ts, c) => feed(new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)), c.map((x) => x.close)),
    stream: byClose(() => new ours.MacdStream()),
  },
  {
    key: 'bollinger', label: 'Bollinger 20/2', ours: (b) => ours.bollinger(b.close), kernel: (b, w) => {
      smaKernel(b.close, w.b, WHOLE, 0, w.n, w.state, w.state, 20);
      w.state.fill(0);
      bollingerKernel(b.close, w.b, w.a, w.c, WHOLE, 0, w.n, w.state, w.state, 20, 2);
    },
    talib: ['BBANDS', { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 }, 'close'],
    technicalindicators: (ti, a) => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: a.close }),
    tradingSignals: (ts, c) => feed(new ts.BollingerBands(20, 2), c.map((x) => x.close)), stream: byClose(() => new ours.BollingerStream()),
  },
  {
    key: 'atr14', label: 'ATR 14', ours: (b) => ours.atr(b.high, b.low, b.close), kernel: (b, w) => atrKernel(b.high, b.low, b.close, w.a, WHOLE, 0, w.n, w.state, w.state, 14),
    talib: ['ATR', { optInTimePeriod: 14 }, 'hlc'],
    technicalindicators: (ti, a) => ti.ATR.calculate({ high: a.high, low: a.low, close: a.close, period: 14 }),
    tradingSignals: (ts, c) => feed(new ts.ATR(14), c), stream: () => new ours.AtrStream(),
  },
  {
    key: 'obv', label: 'OBV', ours: (b) => ours.obv(b.close, b.volume), kernel: (b, w) => obvKernel(b.close, b.volume, w.a, WHOLE, 0, w.n, w.state, w.state),
    talib: ['OBV', {}, 'cv'],
    technicalindicators: (ti, a) => ti.OBV.calculate({ close: a.close, volume: a.volume }),
    tradingSignals: (ts, c) => feed(new ts.OBV(2), c), stream: () => new ours.ObvStream(),
  },
  {
    key: 'stochastic', label: 'Stochastic 14/3/3', ours: (b) => ours.stochastic(b.high, b.low, b.close),
    kernel: (b, w) => {
      w.state.set(extremesInitialState());
      extremesKernel(b.high, b.low, w.c, w.d, WHOLE, 0, w.n, w.state, w.state, 14);
      w.state.fill(0);
      stochasticKernel(b.close, w.c, w.d, w.e, w.f, w.a, w.b, WHOLE, 0, w.n, w.state, w.state, 14, 3, 3);
    },
    talib: ['STOCH', { optInFastK_Period: 14, optInSlowK_Period: 3, optInSlowK_MAType: 0, optInSlowD_Period: 3, optInSlowD_MAType: 0 }, 'hlc'],
    technicalindicators: (ti, a) => ti.Stochastic.calculate({ high: a.high, low: a.low, close: a.close, period: 14, signalPeriod: 3 }),
    tradingSignals: (ts, c) => feed(new ts.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }), c),
    stream: () => new ours.StochasticStream(),
  },
  {
    key: 'adx14', label: 'ADX 14', ours: (b) => ours.adx(b.high, b.low, b.close), kernel: (b, w) => adxKernel(b.high, b.low, b.close, w.a, WHOLE, 0, w.n, w.state, w.state, 14),
    talib: ['ADX', { optInTimePeriod: 14 }, 'hlc'],
    technicalindicators: (ti, a) => ti.ADX.calculate({ high: a.high, low: a.low, close: a.close, period: 14 }),
    tradingSignals: (ts, c) => feed(new ts.ADX(14), c), stream: () => new ours.AdxStream(),
  },
  {
    key: 'cci20', label: 'CCI 20', ours: (b) => ours.cci(b.high, b.low, b.close), kernel: (b, w) => cciKernel(b.high, b.low, b.close, w.a, w.ring, WHOLE, 0, w.n, w.state, w.state, 20),
    talib: ['CCI', { optInTimePeriod: 20 }, 'hlc'],
    technicalindicators: (ti, a) => ti.CCI.calculate({ high: a.high, low: a.low, close: a.close, period: 20 }),
    tradingSignals: (ts, c) => feed(new ts.CCI(20), c), stream: () => new ours.CciStream(),
  },
  {
    key: 'mfi14', label: 'MFI 14', ours: (b) => ours.mfi(b.high, b.low, b.close, b.volume), kernel: (b, w) => mfiKernel(b.high, b.low, b.close, b.volume, w.a, w.b, w.c, WHOLE, 0, w.n, w.state, w.state, 14),
    talib: ['MFI', { optInTimePeriod: 14 }, 'hlcv'],
    technicalindicators: (ti, a) => ti.MFI.calculate({ high: a.high, low: a.low, close: a.close, volume: a.volume, period: 14 }),
    tradingSignals: (ts, c) => feed(new ts.MFI(14), c), stream: () => new ours.MfiStream(),
  },
  {
    key: 'williamsR14', label: 'Williams %R 14', ours: (b) => ours.williamsR(b.high, b.low, b.close), kernel: (b, w) => {
      w.state.set(extremesInitialState());
      extremesKernel(b.high, b.low, w.c, w.d, WHOLE, 0, w.n, w.state, w.state, 14);
      williamsRKernel(b.close, w.c, w.d, w.a, WHOLE, 0, w.n);
    },
    talib: ['WILLR', { optInTimePeriod: 14 }, 'hlc'],
    technicalindicators: (ti, a) => ti.WilliamsR.calculate({ high: a.high, low: a.low, close: a.close, period: 14 }),
    tradingSignals: (ts, c) => feed(new ts.WilliamsR(14), c), stream: () => new ours.WilliamsRStream(),
  },
];

function talibInputs(kind: Case['talib'][2], a: Arrays): Record<string, number[]> {
  switch (kind) {
    case 'close': return { inReal: a.close };
    case 'hlc': return { high: a.high, low: a.low, close: a.close };
    case 'cv': return { inReal: a.close, volume: a.volume };
    case 'hlcv': return { high: a.high, low: a.low, close: a.close, volume: a.volume };
  }
}

// --- The measuring processes ---------------------------------------------------------------

interface StreamRow {
  label: string;
  updateNs: number;
  replaceNs: number;
}

interface OursResult {
  set: number;
  batch: Record<string, number>;
  kernels: Record<string, number>;
  streams: StreamRow[];
  streamSymbols: number;
  streamHarnessNs: number;
}

interface LibrariesResult {
  binding: Record<string, number> | string;
  technicalindicators: Record<string, number>;
  tradingSignals: Record<string, number>;
}

function timeSet(symbols: readonly ours.IndicatorBars[], bars: number): number {
  const workspace = new ours.IndicatorWorkspace(bars);
  return best(REPEATS, () => {
    for (const symbol of symbols) sink += ours.computeIndicatorSet(symbol, workspace).sma20;
  });
}

/** ns per update() over every bar of up to 1,000 symbols through fresh streams, and per replace(). */
function timeStreams(market: Market): { rows: StreamRow[]; symbols: number; harnessNs: number } {
  const bar: Candle = { open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const symbols = Math.min(market.symbols, 1000);
  const time = (make: () => { update(bar: Candle): unknown; replace(bar: Candle): unknown }, revise: boolean): number => {
    const ms = best(REPEATS, () => {
      for (let s = 0; s < symbols; s++) {
        const stream = make();
        const from = s * market.bars;
        for (let i = from; i < from + market.bars; i++) {
          bar.high = market.high[i]!;
          bar.low = market.low[i]!;
          bar.close = market.close[i]!;
          bar.volume = market.volume[i]!;
          keep(revise ? stream.replace(bar) : stream.update(bar));
        }
      }
    });
    return (ms * 1e6) / (symbols * market.bars);
  };
  const rows = CASES.map((c) => ({ label: c.label, updateNs: time(c.stream, false), replaceNs: time(c.stream, true) }));
  rows.push({
    label: 'whole set (IndicatorSetStream, 15 indicators)',
    updateNs: time(() => new ours.IndicatorSetStream(), false),
    replaceNs: time(() => new ours.IndicatorSetStream(), true),
  });
  // What the loop above costs by itself: a stream that does nothing, through the same call site.
  const harnessNs = time(() => ({ update: (bar: Candle) => bar.close, replace: (bar: Candle) => bar.close }), false);
  return { rows, symbols, harnessNs };
}

async function measureOurs(market: Market): Promise<OursResult> {
  const symbols = symbolsOf(market);
  // The set first, as the indicators job runs it.
  const set = timeSet(symbols, market.bars);
  const batch: Record<string, number> = {};
  const kernels: Record<string, number> = {};
  const column = (): Float64Array => new Float64Array(market.bars);
  const reused: Reused = {
    n: market.bars, a: column(), b: column(), c: column(), d: column(), e: column(), f: column(), state: new Float64Array(8), ring: new Float64Array(20),
  };
  for (const c of CASES) {
    batch[c.key] = best(REPEATS, () => {
      for (const symbol of symbols) keep(c.ours(symbol));
    });
    kernels[c.key] = best(REPEATS, () => {
      for (const symbol of symbols) {
        reused.state.fill(0);
        c.kernel(symbol, reused);
      }
    });
  }
  const streams = timeStreams(market);
  return { set, batch, kernels, streams: streams.rows, streamSymbols: streams.symbols, streamHarnessNs: streams.harnessNs };
}

async function measureOursAfterCommonJs(market: Market): Promise<{ set: number }> {
  // Any CommonJS package loaded through tsx will do; pg is one the API process loads.
  await import('pg');
  return { set: timeSet(symbolsOf(market), market.bars) };
}

async function measureLibraries(market: Market): Promise<LibrariesResult> {
  const symbols = symbolsOf(market);
  const ti = await import('technicalindicators');
  const ts = await import('trading-signals');
  const { talib, TALIB_MISSING } = await import('../test/support/talib.ts');
  const result: LibrariesResult = { binding: talib ? {} : TALIB_MISSING, technicalindicators: {}, tradingSignals: {} };
  for (const c of CASES) {
    if (talib && typeof result.binding === 'object') {
      const [name, options, kind] = c.talib;
      result.binding[c.key] = timedPerSymbol(symbols, toArrays, (a) => {
        sink += talib.execute({ name, startIdx: 0, endIdx: market.bars - 1, ...talibInputs(kind, a), ...options }).nbElement;
      });
    }
    result.technicalindicators[c.key] = timedPerSymbol(symbols, toArrays, (a) => keep(c.technicalindicators(ti, a)));
    result.tradingSignals[c.key] = timedPerSymbol(symbols, toCandles, (candles) => c.tradingSignals(ts, candles));
    console.error(`  libraries, ${c.label}: done`);
  }
  return result;
}

// --- The orchestrating process -------------------------------------------------------------

interface NativeResult {
  version: string;
  ms: Record<string, number>;
  last: Record<string, number | null>;
}

function runNative(dir: string, barsFile: string): NativeResult | string {
  const libraries = ['libta_func_csr.a', 'libta_abstract_csr.a', 'libta_common_csr.a', 'libta_libc_csr.a'].map((name) => join(TALIB_LIB, 'lib', name));
  const missing = libraries.find((path) => !existsSync(path));
  if (missing) return `TA-Lib static library not found: ${missing} (is the talib package installed and built?)`;
  const binary = join(dir, 'indicators');
  const compile = spawnSync('cc', ['-O2', '-o', binary, join(ROOT, 'bench/native/indicators.c'), `-I${join(TALIB_LIB, 'include')}`, ...libraries, '-lm'], { encoding: 'utf8' });
  if (compile.error || compile.status !== 0) return `cc failed: ${compile.error?.message ?? compile.stderr.trim()}`;
  const run = spawnSync(binary, [barsFile, String(REPEATS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.error || run.status !== 0) return `native run failed: ${run.error?.message ?? run.stderr.trim()}`;
  return JSON.parse(run.stdout) as NativeResult;
}

/** Runs this script again as `--part <part>` in a fresh process (same tsx loader) and returns its JSON. */
function runPart<T>(part: string, barsFile: string): T {
  const child = spawnSync(process.execPath, [...process.execArgv, SCRIPT, '--part', part, '--bars-file', barsFile, '--repeats', String(REPEATS)], {
    encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.error || child.status !== 0) throw new Error(`part ${part} failed: ${child.error?.message ?? `exit ${child.status}`}`);
  return JSON.parse(child.stdout) as T;
}

// --- The scanner and screens over PostgreSQL ----------------------------------------------

const SCAN_SYMBOLS = 5_000;
const SCAN_BARS = 300;

/** Best wall time in ms of `runs` runs of `body` (after `prepare`, untimed), after one warm-up run. */
async function bestWall(runs: number, body: () => Promise<unknown>, prepare: () => Promise<unknown> = async () => {}): Promise<number> {
  await prepare();
  await body();
  let fastest = Infinity;
  for (let r = 0; r < runs; r++) {
    await prepare();
    const start = performance.now();
    await body();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/**
 * The scanner and screens end to end over 5,000 simulated symbols × 300 daily bars in a scratch
 * PostgreSQL database (created beside TEST_DATABASE_URL's or DATABASE_URL's, dropped afterwards):
 * the real services and routes (through Fastify's inject), an in-process cache, wall time, best of 3.
 * Side by side, the scan's read of the bars as one row per bar, which the packed read replaces.
 */
async function scannerAndScreenBench(): Promise<string | null> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const title = `### Scanner and screens: ${SCAN_SYMBOLS.toLocaleString('en-US')} symbols × ${SCAN_BARS} daily bars in PostgreSQL`;
  if (!adminUrl) return `${title}\n\nNot measured: set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL role that may create a database.`;
  const { randomBytes } = await import('node:crypto');
  const { default: pg } = await import('pg');
  const { buildApp } = await import('../src/app.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { sessionsBetween } = await import('../src/domain/calendar/index.ts');
  const { manualClock } = await import('../src/domain/time.ts');
  const { SCAN_WINDOW_PERIODS } = await import('../src/domain/scanner/index.ts');
  const { pino } = await import('pino');
  const REPEATS_WALL = 3;

  const name = `stockmind_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const rows: [string, number, string][] = [];
  const closers: (() => Promise<void>)[] = [];
  let readRows = '';
  try {
    const dates = sessionsBetween('2020-01-01', '2026-11-20').map((session) => session.date).slice(-SCAN_BARS);
    const clock = manualClock(new Date('2026-11-20T22:00:00Z'));
    const config = loadConfig({
      DATABASE_URL: url.toString(), SECRET_KEY: randomBytes(48).toString('base64url'), LOG_LEVEL: 'silent',
      STOCKMIND_DATA_DIR: 'memory://', MARKET_DATA_PROVIDER: 'simulated', ACTIVE_SYMBOLS: String(SCAN_SYMBOLS),
    });
    const app = await buildApp(config, { provider: { provider: null, reason: 'bench' }, clock });
    const log = pino({ level: 'silent' });
    try {
      await app.startup;
      const market = generateMarket(SCAN_SYMBOLS, SCAN_BARS, 7);
      const symbols = Array.from({ length: SCAN_SYMBOLS }, (_, s) => `B${String(s).padStart(4, '0')}`);
      async function* batches() {
        for (let s = 0; s < SCAN_SYMBOLS; s++) {
          const batch = [];
          for (let i = 0; i < SCAN_BARS; i++) {
            const at = s * SCAN_BARS + i;
            const open = Math.min(market.high[at]!, Math.max(market.low[at]!, i > 0 ? market.close[at - 1]! : market.close[at]!));
            batch.push({
              symbol: symbols[s]!, interval: '1d' as const, source: 'csv' as const,
              bar: { timestamp: new Date(`${dates[i]}T00:00:00Z`), open, high: market.high[at]!, low: market.low[at]!, close: market.close[at]!, adjustedClose: null, volume: market.volume[at]! },
            });
          }
          yield batch;
        }
      }
      let start = performance.now();
      await app.repositories.prices.bulkLoad(batches);
      rows.push([`load ${(SCAN_SYMBOLS * SCAN_BARS).toLocaleString('en-US')} bars (COPY, once)`, performance.now() - start, '']);
      // The bench's symbols are the largest, so they are the active ones (ahead of the seeded universe).
      const direct = new pg.Client({ connectionString: url.toString() });
      // The scratch database is dropped with force at the end, whatever happened before.
      direct.on('error', () => {});
      await direct.connect();
      closers.push(() => direct.end());
      await direct.query(`update stocks set market_cap = 1e12 - substr(symbol, 2)::bigint, sector = (array['Energy', 'Financials', 'Health Care', 'Industrials', 'Utilities'])[1 + substr(symbol, 2)::int % 5] where symbol ~ '^B[0-9]{4}$'`);
      await direct.query('analyze');

      start = performance.now();
      await app.services.indicators.refresh(symbols);
      rows.push(['indicator set of every symbol (400-bar windows read, computed, stored, cached, published; once)', performance.now() - start, '']);

      const tick = async () => { clock.advance(1_000); };
      rows.push(['daily scan end to end (read, indicators, rules, 5,000 rows saved)', await bestWall(REPEATS_WALL, () => app.services.scanner.scan('daily', log), tick), '< 2 s']);
      const inject = async (path: string) => {
        const answer = await app.http.inject({ method: 'GET', url: path });
        if (answer.statusCode !== 200) throw new Error(`${path}: ${answer.statusCode} ${answer.body.slice(0, 200)}`);
        return answer;
      };
      rows.push(['GET /api/market/scanner?timeframe=daily (cache cold)', await bestWall(REPEATS_WALL, () => inject('/api/market/scanner?timeframe=daily&limit=20'), () => app.infra.cache.delete('scanner:daily')), '< 2 s']);
      rows.push(['GET /api/market/scanner?timeframe=daily (cached)', await bestWall(REPEATS_WALL, () => inject('/api/market/scanner?timeframe=daily&limit=20')), '']);
      const screen = `/api/market/screen?${new URLSearchParams({ where: 'rsi < 30 and close > sma200 and volume > 2 * avgVolume20', sort: '-changePercent', limit: '50' })}`;
      rows.push(['GET /api/market/screen?where=rsi < 30 and close > sma200 and volume > 2 * avgVolume20&sort=-changePercent', await bestWall(REPEATS_WALL, () => inject(screen)), '< 2 s']);
      const yearScreen = `/api/market/screen?${new URLSearchParams({ where: 'close >= 0.95 * high52w', sort: '-volumeRatio' })}`;
      rows.push(['GET /api/market/screen?where=close >= 0.95 * high52w (a year of bars)', await bestWall(REPEATS_WALL, () => inject(yearScreen)), '']);
      rows.push(['weekly scan end to end (the daily bars of each symbol, up to two years, resampled to weeks; their indicators)', await bestWall(REPEATS_WALL, () => app.services.scanner.scan('weekly', log), tick), '']);

      // The scan's read, side by side: the same windows as one row per bar.
      const packed = await bestWall(REPEATS_WALL, () => app.repositories.barWindows.latest(symbols, SCAN_WINDOW_PERIODS));
      const perRow = await bestWall(REPEATS_WALL, async () => {
        await direct.query('begin');
        await direct.query('set local jit = off');
        const result = await direct.query({
          text: `select s.symbol, b.timestamp, b.open::float8, b.high::float8, b.low::float8, b.close::float8, b.volume::float8
            from unnest($1::text[]) as s(symbol) cross join lateral (
              select * from stock_prices p where p.symbol = s.symbol and p.interval = '1d' order by p.timestamp desc limit $2) b`,
          values: [symbols, SCAN_WINDOW_PERIODS], rowMode: 'array',
        });
        await direct.query('commit');
        return result.rows.length;
      });
      readRows = ['', `The scan's read of ${SCAN_WINDOW_PERIODS} bars × ${SCAN_SYMBOLS.toLocaleString('en-US')} symbols, best of ${REPEATS_WALL}:`, '',
        '| read | ms | ratio |', '| --- | ---: | ---: |',
        `| one row per bar (node-postgres, numerics as float8, row mode "array") | ${perRow.toFixed(0)} | 1.00 |`,
        `| one packed row per symbol (\`BarWindowRepository.latest\`) | ${packed.toFixed(0)} | ${(perRow / packed).toFixed(2)} |`].join('\n');
    } finally {
      for (const close of closers) await close().catch(() => {});
      await app.close();
    }
  } finally {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  }
  const time = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);
  return [
    title, '',
    `Wall time on this machine (2 cores shared with the database), best of 3 after a warm-up; in-process cache; the real services and routes.`, '',
    '| step | time | goal |', '| --- | ---: | ---: |',
    ...rows.map(([label, value, goal]) => `| ${label} | ${time(value)} | ${goal} |`),
    readRows,
  ].join('\n');
}

const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : value < 10 ? value.toFixed(2) : value.toFixed(0));
const ratio = (native: number | undefined, value: number | undefined): string =>
  native === undefined || value === undefined ? 'n/a' : (native / value).toFixed(2);
const total = (values: Record<string, number> | undefined): number | undefined =>
  values && CASES.every((c) => values[c.key] !== undefined) ? CASES.reduce((sum, c) => sum + values[c.key]!, 0) : undefined;

function checkAgainstNative(native: NativeResult, market: Market): string[] {
  const mine = ours.computeIndicatorSet(symbolsOf(market)[0]!);
  const problems: string[] = [];
  for (const [name, theirs] of Object.entries(native.last)) {
    const value = mine[name as ours.IndicatorName];
    const same = theirs === null ? Number.isNaN(value) : Math.abs(value - theirs) <= 1e-9 * Math.max(1, Math.abs(theirs));
    if (!same) problems.push(`${name}: ours ${value}, TA-Lib C ${theirs}`);
  }
  return problems;
}

async function orchestrate(): Promise<void> {
  const symbolCount = count('symbols', 5000);
  const barCount = count('bars', 500);
  const withLibraries = !process.argv.includes('--no-libraries');
  const totalBars = symbolCount * barCount;
  console.error(`bench/indicators: ${symbolCount} symbols × ${barCount} bars, best of ${REPEATS}`);
  const market = generateMarket(symbolCount, barCount);
  const dir = mkdtempSync(join(tmpdir(), 'stockmind-bench-'));
  try {
    const barsFile = join(dir, 'bars.bin');
    writeMarket(barsFile, market);
    const nativeOrWhy = runNative(dir, barsFile);
    const native = typeof nativeOrWhy === 'string' ? undefined : nativeOrWhy;
    console.error(native ? `  native C (TA-Lib ${native.version}): done` : `  native C unavailable: ${nativeOrWhy as string}`);
    const mine = runPart<OursResult>('ours', barsFile);
    console.error('  StockMind: done');
    const afterCommonJs = runPart<{ set: number }>('ours-cjs', barsFile);
    console.error('  StockMind after CommonJS: done');
    const libraries = withLibraries ? runPart<LibrariesResult>('libraries', barsFile) : undefined;
    const binding = libraries && typeof libraries.binding === 'object' ? libraries.binding : undefined;
    const lead = await scannerAndScreenBench();

    const rate = (value: number | undefined): string => (value === undefined ? 'n/a' : `${(totalBars / value / 1e3).toFixed(1)} M`);
    const out: string[] = [`### Indicators: ${symbolCount.toLocaleString('en-US')} symbols × ${barCount} daily bars, one core`, ''];
    if (native) {
      const problems = checkAgainstNative(native, market);
      out.push(problems.length === 0
        ? `Native baseline: TA-Lib ${native.version.split(' ')[0]} in C (\`cc -O2\`); our last values of symbol 0 equal its output (all ${Object.keys(native.last).length}).`
        : `Native baseline: TA-Lib ${native.version}. MISMATCH: ${problems.join('; ')}`, '');
    } else {
      out.push(`Native baseline unavailable: ${nativeOrWhy as string}`, '');
    }
    if (libraries && typeof libraries.binding === 'string') out.push(`talib binding unavailable: ${libraries.binding}`, '');
    out.push('| whole set (CPU time) | ms | bars/s | vs C |', '| --- | ---: | ---: | ---: |');
    const setRows: [string, number | undefined][] = [
      ['TA-Lib C, native (15 calls per symbol)', native?.ms.set],
      ['StockMind `computeIndicatorSet` (one workspace, own process)', mine.set],
      ['StockMind `computeIndicatorSet` after CommonJS loaded through tsx', afterCommonJs.set],
      ['StockMind batch functions (15 calls, fresh arrays)', total(mine.batch)],
      ['talib Node binding (15 calls)', total(binding)],
      ['technicalindicators (15 calls)', total(libraries?.technicalindicators)],
      ['trading-signals (15 indicators, add() per bar)', total(libraries?.tradingSignals)],
    ];
    for (const [label, value] of setRows) out.push(`| ${label} | ${ms(value)} | ${rate(value)} | ${ratio(native?.ms.set, value)} |`);
    out.push('', 'Per indicator, CPU ms over all symbols. "kernel": our arithmetic into reused arrays, as TA-Lib\'s caller reuses its buffers; "batch": the public function, which allocates its outputs.', '',
      '| indicator | C | StockMind kernel | vs C | StockMind batch | vs C | binding | vs C | technicalindicators | vs C | trading-signals | vs C |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of CASES) {
      const n = native?.ms[c.key];
      const cells = [mine.kernels[c.key], mine.batch[c.key], binding?.[c.key], libraries?.technicalindicators[c.key], libraries?.tradingSignals[c.key]];
      out.push(`| ${c.label} | ${ms(n)} | ${cells.map((value) => `${ms(value)} | ${ratio(n, value)}`).join(' | ')} |`);
    }
    out.push('', `Streaming, ${mine.streamSymbols.toLocaleString('en-US')} symbols × ${barCount} bars through fresh streams, ns per bar, the measuring loop included (with a stream that does nothing it costs ${mine.streamHarnessNs.toFixed(1)} ns):`, '',
      '| indicator | update() | replace() |', '| --- | ---: | ---: |');
    for (const row of mine.streams) out.push(`| ${row.label} | ${row.updateNs.toFixed(1)} | ${row.replaceNs.toFixed(1)} |`);
    out.push('', lead ?? 'Scanner and screen over 5,000 symbols from PostgreSQL: not measured yet (see scannerAndScreenBench).');
    console.log(out.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--scanner-only')) {
    console.log(await scannerAndScreenBench());
    return;
  }
  if (PART === undefined) return orchestrate();
  const barsFile = option('bars-file');
  if (!barsFile) throw new Error('--part needs --bars-file');
  const market = readMarket(barsFile);
  const result = PART === 'ours' ? await measureOurs(market)
    : PART === 'ours-cjs' ? await measureOursAfterCommonJs(market)
    : PART === 'libraries' ? await measureLibraries(market)
    : undefined;
  if (result === undefined) throw new Error(`unknown --part ${PART}`);
  process.stdout.write(JSON.stringify(result));
  if (sink === 0.5 && kept === null) console.error(''); // keeps the results alive
}

await main();
