import { describe, expect, it } from 'vitest';
import { daysBetween, periodStart } from '../../../src/domain/portfolio/dates.ts';

describe('periodStart', () => {
  it.each([
    ['1mo', '2024-03-15', '2024-02-16'],
    // 31 March − 1 month clamps to 29 February (leap year); the period starts the day after
    ['1mo', '2024-03-31', '2024-03-01'],
    ['3mo', '2024-05-31', '2024-03-01'],
    ['6mo', '2024-01-10', '2023-07-11'],
    ['1y', '2024-02-29', '2023-03-01'],
    ['ytd', '2024-06-30', '2024-01-01'],
  ] as const)('%s as of %s starts on %s', (period, asOf, start) => {
    expect(periodStart(period, asOf)).toBe(start);
  });

  it('has no start for max and refuses a bad date', () => {
    expect(periodStart('max', '2024-01-01')).toBeUndefined();
    expect(() => periodStart('1mo', '2024-13-01')).toThrow(/Invalid date/);
  });
});

describe('daysBetween', () => {
  it('counts calendar days', () => {
    expect(daysBetween('2023-01-01', '2024-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
  });
});
