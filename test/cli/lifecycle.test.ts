// Graceful shutdown as an orchestrator does it: SIGTERM to real `stockmind start` and `stockmind
// worker` processes with work in flight. Requests in flight are answered, WebSockets get 1001,
// running jobs finish once, the process exits 0; embedded, PGlite is closed cleanly (its control
// file says "shut down", so the next start needs no recovery). A second signal exits at once;
// the grace period bounds the wait. A worker serves its own /metrics.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { BarRow } from '../../src/db/repositories/prices.ts';
import { bullPrefix } from '../../src/jobs/queues.ts';
import { freePort, spawnStockmind, timed, waitFor, type StockmindProcess } from '../support/processes.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';
import { connect } from '../support/ws.ts';

const PASSWORD = 'violet-harbor-92-tensile';

/**
 * A POST whose body arrives in two parts: in flight until `finish()` sends the rest. Resolves once
 * the server has logged the request's arrival (a request the server has not yet read is not in
 * flight: closing refuses it).
 */
async function trickled(server: StockmindProcess, url: string, body: string): Promise<{ finish(): void; response: Promise<{ status: number; body: string }>; request: ClientRequest }> {
  const arrivals = () => server.output().split(`"url":"${new URL(url).pathname}"`).length - 1;
  const before = arrivals();
  const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const split = Math.floor(body.length / 2);
  request.write(body.slice(0, split));
  const response = (once(request, 'response') as Promise<[IncomingMessage]>).then(async ([answer]) => {
    let text = '';
    for await (const chunk of answer) text += chunk;
    return { status: answer.statusCode ?? 0, body: text };
  });
  response.catch(() => undefined);
  request.on('error', () => undefined);
  await waitFor(() => arrivals() > before, 10_000, 'the server to read the request');
  return { request, response, finish: () => request.end(body.slice(split)) };
}

async function exitOf(process: StockmindProcess): Promise<number | null> {
  if (process.child.exitCode !== null) return process.child.exitCode;
  const [code] = await once(process.child, 'exit') as [number | null];
  return code;
}

/** PostgreSQL's control file: 1 is "shut down" (clean), 6 "in production" (still open, or killed). */
const pgliteState = (dataDir: string) => readFileSync(join(dataDir, 'pgdata', 'global', 'pg_control')).readUInt32LE(16);

/** 1-minute bars from 2025, past the 30 days of intraday retention: work for cleanup_old_data. */
async function* oldBars(rows: number): AsyncGenerator<BarRow[]> {
  const start = Date.UTC(2025, 0, 2, 14, 30);
  for (let batch = 0; batch < rows / 10_000; batch += 1) {
    yield Array.from({ length: 10_000 }, (_, i) => {
      const n = batch * 10_000 + i;
      return { symbol: `OLD${n % 10}`, interval: '1m' as const, source: 'csv' as const, bar: { timestamp: new Date(start + Math.floor(n / 10) * 60_000), open: 10, high: 11, low: 9, close: 10, adjustedClose: null, volume: 100 } };
    });
  }
}

/** Every line of the archives cleanup wrote, and how many files. */
function archived(dataDir: string): { files: number; lines: string[] } {
  const dir = join(dataDir, 'archive');
  const files = readdirSync(dir).filter((name) => name.startsWith('stock_prices_1m_') && name.endsWith('.csv.gz'));
  return { files: files.length, lines: files.flatMap((name) => gunzipSync(readFileSync(join(dir, name))).toString().trim().split('\n')) };
}

