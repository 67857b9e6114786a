// When a scheduled job fires for real: the market scanner's cron fires at 13:01 and 16:01 New York
// on weekdays; the session_close gate lets through only the firing just after a session's close.
import { describe, expect, it } from 'vitest';
import { gateOpen, SESSION_CLOSE_WINDOW_MS } from '../../../src/domain/calendar/gates.ts';
import { SCHEDULE } from '../../../src/jobs/schedule.ts';

const ny = (local: string) => new Date(`${local}-05:00`); // November: New York is UTC−5

describe('the session_close gate (run_market_scanner)', () => {
  it('is the scanner\'s gate, on a cron that fires a minute after both closing times', () => {
    const scanner = SCHEDULE.find((job) => job.name === 'run_market_scanner')!;
    expect(scanner).toMatchObject({ gate: 'session_close', cron: '1 13,16 * * 1-5', timezone: 'America/New_York' });
  });

  it('opens at 16:01 on a full trading day and stays shut at 13:01', () => {
    expect(gateOpen('session_close', ny('2026-11-24T16:01:00'))).toBe(true);
    expect(gateOpen('session_close', ny('2026-11-24T13:01:00'))).toBe(false);
  });

  it('opens at 13:01 on an early close (the day after Thanksgiving) and stays shut at 16:01', () => {
    expect(gateOpen('session_close', ny('2026-11-27T13:01:00'))).toBe(true);
    expect(gateOpen('session_close', ny('2026-11-27T16:01:00'))).toBe(false);
  });

  it('stays shut on a holiday (Thanksgiving) and at weekends', () => {
    expect(gateOpen('session_close', ny('2026-11-26T16:01:00'))).toBe(false);
    expect(gateOpen('session_close', ny('2026-11-28T16:01:00'))).toBe(false);
  });

  it('closes once the window after the close has passed', () => {
    const close = ny('2026-11-24T16:00:00').getTime();
    expect(gateOpen('session_close', new Date(close + SESSION_CLOSE_WINDOW_MS - 1))).toBe(true);
    expect(gateOpen('session_close', new Date(close + SESSION_CLOSE_WINDOW_MS))).toBe(false);
  });
});

describe('the market_hours gate (fetch_market_data)', () => {
  it('is open from 9:30 to the close on trading days only', () => {
    expect(gateOpen('market_hours', ny('2026-11-24T09:29:00'))).toBe(false);
    expect(gateOpen('market_hours', ny('2026-11-24T09:30:00'))).toBe(true);
    expect(gateOpen('market_hours', ny('2026-11-24T15:59:00'))).toBe(true);
    expect(gateOpen('market_hours', ny('2026-11-24T16:00:00'))).toBe(false);
    expect(gateOpen('market_hours', ny('2026-11-27T13:30:00'))).toBe(false);
    expect(gateOpen('market_hours', ny('2026-11-26T11:00:00'))).toBe(false);
    expect(gateOpen('always', ny('2026-11-26T11:00:00'))).toBe(true);
  });
});
