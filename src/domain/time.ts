/** Milliseconds in a calendar day of UTC (no DST there). */
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
