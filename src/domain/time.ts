// Time: the one clock everything reads, and the one way to read and write ISO dates.

/** Milliseconds in a calendar day of UTC (no DST there). */
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/**
 * Where "now" comes from. The composition root makes one and hands it to everything that reads
 * time, so tests move time by moving this clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests set and advance by hand. */
export function manualClock(start: Date): Clock & { set(at: Date): void; advance(ms: number): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => { current = at.getTime(); },
    advance: (ms) => { current += ms; },
  };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** ms of 00:00 UTC of an ISO calendar date (YYYY-MM-DD), or NaN when it is not a real date. */
export function parseIsoDate(raw: string): number {
  const match = ISO_DATE.exec(raw);
  if (match === null) return Number.NaN;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
  if (year < 1 || back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return Number.NaN;
  return ms;
}

/** The UTC calendar date of an instant, YYYY-MM-DD. */
export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The date `days` after an ISO date (negative: before). */
export function addDays(date: string, days: number): string {
  return isoDate(new Date(parseIsoDate(date) + days * DAY_MS));
}
