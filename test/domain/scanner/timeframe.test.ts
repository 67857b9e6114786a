import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionsBetween } from '../../../src/domain/calendar/index.ts';
import { columnsOf, periodStart, resample, type BarColumns } from '../../../src/domain/scanner/index.ts';

const day = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Daily bars on the NYSE sessions of [start, end], bar k with close 100 + k and volume 1000 + k. */
function sessions(start: string, end: string): BarColumns {
  return columnsOf(sessionsBetween(start, end).map((session, k) => ({
    timestamp: new Date(day(session.date)), open: 99 + k, high: 102 + k + (k % 3), low: 97 + k - (k % 2), close: 100 + k, adjustedClose: null, volume: 1000 + k,
  })));
}

const dates = (bars: BarColumns) => Array.from(bars.time, (time) => new Date(time).toISOString().slice(0, 10));

describe('periodStart', () => {
  it('puts a session in the week starting on its Monday and the month starting on the 1st', () => {
    expect(periodStart(day('2026-11-27'), 'weekly')).toBe(day('2026-11-23'));
    expect(periodStart(day('2026-11-23'), 'weekly')).toBe(day('2026-11-23'));
    // A week that straddles two months is one week.
    expect(periodStart(day('2026-04-02'), 'weekly')).toBe(day('2026-03-30'));
    expect(periodStart(day('2026-11-27'), 'monthly')).toBe(day('2026-11-01'));
    expect(periodStart(day('2026-11-27'), 'daily')).toBe(day('2026-11-27'));
  });
});

describe('resample', () => {
  it('makes a week of sessions one bar: first open, highest high, lowest low, last close, summed volume', () => {
    // Thanksgiving week 2026: Monday to Wednesday and Friday's early close, then Monday of the next week.
    const daily = sessions('2026-11-16', '2026-11-30');
    const weekly = resample(daily, 'weekly');
    expect(dates(weekly)).toEqual(['2026-11-20', '2026-11-27', '2026-11-30']);
    const thanksgiving = dates(daily).map((date, k) => ({ date, k })).filter(({ date }) => date >= '2026-11-23' && date <= '2026-11-27').map(({ k }) => k);
    expect(thanksgiving).toHaveLength(4);
    const first = thanksgiving[0]!;
    const last = thanksgiving.at(-1)!;
    expect(weekly.open[1]).toBe(daily.open[first]);
    expect(weekly.close[1]).toBe(daily.close[last]);
    expect(weekly.high[1]).toBe(Math.max(...thanksgiving.map((k) => daily.high[k]!)));
    expect(weekly.low[1]).toBe(Math.min(...thanksgiving.map((k) => daily.low[k]!)));
    expect(weekly.volume[1]).toBe(thanksgiving.reduce((sum, k) => sum + daily.volume[k]!, 0));
    // The current week so far is a bar of its one session.
    expect(weekly.close[2]).toBe(daily.close.at(-1));
    expect(weekly.volume[2]).toBe(daily.volume.at(-1));
  });

  it('makes each month one bar stamped with its last session', () => {
    const monthly = resample(sessions('2026-01-02', '2026-03-10'), 'monthly');
    expect(dates(monthly)).toEqual(['2026-01-30', '2026-02-27', '2026-03-10']);
  });

  it('leaves daily bars as they are, and an empty series empty', () => {
    const daily = sessions('2026-11-16', '2026-11-20');
    expect(resample(daily, 'daily')).toBe(daily);
    expect(resample(columnsOf([]), 'weekly').close).toHaveLength(0);
  });

  it('keeps every share and the extremes of any history, period by period', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ gap: fc.integer({ min: 1, max: 5 }), low: fc.double({ min: 1, max: 100, noNaN: true }), span: fc.double({ min: 0, max: 10, noNaN: true }), volume: fc.integer({ min: 0, max: 1e6 }) }), { minLength: 1, maxLength: 120 }),
      fc.constantFrom('weekly' as const, 'monthly' as const),
      (steps, timeframe) => {
        let time = day('2025-12-29');
        const daily = columnsOf(steps.map((step) => {
          time += step.gap * 86_400_000;
          return { timestamp: new Date(time), open: step.low, high: step.low + step.span, low: step.low, close: step.low + step.span / 2, adjustedClose: null, volume: step.volume };
        }));
        const periods = resample(daily, timeframe);
        const total = (column: Float64Array) => column.reduce((sum, value) => sum + value, 0);
        expect(total(periods.volume)).toBe(total(daily.volume));
        expect(Math.max(...periods.high)).toBe(Math.max(...daily.high));
        expect(Math.min(...periods.low)).toBe(Math.min(...daily.low));
        expect(periods.close.at(-1)).toBe(daily.close.at(-1));
        expect(new Set(Array.from(daily.time, (t) => periodStart(t, timeframe))).size).toBe(periods.close.length);
      },
    ));
  });
});
