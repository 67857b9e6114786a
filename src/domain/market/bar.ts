// Bars: the OHLCV unit every price feature reads. One definition of the bar, its intervals, the
// daily-bar convention and what makes a bar valid.
import { isoDate, parseIsoDate } from '../time.ts';

export type BarInterval = '1m' | '1d';
export const BAR_INTERVALS: readonly BarInterval[] = ['1m', '1d'];

/**
 * An OHLCV bar. `timestamp` is the bar's open: for `1m` the minute's first instant; for `1d` the
 * daily-bar convention, 00:00 UTC of the New York session date (see dailyBarTimestamp).
 */
export interface Bar {
  timestamp: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Close adjusted for splits and dividends (daily bars only; null when the source has none). */
  adjustedClose: number | null;
  volume: number;
}

/**
 * The daily-bar convention: a session's bar is stamped 00:00 UTC of its New York date, so a date
 * and its bar's timestamp convert both ways without a time zone.
 */
export function dailyBarTimestamp(sessionDate: string): Date {
  const ms = parseIsoDate(sessionDate);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid session date "${sessionDate}": expected YYYY-MM-DD`);
  return new Date(ms);
}

/** The New York session date a daily bar stands for. */
export function sessionDateOf(bar: { timestamp: Date }): string {
  return isoDate(bar.timestamp);
}

/**
 * Why a bar cannot be stored, or null when it can: finite positive prices, high and low bracketing
 * open and close, a whole non-negative volume, a real instant.
 */
export function barProblem(bar: Bar): string | null {
  if (!Number.isFinite(bar.timestamp.getTime())) return 'invalid timestamp';
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    const value = bar[field];
    if (!Number.isFinite(value)) return `non-numeric ${field}`;
    if (value <= 0) return `${value === 0 ? 'zero' : 'negative'} ${field} ${value}`;
  }
  if (bar.high < bar.low) return `high ${bar.high} is below low ${bar.low}`;
  if (bar.high < Math.max(bar.open, bar.close)) return `high ${bar.high} is below max(open, close)`;
  if (bar.low > Math.min(bar.open, bar.close)) return `low ${bar.low} is above min(open, close)`;
  if (bar.adjustedClose !== null && !(Number.isFinite(bar.adjustedClose) && bar.adjustedClose > 0)) return `invalid adjusted close ${bar.adjustedClose}`;
  if (!Number.isSafeInteger(bar.volume) || bar.volume < 0) return `invalid volume ${bar.volume}`;
  return null;
}
