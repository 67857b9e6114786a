import { describe, expect, it } from 'vitest';
import { buildSymbolModel, dailyBarAt, simulateYear } from '../../../src/domain/simulation/daily.ts';
import { minuteBarsOf, sessionSoFarOf, simulateSession } from '../../../src/domain/simulation/intraday.ts';
import { SIMULATION_MODEL, type SimulatedBar } from '../../../src/domain/simulation/model.ts';

const SEED = 7;
const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

/** The bar a run of minute bars adds up to, stamped with the last of them. */
function rollUp(minutes: readonly SimulatedBar[]): SimulatedBar {
  return {
    timestamp: minutes.at(-1)?.timestamp ?? new Date(Number.NaN),
    open: minutes[0]?.open ?? Number.NaN,
    high: Math.max(...minutes.map((bar) => bar.high)),
    low: Math.min(...minutes.map((bar) => bar.low)),
    close: minutes.at(-1)?.close ?? Number.NaN,
    volume: minutes.reduce((sum, bar) => sum + bar.volume, 0),
  };
}

function sessionOf(symbol: string, date: string) {
  const model = buildSymbolModel(SEED, symbol);
  const block = simulateYear(model, Number(date.slice(0, 4)));
  const index = block.sessions.indexByDate.get(date);
  if (index === undefined) throw new Error(`${date} is not a session`);
  const minutes = simulateSession(model.key, block, index);
  return { day: dailyBarAt(block, index), minutes, bars: minuteBarsOf(minutes), openMs: block.sessions.openMs[index] ?? 0 };
}

describe('simulateSession', () => {
  it.each([
    ['FULL', '2026-11-24'],
    ['EARLY', '2026-11-27'],
    ['OLD', '1992-12-24'],
  ])('%s %s: adds up exactly to its daily bar, one bar per minute from the open', (symbol, date) => {
    const { day, bars, openMs } = sessionOf(symbol, date);
    const { timestamp: _, ...total } = rollUp(bars);
    const { timestamp: __, ...daily } = day;
    expect(total).toEqual(daily);
    bars.forEach((bar, k) => {
      expect(bar.timestamp.getTime()).toBe(openMs + k * 60_000);
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(Number.isInteger(bar.volume) && bar.volume >= 0).toBe(true);
    });
    // Each minute opens where the one before closed: one continuous path.
    for (let k = 1; k < bars.length; k++) expect(bars[k]?.open).toBe(bars[k - 1]?.close);
  });

  it('is as long as the session: 390 minutes, 210 to a 13:00 close, 270 to a 14:00 close before 1993', () => {
    expect(sessionOf('LEN', '2026-11-24').bars).toHaveLength(390);
    expect(sessionOf('LEN', '2026-11-27').bars).toHaveLength(210);
    expect(sessionOf('LEN', '1992-11-27').bars).toHaveLength(270);
  });

  it('strikes the high before the low on most down days, and the low first on most up days', () => {
    let agree = 0;
    let days = 0;
    for (let s = 0; s < 6; s++) {
      const model = buildSymbolModel(SEED, `ORDER${s}`);
      const block = simulateYear(model, 2025);
      for (let i = 0; i < 60; i++) {
        const day = dailyBarAt(block, i);
        if (day.close === day.open) continue;
        const bars = minuteBarsOf(simulateSession(model.key, block, i));
        const highAt = bars.findIndex((bar) => bar.high === day.high);
        const lowAt = bars.findIndex((bar) => bar.low === day.low);
        days++;
        if ((day.close < day.open) === (highAt < lowAt)) agree++;
      }
    }
    const bias = SIMULATION_MODEL.intraday.extremeOrderBias;
    expect(agree / days).toBeGreaterThan(bias - 0.1);
    expect(agree / days).toBeLessThan(bias + 0.1);
  });

  it('trades in a U shape: the first and last half hours are busier than midday', () => {
    const edges: number[] = [];
    const midday: number[] = [];
    const model = buildSymbolModel(SEED, 'USHAPE');
    const block = simulateYear(model, 2026);
    for (let i = 0; i < 40; i++) {
      const volumes = minuteBarsOf(simulateSession(model.key, block, i)).map((bar) => bar.volume);
      if (volumes.length !== 390) continue;
      edges.push(mean([...volumes.slice(0, 30), ...volumes.slice(360)]));
      midday.push(mean(volumes.slice(150, 240)));
    }
    expect(mean(edges) / mean(midday)).toBeGreaterThan(1.5);
  });
});

describe('sessionSoFarOf', () => {
  const { minutes, bars } = sessionOf('SOFAR', '2026-03-16');

  it.each([0, 1, 30, 200, 389])('rolls minutes 0..%i into the bar a live feed shows, stamped with the last', (through) => {
    expect(sessionSoFarOf(minutes, through)).toEqual(rollUp(bars.slice(0, through + 1)));
  });

  it('clamps to the session and counts whole minutes', () => {
    expect(sessionSoFarOf(minutes, -5)).toEqual(rollUp(bars.slice(0, 1)));
    expect(sessionSoFarOf(minutes, 10_000)).toEqual(rollUp(bars));
    expect(sessionSoFarOf(minutes, 30.9)).toEqual(rollUp(bars.slice(0, 31)));
  });
});