describe(`SIGTERM to \`stockmind start\` with requests, sockets${SCALE === 'embedded' ? ' and a job' : ''} in flight (${SCALE})`, () => {
  const ROWS = 100_000;
  let environment: TestEnvironment;
  let dataDir: string;
  let env: Record<string, string>;
  let server: StockmindProcess | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stockmind-sigterm-'));
    environment = await testEnvironment({ STOCKMIND_DATA_DIR: dataDir });
    env = { ...environment.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_GRACE_SECONDS: '60' };
    const runtime = await openRuntime(loadConfig(env), { provider: { provider: null, reason: 'test' } });
    try {
      await runtime.services.accounts.createUser({ email: 'ops@example.com', password: PASSWORD, isAdmin: true });
      if (SCALE === 'embedded') expect((await runtime.repositories.prices.bulkLoad(() => oldBars(ROWS))).inserted).toBe(ROWS);
    } finally {
      await runtime.infra.close();
    }
  }, 180_000);
  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.kill();
    await environment?.cleanup();
  });

  it('answers what is in flight, closes sockets with 1001, finishes the running job and exits 0', async () => {
    server = spawnStockmind(['start'], env);
    const base = await server.baseUrl();
    const login = await timed(`${base}/api/auth/login/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ops@example.com', password: PASSWORD }) });
    const token = (login.body?.data as { token: string }).token;

    const sockets = await Promise.all([connect(base), connect(base, { query: { token } })]);
    sockets[0]!.send({ type: 'subscribe', symbol: 'AAPL' });
    await sockets[0]!.next('subscribed');
    await sockets[1]!.next('authenticated');

    if (SCALE === 'embedded') {
      // A long job running in the server's own scheduler.
      const run = await timed(`${base}/api/admin/jobs/cleanup_old_data/run/`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(run.status).toBe(202);
      await waitFor(async () => {
        const jobs = await timed(`${base}/api/admin/jobs/`, { headers: { authorization: `Bearer ${token}` } });
        return (jobs.body?.data as { jobs: Array<{ name: string; running: boolean }> }).jobs.find((job) => job.name === 'cleanup_old_data')?.running;
      }, 30_000, 'the job to run');
    }
    const registration = await trickled(server, `${base}/api/auth/register/`, JSON.stringify({ email: 'late@example.com', password: PASSWORD, fullName: 'Arrived During Shutdown' }));

    server.child.kill('SIGTERM');
    await waitFor(() => server!.output().includes('SIGTERM received'), 10_000, 'the signal to be handled');
    registration.finish();

    expect(await registration.response).toMatchObject({ status: 201 });
    for (const socket of sockets) expect((await socket.closed).code).toBe(1001);
    expect(await exitOf(server)).toBe(0);
    const output = server.output();
    expect(output).toContain('stopped cleanly');

    if (SCALE === 'embedded') {
      // The job was running when the signal came, and finished before the exit.
      const signalled = output.indexOf('SIGTERM received');
      const done = output.search(/"job":"cleanup_old_data"[^\n]*"msg":"job done"/);
      expect(done).toBeGreaterThan(signalled);
      expect(pgliteState(dataDir)).toBe(1);
      const { files, lines } = archived(dataDir);
      expect(files).toBe(1);
      expect(lines).toHaveLength(ROWS + 1);
    }

    // The next start: the user who registered during the shutdown is there.
    const again = spawnStockmind(['start'], env);
    try {
      const next = await again.baseUrl();
      const late = await timed(`${next}/api/auth/login/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'late@example.com', password: PASSWORD }) });
      expect(late.status).toBe(200);
      if (SCALE === 'embedded') {
        const runtime = { base: next, token: (late.body?.data as { token: string }).token };
        expect((await timed(`${runtime.base}/api/health/`)).status).toBe(200);
      }
    } finally {
      again.child.kill('SIGTERM');
      expect(await exitOf(again)).toBe(0);
    }
  }, 240_000);
});

describe.runIf(SCALE === 'embedded')('a second signal, and the grace period (embedded)', () => {
  const start = (grace: string) => spawnStockmind(['start'], {
    STOCKMIND_DATA_DIR: 'memory://', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', MARKET_DATA_PROVIDER: 'simulated', SHUTDOWN_GRACE_SECONDS: grace,
  });

  it('exits at once on a second signal while a request is still in flight', async () => {
    const server = start('60');
    const base = await server.baseUrl();
    const stuck = await trickled(server, `${base}/api/auth/login/`, JSON.stringify({ email: 'nobody@example.com', password: PASSWORD }));
    server.child.kill('SIGTERM');
    await waitFor(() => server.output().includes('SIGTERM received'), 10_000, 'the first signal to be handled');
    server.child.kill('SIGTERM');
    expect(await exitOf(server)).toBe(143);
    expect(server.output()).toContain('SIGTERM again: exiting now');
    stuck.request.destroy();
  }, 60_000);

  it('exits 1 when the grace period runs out', async () => {
    const server = start('1');
    const base = await server.baseUrl();
    const stuck = await trickled(server, `${base}/api/auth/login/`, JSON.stringify({ email: 'nobody@example.com', password: PASSWORD }));
    server.child.kill('SIGINT');
    expect(await exitOf(server)).toBe(1);
    expect(server.output()).toContain('shutdown grace period over');
    stuck.request.destroy();
  }, 60_000);
});

