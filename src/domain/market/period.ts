// History periods as the API names them, and the dates they cover.
import { DAY_MS } from '../time.ts';

export type Period = '1mo' | '3mo' | '6mo' | '1y' | '5y';
export const PERIODS: readonly Period[] = ['1mo', '3mo', '6mo', '1y', '5y'];
const PERIOD_DAYS: Record<Period, number> = { '1mo': 31, '3mo': 92, '6mo': 183, '1y': 366, '5y': 1_827 };

/** The instant `period` before `to`. */
export function periodStart(period: Period, to: Date): Date {
  return new Date(to.getTime() - PERIOD_DAYS[period] * DAY_MS);
}
