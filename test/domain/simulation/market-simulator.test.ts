import { describe, expect, it } from 'vitest';
import {
  createMarketSimulator,
  SIMULATION_MODEL,
  simulateDailyBars,
  simulateMinuteBars,
  type SymbolReference,
} from '../../../src/domain/simulation/index.ts';
import universe from '../../../src/providers/market/universe.json' with { type: 'json' };

const SEED = 20_261_124;
const REFERENCE_EVE = `${SIMULATION_MODEL.trendAnchorYear - 1}-12-31`;
const REFERENCE_MONTH = [`${SIMULATION_MODEL.trendAnchorYear}-01-01`, `${SIMULATION_MODEL.trendAnchorYear}-01-31`] as const;

// The universe's references, as a composition root would hand them over.
const REFERENCES: ReadonlyMap<string, SymbolReference> = new Map(
  universe.map((entry) => [entry.symbol, { price: entry.referencePrice, sharesOutstanding: entry.sharesOutstanding }]),
);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const within = (value: number, reference: number, band: number): boolean => Math.abs(value / reference - 1) <= band;

describe('the universe references', () => {
  it('give every company an approximate price and whole shares outstanding, so a plausible large-cap market cap', () => {
    expect(universe).toHaveLength(100);
    for (const entry of universe) {
      expect(entry.referencePrice, entry.symbol).toBeGreaterThan(0);
      expect(Number.isSafeInteger(entry.sharesOutstanding), entry.symbol).toBe(true);
      const marketCap = entry.referencePrice * entry.sharesOutstanding;
      expect(marketCap, entry.symbol).toBeGreaterThan(10e9);
      expect(marketCap, entry.symbol).toBeLessThan(10e12);
      expect(entry.reference, entry.symbol).toMatch(/approximate/);
    }
  });
});

