// Scaled scale: the schedule table as BullMQ job schedulers in Redis, run by workers on any number
// of machines. Each fire of a scheduler is one job with a deterministic id, so it runs once.
import { ErrorCode, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectRedis } from '../adapters/redis.ts';
import { sleep } from '../domain/time.ts';
import { NO_ERROR_REPORTS, type ErrorReporter, type Log } from '../logging.ts';
import { PermanentJobFailure, runJob, type JobHandlers, type JobSummary } from './runner.ts';
import { QUEUES, type QueueName, type ScheduledJob } from './schedule.ts';

/** A Redis URL (a connection is opened and closed here) or a caller-owned ioredis client. */
export type RedisTarget = string | Redis;

/** BullMQ's key prefix under the deployment's own, so test runs with their own prefix are isolated. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

/** BullMQ under native ESM cannot build clients from options (it `require`s ioredis), so it gets instances. */
function bullConnection(url: string, name: string): Redis {
  return connectRedis(url, name, { purpose: 'blocking' });
}

async function withConnection<T>(target: RedisTarget, name: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  if (typeof target !== 'string') return use(target);
  const redis = bullConnection(target, name);
  try {
    return await use(redis);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

function openQueue(redis: Redis, redisPrefix: string, queue: QueueName): Queue {
  return new Queue(queue, { connection: redis, prefix: bullPrefix(redisPrefix) });
}

/**
 * Upserts one job scheduler per row that has a handler and removes those of rows without one.
 * Every worker calls this at start: upsert is keyed by the row's name, so repeating it (even
 * concurrently) leaves one scheduler and one pending job per row.
 */
export async function ensureJobSchedulers(
  connection: RedisTarget,
  prefix: string,
  schedule: readonly ScheduledJob[],
  handlers: JobHandlers,
): Promise<{ upserted: string[]; removed: string[] }> {
  const upserted: string[] = [];
  const removed: string[] = [];
  await withConnection(connection, 'job-schedulers', async (redis) => {
    for (const queueName of new Set(schedule.map((row) => row.queue))) {
      const queue = openQueue(redis, prefix, queueName);
      try {
        for (const row of schedule.filter((job) => job.queue === queueName)) {
          if (!handlers[row.name]) {
            if (await queue.removeJobScheduler(row.name)) removed.push(row.name);
            continue;
          }
          await upsertWithRetry(() => queue.upsertJobScheduler(row.name, { pattern: row.cron, tz: row.timezone }, {
            name: row.name,
            opts: {
              // The row's retry policy: the worker's backoff strategy reads the delays from the schedule.
              attempts: row.retry.delaysMs.length + 1,
              backoff: { type: 'schedule' },
              removeOnComplete: { count: 1000 },
              removeOnFail: { count: 5000 },
            },
          }));
          upserted.push(row.name);
        }
      } finally {
        await queue.close();
      }
    }
  });
  return { upserted, removed };
}

/**
 * Another worker's upsert or a worker picking the fire up can race ours onto the same fire time;
 * BullMQ then refuses (SchedulerJobIdCollision) and a moment later the next fire time is free.
 */
async function upsertWithRetry(upsert: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await upsert();
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== ErrorCode.SchedulerJobIdCollision || attempt >= 5) throw error;
      await sleep(100 * attempt);
    }
  }
}

export interface StartWorkersOptions {
  redisUrl: string;
  /** The deployment's Redis prefix (config.redisPrefix); BullMQ's keys go under `${prefix}bull`. */
  prefix: string;
  queues: readonly QueueName[];
  schedule: readonly ScheduledJob[];
  handlers: JobHandlers;
  log: Log;
  /** Jobs run at once per queue on this process. */
  concurrency?: number;
  /**
   * How long a running job's lock lives without renewal: a worker that dies (SIGKILL, a lost
   * machine) stops renewing, and after this long another worker takes the job over (BullMQ's
   * stalled-job check runs at the same period).
   */
  lockMs?: number;
  /** Where jobs that failed for good are reported. */
  reports?: ErrorReporter;
}

export interface Workers {
  close(): Promise<void>;
}

