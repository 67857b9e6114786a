// A market made by hand for the scanner and screen tests: ten symbols whose last session (Monday
// 2026-11-23, the day before MARKET_NOW) is a gain, a loss, a jump, a drop, a volume spike, a breakout
// above the range, a steady rise or fall, with one symbol whose bars stopped a month ago and one
// with too short a history. Each series is stored through the price repository, and returned so
// tests work out what they expect from the bars themselves.
import type { App } from '../../../src/app.ts';
import { sessionsBetween } from '../../../src/domain/calendar/index.ts';
import type { Bar } from '../../../src/domain/market/bar.ts';

export interface CraftedSymbol {
  symbol: string;
  sector: string;
  bars: Bar[];
}

export const LAST_SESSION = '2026-11-23';
/** 25 months of sessions: enough for monthly scans (21 months) and SMA 200. */
const DATES = sessionsBetween('2024-10-21', LAST_SESSION).map((session) => session.date);

const bar = (date: string, close: number, volume: number): Bar => {
  const price = Number(close.toFixed(4));
  return { timestamp: new Date(`${date}T00:00:00Z`), open: price, high: Number((price * 1.01).toFixed(4)), low: Number((price * 0.99).toFixed(4)), close: price, adjustedClose: price, volume };
};

const normalVolume = (k: number) => 1_000_000 + 1_000 * (k % 7);

/** ±10% around `base` (a wide range), then the previous session at `base` and the last one at base × (1 + move). */
function swinging(base: number, move: number, lastVolume?: number, dates = DATES): Bar[] {
  const n = dates.length;
  return dates.map((date, k) => {
    if (k === n - 1) return bar(date, base * (1 + move), lastVolume ?? normalVolume(k));
    if (k === n - 2) return bar(date, base, normalVolume(k));
    return bar(date, base * (1 + 0.1 * Math.sin(k / 3)), normalVolume(k));
  });
}

/** Within ±1% around `base`, then a close 3% above it: out of the 20-session range on a small move. */
function breakingOut(base: number): Bar[] {
  const n = DATES.length;
  return DATES.map((date, k) => bar(date, k === n - 1 ? base * 1.03 : base * (1 + 0.01 * Math.sin(k / 2)), normalVolume(k)));
}

/** A rise of `rate` per session: gaining speed in dollars, so its momentum (MACD) keeps rising too. */
function rising(start: number, rate: number): Bar[] {
  return DATES.map((date, k) => bar(date, start * (1 + rate) ** k, normalVolume(k)));
}

/** A fall that speeds up (a steady decay would slow down, its MACD rising above its signal). */
function falling(start: number, acceleration: number): Bar[] {
  return DATES.map((date, k) => bar(date, start - acceleration * k * k, normalVolume(k)));
}

export const CRAFTED: readonly CraftedSymbol[] = [
  { symbol: 'GAIN', sector: 'Information Technology', bars: swinging(50, 0.03) },
  { symbol: 'LOSS', sector: 'Information Technology', bars: swinging(60, -0.03) },
  { symbol: 'JUMP', sector: 'Information Technology', bars: swinging(70, 0.08) },
  { symbol: 'DROP', sector: 'Financials', bars: swinging(90, -0.06) },
  { symbol: 'SPIK', sector: 'Financials', bars: swinging(40, 0.005, 5_000_000) },
  { symbol: 'BRKO', sector: 'Energy', bars: breakingOut(80) },
  { symbol: 'BULL', sector: 'Energy', bars: rising(20, 0.004) },
  { symbol: 'BEAR', sector: 'Energy', bars: falling(300, 0.0006) },
  // Stopped a month before the others: not current, left out of scans.
  { symbol: 'OLDS', sector: 'Energy', bars: swinging(30, 0.2, undefined, DATES.slice(0, -22)) },
  // Ten sessions: too short to scan.
  { symbol: 'TINY', sector: 'Energy', bars: swinging(10, 0.5, undefined, DATES.slice(-10)) },
];

/** Symbols with a recent bar: what screens run over. */
export const CURRENT = CRAFTED.filter((c) => c.symbol !== 'OLDS');
/** Of those, the ones with history enough to scan. */
export const SCANNABLE = CURRENT.filter((c) => c.symbol !== 'TINY');

/** Stores the crafted market as active stocks (largest first, ahead of the universe) with their bars. */
export async function craftMarket(app: App): Promise<void> {
  const { stocks, prices } = app.repositories;
  for (const [k, crafted] of CRAFTED.entries()) {
    await stocks.upsertProfile({ symbol: crafted.symbol, name: `${crafted.symbol} Corp`, sector: crafted.sector, exchange: 'TEST', marketCap: 1e13 - k * 1e9 }, true);
    const written = await prices.upsertBars(crafted.symbol, '1d', crafted.bars, 'csv');
    if (written.stored !== crafted.bars.length) throw new Error(`${crafted.symbol}: stored ${written.stored} of ${crafted.bars.length} bars`);
  }
}

export const crafted = (symbol: string): CraftedSymbol => CRAFTED.find((c) => c.symbol === symbol)!;

/** Percent change of the last close from the one before, rounded as the scanner stores it. */
export function lastChangePercent(bars: readonly Bar[]): number {
  const last = bars.at(-1)!.close;
  const previous = bars.at(-2)!.close;
  return Number((((last - previous) / previous) * 100).toFixed(4));
}
