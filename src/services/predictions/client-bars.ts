// Daily bars a client sends (`historicalData` of statistical-prediction and ai-prediction), read
// strictly: a forecast from scrambled, repeated or broken bars would be noise, so each problem is a
// 400 naming the bar.
import { invalid } from '../../domain/errors.ts';
import { barProblem, dailyBarTimestamp, type Bar } from '../../domain/market/bar.ts';
import { parseIsoDate } from '../../domain/time.ts';
import { MIN_PREDICTION_BARS } from './served.ts';

export interface ClientBar {
  /** YYYY-MM-DD, or an ISO timestamp whose date part is the session date. */
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Shares traded (0 when absent). */
  volume?: number;
  adjustedClose?: number | null;
}

/** Most bars one request may carry: twenty years of sessions. */
export const MAX_CLIENT_BARS = 5_000;

const FIELD = 'historicalData';
const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The session date of a client's date, or null when it is not one. */
function sessionDate(raw: string): string | null {
  const match = DATE_PREFIX.exec(raw.trim());
  if (match === null || Number.isNaN(parseIsoDate(match[1]!))) return null;
  return match[1]!;
}

/** The client's bars as daily bars, oldest first; InvalidInput (400) naming the first bad bar. */
export function barsFromClient(historicalData: readonly ClientBar[]): Bar[] {
  if (historicalData.length < MIN_PREDICTION_BARS) {
    throw invalid(`At least ${MIN_PREDICTION_BARS} daily bars are needed for a prediction; historicalData has ${historicalData.length}.`,
      { [FIELD]: [`Send at least ${MIN_PREDICTION_BARS} daily bars, oldest first.`] });
  }
  if (historicalData.length > MAX_CLIENT_BARS) {
    throw invalid(`At most ${MAX_CLIENT_BARS} daily bars per request; historicalData has ${historicalData.length}.`, { [FIELD]: [`Send at most ${MAX_CLIENT_BARS} bars.`] });
  }
  const bars: Bar[] = [];
  let previous: string | null = null;
  historicalData.forEach((raw, i) => {
    const date = sessionDate(raw.date);
    if (date === null) throw invalid(`historicalData[${i}].date "${raw.date.slice(0, 40)}" is not a date.`, { [`${FIELD}.${i}.date`]: ['Use YYYY-MM-DD.'] });
    if (previous !== null && date === previous) {
      throw invalid(`historicalData[${i}] repeats the date ${date}: send one bar per day.`, { [`${FIELD}.${i}.date`]: [`Duplicate date ${date}.`] });
    }
    if (previous !== null && date < previous) {
      throw invalid(`historicalData must be in date order, oldest first: historicalData[${i}] (${date}) comes after ${previous}.`,
        { [`${FIELD}.${i}.date`]: [`${date} is before the previous bar's ${previous}; sort the bars oldest first.`] });
    }
    previous = date;
    const bar: Bar = {
      timestamp: dailyBarTimestamp(date), open: raw.open, high: raw.high, low: raw.low, close: raw.close,
      adjustedClose: raw.adjustedClose ?? null, volume: raw.volume === undefined ? 0 : Math.round(raw.volume),
    };
    const problem = barProblem(bar);
    if (problem !== null) throw invalid(`historicalData[${i}] (${date}) cannot be used: ${problem}.`, { [`${FIELD}.${i}`]: [`${problem[0]!.toUpperCase()}${problem.slice(1)}.`] });
    bars.push(bar);
  });
  return bars;
}
