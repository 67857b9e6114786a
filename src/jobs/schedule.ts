// The seed's beat schedule and queue routing, as data. Both runners read this table: the
// in-process scheduler (embedded) and BullMQ job schedulers (scaled).

import type { Gate } from '../domain/calendar/gates.ts';

export type QueueName = 'market_data' | 'predictions' | 'sentiment' | 'default';
export const QUEUES: readonly QueueName[] = ['market_data', 'predictions', 'sentiment', 'default'];

/**
 * When a fired schedule actually runs, by the NYSE calendar (src/domain/calendar/gates.ts):
 * `always`; `market_hours` (regular session only); `session_close` (within minutes after a
 * session's close, 16:00 or 13:00 on early closes, so "16:00 on trading days" skips holidays).
 */
export type CalendarGate = Gate;

export interface ScheduledJob {
  name: string;
  /** Cron pattern: five fields, or six with seconds first. */
  cron: string;
  /** IANA zone the pattern is read in. */
  timezone: 'UTC' | 'America/New_York';
  queue: QueueName;
  gate: CalendarGate;
  description: string;
}

export const SCHEDULE: readonly ScheduledJob[] = [
  { name: 'fetch_market_data', cron: '* * * * *', timezone: 'America/New_York', queue: 'market_data', gate: 'market_hours', description: 'quotes of the active symbols, stored as 1m bars, cached and published' },
  { name: 'calculate_technical_indicators', cron: '*/5 * * * *', timezone: 'UTC', queue: 'market_data', gate: 'always', description: 'RSI, MACD, moving averages, Bollinger bands, ATR, OBV' },
  { name: 'update_predictions', cron: '0 * * * *', timezone: 'UTC', queue: 'predictions', gate: 'always', description: 'forecasts of the top symbols' },
  { name: 'fetch_and_analyze_news', cron: '*/30 * * * *', timezone: 'UTC', queue: 'sentiment', gate: 'always', description: 'headlines and their sentiment' },
  // Fires at both possible closes; the gate keeps the one that is today's close.
  { name: 'run_market_scanner', cron: '1 13,16 * * 1-5', timezone: 'America/New_York', queue: 'default', gate: 'session_close', description: 'gainers, losers, unusual volume, breakouts' },
  { name: 'cleanup_old_data', cron: '0 0 * * *', timezone: 'UTC', queue: 'default', gate: 'always', description: 'archive and delete bars past retention' },
];

export function scheduledJob(name: string): ScheduledJob | undefined {
  return SCHEDULE.find((job) => job.name === name);
}
