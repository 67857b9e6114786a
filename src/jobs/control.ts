// The admin API's view of the jobs (src/services/admin/jobs.ts), for each runner: the in-process
// scheduler of `stockmind start` (embedded), or the BullMQ queues the workers consume (scaled).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError, conflict, notFound, Unavailable } from '../domain/errors.ts';
import type { FailedJobView, JobControl, JobRunView, JobView } from '../services/admin/jobs.ts';
import type { InProcessScheduler } from './in-process-scheduler.ts';
import { bullPrefix, failedJobs } from './queues.ts';
import { QUEUES, type QueueName, type ScheduledJob } from './schedule.ts';

function rowView(row: ScheduledJob): Pick<JobView, 'name' | 'queue' | 'cron' | 'timezone' | 'description'> {
  return { name: row.name, queue: row.queue, cron: row.cron, timezone: row.timezone, description: row.description };
}

export function inProcessJobControl(scheduler: InProcessScheduler): JobControl {
  return {
    runner: 'in-process',
    async list() {
      return scheduler.status().map((state) => {
        const last = state.lastRun;
        const lastRun: JobRunView | null = last && {
          id: last.id,
          startedAt: last.startedAt,
          finishedAt: last.finishedAt,
          durationMs: last.finishedAt ? last.finishedAt.getTime() - last.startedAt.getTime() : null,
          outcome: last.outcome,
          error: last.error,
        };
        return { ...rowView(state.job), implemented: state.implemented, running: state.running, lastRun, nextRun: state.nextRun };
      });
    },
    async failed(limit) {
      return scheduler.failed().reverse().slice(0, limit).map((run) => {
        const queue = scheduler.status().find((state) => state.job.name === run.job)?.job.queue ?? 'default';
        return { id: run.id, name: run.job, queue, error: run.error, attempts: run.attempts, failedAt: run.at };
      });
    },
    async retry(id) {
      const run = scheduler.retry(id);
      return { id: run.runId, name: run.job, start: run.start };
    },
    async trigger(name) {
      const run = scheduler.trigger(name);
      return { id: run.runId, name: run.job, start: run.start };
    },
    async close() {},
  };
}

export interface QueueJobControlOptions {
  /** Opens the connection the control uses (on first use; closed by close()). */
  connect(): Redis;
  /** The deployment's Redis prefix (config.redisPrefix). */
  prefix: string;
  schedule: readonly ScheduledJob[];
  /** The jobs this build implements (the workers' handlers). */
  implemented: ReadonlySet<string>;
}

/** Finished jobs looked at per queue to find each job's last run. */
const RECENT_JOBS = 200;

const unavailable = (error: unknown) => (error instanceof Unavailable ? error : new Unavailable('The job queues (Redis) are unavailable; try again shortly.', 5, { cause: error }));

/** BullMQ: what the queues in Redis say, whichever worker ran what. */
export function queueJobControl(options: QueueJobControlOptions): JobControl {
  let redis: Redis | null = null;
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName): Queue => {
    redis ??= options.connect();
    let found = queues.get(name);
    if (!found) queues.set(name, (found = new Queue(name, { connection: redis, prefix: bullPrefix(options.prefix) })));
    return found;
  };
  const row = (name: string) => options.schedule.find((job) => job.name === name);
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      // Ours (not found, conflict) as they are; anything from Redis or BullMQ means the queues are out of reach.
      throw error instanceof AppError ? error : unavailable(error);
    }
  };

  return {
    runner: 'bullmq',
    list: () => guarded(async () => {
      const views: JobView[] = [];
      const used = [...new Set(options.schedule.map((job) => job.queue))];
      const recent = new Map<QueueName, { active: Awaited<ReturnType<Queue['getJobs']>>; finished: Awaited<ReturnType<Queue['getJobs']>> }>();
      for (const name of used) {
        const q = queue(name);
        const [active, completed, failed] = await Promise.all([
          q.getJobs(['active'], 0, RECENT_JOBS - 1),
          q.getJobs(['completed'], 0, RECENT_JOBS - 1, false),
          q.getJobs(['failed'], 0, RECENT_JOBS - 1, false),
        ]);
        recent.set(name, { active, finished: [...completed, ...failed] });
      }
      for (const job of options.schedule) {
        const { active, finished } = recent.get(job.queue)!;
        const last = finished.filter((candidate) => candidate.name === job.name)
          .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))[0];
        const lastRun: JobRunView | null = last ? {
          id: `${job.queue}:${last.id ?? ''}`,
          startedAt: last.processedOn ? new Date(last.processedOn) : null,
          finishedAt: last.finishedOn ? new Date(last.finishedOn) : null,
          durationMs: last.finishedOn && last.processedOn ? last.finishedOn - last.processedOn : null,
          outcome: last.failedReason ? 'failed' : (last.returnvalue as { skipped?: unknown } | null)?.skipped ? 'skipped' : 'ok',
          error: last.failedReason || null,
        } : null;
        const scheduler = options.implemented.has(job.name) ? await queue(job.queue).getJobScheduler(job.name) : undefined;
        views.push({
          ...rowView(job),
          implemented: options.implemented.has(job.name),
          running: active.some((candidate) => candidate.name === job.name),
          lastRun,
          nextRun: scheduler?.next ? new Date(scheduler.next) : null,
        });
      }
      return views;
    }),
    failed: (limit) => guarded(async () => {
      redis ??= options.connect();
      const jobs = await failedJobs(redis, options.prefix, QUEUES, limit);
      return jobs.map((job): FailedJobView => ({
        id: `${job.queue}:${job.id}`, name: job.name, queue: job.queue, error: job.failedReason,
        attempts: job.attemptsMade, failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
      }));
    }),
    retry: (id) => guarded(async () => {
      const separator = id.indexOf(':');
      const queueName = id.slice(0, separator) as QueueName;
      if (separator < 0 || !QUEUES.includes(queueName)) throw notFound(`No failed job ${id}: ids look like "queue:jobId".`);
      const job = await queue(queueName).getJob(id.slice(separator + 1));
      if (!job) throw notFound(`No failed job ${id}.`);
      const state = await job.getState();
      if (state !== 'failed') throw conflict(`Job ${id} is ${state}, not failed.`);
      await job.retry('failed');
      return { id, name: job.name, start: () => {} };
    }),
    trigger: (name) => guarded(async () => {
      const job = row(name);
      if (!job) throw notFound(`Unknown job "${name}".`);
      if (!options.implemented.has(name)) throw notFound(`Job "${name}" is not implemented yet.`);
      const added = await queue(job.queue).add(name, { force: true }, {
        attempts: job.retry.delaysMs.length + 1,
        backoff: { type: 'schedule' },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      });
      return { id: `${job.queue}:${added.id ?? ''}`, name, start: () => {} };
    }),
    async close() {
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      queues.clear();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
      redis = null;
    },
  };
}

