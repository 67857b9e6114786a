// Jobs survive their workers and their Redis: a worker SIGKILLed mid-job has its job taken over by
// another and the effect happens once; a worker whose Redis restarts empty keeps firing its schedule.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { BarRow } from '../../src/db/repositories/prices.ts';
import { bullPrefix, startWorkers } from '../../src/jobs/queues.ts';
import type { ScheduledJob } from '../../src/jobs/schedule.ts';
import { ownRedis, spawnStockmind, waitFor, type StockmindProcess } from '../support/processes.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';

const log = pino({ level: 'silent' });

describe.runIf(SCALE === 'scaled')('a worker SIGKILLed mid-job (scaled)', () => {
  const ROWS = 300_000;
  let environment: TestEnvironment;
  let runtime: Runtime;
  let archiveRoot: string;
  const workers: StockmindProcess[] = [];

  beforeAll(async () => {
    archiveRoot = mkdtempSync(join(tmpdir(), 'stockmind-takeover-'));
    environment = await testEnvironment({ STOCKMIND_DATA_DIR: archiveRoot });
    runtime = await openRuntime(loadConfig(environment.env), { provider: { provider: null, reason: 'test' } });
    // 1-minute bars from 2025: all past the 30 days of retention, for cleanup_old_data to archive and delete.
    const start = Date.UTC(2025, 0, 2, 14, 30);
    async function* rows(): AsyncGenerator<BarRow[]> {
      for (let batch = 0; batch < ROWS / 10_000; batch += 1) {
        yield Array.from({ length: 10_000 }, (_, i) => {
          const n = batch * 10_000 + i;
          return { symbol: `OLD${n % 10}`, interval: '1m' as const, source: 'csv' as const, bar: { timestamp: new Date(start + Math.floor(n / 10) * 60_000), open: 10, high: 11, low: 9, close: 10, adjustedClose: null, volume: 100 } };
        });
      }
    }
    expect((await runtime.repositories.prices.bulkLoad(rows)).inserted).toBe(ROWS);
  }, 180_000);

  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await runtime?.infra.close();
    await environment?.cleanup();
  });

  it('lets another worker take the job over, and archives and deletes each bar exactly once', async () => {
    const env = { ...environment.env, JOB_LOCK_MS: '1500', LOG_LEVEL: 'info' };
    const first = spawnStockmind(['worker', '--queues', 'default'], env);
    workers.push(first);
    await waitFor(() => first.output().includes('worker consuming'), 60_000, 'the first worker to start');
    const connection = new Redis(environment.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = new Queue('default', { connection, prefix: bullPrefix(environment.env.REDIS_PREFIX!) });
    try {
      const job = await queue.add('cleanup_old_data', {}, { attempts: 3, backoff: { type: 'schedule' } });
      await waitFor(async () => (await job.getState()) === 'active', 30_000, 'the job to start');
      // Mid-job: the archive is being written inside the cleanup's transaction.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await first.kill('SIGKILL');
      expect(await job.getState()).toBe('active');

      const second = spawnStockmind(['worker', '--queues', 'default'], env);
      workers.push(second);
      await waitFor(async () => (await job.getState()) === 'completed', 90_000, 'the second worker to finish the job');
      const done = (await queue.getJob(job.id!))!;
      expect(done.returnvalue).toMatchObject({ intradayDeleted: ROWS });
    } finally {
      await queue.close();
      connection.disconnect();
    }
    const left = await runtime.repositories.prices.bars('OLD0', '1m', new Date(0), new Date('2100-01-01'));
    expect(left).toHaveLength(0);
    // One complete archive holds every bar once; the killed attempt left at most a partial file.
    const archives = readdirSync(join(archiveRoot, 'archive')).filter((name) => name.startsWith('stock_prices_1m_') && name.endsWith('.csv.gz'));
    expect(archives).toHaveLength(1);
    const lines = gunzipSync(readFileSync(join(archiveRoot, 'archive', archives[0]!))).toString().trim().split('\n');
    expect(lines).toHaveLength(ROWS + 1);
    expect(new Set(lines).size).toBe(ROWS + 1);
  }, 240_000);
});

describe.runIf(SCALE === 'scaled')('a worker whose Redis restarts empty (scaled)', () => {
  it('reconnects, puts its schedulers back and keeps firing once per slot', async () => {
    const redis = await ownRedis();
    const fired: number[] = [];
    const tick: ScheduledJob = { name: 'tick', cron: '* * * * * *', timezone: 'UTC', queue: 'default', gate: 'always', retry: { delaysMs: [] }, description: 'test tick' };
    // Two workers, as two processes would be (each its own connections): a slot must run on one of them only.
    const start = () => startWorkers({
      redisUrl: redis.url, prefix: 'stockmind-test:restart:', queues: ['default'], schedule: [tick],
      handlers: { tick: async (run) => { fired.push(run.firedAt.getTime()); return {}; } }, log,
    });
    const workers = [await start(), await start()];
    try {
      await waitFor(() => fired.length >= 2, 15_000, 'the first fires');
      await redis.kill();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await redis.start();
      const restartedAt = Date.now();
      await waitFor(() => fired.filter((at) => at > restartedAt).length >= 4, 20_000, 'fires after Redis came back');
      // Once per slot: no fire time twice, across both workers.
      expect(new Set(fired).size).toBe(fired.length);
      // And none missed once Redis is back: the slots after the first fire that followed the restart are every second.
      const after = fired.filter((at) => at > restartedAt).sort((a, b) => a - b);
      const gaps = after.slice(1).map((at, i) => at - after[i]!);
      expect(gaps.every((gap) => gap === 1_000), `gaps between fires: ${gaps.join(', ')}`).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await redis.kill();
    }
  }, 60_000);
});
