// Deterministic market simulator: seeded bars for any symbol, realistic enough for charts, indicators and scanners.
// It composes the daily model (./daily.ts: year levels, regimes, daily bars) and the intraday model
// (./intraday.ts: minute paths, U-shaped volume), both driven by ./random.ts, and keeps what it simulated in
// bounded LRU caches so memory stays flat however many symbols are asked for.

import { LRUCache } from 'lru-cache';
import { parseIsoDate } from '../time.ts';
import { buildSymbolModel, dailyBarAt, simulateYear, yearSessions, type SymbolModel, type YearBlock } from './daily.ts';
import { minuteBarsOf, sessionSoFarOf, simulateSession, type SessionMinutes } from './intraday.ts';
import { SIMULATION_MODEL, type SimulatedBar, type SymbolParameters, type SymbolReference } from './model.ts';

export { SIMULATION_MODEL, type SimulatedBar, type SymbolParameters, type SymbolReference } from './model.ts';
export { Rng, sfc32 } from './random.ts';

export interface MarketSimulator {
  readonly seed: number;
  parameters(symbol: string): SymbolParameters;
  /** Daily bars for every NYSE session from `from` to `to` ('YYYY-MM-DD', inclusive), oldest first. */
  dailyBars(symbol: string, from: string, to: string): SimulatedBar[];
  /** The session's daily bar, or null when `date` is not a trading day. */
  dailyBar(symbol: string, date: string): SimulatedBar | null;
  /** Close of the session before `date` (a trading day), or null when `date` is not one. */
  previousClose(symbol: string, date: string): number | null;
  /** One bar per minute of the regular session on `date`; empty when the market is closed that day. */
  minuteBars(symbol: string, date: string): SimulatedBar[];
  /** Minute bars of every session from `from` to `to` ('YYYY-MM-DD', inclusive), oldest first. */
  minuteBarsBetween(symbol: string, from: string, to: string): SimulatedBar[];
  /**
   * The session's minute bars 0..`throughMinute` rolled into one bar, stamped with the last of them:
   * what a live feed shows mid-session. null when `date` is not a trading day.
   */
  sessionSoFar(symbol: string, date: string, throughMinute: number): SimulatedBar | null;
}

export interface MarketSimulatorOptions {
  /** Simulated (symbol, year) blocks kept; one is ~7 KB. */
  yearCacheSize?: number;
  /** Simulated (symbol, session) minute paths kept; one is ~10 KB. */
  sessionCacheSize?: number;
  /**
   * Where real companies stand (approximate price and shares outstanding): a referenced symbol's last close
   * before 1 January of `SIMULATION_MODEL.trendAnchorYear` is its reference price, and its path random-walks
   * from there. Symbols without a reference are drawn from the seed alone.
   */
  references?: ReadonlyMap<string, SymbolReference>;
}

const SYMBOL_MODEL_CACHE_SIZE = 10_000;

