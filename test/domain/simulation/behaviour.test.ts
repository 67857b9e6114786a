// The simulator as its users see it: seeded, deterministic, plausible daily and minute bars.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMarketOpen, sessionsBetween } from '../../../src/domain/calendar/index.ts';
import {
  createMarketSimulator,
  Rng,
  SIMULATION_MODEL,
  sfc32,
  simulateDailyBars,
  simulateMinuteBars,
  type SimulatedBar,
} from '../../../src/domain/simulation/market-simulator.ts';
import type { Bar } from '../../../src/domain/market/bar.ts';

const SEED = 20_261_124;
const DAY_MS = 86_400_000;

const symbolArb = fc.stringMatching(/^[A-Z][A-Z0-9.-]{0,9}$/);
const seedArb = fc.integer({ min: 0, max: 2 ** 40 });
const yearArb = fc.integer({ min: SIMULATION_MODEL.firstYear, max: SIMULATION_MODEL.lastYear });

const isoDay = (bar: { timestamp: Date }): string => bar.timestamp.toISOString().slice(0, 10);
const isCents = (price: number): boolean => Math.round(price * 100) / 100 === price;
const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const symbols = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${i.toString(36).toUpperCase()}`);

function expectConsistentBar(bar: SimulatedBar | Bar): void {
  expect(bar.low).toBeGreaterThan(0);
  expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
  expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
  for (const price of [bar.open, bar.high, bar.low, bar.close]) expect(isCents(price)).toBe(true);
  expect(Number.isInteger(bar.volume)).toBe(true);
  expect(bar.volume).toBeGreaterThanOrEqual(0);
}

/** The daily bar the minutes of a session add up to. */
function aggregate(minutes: readonly SimulatedBar[]): Omit<SimulatedBar, 'timestamp'> {
  return {
    open: minutes[0]?.open ?? Number.NaN,
    high: Math.max(...minutes.map((bar) => bar.high)),
    low: Math.min(...minutes.map((bar) => bar.low)),
    close: minutes.at(-1)?.close ?? Number.NaN,
    volume: minutes.reduce((sum, bar) => sum + bar.volume, 0),
  };
}

describe('seeded randomness', () => {
  it('sfc32 repeats for a seed and stays in [0, 1)', () => {
    const a = sfc32(1, 2, 3, 4);
    const b = sfc32(1, 2, 3, 4);
    const c = sfc32(1, 2, 3, 5);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(first);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(mean(first)).toBeCloseTo(0.5, 1);
  });

  it('Box–Muller normals have mean 0 and standard deviation 1', () => {
    const rng = new Rng(11, 22, 33, 44);
    const draws = Array.from({ length: 40_000 }, () => rng.normal());
    const m = mean(draws);
    const sd = Math.sqrt(mean(draws.map((z) => (z - m) ** 2)));
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
    // Tails as a normal's: about 4.55% beyond two sigma.
    expect(draws.filter((z) => Math.abs(z) > 2).length / draws.length).toBeCloseTo(0.0455, 2);
  });
});

describe('simulator determinism', () => {
  it('gives identical bars for the same seed, from separate simulators', () => {
    const a = createMarketSimulator(SEED);
    const b = createMarketSimulator(SEED);
    for (const symbol of ['AAPL', 'MSFT', 'BRK.B']) {
      expect(b.dailyBars(symbol, '2021-01-01', '2025-12-31')).toEqual(a.dailyBars(symbol, '2021-01-01', '2025-12-31'));
      expect(b.minuteBars(symbol, '2026-11-24')).toEqual(a.minuteBars(symbol, '2026-11-24'));
    }
    expect(simulateDailyBars('AAPL', SEED, '2024-01-01', '2024-12-31')).toEqual(a.dailyBars('AAPL', '2024-01-01', '2024-12-31'));
    expect(simulateMinuteBars('AAPL', SEED, '2024-03-05')).toEqual(a.minuteBars('AAPL', '2024-03-05'));
  });

  it('gives different bars for a different seed or symbol', () => {
    const closes = (seed: number, symbol: string) =>
      createMarketSimulator(seed).dailyBars(symbol, '2025-01-01', '2025-12-31').map((bar) => bar.close);
    expect(closes(SEED + 1, 'AAPL')).not.toEqual(closes(SEED, 'AAPL'));
    expect(closes(SEED, 'MSFT')).not.toEqual(closes(SEED, 'AAPL'));
    const minutes = (seed: number) => createMarketSimulator(seed).minuteBars('AAPL', '2026-11-24').map((bar) => bar.close);
    expect(minutes(SEED + 1)).not.toEqual(minutes(SEED));
  });

  it('gives the same bar for a date whether asked in a 1-month or a 5-year range', () => {
    for (const symbol of ['AAPL', 'ZZZ', 'Q']) {
      // Fresh simulators, so no cache carries the 5-year answer into the 1-month one.
      const month = createMarketSimulator(SEED).dailyBars(symbol, '2024-01-01', '2024-01-31');
      const years = createMarketSimulator(SEED).dailyBars(symbol, '2020-06-01', '2025-06-01');
      expect(month.length).toBe(21);
      const byDate = new Map(years.map((bar) => [isoDay(bar), bar]));
      for (const bar of month) expect(byDate.get(isoDay(bar))).toEqual(bar);
      expect(createMarketSimulator(SEED).dailyBar(symbol, '2024-01-17')).toEqual(byDate.get('2024-01-17'));
    }
  });

  it('chains each year from the previous year-end close', () => {
    const simulator = createMarketSimulator(SEED);
    for (const year of [1991, 2000, 2026, 2099]) {
      const bars = simulator.dailyBars('AAPL', `${year - 1}-12-01`, `${year}-01-31`);
      const firstIndex = bars.findIndex((bar) => isoDay(bar) >= `${year}-01-01`);
      const first = bars[firstIndex];
      expect(first).toBeDefined();
      expect(simulator.previousClose('AAPL', isoDay(first!))).toBe(bars[firstIndex - 1]?.close);
    }
  });

  it('rejects malformed dates and seeds', () => {
    const simulator = createMarketSimulator(SEED);
    expect(() => simulator.dailyBars('AAPL', '2024-1-1', '2024-02-01')).toThrow(RangeError);
    expect(() => simulator.minuteBars('AAPL', 'yesterday')).toThrow(RangeError);
    expect(() => createMarketSimulator(1.5)).toThrow(RangeError);
  });
});

describe('daily bars', () => {
  it('hold OHLC invariants and fall on NYSE sessions, for any symbol, seed and year', () => {
    fc.assert(
      fc.property(symbolArb, seedArb, yearArb, (symbol, seed, year) => {
        const bars = createMarketSimulator(seed).dailyBars(symbol, `${year}-01-01`, `${year}-12-31`);
        expect(bars.map(isoDay)).toEqual(sessionsBetween(`${year}-01-01`, `${year}-12-31`).map((s) => s.date));
        for (const bar of bars) {
          expectConsistentBar(bar);
          expect(bar.volume).toBeGreaterThan(0);
          expect(bar.timestamp.getTime() % DAY_MS).toBe(0);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('are empty outside the simulated years and on closed days', () => {
    const simulator = createMarketSimulator(SEED);
    expect(simulator.dailyBars('AAPL', '1980-01-01', '1989-12-31')).toEqual([]);
    expect(simulator.dailyBars('AAPL', '2024-02-01', '2024-01-01')).toEqual([]);
    expect(simulator.dailyBar('AAPL', '2026-11-26')).toBeNull();
    expect(simulator.dailyBar('AAPL', '2026-11-28')).toBeNull();
    expect(simulator.dailyBars('AAPL', '1989-12-01', '1990-01-05').map(isoDay)).toEqual(['1990-01-02', '1990-01-03', '1990-01-04', '1990-01-05']);
  });

  const fiveYears = (symbol: string, seed = 1) => createMarketSimulator(seed).dailyBars(symbol, '2021-01-01', '2025-12-31');

  it('open away from the previous close (overnight gaps)', () => {
    let gaps = 0;
    let days = 0;
    for (const symbol of symbols('G', 20)) {
      const bars = fiveYears(symbol);
      for (let i = 1; i < bars.length; i++) {
        days++;
        if (bars[i]?.open !== bars[i - 1]?.close) gaps++;
      }
    }
    expect(gaps / days).toBeGreaterThan(0.9);
  });

  it('have >5% moves at roughly the intended rate, and on every symbol', () => {
    const rates = symbols('M', 40).map((symbol) => {
      const bars = fiveYears(symbol);
      let moves = 0;
      for (let i = 1; i < bars.length; i++) {
        if (Math.abs(bars[i]!.close / bars[i - 1]!.close - 1) > 0.05) moves++;
      }
      return moves / (bars.length - 1);
    });
    // News moves alone give ~2.5% of days; high-volatility symbols add their own.
    expect(Math.min(...rates)).toBeGreaterThan(0.01);
    expect(median(rates)).toBeGreaterThan(0.02);
    expect(median(rates)).toBeLessThan(0.08);
  });

  it('have volume spikes (>2.5× the 20-session mean) on roughly 3–5% of days', () => {
    const rates = symbols('V', 40).map((symbol) => {
      const bars = fiveYears(symbol);
      let spikes = 0;
      for (let i = 20; i < bars.length; i++) {
        const trailing = mean(bars.slice(i - 20, i).map((bar) => bar.volume));
        if (bars[i]!.volume > 2.5 * trailing) spikes++;
      }
      return spikes / (bars.length - 20);
    });
    expect(Math.min(...rates)).toBeGreaterThan(0.01);
    expect(median(rates)).toBeGreaterThan(0.025);
    expect(median(rates)).toBeLessThan(0.08);
  });

  it('have a realistic annualised volatility', () => {
    const simulator = createMarketSimulator(1);
    const realised = symbols('S', 40).map((symbol) => {
      const { annualVolatility } = simulator.parameters(symbol);
      expect(annualVolatility).toBeGreaterThanOrEqual(0.15);
      expect(annualVolatility).toBeLessThanOrEqual(0.6);
      const bars = fiveYears(symbol);
      const returns = bars.slice(1).map((bar, i) => Math.log(bar.close / bars[i]!.close));
      const m = mean(returns);
      return Math.sqrt(mean(returns.map((r) => (r - m) ** 2)) * 252);
    });
    expect(Math.min(...realised)).toBeGreaterThan(0.12);
    expect(Math.max(...realised)).toBeLessThan(1);
    expect(median(realised)).toBeGreaterThan(0.2);
    expect(median(realised)).toBeLessThan(0.5);
  });

  it('returns one bar per session over 5 years', () => {
    const simulator = createMarketSimulator(SEED);
    expect(simulator.dailyBars('AAPL', '2021-01-01', '2025-12-31')).toHaveLength(1255);
  });
});

describe('minute bars', () => {
  const simulator = createMarketSimulator(SEED);

  it('cover regular hours only: none on Thanksgiving, 210 on the early close, 390 on a normal day', () => {
    expect(simulator.minuteBars('AAPL', '2026-11-26')).toEqual([]);
    expect(simulator.minuteBars('AAPL', '2026-11-28')).toEqual([]);

    const early = simulator.minuteBars('AAPL', '2026-11-27');
    expect(early).toHaveLength(210);
    expect(early[0]?.timestamp.toISOString()).toBe('2026-11-27T14:30:00.000Z');
    expect(early.at(-1)?.timestamp.toISOString()).toBe('2026-11-27T17:59:00.000Z');

    const normal = simulator.minuteBars('AAPL', '2026-11-24');
    expect(normal).toHaveLength(390);
    expect(normal[0]?.timestamp.toISOString()).toBe('2026-11-24T14:30:00.000Z');
    expect(normal.at(-1)?.timestamp.toISOString()).toBe('2026-11-24T20:59:00.000Z');
    // Summer time: the session opens at 13:30 UTC.
    expect(simulator.minuteBars('AAPL', '2026-07-15')[0]?.timestamp.toISOString()).toBe('2026-07-15T13:30:00.000Z');
  });

  it('add up to the daily bar (open, high, low, close, volume) for any symbol, seed and session', () => {
    fc.assert(
      fc.property(symbolArb, seedArb, yearArb, fc.integer({ min: 0, max: 300 }), (symbol, seed, year, pick) => {
        const sessions = sessionsBetween(`${year}-01-01`, `${year}-12-31`);
        const session = sessions[pick % sessions.length]!;
        const sim = createMarketSimulator(seed);
        const minutes = sim.minuteBars(symbol, session.date);
        const day = sim.dailyBar(symbol, session.date);
        expect(minutes).toHaveLength((session.close.getTime() - session.open.getTime()) / 60_000);
        expect(aggregate(minutes)).toEqual({ open: day?.open, high: day?.high, low: day?.low, close: day?.close, volume: day?.volume });
        minutes.forEach((bar, k) => {
          expectConsistentBar(bar);
          expect(bar.timestamp.getTime()).toBe(session.open.getTime() + k * 60_000);
        });
        expect(isMarketOpen(minutes[0]!.timestamp) && isMarketOpen(minutes.at(-1)!.timestamp)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('trade in a U shape: the first and last 30 minutes beat midday by more than 1.5×', () => {
    let edges = 0;
    let midday = 0;
    for (const symbol of symbols('U', 8)) {
      for (const session of sessionsBetween('2026-01-01', '2026-03-31')) {
        const minutes = simulator.minuteBars(symbol, session.date);
        if (minutes.length !== 390) continue;
        const volumeMean = (from: number, to: number) => mean(minutes.slice(from, to).map((bar) => bar.volume));
        edges += (volumeMean(0, 30) + volumeMean(360, 390)) / 2;
        // 12:00–13:30 New York.
        midday += volumeMean(150, 240);
      }
    }
    expect(edges / midday).toBeGreaterThan(1.5);
  });

  it('generate one bar per minute of a full session', () => {
    expect(simulator.minuteBars('TIME', '2026-11-24')).toHaveLength(390);
  });
});

