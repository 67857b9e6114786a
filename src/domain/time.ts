// Time: the one clock everything reads, and the one way to read and write ISO dates.
import { InvalidInput } from './errors.ts';

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

/** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Exponential backoff with jitter: about `baseMs · 2^attempt` (attempt 0 is the first retry),
 * capped, plus up to 20% at random so clients that failed together do not retry together.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const base = Math.min(capMs, baseMs * 2 ** attempt);
  return base + random() * base * 0.2;
}

/**
 * A date given by a caller (query parameter, CLI option), as ms of 00:00 UTC; an InvalidInput
 * naming the field and the expected form otherwise.
 */
export function dateField(field: string, raw: string): number {
  const ms = parseIsoDate(raw);
  if (Number.isNaN(ms)) throw new InvalidInput(`Invalid ${field} "${raw.slice(0, 40)}": expected a date in the form YYYY-MM-DD.`, { [field]: ['Use a real date in the form YYYY-MM-DD, e.g. 2017-11-10.'] });
  return ms;
}