/** Ensures the schedulers of `queues`, then runs one BullMQ worker per queue. */
export async function startWorkers(options: StartWorkersOptions): Promise<Workers> {
  const { prefix, queues, schedule, handlers, log } = options;
  const reports = options.reports ?? NO_ERROR_REPORTS;
  const redis = bullConnection(options.redisUrl, 'workers');
  const served = schedule.filter((row) => queues.includes(row.queue));
  const workers: Worker[] = [];
  try {
    await ensureJobSchedulers(redis, prefix, served, handlers);
    // A Redis that comes back empty (restarted without persistence) has lost the schedulers:
    // every reconnection puts them back (an upsert, so a Redis that kept them is unchanged).
    let connected = true;
    redis.on('close', () => { connected = false; });
    redis.on('ready', () => {
      if (connected) return;
      connected = true;
      ensureJobSchedulers(redis, prefix, served, handlers).then(
        ({ upserted }) => log.info({ schedulers: upserted }, 'Redis is back: job schedulers ensured'),
        (error: unknown) => log.warn({ err: error }, 'Redis is back but the job schedulers could not be ensured yet'),
      );
    });
    for (const queueName of queues) {
      const worker = new Worker(queueName, (job: Job) => processJob(job, queueName, schedule, handlers, log), {
        connection: redis,
        prefix: bullPrefix(prefix),
        concurrency: options.concurrency ?? 1,
        ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
        settings: {
          backoffStrategy: (attemptsMade, _type, _error, job) => schedule.find((row) => row.name === job?.name)?.retry.delaysMs[attemptsMade - 1] ?? 0,
        },
      });
      worker.on('failed', (job, error) => {
        if (!job) return log.error({ queue: queueName, err: error }, `job failed: ${error.message}`);
        const attempts = job.opts.attempts ?? 1;
        const final = job.attemptsMade >= attempts || error instanceof UnrecoverableError;
        const line = { queue: queueName, job: job.name, runId: job.id, attemptsMade: job.attemptsMade, attempts };
        if (final) {
          log.error(line, `job failed for good: ${error.message}`);
          reports.capture(error, { area: 'job', job: job.name, runId: job.id, attempts: job.attemptsMade });
        } else {
          log.warn(line, `job attempt failed; BullMQ retries it: ${error.message}`);
        }
      });
      worker.on('error', (error) => log.error({ queue: queueName, err: error }, `job worker error: ${error.message}`));
      workers.push(worker);
    }
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  } catch (error) {
    await Promise.allSettled(workers.map((worker) => worker.close()));
    redis.disconnect();
    throw error;
  }
  log.info({ queues, schedulers: served.filter((row) => handlers[row.name]).map((row) => row.name) }, 'job workers started');
  return {
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

async function processJob(job: Job, queueName: QueueName, schedule: readonly ScheduledJob[], handlers: JobHandlers, log: Log): Promise<JobSummary> {
  const row = schedule.find((candidate) => candidate.name === job.name);
  const handler = handlers[job.name];
  // Not retried: another attempt of the same code cannot find a handler either.
  if (!row || !handler) throw new UnrecoverableError(`no handler for job "${job.name}" on queue ${queueName} (unknown or not implemented on this worker)`);
  // prevMillis is the fire time the scheduler computed (also the job id's suffix); timestamp is
  // when the job was created, earlier than the fire for scheduled jobs, and the only time for others.
  const firedAt = new Date(job.opts.prevMillis ?? job.timestamp);
  // A run started by hand (the admin API) runs whatever the calendar says, as `jobs run` does.
  const force = (job.data as { force?: unknown } | null)?.force === true;
  try {
    const { summary } = await runJob(row, handler, { firedAt, log: log.child({ queue: queueName, runId: job.id, attempt: job.attemptsMade + 1 }) }, { force });
    return summary;
  } catch (error) {
    // BullMQ's word for "do not retry".
    if (error instanceof PermanentJobFailure) throw new UnrecoverableError(error.message);
    throw error;
  }
}

export interface FailedJob {
  queue: QueueName;
  id: string;
  name: string;
  failedReason: string;
  attemptsMade: number;
  finishedOn: number | null;
  timestamp: number;
}

/** Jobs in the failed sets of `queues` (those that used up their attempts), newest first. */
export async function failedJobs(connection: RedisTarget, prefix: string, queues: readonly QueueName[] = QUEUES, limit = 50): Promise<FailedJob[]> {
  return withConnection(connection, 'failed-jobs', async (redis) => {
    const found: FailedJob[] = [];
    for (const queueName of queues) {
      const queue = openQueue(redis, prefix, queueName);
      try {
        for (const job of await queue.getFailed(0, limit - 1)) {
          found.push({
            queue: queueName,
            id: job.id ?? '',
            name: job.name,
            failedReason: job.failedReason,
            attemptsMade: job.attemptsMade,
            finishedOn: job.finishedOn ?? null,
            timestamp: job.timestamp,
          });
        }
      } finally {
        await queue.close();
      }
    }
    return found.sort((a, b) => (b.finishedOn ?? b.timestamp) - (a.finishedOn ?? a.timestamp)).slice(0, limit);
  });
}
