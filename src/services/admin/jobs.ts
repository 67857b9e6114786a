// What the admin API can see and do with scheduled jobs, whichever runner runs them: the in-process
// scheduler of `stockmind start` (embedded) or BullMQ with `stockmind worker` processes (scaled).
// The two implementations are in src/jobs/control.ts; the composition root picks one.
import type { Actor, AuditTrail } from './audit.ts';

export type JobRunOutcome = 'ok' | 'skipped' | 'failed';

export interface JobRunView {
  /** The run's id: BullMQ's job id, or the in-process run id (both are `runId` in the logs). */
  id: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  /** null while it runs. */
  outcome: JobRunOutcome | null;
  error: string | null;
}

export interface JobView {
  name: string;
  queue: string;
  cron: string;
  timezone: string;
  description: string;
  /** Rows of the schedule without a handler in this build never run. */
  implemented: boolean;
  running: boolean;
  lastRun: JobRunView | null;
  nextRun: Date | null;
}

export interface FailedJobView {
  /** What retry() takes: `queue:jobId` for BullMQ, the run id in-process. */
  id: string;
  name: string;
  queue: string;
  error: string;
  attempts: number;
  failedAt: Date | null;
}

/** A run asked for: its id, its job, and what starts it (a no-op where the queue already has it). */
export interface RequestedRun {
  id: string;
  name: string;
  start(): void;
}

export interface JobControl {
  readonly runner: 'in-process' | 'bullmq';
  list(): Promise<JobView[]>;
  /** Runs that failed for good (retries used up), newest first. */
  failed(limit: number): Promise<FailedJobView[]>;
  /**
   * A run of a failed job again; 404 when there is no such failed job. It may start only when
   * `start()` is called (the caller records it first).
   */
  retry(id: string): Promise<RequestedRun>;
  /** A run of the job now, whatever the calendar says; 404 for an unknown job; started by `start()` (or already). */
  trigger(name: string): Promise<RequestedRun>;
  close(): Promise<void>;
}

/** The jobs as the admin API sees them, each action asked for written to the audit log. */
export class JobAdmin {
  constructor(private readonly jobs: JobControl, private readonly trail: AuditTrail) {}

  get runner(): JobControl['runner'] {
    return this.jobs.runner;
  }

  list(): Promise<JobView[]> {
    return this.jobs.list();
  }

  failed(limit: number): Promise<FailedJobView[]> {
    return this.jobs.failed(limit);
  }

  // Recorded before the run starts: embedded, a long job's transaction would hold the one PGlite
  // connection the audit row needs until the job ends.
  async retry(actor: Actor, id: string): Promise<{ id: string }> {
    const run = await this.jobs.retry(id);
    try {
      await this.trail.record(actor, 'job.retry', { type: 'job', id: run.name }, { failedRun: id }, { runId: run.id, runner: this.jobs.runner });
    } finally {
      run.start();
    }
    return { id: run.id };
  }

  async trigger(actor: Actor, name: string): Promise<{ id: string }> {
    const run = await this.jobs.trigger(name);
    try {
      await this.trail.record(actor, 'job.run', { type: 'job', id: name }, null, { runId: run.id, runner: this.jobs.runner });
    } finally {
      run.start();
    }
    return { id: run.id };
  }
}
