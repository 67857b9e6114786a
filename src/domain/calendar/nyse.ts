// NYSE trading calendar, 1990–2099: holidays and early closes by rule, the exchange's exceptions by table,
// New York time via Intl. The rules follow the exchange's published record as researched by exchange_calendars
// (XNYS) and pandas_market_calendars; NYSE's yearly holiday announcements confirm them through 2028.
// Scheduled sessions only: unscheduled intraday halts (e.g. the 1997-10-27 circuit breaker) are not modelled.

/** One regular trading session (no pre-market or after-hours). */
export interface TradingSession {
  /** 'YYYY-MM-DD', the New York calendar date. */
  date: string;
  /** 09:30 New York, as an instant. */
  open: Date;
  /** 16:00 New York, or 13:00 on early closes (14:00 before 1993). */
  close: Date;
  earlyClose: boolean;
}

/** Market state at an instant, shaped like a broker's clock endpoint. */
export interface MarketClock {
  timestamp: Date;
  isOpen: boolean;
  nextOpen: Date;
  nextClose: Date;
}

const NY_TIME_ZONE = 'America/New_York';
import { DAY_MS, MINUTE_MS } from '../time.ts';

const GREGORIAN_CYCLE_MS = 146_097 * DAY_MS;
// The holiday rules below are only right for this span (MLK Day from 1998, Juneteenth from 2022, no pre-1990 history).
const FIRST_YEAR = 1990;
const LAST_YEAR = 2099;
const MAX_SPAN_YEARS = 20;

const OPEN_HOUR = 9;
const OPEN_MINUTE = 30;
const CLOSE_HOUR = 16;
const EARLY_CLOSE_HOUR = 13;
// Scheduled early closes were at 14:00 until the end of 1992.
const EARLY_CLOSE_HOUR_BEFORE_1993 = 14;

const SUNDAY = 0;
const MONDAY = 1;
const WEDNESDAY = 3;
const THURSDAY = 4;
const SATURDAY = 6;

// Closures no rule predicts: national days of mourning and emergencies.
const AD_HOC_CLOSURES: ReadonlyMap<string, string> = new Map([
  ['1994-04-27', 'National Day of Mourning for Richard Nixon'],
  ['2001-09-11', 'September 11 attacks'],
  ['2001-09-12', 'September 11 attacks'],
  ['2001-09-13', 'September 11 attacks'],
  ['2001-09-14', 'September 11 attacks'],
  ['2004-06-11', 'National Day of Mourning for Ronald Reagan'],
  ['2007-01-02', 'National Day of Mourning for Gerald Ford'],
  ['2012-10-29', 'Hurricane Sandy'],
  ['2012-10-30', 'Hurricane Sandy'],
  ['2018-12-05', 'National Day of Mourning for George H. W. Bush'],
  ['2025-01-09', 'National Day of Mourning for Jimmy Carter'],
]);

// Early closes (13:00) the exchange announced outside its rules.
const AD_HOC_EARLY_CLOSES: ReadonlyMap<string, string> = new Map([
  ['1997-12-26', 'Friday after Christmas'],
  ['1999-12-31', "New Year's Eve 1999, ahead of the year-2000 changeover"],
  ['2003-12-26', 'Friday after Christmas'],
]);

interface CalendarDate {
  year: number;
  month: number;
  day: number;
  /** Days since 1970-01-01, so date arithmetic is integer arithmetic. */
  dayNumber: number;
}

interface YearCalendar {
  closures: Map<string, string>;
  /** Early-close dates → New York close time in minutes after midnight. */
  earlyCloses: Map<string, number>;
  /** Filled lazily, one entry per session asked for. */
  sessions: Map<string, SessionTimes>;
}

// --- Civil-date arithmetic (proleptic Gregorian, UTC-based so no host time zone leaks in) ---

