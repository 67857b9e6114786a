import { describe, expect, it } from 'vitest';
import { nyWallTime, sessionsBetween } from '../../../src/domain/calendar/index.ts';
import { buildSymbolModel, dailyBarAt, simulateYear, yearSessions } from '../../../src/domain/simulation/daily.ts';
import { SIMULATION_MODEL } from '../../../src/domain/simulation/model.ts';

const SEED = 20_261_124;
const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
const symbols = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${i.toString(36).toUpperCase()}`);

describe('yearSessions', () => {
  it.each([1990, 1992, 1999, 2026])('%i: one entry per NYSE session, with its open and length in minutes', (year) => {
    const calendar = sessionsBetween(`${year}-01-01`, `${year}-12-31`);
    const sessions = yearSessions(year);
    expect(sessions.dates).toEqual(calendar.map((s) => s.date));
    expect(sessions.openMs).toEqual(calendar.map((s) => s.open.getTime()));
    expect(sessions.minutes).toEqual(calendar.map((s) => (s.close.getTime() - s.open.getTime()) / 60_000));
    expect(sessions.dayNumbers.map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10))).toEqual(sessions.dates);
    sessions.dates.forEach((date, i) => expect(sessions.indexByDate.get(date)).toBe(i));
  });

  it('knows the short sessions: 210 minutes to a 13:00 close, 270 to a 14:00 close before 1993', () => {
    const minutesOn = (date: string) => {
      const sessions = yearSessions(Number(date.slice(0, 4)));
      return sessions.minutes[sessions.indexByDate.get(date) ?? -1];
    };
    expect(minutesOn('2026-11-27')).toBe(210);
    expect(minutesOn('1999-12-31')).toBe(210);
    expect(minutesOn('1992-12-24')).toBe(270);
    expect(minutesOn('2026-11-24')).toBe(390);
    expect(yearSessions(1992).openMs[0]).toBe(nyWallTime('1992-01-02', 9, 30).getTime());
  });
});

describe('buildSymbolModel', () => {
  it('draws parameters inside the model ranges, the same for the same seed and symbol', () => {
    const m = SIMULATION_MODEL;
    for (const symbol of symbols('P', 50)) {
      const { parameters } = buildSymbolModel(SEED, symbol);
      expect(buildSymbolModel(SEED, symbol).parameters).toEqual(parameters);
      expect(parameters.annualVolatility).toBeGreaterThanOrEqual(m.volatility.min);
      expect(parameters.annualVolatility).toBeLessThanOrEqual(m.volatility.max);
      expect(parameters.annualDrift).toBeGreaterThanOrEqual(m.drift.min);
      expect(parameters.annualDrift).toBeLessThanOrEqual(m.drift.max);
      expect(parameters.basePrice).toBeGreaterThanOrEqual(m.basePrice.min);
      expect(parameters.basePrice).toBeLessThanOrEqual(m.basePrice.max);
      const turnover = parameters.sharesOutstanding / parameters.averageVolume;
      expect(turnover).toBeGreaterThanOrEqual(m.sharesPerDailyVolume.min - 1e-6);
      expect(turnover).toBeLessThanOrEqual(m.sharesPerDailyVolume.max + 1e-6);
    }
  });

  it('takes price and shares outstanding from a reference, large-cap volatility, and the same drift draw', () => {
    const m = SIMULATION_MODEL;
    const reference = { price: 485, sharesOutstanding: 7_430_000_000 };
    for (const symbol of ['MSFT', 'GOOGL', ...symbols('R', 20)]) {
      const drawn = buildSymbolModel(SEED, symbol).parameters;
      const referenced = buildSymbolModel(SEED, symbol, reference).parameters;
      expect(referenced.basePrice).toBe(reference.price);
      expect(referenced.sharesOutstanding).toBe(reference.sharesOutstanding);
      expect(referenced.annualDrift).toBe(drawn.annualDrift);
      expect(referenced.annualVolatility).toBeGreaterThanOrEqual(m.referencedVolatility.min);
      expect(referenced.annualVolatility).toBeLessThanOrEqual(m.referencedVolatility.max);
      // Average volume follows the company's size: 0.25–1.25% of its shares a day.
      const turnover = referenced.sharesOutstanding / referenced.averageVolume;
      expect(turnover).toBeGreaterThanOrEqual(m.sharesPerDailyVolume.min - 1e-6);
      expect(turnover).toBeLessThanOrEqual(m.sharesPerDailyVolume.max + 1e-6);
    }
  });

  it("puts a referenced symbol's last close before the reference year exactly at its reference price", () => {
    const anchor = SIMULATION_MODEL.trendAnchorYear;
    for (const [symbol, price] of [['MSFT', 485], ['GOOGL', 313.37], ['BKNG', 5350], ['T', 25.01]] as const) {
      const model = buildSymbolModel(SEED, symbol, { price, sharesOutstanding: 1e9 });
      const year = simulateYear(model, anchor - 1);
      expect(year.close.at(-1)).toBe(Math.round(price * 100));
      expect(simulateYear(model, anchor).previousClose).toBe(Math.round(price * 100));
    }
  });

  it('still lets a referenced path wander: year ends around the reference year move away from it', () => {
    const anchorIndex = SIMULATION_MODEL.trendAnchorYear - SIMULATION_MODEL.firstYear;
    const pinned = Math.log(100 * 100);
    const distances: number[] = [];
    for (const symbol of symbols('W', 40)) {
      const model = buildSymbolModel(SEED, symbol, { price: 100, sharesOutstanding: 1e9 });
      expect(model.yearLevels[anchorIndex]).toBeCloseTo(pinned, 12);
      for (const offset of [-3, -1, 1, 3]) distances.push(Math.abs((model.yearLevels[anchorIndex + offset] ?? pinned) - pinned));
    }
    // A year or more from the pin the log level has moved by a typical yearly step, never stuck at it.
    expect(distances.every((d) => d > 0)).toBe(true);
    expect(mean(distances)).toBeGreaterThan(0.1);
    expect(mean(distances)).toBeLessThan(1.6);
  });
});

describe('simulateYear', () => {
  it('chains years: each year opens from the close the year before ended on', () => {
    const model = buildSymbolModel(SEED, 'CHAIN');
    for (const year of [1990, 1992, 2001, 2025, 2098]) {
      const before = simulateYear(model, year);
      const after = simulateYear(model, year + 1);
      expect(after.previousClose).toBe(before.close.at(-1));
    }
  });

  it('gives one consistent bar per session, stamped 00:00 UTC of its date', () => {
    const model = buildSymbolModel(SEED, 'BARS');
    const block = simulateYear(model, 1999);
    expect(block.open).toHaveLength(block.sessions.dates.length);
    block.sessions.dates.forEach((date, i) => {
      const bar = dailyBarAt(block, i);
      expect(bar.timestamp.toISOString()).toBe(`${date}T00:00:00.000Z`);
      expect(bar.low).toBeGreaterThan(0);
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(Number.isInteger(bar.volume) && bar.volume > 0).toBe(true);
    });
  });

  it('trades less on early closes than on full sessions', () => {
    const early: number[] = [];
    const full: number[] = [];
    for (const symbol of symbols('E', 30)) {
      const model = buildSymbolModel(SEED, symbol);
      for (const year of [1992, 1997, 2003, 2024]) {
        const block = simulateYear(model, year);
        block.sessions.minutes.forEach((minutes, i) => {
          const relative = (block.volume[i] ?? 0) / model.parameters.averageVolume;
          (minutes < SIMULATION_MODEL.fullSessionMinutes ? early : full).push(relative);
        });
      }
    }
    const ratio = mean(early) / mean(full);
    expect(ratio).toBeGreaterThan(SIMULATION_MODEL.earlyCloseVolumeShare * 0.7);
    expect(ratio).toBeLessThan(SIMULATION_MODEL.earlyCloseVolumeShare * 1.3);
  });
});