function assertIsoDate(date: string, label: string): void {
  if (typeof date !== 'string' || Number.isNaN(parseIsoDate(date))) {
    throw new RangeError(`Invalid ${label} ${JSON.stringify(date)}: expected 'YYYY-MM-DD'`);
  }
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function isSimulatedYear(year: number): boolean {
  return year >= SIMULATION_MODEL.firstYear && year <= SIMULATION_MODEL.lastYear;
}

function checkedReferences(references: ReadonlyMap<string, SymbolReference> | undefined): Map<string, SymbolReference> {
  const checked = new Map<string, SymbolReference>();
  for (const [symbol, { price, sharesOutstanding }] of references ?? []) {
    if (!Number.isFinite(price) || price <= 0 || !Number.isFinite(sharesOutstanding) || sharesOutstanding <= 0) {
      throw new RangeError(`Invalid reference for ${symbol}: expected a positive price and shares outstanding`);
    }
    // A copy, so a caller changing its map later cannot change what this simulator has already shown.
    checked.set(symbol, { price, sharesOutstanding });
  }
  return checked;
}

/** A simulator for one seed, with its own bounded caches. */
export function createMarketSimulator(seed: number, options: MarketSimulatorOptions = {}): MarketSimulator {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Invalid seed ${seed}: expected a safe integer`);
  const references = checkedReferences(options.references);
  const symbolModels = new LRUCache<string, SymbolModel>({ max: SYMBOL_MODEL_CACHE_SIZE });
  const yearBlocks = new LRUCache<string, YearBlock>({ max: options.yearCacheSize ?? 4_000 });
  const sessionMinutes = new LRUCache<string, SessionMinutes>({ max: options.sessionCacheSize ?? 2_000 });

  const modelOf = (symbol: string): SymbolModel => {
    let model = symbolModels.get(symbol);
    if (!model) {
      model = buildSymbolModel(seed, symbol, references.get(symbol));
      symbolModels.set(symbol, model);
    }
    return model;
  };

  const blockOf = (symbol: string, year: number): YearBlock => {
    const cacheKey = `${year}:${symbol}`;
    let block = yearBlocks.get(cacheKey);
    if (!block) {
      block = simulateYear(modelOf(symbol), year);
      yearBlocks.set(cacheKey, block);
    }
    return block;
  };

  /** The year block and index of a session, or null when the date is not a simulated trading day. */
  const locate = (symbol: string, date: string): { block: YearBlock; index: number } | null => {
    assertIsoDate(date, 'date');
    const year = yearOf(date);
    if (!isSimulatedYear(year)) return null;
    const index = yearSessions(year).indexByDate.get(date);
    return index === undefined ? null : { block: blockOf(symbol, year), index };
  };

  const minutesOf = (symbol: string, block: YearBlock, index: number): SessionMinutes => {
    const cacheKey = `${block.sessions.dates[index] ?? ''}:${symbol}`;
    let minutes = sessionMinutes.get(cacheKey);
    if (!minutes) {
      minutes = simulateSession(modelOf(symbol).key, block, index);
      sessionMinutes.set(cacheKey, minutes);
    }
    return minutes;
  };

  /** Calls `visit` for each session from `from` to `to`, clamped to the simulated years. */
  const eachSession = (
    symbol: string,
    from: string,
    to: string,
    visit: (block: YearBlock, index: number) => void,
  ): void => {
    assertIsoDate(from, 'start date');
    assertIsoDate(to, 'end date');
    const firstYear = Math.max(yearOf(from), SIMULATION_MODEL.firstYear);
    const lastYear = Math.min(yearOf(to), SIMULATION_MODEL.lastYear);
    for (let year = firstYear; year <= lastYear; year++) {
      const block = blockOf(symbol, year);
      const dates = block.sessions.dates;
      for (let i = 0; i < dates.length; i++) {
        const date = dates[i] ?? '';
        if (date >= from && date <= to) visit(block, i);
      }
    }
  };

  return {
    seed,
    parameters: (symbol) => ({ ...modelOf(symbol).parameters }),
    dailyBars(symbol, from, to) {
      const bars: SimulatedBar[] = [];
      eachSession(symbol, from, to, (block, index) => bars.push(dailyBarAt(block, index)));
      return bars;
    },
    dailyBar(symbol, date) {
      const found = locate(symbol, date);
      return found ? dailyBarAt(found.block, found.index) : null;
    },
    previousClose(symbol, date) {
      const found = locate(symbol, date);
      if (!found) return null;
      const { block, index } = found;
      return (index > 0 ? (block.close[index - 1] ?? 0) : block.previousClose) / 100;
    },
    minuteBars(symbol, date) {
      const found = locate(symbol, date);
      return found ? minuteBarsOf(minutesOf(symbol, found.block, found.index)) : [];
    },
    minuteBarsBetween(symbol, from, to) {
      const bars: SimulatedBar[] = [];
      eachSession(symbol, from, to, (block, index) => {
        for (const bar of minuteBarsOf(minutesOf(symbol, block, index))) bars.push(bar);
      });
      return bars;
    },
    sessionSoFar(symbol, date, throughMinute) {
      const found = locate(symbol, date);
      return found ? sessionSoFarOf(minutesOf(symbol, found.block, found.index), throughMinute) : null;
    },
  };
}

// One shared simulator per recently used seed, for the stand-alone functions below.
const sharedSimulators = new LRUCache<number, MarketSimulator>({ max: 8 });

function sharedSimulator(seed: number): MarketSimulator {
  let simulator = sharedSimulators.get(seed);
  if (!simulator) {
    simulator = createMarketSimulator(seed);
    sharedSimulators.set(seed, simulator);
  }
  return simulator;
}

/** Daily bars of `symbol` under `seed` for every NYSE session from `from` to `to` inclusive. */
export function simulateDailyBars(symbol: string, seed: number, from: string, to: string): SimulatedBar[] {
  return sharedSimulator(seed).dailyBars(symbol, from, to);
}

/** One-minute bars of `symbol` under `seed` for the regular session on `date` (empty on closed days). */
export function simulateMinuteBars(symbol: string, seed: number, date: string): SimulatedBar[] {
  return sharedSimulator(seed).minuteBars(symbol, date);
}
