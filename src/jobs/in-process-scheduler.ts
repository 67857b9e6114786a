// Embedded scale: the schedule table run by croner timers inside this process, with retries in
// memory. No Redis, so one process is the only runner and "exactly once" is just "never overlap".
// It also keeps what the admin API shows: each job's last run and next fire, the failed runs, and
// runs started by hand; stop() waits for the runs in flight (a graceful shutdown lets them finish).
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { conflict, notFound } from '../domain/errors.ts';
import { sleep, systemClock, type Clock } from '../domain/time.ts';
import { NO_ERROR_REPORTS, type ErrorReporter, type Log } from '../logging.ts';
import { PermanentJobFailure, runJob, type JobHandler, type JobHandlers, type JobOutcome, type JobSummary } from './runner.ts';
import type { ScheduledJob } from './schedule.ts';

/** How many failed runs `failed()` remembers. */
export const FAILED_RUNS_KEPT = 100;

export interface FailedRun {
  /** The run's id (also in its log lines as runId). */
  id: string;
  job: string;
  /** The last attempt's error message. */
  error: string;
  attempts: number;
  at: Date;
  /** When the schedule fired it (a retry judges the calendar by this). */
  firedAt: Date;
  /** Started by hand, whatever the calendar said (so is its retry). */
  force: boolean;
}

/** One run of a job: scheduled, started by hand, or a retry of a failed one. */
export interface JobRunRecord {
  id: string;
  job: string;
  trigger: 'schedule' | 'manual' | 'retry';
  startedAt: Date;
  finishedAt: Date | null;
  /** null while running. */
  outcome: JobOutcome | null;
  error: string | null;
  attempts: number;
}

export interface JobState {
  job: ScheduledJob;
  implemented: boolean;
  nextRun: Date | null;
  lastRun: JobRunRecord | null;
  running: boolean;
}

/** A run registered (and shown running) but not started yet. */
export interface StartableRun {
  runId: string;
  job: string;
  start(): void;
}

export interface InProcessSchedulerOptions {
  schedule: readonly ScheduledJob[];
  handlers: JobHandlers;
  log: Log;
  clock?: Clock;
  /** Where runs that failed for good are reported. */
  reports?: ErrorReporter;
}

export interface InProcessScheduler {
  /** Arms the timers (a scheduler made by createInProcessScheduler fires nothing until then). */
  start(): void;
  /** Stops the timers and pending retries; resolves once the runs in flight have finished. */
  stop(): Promise<void>;
  /** Runs a job once, now, outside its schedule (no retries); `force` ignores the calendar gate. */
  runNow(name: string, opts?: { force?: boolean }): Promise<{ outcome: JobOutcome; summary: JobSummary }>;
  /**
   * A run of a job now, in the background, with its retries, whatever the calendar says; 409 while
   * one runs. It counts as running at once and starts when `start()` is called (after the caller
   * recorded it: embedded, a long job's transaction holds the one PGlite connection).
   */
  trigger(name: string): StartableRun;
  /** Runs a failed run's job again (at its original fire time, with its retries); it leaves the failed list. */
  retry(runId: string): StartableRun;
  /** The last failed runs (retries used up, or not worth retrying), oldest first. */
  failed(): FailedRun[];
  /** Each row of the schedule: its last run, whether it runs now, its next fire. */
  status(): JobState[];
}

