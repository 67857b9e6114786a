import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clock,
  holidayName,
  isMarketOpen,
  isTradingDay,
  lastSessionClosedBy,
  nextClose,
  nextOpen,
  nextTradingDay,
  nyDate,
  nyWallTime,
  previousTradingDay,
  sessionOn,
  sessionsBetween,
} from '../../../src/domain/calendar/index.ts';
import type { TradingSession } from '../../../src/domain/calendar/index.ts';
import { NYSE_RECORD } from './nyse-record.ts';

const utc = (iso: string): Date => new Date(iso);
const DAY_MS = 86_400_000;

function isoOfDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function datesOfYear(year: number): string[] {
  const dates: string[] = [];
  for (let ms = Date.UTC(year, 0, 1); new Date(ms).getUTCFullYear() === year; ms += DAY_MS) {
    dates.push(new Date(ms).toISOString().slice(0, 10));
  }
  return dates;
}

function isWeekend(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Weekdays the exchange is shut, as 'MM-DD'. */
function weekdayClosures(year: number): string[] {
  return datesOfYear(year)
    .filter((date) => !isWeekend(date) && !isTradingDay(date))
    .map((date) => date.slice(5));
}

function earlyCloses(year: number): string[] {
  return sessionsBetween(`${year}-01-01`, `${year}-12-31`)
    .filter((session) => session.earlyClose)
    .map((session) => session.date.slice(5));
}

// An independent formatter, so wall-time checks don't reuse the code under test.
const nyWall = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function expectSession(session: TradingSession | null, open: string, close: string, earlyClose = false): void {
  expect(session).not.toBeNull();
  expect(session?.open.toISOString()).toBe(open);
  expect(session?.close.toISOString()).toBe(close);
  expect(session?.earlyClose).toBe(earlyClose);
}

describe('date validation', () => {
  it.each([
    ['2026-02-29', /not a real calendar date/],
    ['2026-13-01', /not a real calendar date/],
    ['2026-04-31', /not a real calendar date/],
    ['2026-00-10', /not a real calendar date/],
    ['2026-01-00', /not a real calendar date/],
    ['2026-1-05', /YYYY-MM-DD/],
    ['20260105', /YYYY-MM-DD/],
    ['', /YYYY-MM-DD/],
    [' 2026-01-05', /YYYY-MM-DD/],
    ['2026-01-05T00:00', /YYYY-MM-DD/],
    ['1989-12-29', /outside the supported NYSE calendar/],
    ['2100-01-04', /outside the supported NYSE calendar/],
  ])('rejects %j', (date, message) => {
    expect(() => isTradingDay(date)).toThrow(RangeError);
    expect(() => isTradingDay(date)).toThrow(message);
    expect(() => sessionOn(date)).toThrow(RangeError);
    expect(() => holidayName(date)).toThrow(RangeError);
    expect(() => nextTradingDay(date)).toThrow(RangeError);
    expect(() => previousTradingDay(date)).toThrow(RangeError);
  });

  it('accepts leap days', () => {
    expect(isTradingDay('2024-02-29')).toBe(true);
    expect(isTradingDay('2000-02-29')).toBe(true);
  });

  it('rejects non-string input from untyped callers', () => {
    expect(() => isTradingDay(20260105 as unknown as string)).toThrow(RangeError);
  });

  it('rejects invalid instants', () => {
    const invalid = new Date(Number.NaN);
    for (const fn of [nyDate, isMarketOpen, nextOpen, nextClose, clock, lastSessionClosedBy]) {
      expect(() => fn(invalid)).toThrow(RangeError);
    }
  });

  it('rejects instants outside the supported years in calendar functions', () => {
    expect(() => isMarketOpen(utc('1985-06-03T15:00:00Z'))).toThrow(/outside the supported NYSE calendar/);
    expect(() => clock(utc('2100-06-01T15:00:00Z'))).toThrow(RangeError);
  });
});

describe('nyDate', () => {
  it.each([
    ['2026-01-15T04:59:59.999Z', '2026-01-14'], // 23:59:59 EST
    ['2026-01-15T05:00:00.000Z', '2026-01-15'], // midnight EST
    ['2026-03-10T03:59:59.999Z', '2026-03-09'], // 23:59:59 EDT
    ['2026-03-10T04:00:00.000Z', '2026-03-10'], // midnight EDT
    ['2026-03-08T06:59:59.999Z', '2026-03-08'], // 01:59 EST, just before spring-forward
    ['2026-03-08T07:00:00.000Z', '2026-03-08'], // 03:00 EDT
    ['2026-11-01T05:30:00.000Z', '2026-11-01'], // first 01:30 (EDT)
    ['2026-11-01T06:30:00.000Z', '2026-11-01'], // second 01:30 (EST)
    ['2027-01-01T03:00:00.000Z', '2026-12-31'], // UTC new year, still Dec 31 in New York
  ])('%s is %s in New York', (instant, date) => {
    expect(nyDate(utc(instant))).toBe(date);
  });

  it('works outside the calendar years (pure conversion)', () => {
    expect(nyDate(utc('1985-07-01T03:00:00Z'))).toBe('1985-06-30');
  });
});

describe('nyWallTime', () => {
  it.each([
    ['2026-01-15', 0, 0, '2026-01-15T05:00:00.000Z'],
    ['2026-01-15', 23, 59, '2026-01-16T04:59:00.000Z'],
    ['2026-07-15', 9, 30, '2026-07-15T13:30:00.000Z'],
    ['2026-03-08', 1, 59, '2026-03-08T06:59:00.000Z'], // last EST minute
    ['2026-03-08', 3, 0, '2026-03-08T07:00:00.000Z'], // first EDT minute
    ['2026-03-08', 2, 30, '2026-03-08T07:30:00.000Z'], // skipped: read as EST, i.e. 03:30 EDT
    ['2026-11-01', 0, 59, '2026-11-01T04:59:00.000Z'],
    ['2026-11-01', 1, 30, '2026-11-01T05:30:00.000Z'], // repeated: first (EDT) occurrence
    ['2026-11-01', 2, 0, '2026-11-01T07:00:00.000Z'],
    ['1985-07-01', 16, 0, '1985-07-01T20:00:00.000Z'], // not limited to calendar years
  ])('%s %i:%i New York is %s', (date, hour, minute, instant) => {
    expect(nyWallTime(date, hour, minute).toISOString()).toBe(instant);
  });

  it.each([
    [24, 0],
    [-1, 0],
    [9.5, 0],
    [9, 60],
    [9, -1],
    [Number.NaN, 0],
  ])('rejects hour %d minute %d', (hour, minute) => {
    expect(() => nyWallTime('2026-01-15', hour, minute)).toThrow(RangeError);
  });

  it('rejects bad dates', () => {
    expect(() => nyWallTime('2026-02-30', 9, 30)).toThrow(RangeError);
    expect(() => nyWallTime('2026/02/03', 9, 30)).toThrow(/YYYY-MM-DD/);
  });
});

describe('holidays and early closes by year', () => {
  it('2026: full closures with names', () => {
    const closures = datesOfYear(2026)
      .filter((date) => holidayName(date) !== null)
      .map((date) => [date, holidayName(date)]);
    expect(closures).toEqual([
      ['2026-01-01', "New Year's Day"],
      ['2026-01-19', 'Martin Luther King Jr. Day'],
      ['2026-02-16', "Washington's Birthday"],
      ['2026-04-03', 'Good Friday'],
      ['2026-05-25', 'Memorial Day'],
      ['2026-06-19', 'Juneteenth National Independence Day'],
      ['2026-07-03', 'Independence Day'],
      ['2026-09-07', 'Labor Day'],
      ['2026-11-26', 'Thanksgiving Day'],
      ['2026-12-25', 'Christmas Day'],
    ]);
  });

  it.each([
    [2001, ['01-01', '01-15', '02-19', '04-13', '05-28', '07-04', '09-03', '09-11', '09-12', '09-13', '09-14', '11-22', '12-25']],
    [2012, ['01-02', '01-16', '02-20', '04-06', '05-28', '07-04', '09-03', '10-29', '10-30', '11-22', '12-25']],
    [2021, ['01-01', '01-18', '02-15', '04-02', '05-31', '07-05', '09-06', '11-25', '12-24']],
    [2022, ['01-17', '02-21', '04-15', '05-30', '06-20', '07-04', '09-05', '11-24', '12-26']],
    [2023, ['01-02', '01-16', '02-20', '04-07', '05-29', '06-19', '07-04', '09-04', '11-23', '12-25']],
    [2024, ['01-01', '01-15', '02-19', '03-29', '05-27', '06-19', '07-04', '09-02', '11-28', '12-25']],
    [2025, ['01-01', '01-09', '01-20', '02-17', '04-18', '05-26', '06-19', '07-04', '09-01', '11-27', '12-25']],
    [2026, ['01-01', '01-19', '02-16', '04-03', '05-25', '06-19', '07-03', '09-07', '11-26', '12-25']],
    [2027, ['01-01', '01-18', '02-15', '03-26', '05-31', '06-18', '07-05', '09-06', '11-25', '12-24']],
  ])('%i weekday closures', (year, expected) => {
    expect(weekdayClosures(year)).toEqual(expected);
  });

  it.each([
    [2001, ['07-03', '11-23', '12-24']],
    [2012, ['07-03', '11-23', '12-24']],
    [2021, ['11-26']],
    [2022, ['11-25']],
    [2023, ['07-03', '11-24']],
    [2024, ['07-03', '11-29', '12-24']],
    [2025, ['07-03', '11-28', '12-24']],
    [2026, ['11-27', '12-24']],
    [2027, ['11-26']],
  ])('%i early closes', (year, expected) => {
    expect(earlyCloses(year)).toEqual(expected);
  });

  it.each([
    [2001, 248],
    [2012, 250],
    [2021, 252],
    [2022, 251],
    [2023, 250],
    [2024, 252],
    [2025, 250],
    [2026, 251],
    [2027, 251],
  ])('%i has %i sessions', (year, count) => {
    expect(sessionsBetween(`${year}-01-01`, `${year}-12-31`)).toHaveLength(count);
  });
});

describe("the exchange's record, 1990–2030", () => {
  const years = Object.keys(NYSE_RECORD).map(Number);

  it('covers every year from 1990 to 2030', () => {
    expect(years).toEqual(Array.from({ length: 41 }, (_, i) => 1990 + i));
  });

  it.each(years)('%i: every holiday, every early close and every session as the exchange recorded them', (year) => {
    const record = NYSE_RECORD[year];
    if (!record) throw new Error(`no record for ${year}`);
    expect(weekdayClosures(year)).toEqual(record.holidays);

    const sessions = sessionsBetween(`${year}-01-01`, `${year}-12-31`);
    const early = Object.fromEntries(
      sessions.filter((session) => session.earlyClose).map((session) => [session.date.slice(5), nyWall.format(session.close)]),
    );
    expect(early).toEqual(record.earlyCloses);

    // Every other weekday is a full session, and every session opens at 09:30 on its own New York date.
    const expectedDates = datesOfYear(year).filter((date) => !isWeekend(date) && !record.holidays.includes(date.slice(5)));
    expect(sessions.map((session) => session.date)).toEqual(expectedDates);
    for (const session of sessions) {
      expect(nyDate(session.open), session.date).toBe(session.date);
      expect(nyWall.format(session.open), session.date).toBe('09:30');
      expect(nyWall.format(session.close), session.date).toBe(record.earlyCloses[session.date.slice(5)] ?? '16:00');
    }
  });

  it.each([
    // [date, New York close, why]
    ['1990-07-03', '16:00', 'no Independence Day early close before 1995'],
    ['1991-07-03', '16:00', 'no Independence Day early close before 1995'],
    ['1990-11-23', '16:00', 'no day-after-Thanksgiving early close before 1992'],
    ['1991-11-29', '16:00', 'no day-after-Thanksgiving early close before 1992'],
    ['1990-12-24', '14:00', 'early closes were at 14:00 before 1993'],
    ['1992-11-27', '14:00', 'early closes were at 14:00 before 1993'],
    ['1993-11-26', '13:00', 'and at 13:00 from 1993'],
    ['1996-07-03', '16:00', 'a Wednesday July 3 before 2013 traded the full day...'],
    ['1996-07-05', '13:00', '...and the Friday after July 4 closed early'],
    ['2002-07-03', '16:00', 'a Wednesday July 3 before 2013 traded the full day...'],
    ['2002-07-05', '13:00', '...and the Friday after July 4 closed early'],
    ['2013-07-03', '13:00', 'from 2013 the Wednesday before closes early...'],
    ['2013-07-05', '16:00', '...and the Friday after trades the full day'],
    ['1997-12-26', '13:00', 'the Friday after Christmas 1997'],
    ['1999-12-31', '13:00', 'the eve of 2000'],
    ['2003-12-26', '13:00', 'the Friday after Christmas 2003'],
    ['2008-12-26', '16:00', 'but not the Friday after Christmas 2008'],
    ['2025-12-26', '16:00', 'nor 2025'],
  ])('%s closes at %s (%s)', (date, close) => {
    const session = sessionOn(date);
    expect(session).not.toBeNull();
    expect(nyWall.format(session!.close)).toBe(close);
    expect(session?.earlyClose).toBe(close !== '16:00');
    expect(nyWall.format(session!.open)).toBe('09:30');
  });
});

describe('holiday rules', () => {
  it("does not observe a Saturday New Year's Day on the Friday before (Rule 7.2)", () => {
    for (const date of ['1999-12-31', '2010-12-31', '2021-12-31', '2027-12-31', '2032-12-31']) {
      expect(isTradingDay(date), date).toBe(true);
    }
  });

  it("observes a Sunday New Year's Day on Monday", () => {
    for (const date of ['2006-01-02', '2012-01-02', '2017-01-02', '2023-01-02', '2034-01-02']) {
      expect(holidayName(date), date).toBe("New Year's Day");
    }
  });

  it('closes for Martin Luther King Jr. Day only from 1998', () => {
    expect(isTradingDay('1997-01-20')).toBe(true);
    expect(holidayName('1998-01-19')).toBe('Martin Luther King Jr. Day');
  });

  it('closes for Juneteenth only from 2022, moving Saturday to Friday and Sunday to Monday', () => {
    expect(isTradingDay('2021-06-18')).toBe(true);
    expect(holidayName('2022-06-20')).toBe('Juneteenth National Independence Day');
    expect(holidayName('2027-06-18')).toBe('Juneteenth National Independence Day');
    expect(holidayName('2033-06-20')).toBe('Juneteenth National Independence Day');
    expect(isTradingDay('2033-06-17')).toBe(true);
  });

  it('moves Independence Day and Christmas off weekends', () => {
    expect(holidayName('2015-07-03')).toBe('Independence Day');
    expect(holidayName('2020-07-03')).toBe('Independence Day');
    expect(holidayName('2010-07-05')).toBe('Independence Day');
    expect(holidayName('1999-12-24')).toBe('Christmas Day');
    expect(holidayName('2022-12-26')).toBe('Christmas Day');
    expect(isTradingDay('2022-12-23')).toBe(true);
    expect(sessionOn('2022-12-23')?.earlyClose).toBe(false);
  });

  it.each([
    [1991, '03-29'],
    [1995, '04-14'],
    [2000, '04-21'],
    [2008, '03-21'],
    [2011, '04-22'],
    [2016, '03-25'],
    [2019, '04-19'],
    [2024, '03-29'],
    [2025, '04-18'],
    [2026, '04-03'],
    [2027, '03-26'],
    [2038, '04-23'],
  ])('Good Friday %i is %s', (year, monthDay) => {
    expect(holidayName(`${year}-${monthDay}`)).toBe('Good Friday');
  });

  it.each([
    ['1994-04-27', 'Richard Nixon'],
    ['2001-09-11', 'September 11'],
    ['2001-09-14', 'September 11'],
    ['2004-06-11', 'Ronald Reagan'],
    ['2007-01-02', 'Gerald Ford'],
    ['2012-10-29', 'Hurricane Sandy'],
    ['2012-10-30', 'Hurricane Sandy'],
    ['2018-12-05', 'George H. W. Bush'],
    ['2025-01-09', 'Jimmy Carter'],
  ])('ad-hoc closure %s (%s)', (date, name) => {
    expect(isTradingDay(date)).toBe(false);
    expect(sessionOn(date)).toBeNull();
    expect(holidayName(date)).toContain(name);
  });

  it('names only weekday closures', () => {
    expect(holidayName('2026-07-04')).toBeNull(); // Saturday; observed on Friday
    expect(holidayName('2026-03-07')).toBeNull();
    expect(holidayName('2026-03-09')).toBeNull();
  });

  it('has no early close the day before a Monday Independence Day or on a Friday July 3 holiday', () => {
    expect(sessionOn('2022-07-01')?.earlyClose).toBe(false);
    expect(sessionOn('2026-07-02')?.earlyClose).toBe(false);
    expect(sessionOn('2015-07-02')?.earlyClose).toBe(false);
  });

  it('holds the rules in every supported year', () => {
    for (let year = 1990; year <= 2099; year++) {
      const dates = datesOfYear(year);
      const named = (name: string): string[] => dates.filter((date) => holidayName(date) === name);
      const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

      const [thanksgiving, ...extraThanksgivings] = named('Thanksgiving Day');
      expect(extraThanksgivings, `${year}`).toEqual([]);
      expect(weekday(thanksgiving ?? ''), `${year}`).toBe(4);
      expect(Number(thanksgiving?.slice(8)), `${year}`).toBeGreaterThanOrEqual(22);
      expect(Number(thanksgiving?.slice(8)), `${year}`).toBeLessThanOrEqual(28);
      // The day after Thanksgiving closes early from 1992: at 14:00 EST (19:00 UTC) in 1992, 13:00 from 1993.
      const blackFriday = nextTradingDay(thanksgiving ?? '');
      expect(sessionOn(blackFriday)?.earlyClose, blackFriday).toBe(year >= 1992);
      if (year >= 1992) expect(sessionOn(blackFriday)?.close.getUTCHours(), blackFriday).toBe(year >= 1993 ? 18 : 19);

      const goodFridays = named('Good Friday');
      expect(goodFridays, `${year}`).toHaveLength(1);
      expect(weekday(goodFridays[0] ?? ''), `${year}`).toBe(5);
      expect(goodFridays[0]?.slice(5) ?? '', `${year}`).toMatch(/^(03-(2[0-9]|3[01])|04-([01][0-9]|2[0-3]))$/);

      for (const name of ['Memorial Day', 'Labor Day', "Washington's Birthday"]) {
        const days = named(name);
        expect(days, `${year} ${name}`).toHaveLength(1);
        expect(weekday(days[0] ?? ''), `${year} ${name}`).toBe(1);
      }
      expect(Number(named('Memorial Day')[0]?.slice(8))).toBeGreaterThanOrEqual(25);
      expect(Number(named('Labor Day')[0]?.slice(8))).toBeLessThanOrEqual(7);

      // Christmas Eve from Monday to Thursday closes early every year.
      const christmasEve = `${year}-12-24`;
      expect(sessionOn(christmasEve)?.earlyClose ?? false, christmasEve).toBe(weekday(christmasEve) >= 1 && weekday(christmasEve) <= 4);
      // Independence Day: none before 1995; then July 3 from Monday to Thursday, except a Wednesday July 3
      // before 2013, when the Friday after July 4 closed early instead.
      const july3 = `${year}-07-03`;
      const july5 = `${year}-07-05`;
      const fridayAfter = year >= 1995 && year < 2013 && weekday(july3) === 3;
      const dayBefore = year >= 1995 && weekday(july3) >= 1 && weekday(july3) <= 4 && !fridayAfter;
      expect(sessionOn(july3)?.earlyClose ?? false, july3).toBe(dayBefore);
      expect(sessionOn(july5)?.earlyClose ?? false, july5).toBe(fridayAfter);

      const count = sessionsBetween(`${year}-01-01`, `${year}-12-31`).length;
      expect(count, `${year}`).toBeGreaterThanOrEqual(248);
      expect(count, `${year}`).toBeLessThanOrEqual(254);
      for (const date of dates) {
        if (isWeekend(date)) expect(isTradingDay(date), date).toBe(false);
      }
    }
  });
});

describe('sessions', () => {
  it.each([
    ['2026-03-09', '2026-03-09T13:30:00.000Z', '2026-03-09T20:00:00.000Z'], // after spring-forward (EDT)
    ['2026-03-06', '2026-03-06T14:30:00.000Z', '2026-03-06T21:00:00.000Z'], // before it (EST)
    ['2026-11-02', '2026-11-02T14:30:00.000Z', '2026-11-02T21:00:00.000Z'], // after fall-back (EST)
    ['2026-10-30', '2026-10-30T13:30:00.000Z', '2026-10-30T20:00:00.000Z'], // before it (EDT)
    ['2006-03-27', '2006-03-27T14:30:00.000Z', '2006-03-27T21:00:00.000Z'], // pre-2007 rules: still EST
    ['2006-04-03', '2006-04-03T13:30:00.000Z', '2006-04-03T20:00:00.000Z'],
    ['2007-03-12', '2007-03-12T13:30:00.000Z', '2007-03-12T20:00:00.000Z'], // 2007 rules: EDT from 2nd Sunday
    ['2006-10-30', '2006-10-30T14:30:00.000Z', '2006-10-30T21:00:00.000Z'],
    ['2007-10-29', '2007-10-29T13:30:00.000Z', '2007-10-29T20:00:00.000Z'], // 2007 rules: EDT until November
  ])('%s opens %s and closes %s', (date, open, close) => {
    expectSession(sessionOn(date), open, close);
    expect(sessionOn(date)?.date).toBe(date);
  });

  it.each([
    ['2024-07-03', '2024-07-03T13:30:00.000Z', '2024-07-03T17:00:00.000Z'],
    ['2023-07-03', '2023-07-03T13:30:00.000Z', '2023-07-03T17:00:00.000Z'],
    ['2024-11-29', '2024-11-29T14:30:00.000Z', '2024-11-29T18:00:00.000Z'],
    ['2024-12-24', '2024-12-24T14:30:00.000Z', '2024-12-24T18:00:00.000Z'],
    ['2026-11-27', '2026-11-27T14:30:00.000Z', '2026-11-27T18:00:00.000Z'],
    ['2026-12-24', '2026-12-24T14:30:00.000Z', '2026-12-24T18:00:00.000Z'],
    ['2027-11-26', '2027-11-26T14:30:00.000Z', '2027-11-26T18:00:00.000Z'],
  ])('%s closes early at 13:00', (date, open, close) => {
    expectSession(sessionOn(date), open, close, true);
  });

  it('is null on weekends and holidays', () => {
    expect(sessionOn('2026-03-07')).toBeNull();
    expect(sessionOn('2026-03-08')).toBeNull();
    expect(sessionOn('2026-04-03')).toBeNull();
    expect(sessionOn('2027-12-24')).toBeNull();
  });

  it('hands out fresh Date objects, so callers cannot corrupt the calendar', () => {
    const first = sessionOn('2026-03-09');
    first?.open.setTime(0);
    expect(sessionOn('2026-03-09')?.open.toISOString()).toBe('2026-03-09T13:30:00.000Z');
    const opened = nextOpen(utc('2026-03-09T12:00:00Z'));
    opened.setTime(0);
    expect(nextOpen(utc('2026-03-09T12:00:00Z')).toISOString()).toBe('2026-03-09T13:30:00.000Z');
  });
});

describe('sessionsBetween', () => {
  it('is inclusive at both ends and ascending', () => {
    expect(sessionsBetween('2026-03-06', '2026-03-09').map((s) => s.date)).toEqual(['2026-03-06', '2026-03-09']);
    expect(sessionsBetween('2026-03-30', '2026-04-07').map((s) => s.date)).toEqual([
      '2026-03-30',
      '2026-03-31',
      '2026-04-01',
      '2026-04-02',
      '2026-04-06',
      '2026-04-07',
    ]);
  });

  it('matches sessionOn day by day', () => {
    const sessions = sessionsBetween('2024-11-01', '2025-01-31');
    const expected = datesOfYear(2024)
      .concat(datesOfYear(2025))
      .filter((date) => date >= '2024-11-01' && date <= '2025-01-31')
      .map((date) => sessionOn(date))
      .filter((session) => session !== null);
    expect(sessions).toEqual(expected);
  });

  it('is empty for a closed single day or a reversed range', () => {
    expect(sessionsBetween('2026-03-07', '2026-03-08')).toEqual([]);
    expect(sessionsBetween('2026-04-03', '2026-04-03')).toEqual([]);
    expect(sessionsBetween('2026-03-10', '2026-03-09')).toEqual([]);
  });

  it('returns one session for a single trading day', () => {
    expect(sessionsBetween('2026-03-09', '2026-03-09').map((s) => s.date)).toEqual(['2026-03-09']);
  });

  it('allows exactly 20 years and refuses more', () => {
    const sessions = sessionsBetween('2000-01-01', '2020-01-01');
    expect(sessions[0]?.date).toBe('2000-01-03');
    expect(sessions.at(-1)?.date).toBe('2019-12-31');
    expect(sessions).toHaveLength(5031);
    expect(() => sessionsBetween('2000-01-01', '2020-01-02')).toThrow(RangeError);
    expect(() => sessionsBetween('2000-01-01', '2020-01-02')).toThrow(/20 years/);
  });

  it('validates both ends', () => {
    expect(() => sessionsBetween('2026-02-30', '2026-03-09')).toThrow(/start date/);
    expect(() => sessionsBetween('2026-03-09', '2026-3-10')).toThrow(/end date/);
  });
});

describe('previousTradingDay / nextTradingDay', () => {
  it.each([
    ['2026-03-09', '2026-03-06', '2026-03-10'], // ordinary Monday: strictly before and after
    ['2026-03-07', '2026-03-06', '2026-03-09'], // Saturday
    ['2026-04-03', '2026-04-02', '2026-04-06'], // Good Friday
    ['2026-12-31', '2026-12-30', '2027-01-04'], // across New Year's Day 2027 (Friday)
    ['2001-09-12', '2001-09-10', '2001-09-17'], // Sept. 11 closures
    ['2012-10-29', '2012-10-26', '2012-10-31'], // Hurricane Sandy
    ['2024-11-28', '2024-11-27', '2024-11-29'], // Thanksgiving; Black Friday is a trading day
  ])('around %s: previous %s, next %s', (date, previous, next) => {
    expect(previousTradingDay(date)).toBe(previous);
    expect(nextTradingDay(date)).toBe(next);
  });

  it('throws past the ends of the supported years', () => {
    expect(() => previousTradingDay('1990-01-02')).toThrow(/No trading day before 1990-01-02/);
    expect(() => nextTradingDay('2099-12-31')).toThrow(RangeError);
    expect(nextTradingDay('2099-12-30')).toBe('2099-12-31');
    expect(previousTradingDay('1990-01-03')).toBe('1990-01-02');
  });
});

describe('isMarketOpen', () => {
  it.each([
    ['2026-03-09T13:29:59.999Z', false], // 09:29:59.999
    ['2026-03-09T13:30:00.000Z', true], // 09:30 exactly
    ['2026-03-09T19:59:59.999Z', true],
    ['2026-03-09T20:00:00.000Z', false], // 16:00 exactly
    ['2026-03-06T14:30:00.000Z', true], // EST open
    ['2026-03-06T13:30:00.000Z', false], // 08:30 EST
    ['2024-11-29T17:59:59.999Z', true], // 12:59:59 on an early close
    ['2024-11-29T18:00:00.000Z', false], // 13:00 early close
    ['2026-03-07T16:00:00.000Z', false], // Saturday
    ['2026-04-03T15:00:00.000Z', false], // Good Friday
    ['2021-12-31T15:00:00.000Z', true], // New Year's Eve 2021 traded
  ])('%s → %s', (instant, open) => {
    expect(isMarketOpen(utc(instant))).toBe(open);
  });
});

describe('clock', () => {
  it.each([
    // Friday evening → Monday's open, across the spring-forward weekend.
    ['2026-03-06T23:00:00.000Z', false, '2026-03-09T13:30:00.000Z', '2026-03-09T20:00:00.000Z'],
    // Monday before the bell.
    ['2026-03-09T12:00:00.000Z', false, '2026-03-09T13:30:00.000Z', '2026-03-09T20:00:00.000Z'],
    // 09:30 exactly: open, so the next open is tomorrow's.
    ['2026-03-09T13:30:00.000Z', true, '2026-03-10T13:30:00.000Z', '2026-03-09T20:00:00.000Z'],
    // Midday.
    ['2026-03-09T16:00:00.000Z', true, '2026-03-10T13:30:00.000Z', '2026-03-09T20:00:00.000Z'],
    // 16:00 exactly: closed, next close is tomorrow's.
    ['2026-03-09T20:00:00.000Z', false, '2026-03-10T13:30:00.000Z', '2026-03-10T20:00:00.000Z'],
    // 22:00 New York is already the next day in UTC.
    ['2026-03-10T02:00:00.000Z', false, '2026-03-10T13:30:00.000Z', '2026-03-10T20:00:00.000Z'],
    // Lunch on the day after Thanksgiving: closes at 13:00.
    ['2024-11-29T17:00:00.000Z', true, '2024-12-02T14:30:00.000Z', '2024-11-29T18:00:00.000Z'],
    // After that early close.
    ['2024-11-29T19:00:00.000Z', false, '2024-12-02T14:30:00.000Z', '2024-12-02T21:00:00.000Z'],
    // Christmas Eve evening → Dec 26.
    ['2024-12-24T23:00:00.000Z', false, '2024-12-26T14:30:00.000Z', '2024-12-26T21:00:00.000Z'],
    // Thursday evening before Good Friday → Monday.
    ['2026-04-02T21:00:00.000Z', false, '2026-04-06T13:30:00.000Z', '2026-04-06T20:00:00.000Z'],
    // Observed Independence Day morning.
    ['2026-07-03T14:00:00.000Z', false, '2026-07-06T13:30:00.000Z', '2026-07-06T20:00:00.000Z'],
    // Friday after the close, fall-back weekend ahead.
    ['2026-10-30T21:00:00.000Z', false, '2026-11-02T14:30:00.000Z', '2026-11-02T21:00:00.000Z'],
  ])('at %s: open=%s, next open %s, next close %s', (instant, isOpen, open, close) => {
    const at = utc(instant);
    const result = clock(at);
    expect(result.timestamp.toISOString()).toBe(instant);
    expect(result.timestamp).not.toBe(at);
    expect(result.isOpen).toBe(isOpen);
    expect(result.nextOpen.toISOString()).toBe(open);
    expect(result.nextClose.toISOString()).toBe(close);
    expect(isMarketOpen(at)).toBe(isOpen);
    expect(nextOpen(at).toISOString()).toBe(open);
    expect(nextClose(at).toISOString()).toBe(close);
  });

  it('throws when the next session would fall after 2099', () => {
    expect(() => nextOpen(utc('2099-12-31T22:00:00Z'))).toThrow(RangeError);
    expect(nextClose(utc('2099-12-31T15:00:00Z')).toISOString()).toBe('2099-12-31T21:00:00.000Z');
  });
});

describe('lastSessionClosedBy', () => {
  it.each([
    ['2026-03-09T20:00:00.000Z', '2026-03-09'], // 16:00 exactly counts as closed
    ['2026-03-09T19:59:59.999Z', '2026-03-06'], // a millisecond earlier: still Friday's
    ['2026-03-09T12:00:00.000Z', '2026-03-06'], // Monday morning
    ['2026-03-07T18:00:00.000Z', '2026-03-06'], // Saturday
    ['2026-03-10T04:00:00.000Z', '2026-03-09'], // NY midnight
    ['2026-01-19T17:00:00.000Z', '2026-01-16'], // MLK Day
    ['2024-11-29T18:00:00.000Z', '2024-11-29'], // early close at 13:00
    ['2024-11-29T17:59:59.999Z', '2024-11-27'], // before it: Wednesday, skipping Thanksgiving
  ])('at %s → %s', (instant, date) => {
    const session = lastSessionClosedBy(utc(instant));
    expect(session?.date).toBe(date);
    expect(session?.close.getTime()).toBeLessThanOrEqual(utc(instant).getTime());
  });

  it('is null before the first supported close', () => {
    expect(lastSessionClosedBy(utc('1990-01-02T15:00:00Z'))).toBeNull();
    expect(lastSessionClosedBy(utc('1990-01-01T15:00:00Z'))).toBeNull();
    expect(lastSessionClosedBy(utc('1990-01-02T21:00:00Z'))?.date).toBe('1990-01-02');
  });
});

describe('properties', () => {
  const instants = fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2040-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  });
  const calendarDates = fc
    .integer({ min: Date.UTC(1990, 0, 8) / DAY_MS, max: Date.UTC(2099, 11, 24) / DAY_MS })
    .map(isoOfDayNumber);

  it('nextOpen and nextClose lie ahead and land on real sessions', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const open = nextOpen(at);
        const close = nextClose(at);
        expect(open.getTime()).toBeGreaterThan(at.getTime());
        expect(isMarketOpen(open)).toBe(true);
        expect(close.getTime()).toBeGreaterThan(at.getTime());
        expect(sessionOn(nyDate(open))?.open.getTime()).toBe(open.getTime());
        expect(sessionOn(nyDate(close))?.close.getTime()).toBe(close.getTime());
      }),
      { numRuns: 1000 },
    );
  });

  it('clock is consistent with open/close edges', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const state = clock(at);
        expect(isMarketOpen(new Date(state.nextClose.getTime() - 1))).toBe(true);
        expect(isMarketOpen(state.nextClose)).toBe(false);
        expect(isMarketOpen(new Date(state.nextOpen.getTime() - 1))).toBe(false);
        // Open now means the close comes first; closed means the open does.
        expect(state.nextClose < state.nextOpen).toBe(state.isOpen);
      }),
      { numRuns: 500 },
    );
  });

  it('lastSessionClosedBy is the latest close at or before the instant', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const last = lastSessionClosedBy(at);
        expect(last).not.toBeNull();
        if (!last) return;
        expect(last.close.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(sessionOn(nextTradingDay(last.date))?.close.getTime()).toBeGreaterThan(at.getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('every session opens at 09:30 and closes at 16:00, or early at 13:00 (14:00 before 1993) New York time', () => {
    fc.assert(
      fc.property(calendarDates, (date) => {
        const session = sessionOn(date);
        expect(session !== null).toBe(isTradingDay(date));
        if (!session) return;
        expect(nyWall.format(session.open)).toBe('09:30');
        const earlyCloseTime = date < '1993' ? '14:00' : '13:00';
        expect(nyWall.format(session.close)).toBe(session.earlyClose ? earlyCloseTime : '16:00');
        expect(nyDate(session.open)).toBe(date);
      }),
      { numRuns: 1000 },
    );
  });

  it('previous and next trading days bracket a date with nothing in between', () => {
    fc.assert(
      fc.property(calendarDates, (date) => {
        const previous = previousTradingDay(date);
        const next = nextTradingDay(date);
        expect(previous < date && date < next).toBe(true);
        const between = sessionsBetween(previous, next).map((s) => s.date);
        expect(between).toEqual(isTradingDay(date) ? [previous, date, next] : [previous, next]);
      }),
      { numRuns: 500 },
    );
  });

  it('nyWallTime lands on the requested New York date', () => {
    fc.assert(
      fc.property(calendarDates, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (date, h, m) => {
        expect(nyDate(nyWallTime(date, h, m))).toBe(date);
      }),
      { numRuns: 500 },
    );
  });
});
