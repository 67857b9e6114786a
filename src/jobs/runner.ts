// Runs one scheduled job: the calendar gate, timing, one log line and Prometheus metrics per run,
// and the one decision about a failure: retry it (the outside world or our storage may recover)
// or give up (the job's input itself is wrong). Both the in-process scheduler and BullMQ workers
// call this, so a job behaves the same on both scales.
import { Counter, Histogram } from 'prom-client';
import { gateOpen } from '../domain/calendar/gates.ts';
import { meaningOf } from '../domain/errors.ts';
import { redactParams, type Log } from '../logging.ts';
import type { ScheduledJob } from './schedule.ts';

export interface JobRun {
  /** When the schedule fired (BullMQ's timestamp, or the in-process tick); gates read this. */
  firedAt: Date;
  log: Log;
}

/** What a job did, for the log line and the queue's record. */
export type JobSummary = Record<string, unknown>;
export type JobHandler = (run: JobRun) => Promise<JobSummary>;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

export type JobOutcome = 'ok' | 'skipped' | 'failed';

/** A failure another attempt cannot fix: bad input or state, as opposed to something unavailable. */
export class PermanentJobFailure extends Error {}

const duration = new Histogram({
  name: 'stockmind_job_duration_seconds',
  help: 'Duration of scheduled job runs',
  labelNames: ['job', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
});
const runs = new Counter({ name: 'stockmind_job_runs_total', help: 'Scheduled job runs by outcome', labelNames: ['job', 'outcome'] as const });

/** Whether a job's error is worth another attempt. Unknown errors are: they may be transient. */
export function worthRetrying(error: unknown): boolean {
  if (error instanceof PermanentJobFailure) return false;
  const meaning = meaningOf(error);
  if (meaning) return meaning.kind === 'unavailable' || meaning.kind === 'rate_limited';
  return true;
}

/**
 * Runs the job unless the calendar says not now. Rethrows a failure for the queue to retry, or as
 * a PermanentJobFailure when retrying cannot help.
 */
export async function runJob(job: ScheduledJob, handler: JobHandler, run: JobRun, options: { force?: boolean } = {}): Promise<{ outcome: JobOutcome; summary: JobSummary }> {
  const log = run.log.child({ job: job.name });
  if (!options.force && !gateOpen(job.gate, run.firedAt)) {
    runs.inc({ job: job.name, outcome: 'skipped' });
    log.debug({ gate: job.gate }, 'job skipped: market calendar');
    return { outcome: 'skipped', summary: { skipped: job.gate } };
  }
  const stop = duration.startTimer({ job: job.name });
  const started = performance.now();
  try {
    const summary = await handler({ ...run, log });
    stop({ outcome: 'ok' });
    runs.inc({ job: job.name, outcome: 'ok' });
    log.info({ ...summary, durationMs: Math.round(performance.now() - started) }, 'job done');
    return { outcome: 'ok', summary };
  } catch (error) {
    stop({ outcome: 'failed' });
    runs.inc({ job: job.name, outcome: 'failed' });
    const reason = redactParams((error as Error).message ?? String(error));
    log.error({ err: error, durationMs: Math.round(performance.now() - started) }, `job failed: ${reason}`);
    // Queues keep the message (BullMQ's failedReason): it must not carry query parameters either.
    if (!worthRetrying(error)) throw new PermanentJobFailure(reason, { cause: error });
    if (error instanceof Error && reason !== error.message) throw new Error(reason, { cause: error });
    throw error;
  }
}