describe('a simulator with references', () => {
  const simulator = createMarketSimulator(SEED, { references: REFERENCES });

  it.each([SEED, 1, 2_026])('seed %i: every company closes the eve of the reference date at its reference price', (seed) => {
    const seeded = createMarketSimulator(seed, { references: REFERENCES });
    for (const [symbol, reference] of REFERENCES) {
      const eve = seeded.dailyBar(symbol, REFERENCE_EVE);
      expect(eve?.close, symbol).toBe(Math.round(reference.price * 100) / 100);
      // Market cap, as quotes compute it, is price × shares outstanding.
      expect((eve?.close ?? 0) * seeded.parameters(symbol).sharesOutstanding, symbol).toBeCloseTo(reference.price * reference.sharesOutstanding, -3);
    }
  });

  it('trades near the reference price through the reference month', () => {
    const medians: boolean[] = [];
    const closes: boolean[] = [];
    for (const [symbol, { price }] of REFERENCES) {
      const month = simulator.dailyBars(symbol, ...REFERENCE_MONTH).map((bar) => bar.close);
      expect(month.length).toBeGreaterThanOrEqual(19);
      medians.push(within(median(month), price, 0.25));
      for (const close of month) closes.push(within(close, price, 0.25));
    }
    // A random walk can stray; nearly every company stays within ±25% for the month.
    expect(medians.filter(Boolean).length / medians.length).toBeGreaterThanOrEqual(0.95);
    expect(closes.filter(Boolean).length / closes.length).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps random-walking after the reference date, at large-cap volatility', () => {
    let moved = 0;
    const volatilities: number[] = [];
    for (const [symbol, { price }] of REFERENCES) {
      const year = simulator.dailyBars(symbol, `${SIMULATION_MODEL.trendAnchorYear}-01-01`, `${SIMULATION_MODEL.trendAnchorYear}-12-31`);
      if (!within(year.at(-1)?.close ?? price, price, 0.01)) moved++;
      const returns = year.slice(1).map((bar, i) => Math.log(bar.close / (year[i]?.close ?? bar.close)));
      const m = returns.reduce((sum, r) => sum + r, 0) / returns.length;
      volatilities.push(Math.sqrt((returns.reduce((sum, r) => sum + (r - m) ** 2, 0) / returns.length) * 252));
    }
    expect(moved).toBeGreaterThan(90);
    expect(median(volatilities)).toBeGreaterThan(0.15);
    expect(median(volatilities)).toBeLessThan(0.5);
  });

  it('trades a volume in line with the company: 0.1–3% of its shares a day on average', () => {
    for (const symbol of ['AAPL', 'BKNG', 'PLTR', 'WM']) {
      const bars = simulator.dailyBars(symbol, '2025-01-01', '2025-12-31');
      const averageVolume = bars.reduce((sum, bar) => sum + bar.volume, 0) / bars.length;
      const turnover = averageVolume / (REFERENCES.get(symbol)?.sharesOutstanding ?? 1);
      expect(turnover, symbol).toBeGreaterThan(0.001);
      expect(turnover, symbol).toBeLessThan(0.03);
    }
  });

  it('is deterministic: the same seed and references give the same bars; another seed, another path', () => {
    const again = createMarketSimulator(SEED, { references: new Map(REFERENCES) });
    for (const symbol of ['MSFT', 'GOOGL', 'BRK.B']) {
      expect(again.dailyBars(symbol, '2025-06-01', '2026-06-30')).toEqual(simulator.dailyBars(symbol, '2025-06-01', '2026-06-30'));
      expect(again.minuteBars(symbol, '2026-01-05')).toEqual(simulator.minuteBars(symbol, '2026-01-05'));
    }
    const other = createMarketSimulator(SEED + 1, { references: REFERENCES });
    expect(other.dailyBars('MSFT', ...REFERENCE_MONTH)).not.toEqual(simulator.dailyBars('MSFT', ...REFERENCE_MONTH));
  });

  it('leaves symbols without a reference exactly as a simulator without references draws them', () => {
    const plain = createMarketSimulator(SEED);
    const withoutMsft = createMarketSimulator(SEED, { references: new Map([...REFERENCES].filter(([symbol]) => symbol !== 'MSFT')) });
    for (const [sim, symbol] of [[simulator, 'ZZZZ'], [simulator, 'NEWCO'], [withoutMsft, 'MSFT']] as const) {
      expect(sim.parameters(symbol)).toEqual(plain.parameters(symbol));
      expect(sim.dailyBars(symbol, '2024-01-01', '2026-12-31')).toEqual(plain.dailyBars(symbol, '2024-01-01', '2026-12-31'));
      expect(sim.minuteBars(symbol, '2026-01-05')).toEqual(plain.minuteBars(symbol, '2026-01-05'));
    }
    // While a referenced symbol does move to its reference.
    expect(simulator.dailyBar('MSFT', REFERENCE_EVE)).not.toEqual(plain.dailyBar('MSFT', REFERENCE_EVE));
  });

  it("keeps its own copy: changing the caller's map later changes nothing", () => {
    const references = new Map([['MSFT', { price: 485, sharesOutstanding: 7_430_000_000 }]]);
    const sim = createMarketSimulator(SEED, { references });
    const before = sim.dailyBar('MSFT', REFERENCE_EVE);
    references.set('MSFT', { price: 1, sharesOutstanding: 1 });
    references.get('MSFT')!.price = 2;
    expect(createMarketSimulator(SEED, { references: new Map([['MSFT', { price: 485, sharesOutstanding: 7_430_000_000 }]]) }).dailyBar('MSFT', REFERENCE_EVE)).toEqual(before);
    expect(sim.dailyBar('MSFT', REFERENCE_EVE)).toEqual(before);
    expect(sim.parameters('MSFT').sharesOutstanding).toBe(7_430_000_000);
  });

  it.each([
    [{ price: 0, sharesOutstanding: 1e9 }],
    [{ price: -5, sharesOutstanding: 1e9 }],
    [{ price: Number.NaN, sharesOutstanding: 1e9 }],
    [{ price: 100, sharesOutstanding: 0 }],
    [{ price: 100, sharesOutstanding: Number.POSITIVE_INFINITY }],
  ])('refuses the reference %j, naming the symbol', (reference) => {
    expect(() => createMarketSimulator(SEED, { references: new Map([['BAD', reference]]) })).toThrow(/BAD/);
    expect(() => createMarketSimulator(SEED, { references: new Map([['BAD', reference]]) })).toThrow(RangeError);
  });
});

describe('caches', () => {
  it('give the same answers however small they are (evicted blocks are simulated again, identically)', () => {
    const roomy = createMarketSimulator(SEED);
    const tiny = createMarketSimulator(SEED, { yearCacheSize: 1, sessionCacheSize: 1 });
    for (let pass = 0; pass < 2; pass++) {
      for (const symbol of ['AAPL', 'MSFT']) {
        expect(tiny.dailyBars(symbol, '2024-11-01', '2026-02-01')).toEqual(roomy.dailyBars(symbol, '2024-11-01', '2026-02-01'));
        expect(tiny.minuteBars(symbol, '2026-01-05')).toEqual(roomy.minuteBars(symbol, '2026-01-05'));
        expect(tiny.sessionSoFar(symbol, '2026-01-06', 45)).toEqual(roomy.sessionSoFar(symbol, '2026-01-06', 45));
        expect(tiny.previousClose(symbol, '2026-01-02')).toBe(roomy.previousClose(symbol, '2026-01-02'));
      }
    }
  });

  it('serve the stand-alone functions from one simulator per seed', () => {
    const simulator = createMarketSimulator(99);
    expect(simulateDailyBars('QQQ', 99, '2025-01-01', '2025-03-31')).toEqual(simulator.dailyBars('QQQ', '2025-01-01', '2025-03-31'));
    expect(simulateMinuteBars('QQQ', 99, '2025-03-03')).toEqual(simulator.minuteBars('QQQ', '2025-03-03'));
  });
});
