// Calendar arithmetic the portfolio numbers share (analytics/ reaches domain/time.ts through here).
import { DAY_MS, addDays, parseIsoDate } from '../time.ts';

/** Calendar days from one ISO date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDate(to) - parseIsoDate(from)) / DAY_MS);
}

export type Period = '1mo' | '3mo' | '6mo' | '1y' | 'ytd' | 'max';
export const PERIODS: readonly Period[] = ['1mo', '3mo', '6mo', '1y', 'ytd', 'max'];

const PERIOD_MONTHS: Record<Exclude<Period, 'ytd' | 'max'>, number> = { '1mo': 1, '3mo': 3, '6mo': 6, '1y': 12 };

/**
 * The first date whose return a period counts, as of a date: the day after the same calendar
 * day 1, 3, 6 or 12 months earlier (clamped to the month's end: 1mo before 31 March is 29
 * February in a leap year), so the base value is the close on or before that day; `ytd` starts
 * on 1 January (base: the last close of the previous year); `max` has no start (undefined).
 */
export function periodStart(period: Period, asOf: string): string | undefined {
  const ms = parseIsoDate(asOf);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid date "${asOf}": expected YYYY-MM-DD`);
  if (period === 'max') return undefined;
  if (period === 'ytd') return `${asOf.slice(0, 4)}-01-01`;
  const at = new Date(ms);
  const months = at.getUTCFullYear() * 12 + at.getUTCMonth() - PERIOD_MONTHS[period];
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const base = new Date(Date.UTC(year, month, Math.min(at.getUTCDate(), lastDay)));
  return addDays(base.toISOString().slice(0, 10), 1);
}