describe.runIf(SCALE === 'scaled')('SIGTERM to `stockmind worker` in the middle of a job (scaled)', () => {
  const ROWS = 100_000;
  let environment: TestEnvironment;
  let dataDir: string;
  let connection: Redis;
  let queue: Queue;
  const workers: StockmindProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stockmind-worker-sigterm-'));
    environment = await testEnvironment({ STOCKMIND_DATA_DIR: dataDir });
    connection = new Redis(environment.env.REDIS_URL!, { maxRetriesPerRequest: null });
    queue = new Queue('default', { connection, prefix: bullPrefix(environment.env.REDIS_PREFIX!) });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) await worker.kill();
    await queue?.close();
    connection?.disconnect();
    await environment?.cleanup();
  });

  it('serves its own /metrics, lets the running job finish once, and exits 0', async () => {
    const port = await freePort();
    const env = { ...environment.env, LOG_LEVEL: 'info', WORKER_METRICS_PORT: String(port), METRICS_TOKEN: 'worker-scrape-token', SHUTDOWN_GRACE_SECONDS: '120', HOST: '127.0.0.1' };
    const worker = spawnStockmind(['worker', '--queues', 'default'], env);
    workers.push(worker);
    await waitFor(() => worker.output().includes('worker metrics on'), 60_000, 'the worker to start');
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;

    // A first, quick run, counted in the worker's own metrics.
    const quick = await queue.add('cleanup_old_data', {}, { attempts: 1 });
    await waitFor(async () => (await quick.getState()) === 'completed', 60_000, 'the quick run');
    expect((await fetch(metricsUrl)).status).toBe(401);
    const scraped = await (await fetch(metricsUrl, { headers: { authorization: 'Bearer worker-scrape-token' } })).text();
    expect(scraped).toMatch(/stockmind_job_runs_total\{job="cleanup_old_data",outcome="ok"\} 1\b/);
    expect(scraped).toMatch(/stockmind_db_pool_connections\{state="total"\} [1-9]/);
    expect(scraped).toContain('process_cpu_user_seconds_total');

    // Then a long one, and the signal in its middle.
    const runtime = await openRuntime(loadConfig(environment.env), { provider: { provider: null, reason: 'test' } });
    try {
      expect((await runtime.repositories.prices.bulkLoad(() => oldBars(ROWS))).inserted).toBe(ROWS);
      const job = await queue.add('cleanup_old_data', {}, { attempts: 3, backoff: { type: 'schedule' } });
      await waitFor(async () => (await job.getState()) === 'active', 30_000, 'the job to start');
      worker.child.kill('SIGTERM');
      expect(await exitOf(worker)).toBe(0);
      const output = worker.output();
      const signalled = output.indexOf('SIGTERM received');
      expect(signalled).toBeGreaterThan(-1);
      expect(output.lastIndexOf('"msg":"job done"')).toBeGreaterThan(signalled);
      expect(output).toContain('stopped cleanly');

      const done = (await queue.getJob(job.id!))!;
      expect(await done.getState()).toBe('completed');
      expect(done.returnvalue).toMatchObject({ intradayDeleted: ROWS });
      // Once: every bar archived exactly once, none left.
      const { lines } = archived(dataDir);
      expect(lines.filter((line) => line.startsWith('OLD'))).toHaveLength(ROWS);
      expect(new Set(lines).size).toBe(lines.length);
      expect(await runtime.repositories.prices.bars('OLD0', '1m', new Date(0), new Date('2100-01-01'))).toHaveLength(0);
    } finally {
      await runtime.infra.close();
    }
  }, 240_000);
});