function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  // Date.UTC maps years 0–99 to 1900–1999; shifting by one 400-year Gregorian cycle (146,097 days) avoids that.
  return Date.UTC(year + 400, month - 1, day, hour, minute, second) - GREGORIAN_CYCLE_MS;
}

function dayNumberOf(year: number, month: number, day: number): number {
  return Math.round(utcMs(year, month, day) / DAY_MS);
}

function weekdayOf(dayNumber: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayNumber + THURSDAY) % 7) + 7) % 7;
}

function isoOf(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function calendarDateOf(dayNumber: number): CalendarDate & { iso: string } {
  const d = new Date(dayNumber * DAY_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return { year, month, day, dayNumber, iso: isoOf(year, month, day) };
}

function isoFromDayNumber(dayNumber: number): string {
  return calendarDateOf(dayNumber).iso;
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string, label = 'date'): CalendarDate {
  const match = typeof date === 'string' ? ISO_DATE.exec(date) : null;
  if (!match) {
    throw new RangeError(`Invalid ${label} ${JSON.stringify(date)}: expected 'YYYY-MM-DD'`);
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`Invalid ${label} ${JSON.stringify(date)}: not a real calendar date`);
  }
  return { year, month, day, dayNumber: dayNumberOf(year, month, day) };
}

function assertCalendarYear(year: number, shown: string): void {
  if (year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(
      `Date ${shown} is outside the supported NYSE calendar (${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31)`,
    );
  }
}

// Calendar functions accept only the years whose holiday rules we encode.
function parseCalendarDate(date: string, label = 'date'): CalendarDate {
  const parsed = parseDate(date, label);
  assertCalendarYear(parsed.year, date);
  return parsed;
}

function assertInstant(at: Date): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date: expected a valid instant');
  return ms;
}

// --- New York time via Intl (the tz database handles every DST rule change) ---

// Creating a DateTimeFormat is costly; formatting with one is cheap.
const nyFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: NY_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function nyWallClockAt(ms: number): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of nyFormatter.formatToParts(ms)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
        wall[part.type] = Number(part.value);
        break;
      default:
        break;
    }
  }
  return wall;
}

/** New York UTC offset in ms (wall clock minus UTC) at an instant. */
function nyOffsetAt(ms: number): number {
  const wall = nyWallClockAt(ms);
  const wallMs = utcMs(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second);
  return wallMs - (ms - (((ms % 1000) + 1000) % 1000));
}

/** NY calendar date of an instant. */
export function nyDate(at: Date): string {
  const wall = nyWallClockAt(assertInstant(at));
  if (wall.year < 1 || wall.year > 9999) {
    throw new RangeError(`Instant ${at.toISOString()} is outside years 0001–9999`);
  }
  return isoOf(wall.year, wall.month, wall.day);
}

/** NY wall time as an instant, Temporal-'compatible': DST gaps use the pre-change offset, overlaps the first. */
export function nyWallTime(date: string, hour: number, minute: number): Date {
  const { year, month, day } = parseDate(date);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new RangeError(`Invalid hour ${hour}: expected an integer 0–23`);
  }
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new RangeError(`Invalid minute ${minute}: expected an integer 0–59`);
  }
  const wallMs = utcMs(year, month, day, hour, minute);
  // Offsets a day either side bracket any DST change that could affect this wall time.
  const offsetBefore = nyOffsetAt(wallMs - DAY_MS);
  const offsetAfter = nyOffsetAt(wallMs + DAY_MS);
  if (offsetBefore === offsetAfter) return new Date(wallMs - offsetBefore);

  const earlier = wallMs - offsetBefore;
  const later = wallMs - offsetAfter;
  const first = Math.min(earlier, later);
  const second = Math.max(earlier, later);
  if (nyOffsetAt(first) === wallMs - first) return new Date(first);
  if (nyOffsetAt(second) === wallMs - second) return new Date(second);
  // Skipped wall time (spring-forward gap): keep the offset in force before the change.
  return new Date(earlier);
}

// --- Holiday rules ---

