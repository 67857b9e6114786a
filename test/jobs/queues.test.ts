// Scheduled jobs across machines: BullMQ job schedulers on the real Redis (scaled column), and the
// calendar gate both scales share (both columns).
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, ensureJobSchedulers, failedJobs, startWorkers, type Workers } from '../../src/jobs/queues.ts';
import { runJob, type JobHandlers, type JobRun } from '../../src/jobs/runner.ts';
import type { ScheduledJob } from '../../src/jobs/schedule.ts';
import { deleteRedisPrefix, SCALE } from '../support/scale.ts';

const log = pino({ level: 'silent' });

// Retries 50 ms then 100 ms apart, as the schedule's rows state their own policy.
const everySecond = (name: string): ScheduledJob => ({
  name, cron: '* * * * * *', timezone: 'UTC', queue: 'default', gate: 'always', retry: { delaysMs: [50, 100] }, description: 'test job',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 6_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('calendar gate (both scales)', () => {
  it('skips a market_hours job fired on a weekend and runs it in the session', async () => {
    const job: ScheduledJob = { name: 'fetch_market_data', cron: '* * * * *', timezone: 'America/New_York', queue: 'market_data', gate: 'market_hours', retry: { delaysMs: [] }, description: 'quotes' };
    let calls = 0;
    const handler = async (_run: JobRun) => { calls += 1; return { fetched: 1 }; };
    // Saturday 10:00 New York.
    await expect(runJob(job, handler, { firedAt: new Date('2025-01-04T15:00:00Z'), log })).resolves.toEqual({ outcome: 'skipped', summary: { skipped: 'market_hours' } });
    expect(calls).toBe(0);
    // Monday 10:00 New York.
    await expect(runJob(job, handler, { firedAt: new Date('2025-01-06T15:00:00Z'), log })).resolves.toEqual({ outcome: 'ok', summary: { fetched: 1 } });
    expect(calls).toBe(1);
  });
});

describe.runIf(SCALE === 'scaled')('BullMQ job schedulers (scaled)', () => {
  const redisUrl = process.env.TEST_REDIS_URL!;
  const filePrefix = `stockmind-test:${randomUUID()}:`;
  let redis: Redis;
  let testNumber = 0;
  // Each test gets its own prefix under the file's, so leftovers of one never reach another.
  const nextPrefix = () => `${filePrefix}${++testNumber}:`;
  const open: Workers[] = [];
  const openQueue = (prefix: string) => new Queue('default', { connection: redis, prefix: bullPrefix(prefix) });

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await Promise.allSettled(open.map((workers) => workers.close()));
    await deleteRedisPrefix(filePrefix);
    await redis.quit();
  });

  async function start(prefix: string, schedule: readonly ScheduledJob[], handlers: JobHandlers): Promise<Workers> {
    const workers = await startWorkers({ redisUrl, prefix, queues: ['default'], schedule, handlers, log });
    open.push(workers);
    return workers;
  }

  it('runs each fire exactly once with two workers on one Redis', async () => {
    const prefix = nextPrefix();
    const schedule = [everySecond('tick')];
    const fires: number[] = [];
    const ranOn: string[] = [];
    const handlers = (machine: string): JobHandlers => ({
      tick: async (run) => {
        fires.push(run.firedAt.getTime());
        ranOn.push(machine);
        await sleep(100);
        return { machine };
      },
    });
    // Started together, as two machines booting: both upsert the same scheduler at once.
    const [a, b] = await Promise.all([start(prefix, schedule, handlers('a')), start(prefix, schedule, handlers('b'))]);
    await sleep(4_200);
    await Promise.all([a.close(), b.close()]);

    expect(fires.length).toBeGreaterThan(2);
    expect(new Set(fires).size).toBe(fires.length);
    // firedAt is the scheduled second, not when a worker got to it.
    expect(fires.every((at) => at % 1_000 === 0)).toBe(true);

    // Every fire BullMQ completed is one of the handler's calls, and vice versa.
    const queue = openQueue(prefix);
    const completed = await queue.getCompleted();
    const completedFires = completed.map((job) => job.opts.prevMillis).sort();
    expect(completedFires).toEqual([...fires].sort());
    expect(new Set(completed.map((job) => job.id)).size).toBe(completed.length);

    // Every worker calls ensureJobSchedulers at start; more calls, even concurrent, add nothing.
    await Promise.all([
      ensureJobSchedulers(redis, prefix, schedule, handlers('a')),
      ensureJobSchedulers(redisUrl, prefix, schedule, handlers('b')),
    ]);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((scheduler) => scheduler.key)).toEqual(['tick']);
    expect(schedulers[0]).toMatchObject({ pattern: '* * * * * *', tz: 'UTC', template: { opts: { attempts: 3 } } });
    expect(await queue.getJobCountByTypes('delayed', 'wait', 'prioritized')).toBe(1);

    // A row without a handler (any more) loses its scheduler and its pending fire.
    await expect(ensureJobSchedulers(redis, prefix, schedule, {})).resolves.toEqual({ upserted: [], removed: ['tick'] });
    expect(await queue.getJobSchedulersCount()).toBe(0);
    expect(await queue.getJobCountByTypes('delayed', 'wait', 'prioritized')).toBe(0);
    await queue.close();
  });

  it('retries a failing fire with backoff until it completes on the third attempt', async () => {
    const prefix = nextPrefix();
    const attemptsByFire = new Map<number, number>();
    const workers = await start(prefix, [everySecond('flaky')], {
      flaky: async (run) => {
        const attempt = (attemptsByFire.get(run.firedAt.getTime()) ?? 0) + 1;
        attemptsByFire.set(run.firedAt.getTime(), attempt);
        if (attempt < 3) throw new Error(`timeout on attempt ${attempt}`);
        return { attempt };
      },
    });
    const queue = openQueue(prefix);
    const done = await until(async () => (await queue.getCompleted()).find((job) => job.name === 'flaky'));
    await workers.close();
    await queue.close();
    expect(done.attemptsMade).toBe(3);
    expect(done.returnvalue).toEqual({ attempt: 3 });
    expect(attemptsByFire.get(done.opts.prevMillis!)).toBe(3);
  });

  it('lists a fire that fails every attempt, and an unknown job, in failedJobs', async () => {
    const prefix = nextPrefix();
    const workers = await start(prefix, [everySecond('broken')], {
      broken: async () => { throw new Error('provider down'); },
    });
    const queue = openQueue(prefix);
    // A job no row names, as an older or newer deployment might leave behind.
    await queue.add('renamed_job', {});
    const failed = await until(async () => {
      const jobs = await failedJobs(redisUrl, prefix, ['default']);
      return jobs.some((job) => job.name === 'broken') && jobs.some((job) => job.name === 'renamed_job') ? jobs : undefined;
    });
    await workers.close();
    await queue.close();

    expect(failed.find((job) => job.name === 'broken')).toMatchObject({ queue: 'default', failedReason: 'provider down', attemptsMade: 3 });
    // Unknown names fail at once: no retry can find a handler.
    expect(failed.find((job) => job.name === 'renamed_job')).toMatchObject({ attemptsMade: 1, failedReason: expect.stringContaining('no handler for job "renamed_job"') });
    const finished = failed.map((job) => job.finishedOn ?? 0);
    expect(finished).toEqual([...finished].sort((x, y) => y - x));
  });
});
