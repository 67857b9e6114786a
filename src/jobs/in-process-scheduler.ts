// Embedded scale: the schedule table run by croner timers inside this process, with retries in
// memory. No Redis, so one process is the only runner and "exactly once" is just "never overlap".
import { Cron } from 'croner';
import { sleep, systemClock, type Clock } from '../domain/time.ts';
import type { Log } from '../logging.ts';
import { PermanentJobFailure, runJob, type JobHandler, type JobHandlers, type JobOutcome, type JobSummary } from './runner.ts';
import type { ScheduledJob } from './schedule.ts';

/** How many failed runs `failed()` remembers. */
export const FAILED_RUNS_KEPT = 100;

export interface FailedRun {
  job: string;
  /** The last attempt's error message. */
  error: string;
  attempts: number;
  at: Date;
}

export interface InProcessSchedulerOptions {
  schedule: readonly ScheduledJob[];
  handlers: JobHandlers;
  log: Log;
  clock?: Clock;
}

export interface InProcessScheduler {
  stop(): void;
  /** Runs a job once, now, outside its schedule (no retries); `force` ignores the calendar gate. */
  runNow(name: string, opts?: { force?: boolean }): Promise<{ outcome: JobOutcome; summary: JobSummary }>;
  /** The last failed scheduled runs, oldest first. */
  failed(): FailedRun[];
}

export function startInProcessScheduler(options: InProcessSchedulerOptions): InProcessScheduler {
  const { schedule, handlers, log } = options;
  const clock = options.clock ?? systemClock;
  const failures: FailedRun[] = [];
  const timers: Cron[] = [];
  // Aborted by stop(), so a run waiting out a backoff gives up instead of firing after shutdown.
  const stopping = new AbortController();

  const record = (failure: FailedRun) => {
    failures.push(failure);
    if (failures.length > FAILED_RUNS_KEPT) failures.splice(0, failures.length - FAILED_RUNS_KEPT);
  };

  /** The row's retry policy, as BullMQ applies it scaled. */
  async function runWithRetries(row: ScheduledJob, handler: JobHandler, firedAt: Date): Promise<void> {
    const attempts = row.retry.delaysMs.length + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await runJob(row, handler, { firedAt, log });
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const delay = error instanceof PermanentJobFailure ? undefined : row.retry.delaysMs[attempt - 1];
        if (delay === undefined || stopping.signal.aborted) {
          record({ job: row.name, error: message, attempts: attempt, at: clock.now() });
          log.error({ job: row.name, attempts: attempt, firedAt }, `job failed after ${attempt} of ${attempts} attempts: ${message}`);
          return;
        }
        log.warn({ job: row.name, attempt, retryInMs: delay }, 'job attempt failed; retrying');
        try {
          await sleep(delay, stopping.signal);
        } catch {
          record({ job: row.name, error: message, attempts: attempt, at: clock.now() });
          log.warn({ job: row.name, attempts: attempt }, 'job retry abandoned: scheduler stopped');
          return;
        }
      }
    }
  }

  for (const row of schedule) {
    const handler = handlers[row.name];
    if (!handler) {
      log.debug({ job: row.name }, 'job not implemented yet; not scheduled');
      continue;
    }
    const timer = new Cron(row.cron, {
      timezone: row.timezone,
      // A tick that finds the previous run (retries included) still going is skipped, not queued.
      protect: (self) => log.warn({ job: row.name, busySince: self.currentRun() }, 'job still running; tick skipped'),
      // runWithRetries catches everything; this only guards the timer against a bug in it.
      catch: (error) => log.error({ job: row.name, err: error }, 'job tick crashed'),
    }, async (self) => {
      await runWithRetries(row, handler, tickTime(self));
    });
    timers.push(timer);
    log.debug({ job: row.name, cron: row.cron, timezone: row.timezone, next: timer.nextRun() }, 'job scheduled');
  }

  return {
    stop() {
      stopping.abort();
      for (const timer of timers) timer.stop();
    },
    async runNow(name, opts = {}) {
      const row = schedule.find((job) => job.name === name);
      if (!row) throw new Error(`unknown job "${name}"`);
      const handler = handlers[name];
      if (!handler) throw new Error(`job "${name}" is not implemented yet`);
      return runJob(row, handler, { firedAt: clock.now(), log }, { force: opts.force ?? false });
    },
    failed() {
      return failures.map((failure) => ({ ...failure }));
    },
  };
}

/** The pattern time this tick is for, so a timer that woke late still judges gates by the schedule. */
function tickTime(timer: Cron): Date {
  const triggered = timer.currentRun() ?? new Date();
  return timer.previousRuns(1, new Date(triggered.getTime() + 1))[0] ?? triggered;
}