/** Day of month of the nth given weekday (n = 1 for the first). */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const firstWeekday = weekdayOf(dayNumberOf(year, month, 1));
  return 1 + ((weekday - firstWeekday + 7) % 7) + (n - 1) * 7;
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const last = daysInMonth(year, month);
  const lastDayWeekday = weekdayOf(dayNumberOf(year, month, last));
  return last - ((lastDayWeekday - weekday + 7) % 7);
}

/** Easter Sunday by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm. */
function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const n = h + l - 7 * m + 114;
  return { month: Math.floor(n / 31), day: (n % 31) + 1 };
}

/** Weekend holidays move to Friday (Saturday) or Monday (Sunday). */
function observedDayNumber(year: number, month: number, day: number): number {
  const dayNumber = dayNumberOf(year, month, day);
  const weekday = weekdayOf(dayNumber);
  if (weekday === SATURDAY) return dayNumber - 1;
  if (weekday === SUNDAY) return dayNumber + 1;
  return dayNumber;
}

function buildYear(year: number): YearCalendar {
  const closures = new Map<string, string>();
  const add = (dayNumber: number, name: string): void => {
    closures.set(isoFromDayNumber(dayNumber), name);
  };

  // NYSE Rule 7.2: a Saturday New Year's Day is not observed, since Dec 31 closes the accounting year.
  const newYear = dayNumberOf(year, 1, 1);
  if (weekdayOf(newYear) === SUNDAY) add(newYear + 1, "New Year's Day");
  else if (weekdayOf(newYear) !== SATURDAY) add(newYear, "New Year's Day");

  // NYSE first closed for MLK Day in 1998.
  if (year >= 1998) add(dayNumberOf(year, 1, nthWeekday(year, 1, MONDAY, 3)), 'Martin Luther King Jr. Day');
  add(dayNumberOf(year, 2, nthWeekday(year, 2, MONDAY, 3)), "Washington's Birthday");
  const easter = easterSunday(year);
  add(dayNumberOf(year, easter.month, easter.day) - 2, 'Good Friday');
  add(dayNumberOf(year, 5, lastWeekday(year, 5, MONDAY)), 'Memorial Day');
  if (year >= 2022) add(observedDayNumber(year, 6, 19), 'Juneteenth National Independence Day');
  add(observedDayNumber(year, 7, 4), 'Independence Day');
  add(dayNumberOf(year, 9, nthWeekday(year, 9, MONDAY, 1)), 'Labor Day');
  const thanksgiving = dayNumberOf(year, 11, nthWeekday(year, 11, THURSDAY, 4));
  add(thanksgiving, 'Thanksgiving Day');
  add(observedDayNumber(year, 12, 25), 'Christmas Day');

  const yearPrefix = `${year}-`;
  for (const [date, name] of AD_HOC_CLOSURES) {
    if (date.startsWith(yearPrefix)) closures.set(date, name);
  }

  const earlyCloses = new Map<string, number>();
  const earlyCloseMinutes = (year < 1993 ? EARLY_CLOSE_HOUR_BEFORE_1993 : EARLY_CLOSE_HOUR) * 60;
  const addEarlyClose = (dayNumber: number): void => {
    const date = isoFromDayNumber(dayNumber);
    const weekday = weekdayOf(dayNumber);
    // A Friday July 3 or Dec 24 is itself the observed holiday, so only real trading days close early.
    if (weekday !== SATURDAY && weekday !== SUNDAY && !closures.has(date)) earlyCloses.set(date, earlyCloseMinutes);
  };
  // Christmas Eve from Monday to Thursday, every year.
  addEarlyClose(dayNumberOf(year, 12, 24));
  // The day after Thanksgiving has closed early since 1992.
  if (year >= 1992) addEarlyClose(thanksgiving + 1);
  // Independence Day early closes began in 1995: July 3 when it is a trading day, except that until 2012 a
  // Thursday July 4 shortened the Friday after it (July 5) rather than the Wednesday before.
  if (year >= 1995) {
    const july3 = dayNumberOf(year, 7, 3);
    addEarlyClose(weekdayOf(july3) === WEDNESDAY && year < 2013 ? july3 + 2 : july3);
  }
  for (const date of AD_HOC_EARLY_CLOSES.keys()) {
    if (date.startsWith(yearPrefix)) earlyCloses.set(date, EARLY_CLOSE_HOUR * 60);
  }

  return { closures, earlyCloses, sessions: new Map() };
}

