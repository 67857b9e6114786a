// The scanner's timeframes, and weekly and monthly bars made from daily ones: the one place a
// week or a month of sessions becomes a bar.
import { DAY_MS } from '../time.ts';
import { emptyColumns, type BarColumns } from './bars.ts';

export type Timeframe = 'daily' | 'weekly' | 'monthly';
export const TIMEFRAMES: readonly Timeframe[] = ['daily', 'weekly', 'monthly'];

/**
 * The period a daily bar belongs to, as the epoch ms of its first day: the Monday of its week, or
 * the 1st of its month (daily bars are stamped 00:00 UTC of their session date).
 */
export function periodStart(time: number, timeframe: Timeframe): number {
  if (timeframe === 'daily') return time;
  const day = new Date(time);
  if (timeframe === 'monthly') return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1);
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) - sinceMonday * DAY_MS;
}

/**
 * Daily bars as bars of the timeframe, oldest first: the first open, the highest high, the lowest
 * low, the last close and the summed volume of the period's sessions. Each bar is stamped with its
 * last session, so the current week or month is the bar "so far" and its date is a real session.
 */
export function resample(daily: BarColumns, timeframe: Timeframe): BarColumns {
  if (timeframe === 'daily') return daily;
  const n = daily.close.length;
  let periods = 0;
  let current = Number.NaN;
  for (let i = 0; i < n; i += 1) {
    const start = periodStart(daily.time[i]!, timeframe);
    if (start !== current) {
      periods += 1;
      current = start;
    }
  }
  const out = emptyColumns(periods);
  let k = -1;
  current = Number.NaN;
  for (let i = 0; i < n; i += 1) {
    const start = periodStart(daily.time[i]!, timeframe);
    if (start !== current) {
      k += 1;
      current = start;
      out.open[k] = daily.open[i]!;
      out.high[k] = daily.high[i]!;
      out.low[k] = daily.low[i]!;
      out.volume[k] = 0;
    } else {
      out.high[k] = Math.max(out.high[k]!, daily.high[i]!);
      out.low[k] = Math.min(out.low[k]!, daily.low[i]!);
    }
    out.time[k] = daily.time[i]!;
    out.close[k] = daily.close[i]!;
    out.volume[k] = out.volume[k]! + daily.volume[i]!;
  }
  return out;
}
