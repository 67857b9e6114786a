// Whether a scheduled job fires for real at an instant, by the NYSE calendar.
import { isMarketOpen, lastSessionClosedBy } from './nyse.ts';

/** How long after a session's close the close-time jobs may still run. */
export const SESSION_CLOSE_WINDOW_MS = 10 * 60_000;

export type Gate = 'always' | 'market_hours' | 'session_close';

export function gateOpen(gate: Gate, at: Date): boolean {
  switch (gate) {
    case 'always': return true;
    case 'market_hours': return isMarketOpen(at);
    case 'session_close': {
      const session = lastSessionClosedBy(at);
      return session !== null && at.getTime() - session.close.getTime() < SESSION_CLOSE_WINDOW_MS;
    }
  }
}
