// The seed's beat schedule and queue routing, as data. Both runners read this table: the
// in-process scheduler (embedded) and BullMQ job schedulers (scaled), retries included.

import type { Gate } from '../domain/calendar/gates.ts';

export type QueueName = 'market_data' | 'predictions' | 'sentiment' | 'default';
export const QUEUES: readonly QueueName[] = ['market_data', 'predictions', 'sentiment', 'default'];

/**
 * When a fired schedule actually runs, by the NYSE calendar (src/domain/calendar/gates.ts):
 * `always`; `market_hours` (regular session only); `session_close` (within minutes after a
 * session's close, 16:00 or 13:00 on early closes, so "16:00 on trading days" skips holidays).
 */
export type CalendarGate = Gate;

/** How a failed run is retried: one wait per retry, so attempts = waits + 1. */
export interface RetryPolicy {
  delaysMs: readonly number[];
}

export interface ScheduledJob {
  name: string;
  /** Cron pattern: five fields, or six with seconds first. */
  cron: string;
  /** IANA zone the pattern is read in. */
  timezone: 'UTC' | 'America/New_York';
  queue: QueueName;
  gate: CalendarGate;
  retry: RetryPolicy;
  description: string;
}

/** Three attempts, 5 s then 10 s apart: a provider blip or a failover is over by then. */
export const DEFAULT_RETRY: RetryPolicy = { delaysMs: [5_000, 10_000] };
/** A per-minute job is retried within its minute only: the next fire does the work anyway. */
const WITHIN_THE_MINUTE: RetryPolicy = { delaysMs: [5_000, 15_000] };

export const SCHEDULE: readonly ScheduledJob[] = [
  { name: 'fetch_market_data', cron: '* * * * *', timezone: 'America/New_York', queue: 'market_data', gate: 'market_hours', retry: WITHIN_THE_MINUTE, description: 'quotes of the active symbols, stored as 1m and daily bars, cached and published' },
  { name: 'calculate_technical_indicators', cron: '*/5 * * * *', timezone: 'UTC', queue: 'market_data', gate: 'always', retry: DEFAULT_RETRY, description: 'RSI, MACD, moving averages, Bollinger bands, ATR, OBV' },
  { name: 'update_predictions', cron: '0 * * * *', timezone: 'UTC', queue: 'predictions', gate: 'always', retry: DEFAULT_RETRY, description: 'forecasts of the top symbols' },
  { name: 'fetch_and_analyze_news', cron: '*/30 * * * *', timezone: 'UTC', queue: 'sentiment', gate: 'always', retry: DEFAULT_RETRY, description: 'headlines and their sentiment' },
  // Fires at both possible closes; the gate keeps the one that is today's close.
  { name: 'run_market_scanner', cron: '1 13,16 * * 1-5', timezone: 'America/New_York', queue: 'default', gate: 'session_close', retry: DEFAULT_RETRY, description: 'gainers, losers, unusual volume, breakouts' },
  { name: 'cleanup_old_data', cron: '0 0 * * *', timezone: 'UTC', queue: 'default', gate: 'always', retry: DEFAULT_RETRY, description: 'archive and delete bars past retention' },
];

export function scheduledJob(name: string): ScheduledJob | undefined {
  return SCHEDULE.find((job) => job.name === name);
}
