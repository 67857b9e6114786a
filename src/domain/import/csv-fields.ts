// Reading one field of a CSV of bars: numbers, missing values, dates and New York minutes, and
// the symbol a file's name gives.
import { basename, extname } from 'node:path';
import { nyWallTime } from '../calendar/index.ts';
import { parseIsoDate } from '../time.ts';

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING_WORDS = new Set(['', 'null', 'nan', 'na', 'n/a', 'none', '-']);

/** The number in a field, or NaN when it is missing or not a plain decimal number. */
export function parseNumber(raw: string): number {
  if (NUMBER_RE.test(raw)) return Number(raw);
  const trimmed = raw.trim();
  return trimmed !== raw && NUMBER_RE.test(trimmed) ? Number(trimmed) : Number.NaN;
}

export function isMissing(raw: string): boolean {
  return MISSING_WORDS.has(raw.trim().toLowerCase());
}

/** `AAPL.csv` → AAPL, `aapl.us.txt` → AAPL, `SPY_1min_2025-07-01.csv` → SPY. */
export function symbolFromFileName(file: string): string {
  let stem = basename(file, extname(file));
  stem = stem.replace(/\.us$/i, '');
  const underscore = stem.indexOf('_');
  if (underscore > 0) stem = stem.slice(0, underscore);
  return stem.trim().toUpperCase();
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.0+)?)?$/;

/** ms of 00:00 UTC of an ISO date, or NaN when it is not a real calendar date. */
export const parseDay = parseIsoDate;

export type DateResult = { ok: true; ms: number } | { ok: false; reason: string };

/**
 * A New York wall-clock minute as an instant. `offsets` caches the UTC offset nyWallTime finds
 * per date and hour: DST changes fall on the hour, and nyWallTime resolves every minute of a
 * skipped or repeated hour the same way, so the offset is constant within an hour.
 */
export function parseMinute(raw: string, offsets: Map<string, number>): DateResult {
  const m = DATE_TIME_RE.exec(raw);
  if (m === null) {
    return DATE_RE.test(raw)
      ? { ok: false, reason: `expected a date and time (YYYY-MM-DD HH:MM:SS), got "${raw}"` }
      : { ok: false, reason: `unparsable date "${raw}"` };
  }
  const [, date = '', hourText = '', minuteText = '', second] = m;
  if (second !== undefined && second !== '00') {
    return { ok: false, reason: `timestamp "${raw}" is not on a whole minute` };
  }
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const day = parseDay(date);
  if (Number.isNaN(day) || hour > 23 || minute > 59) return { ok: false, reason: `unparsable date "${raw}"` };
  const key = `${date}T${hourText}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = day + hour * 3_600_000 - nyWallTime(date, hour, 0).getTime();
    offsets.set(key, offset);
  }
  return { ok: true, ms: day + hour * 3_600_000 + minute * 60_000 - offset };
}