export function createInProcessScheduler(options: InProcessSchedulerOptions): InProcessScheduler {
  const { schedule, handlers, log } = options;
  const clock = options.clock ?? systemClock;
  const reports = options.reports ?? NO_ERROR_REPORTS;
  const failures: FailedRun[] = [];
  const timers = new Map<string, Cron>();
  const lastRuns = new Map<string, JobRunRecord>();
  const running = new Map<string, Promise<void>>();
  // Aborted by stop(), so a run waiting out a backoff gives up instead of firing after shutdown.
  const stopping = new AbortController();

  const record = (failure: FailedRun) => {
    failures.push(failure);
    if (failures.length > FAILED_RUNS_KEPT) failures.splice(0, failures.length - FAILED_RUNS_KEPT);
  };

  /** The row's retry policy, as BullMQ applies it scaled. */
  async function runWithRetries(row: ScheduledJob, handler: JobHandler, firedAt: Date, run: JobRunRecord, force: boolean): Promise<void> {
    const attempts = row.retry.delaysMs.length + 1;
    const runLog = log.child({ runId: run.id });
    const failed = (message: string, attempt: number, error: unknown) => {
      Object.assign(run, { finishedAt: clock.now(), outcome: 'failed', error: message, attempts: attempt });
      record({ id: run.id, job: row.name, error: message, attempts: attempt, at: clock.now(), firedAt, force });
      reports.capture(error, { area: 'job', job: row.name, runId: run.id, attempts: attempt });
    };
    for (let attempt = 1; ; attempt++) {
      run.attempts = attempt;
      try {
        const { outcome } = await runJob(row, handler, { firedAt, log: runLog }, { force });
        Object.assign(run, { finishedAt: clock.now(), outcome, error: null });
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const delay = error instanceof PermanentJobFailure ? undefined : row.retry.delaysMs[attempt - 1];
        if (delay === undefined || stopping.signal.aborted) {
          failed(message, attempt, error);
          runLog.error({ job: row.name, attempts: attempt, firedAt }, `job failed after ${attempt} of ${attempts} attempts: ${message}`);
          return;
        }
        runLog.warn({ job: row.name, attempt, retryInMs: delay }, 'job attempt failed; retrying');
        try {
          await sleep(delay, stopping.signal);
        } catch {
          failed(message, attempt, error);
          runLog.warn({ job: row.name, attempts: attempt }, 'job retry abandoned: scheduler stopped');
          return;
        }
      }
    }
  }

  /** Registers a tracked run of the row (running from now on), started by the returned function; its promise never rejects. */
  function launch(row: ScheduledJob, handler: JobHandler, firedAt: Date, trigger: JobRunRecord['trigger'], force: boolean): StartableRun {
    const run: JobRunRecord = { id: randomUUID(), job: row.name, trigger, startedAt: clock.now(), finishedAt: null, outcome: null, error: null, attempts: 0 };
    lastRuns.set(row.name, run);
    let start!: () => void;
    const started = new Promise<void>((resolve) => { start = resolve; });
    const done = started.then(() => runWithRetries(row, handler, firedAt, run, force))
      .catch((error: unknown) => log.error({ job: row.name, runId: run.id, err: error }, 'job run crashed'))
      .finally(() => { if (running.get(row.name) === done) running.delete(row.name); });
    running.set(row.name, done);
    return { runId: run.id, job: row.name, start };
  }

  function implemented(name: string): { row: ScheduledJob; handler: JobHandler } {
    const row = schedule.find((job) => job.name === name);
    if (!row) throw notFound(`Unknown job "${name}".`);
    const handler = handlers[name];
    if (!handler) throw notFound(`Job "${name}" is not implemented yet.`);
    return { row, handler };
  }

  function refuseOverlap(name: string): void {
    if (stopping.signal.aborted) throw conflict('The scheduler is stopping: no new runs.');
    if (running.has(name)) throw conflict(`Job "${name}" is running now; wait for it to finish.`);
  }

  for (const row of schedule) {
    const handler = handlers[row.name];
    if (!handler) {
      log.debug({ job: row.name }, 'job not implemented yet; not scheduled');
      continue;
    }
    const timer = new Cron(row.cron, {
      timezone: row.timezone,
      paused: true,
      // A tick that finds the previous run (retries included) still going is skipped, not queued.
      protect: (self) => log.warn({ job: row.name, busySince: self.currentRun() }, 'job still running; tick skipped'),
      // runWithRetries catches everything; this only guards the timer against a bug in it.
      catch: (error) => log.error({ job: row.name, err: error }, 'job tick crashed'),
    }, async (self) => {
      // A run started by hand is still going: this tick's work is being done.
      if (running.has(row.name)) {
        log.warn({ job: row.name }, 'job still running (started by hand); tick skipped');
        return;
      }
      launch(row, handler, tickTime(self), 'schedule', false).start();
      await running.get(row.name);
    });
    timers.set(row.name, timer);
    log.debug({ job: row.name, cron: row.cron, timezone: row.timezone, next: timer.nextRun() }, 'job scheduled');
  }

  return {
    start() {
      if (stopping.signal.aborted) return;
      for (const timer of timers.values()) timer.resume();
    },
    async stop() {
      stopping.abort();
      for (const timer of timers.values()) timer.stop();
      await Promise.all(running.values());
    },
    async runNow(name, opts = {}) {
      const row = schedule.find((job) => job.name === name);
      if (!row) throw new Error(`unknown job "${name}"`);
      const handler = handlers[name];
      if (!handler) throw new Error(`job "${name}" is not implemented yet`);
      return runJob(row, handler, { firedAt: clock.now(), log: log.child({ runId: randomUUID() }) }, { force: opts.force ?? false });
    },
    trigger(name) {
      const { row, handler } = implemented(name);
      refuseOverlap(name);
      return launch(row, handler, clock.now(), 'manual', true);
    },
    retry(runId) {
      const index = failures.findIndex((failure) => failure.id === runId);
      const failure = failures[index];
      if (!failure) throw notFound(`No failed run ${runId} (only the last ${FAILED_RUNS_KEPT} are kept).`);
      const { row, handler } = implemented(failure.job);
      refuseOverlap(failure.job);
      failures.splice(index, 1);
      return launch(row, handler, failure.firedAt, 'retry', failure.force);
    },
    failed() {
      return failures.map((failure) => ({ ...failure }));
    },
    status() {
      return schedule.map((row) => {
        const timer = timers.get(row.name);
        const last = lastRuns.get(row.name);
        return {
          job: row,
          implemented: handlers[row.name] !== undefined,
          nextRun: timer && !stopping.signal.aborted ? timer.nextRun() : null,
          lastRun: last ? { ...last } : null,
          running: running.has(row.name),
        };
      });
    },
  };
}

/** A scheduler whose timers are armed at once. */
export function startInProcessScheduler(options: InProcessSchedulerOptions): InProcessScheduler {
  const scheduler = createInProcessScheduler(options);
  scheduler.start();
  return scheduler;
}

/** The pattern time this tick is for, so a timer that woke late still judges gates by the schedule. */
function tickTime(timer: Cron): Date {
  const triggered = timer.currentRun() ?? new Date();
  return timer.previousRuns(1, new Date(triggered.getTime() + 1))[0] ?? triggered;
}