// Each year's holidays are computed once; every later lookup is a Map hit.
const yearCache = new Map<number, YearCalendar>();

function yearCalendar(year: number): YearCalendar {
  let calendar = yearCache.get(year);
  if (!calendar) {
    calendar = buildYear(year);
    yearCache.set(year, calendar);
  }
  return calendar;
}

function isTradingDayParsed(date: CalendarDate, iso: string): boolean {
  const weekday = weekdayOf(date.dayNumber);
  if (weekday === SATURDAY || weekday === SUNDAY) return false;
  return !yearCalendar(date.year).closures.has(iso);
}

/** Name of the full-day closure on a weekday (observed date, ad-hoc closure), or null; weekends return null. */
export function holidayName(date: string): string | null {
  const parsed = parseCalendarDate(date);
  const weekday = weekdayOf(parsed.dayNumber);
  if (weekday === SATURDAY || weekday === SUNDAY) return null;
  return yearCalendar(parsed.year).closures.get(date) ?? null;
}

export function isTradingDay(date: string): boolean {
  return isTradingDayParsed(parseCalendarDate(date), date);
}

/** A session as plain epoch-ms, so cached values can't be mutated by callers. */
interface SessionTimes {
  date: string;
  openMs: number;
  closeMs: number;
  earlyClose: boolean;
}

function sessionTimes(date: CalendarDate, iso: string): SessionTimes | null {
  if (!isTradingDayParsed(date, iso)) return null;
  const calendar = yearCalendar(date.year);
  let times = calendar.sessions.get(iso);
  if (!times) {
    // Intl round-trips are the slow part, so each session is converted once and cached.
    const earlyCloseAt = calendar.earlyCloses.get(iso);
    const openMs = nyWallTime(iso, OPEN_HOUR, OPEN_MINUTE).getTime();
    // New York changes clocks at 02:00, so open and close share one UTC offset.
    const sessionMinutes = (earlyCloseAt ?? CLOSE_HOUR * 60) - (OPEN_HOUR * 60 + OPEN_MINUTE);
    times = { date: iso, openMs, closeMs: openMs + sessionMinutes * MINUTE_MS, earlyClose: earlyCloseAt !== undefined };
    calendar.sessions.set(iso, times);
  }
  return times;
}

function toSession(times: SessionTimes): TradingSession {
  return {
    date: times.date,
    open: new Date(times.openMs),
    close: new Date(times.closeMs),
    earlyClose: times.earlyClose,
  };
}

/** The regular session on a New York date, or null when the market is closed all day. */
export function sessionOn(date: string): TradingSession | null {
  const times = sessionTimes(parseCalendarDate(date), date);
  return times ? toSession(times) : null;
}

/** Sessions from start to end inclusive, ascending; empty when start is after end. */
export function sessionsBetween(start: string, end: string): TradingSession[] {
  const from = parseCalendarDate(start, 'start date');
  const to = parseCalendarDate(end, 'end date');
  // Bounds the work (and the array) a single call can ask for.
  const limit = isoOf(from.year + MAX_SPAN_YEARS, from.month, from.day);
  if (end > limit) {
    throw new RangeError(`Range ${start}..${end} spans more than ${MAX_SPAN_YEARS} years`);
  }
  const sessions: TradingSession[] = [];
  for (let dayNumber = from.dayNumber; dayNumber <= to.dayNumber; dayNumber++) {
    const date = calendarDateOf(dayNumber);
    const times = sessionTimes(date, date.iso);
    if (times) sessions.push(toSession(times));
  }
  return sessions;
}

/** Nearest trading day strictly before (step -1) or after (step +1), or null past the supported years. */
function stepTradingDay(from: CalendarDate, step: 1 | -1): (CalendarDate & { iso: string }) | null {
  // Gaps between trading days are a few days at most, so this ends quickly.
  for (let dayNumber = from.dayNumber + step; ; dayNumber += step) {
    const date = calendarDateOf(dayNumber);
    if (date.year < FIRST_YEAR || date.year > LAST_YEAR) return null;
    if (isTradingDayParsed(date, date.iso)) return date;
  }
}

function requireTradingDay(from: CalendarDate, step: 1 | -1, shown: string): CalendarDate & { iso: string } {
  const found = stepTradingDay(from, step);
  if (found === null) {
    const direction = step === 1 ? 'after' : 'before';
    throw new RangeError(`No trading day ${direction} ${shown} within ${FIRST_YEAR}–${LAST_YEAR}`);
  }
  return found;
}

/** The trading day strictly before a date. */
export function previousTradingDay(date: string): string {
  return requireTradingDay(parseCalendarDate(date), -1, date).iso;
}

/** The trading day strictly after a date. */
export function nextTradingDay(date: string): string {
  return requireTradingDay(parseCalendarDate(date), 1, date).iso;
}

// --- Instants ---

interface MarketState {
  ms: number;
  /** The NY date of the instant. */
  today: CalendarDate & { iso: string };
  /** Today's session, or null on weekends and holidays. */
  session: SessionTimes | null;
}

// One Intl call per query: everything else is cached arithmetic.
function marketState(at: Date): MarketState {
  const ms = assertInstant(at);
  const iso = nyDate(at);
  const today = { ...parseCalendarDate(iso), iso };
  return { ms, today, session: sessionTimes(today, iso) };
}

/** The session of the first trading day after the instant's NY date. */
function followingSession(state: MarketState): SessionTimes {
  const next = requireTradingDay(state.today, 1, state.today.iso);
  const times = sessionTimes(next, next.iso);
  // Unreachable: requireTradingDay only returns trading days.
  if (!times) throw new Error(`No session on trading day ${next.iso}`);
  return times;
}

function isOpenIn(state: MarketState): boolean {
  const { ms, session } = state;
  return session !== null && ms >= session.openMs && ms < session.closeMs;
}

function nextOpenMs(state: MarketState): number {
  if (state.session && state.ms < state.session.openMs) return state.session.openMs;
  return followingSession(state).openMs;
}

function nextCloseMs(state: MarketState): number {
  if (state.session && state.ms < state.session.closeMs) return state.session.closeMs;
  return followingSession(state).closeMs;
}

/** True during the regular session, open inclusive and close exclusive. */
export function isMarketOpen(at: Date): boolean {
  return isOpenIn(marketState(at));
}

/** First session open strictly after an instant. */
export function nextOpen(at: Date): Date {
  return new Date(nextOpenMs(marketState(at)));
}

/** Close of the session in progress, or else of the next session to open. */
export function nextClose(at: Date): Date {
  return new Date(nextCloseMs(marketState(at)));
}

export function clock(at: Date): MarketClock {
  const state = marketState(at);
  return {
    timestamp: new Date(state.ms),
    isOpen: isOpenIn(state),
    nextOpen: new Date(nextOpenMs(state)),
    nextClose: new Date(nextCloseMs(state)),
  };
}

/** Latest session whose close is at or before an instant (the end-of-day event); null before the first one. */
export function lastSessionClosedBy(at: Date): TradingSession | null {
  const state = marketState(at);
  if (state.session && state.session.closeMs <= state.ms) return toSession(state.session);
  const previous = stepTradingDay(state.today, -1);
  const times = previous === null ? null : sessionTimes(previous, previous.iso);
  return times ? toSession(times) : null;
}
