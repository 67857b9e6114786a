// Fan-out across processes (scaled column): two `stockmind start` API instances and a `stockmind
// worker`, each a real process, on one PostgreSQL database and one Redis. A client on one instance
// receives what the other instance or the worker published, and a user's alert recorded by the
// worker reaches their connections on both instances, once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCache } from '../../src/adapters/cache.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { WatchlistRepository } from '../../src/db/repositories/watchlist.ts';
import { bullPrefix } from '../../src/jobs/queues.ts';
import { client, register } from '../support/http.ts';
import { testEnvironment, type TestEnvironment } from '../support/scale.ts';
import { connect, SCALE, until, type Frame, type WsClient } from '../support/ws.ts';

const BIN = join(import.meta.dirname, '../../bin/stockmind.js');
// Tuesday 2026-11-24, 10:00 New York: a fire time inside a session, so the job's calendar gate opens.
const IN_SESSION = Date.parse('2026-11-24T15:00:00Z');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.runIf(SCALE === 'scaled')('two API instances and a worker, each a process, on one Redis', () => {
  let environment: TestEnvironment;
  const processes: ChildProcess[] = [];
  const output: string[] = [];
  const sockets: WsClient[] = [];
  let urls: string[] = [];
  let redis: Redis;
  let database: Database;

  function launch(args: string[], env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH!, ...environment.env, LOG_LEVEL: 'warn', SIMULATED_TICK_SECONDS: '0', ...env } });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    processes.push(child);
    return child;
  }

  beforeAll(async () => {
    environment = await testEnvironment();
    const ports = [await freePort(), await freePort()];
    urls = ports.map((port) => `http://127.0.0.1:${port}`);
    for (const port of ports) launch(['start'], { PORT: String(port), HOST: '127.0.0.1' });
    launch(['worker', '--queues', 'market_data'], {});
    for (const url of urls) {
      await until(async () => (await fetch(`${url}/api/health/`).then((r) => r.ok, () => false)) || undefined, 120_000)
        .catch((error: unknown) => { throw new Error(`${url} did not start: ${output.join('')}`, { cause: error }); });
    }
    redis = new Redis(process.env.TEST_REDIS_URL!);
    database = openDatabase(environment.config);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(sockets.map((ws) => ws.close()));
    await Promise.all(processes.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })));
    redis?.disconnect();
    await database?.close();
    await environment?.cleanup();
  });

  const open = async (url: string, query: Record<string, string> = {}) => {
    const ws = await connect(url, { query });
    sockets.push(ws);
    return ws;
  };
  /** An old cached quote, so a subscriber's snapshot is older than anything recorded next. */
  const seedOldQuote = async (symbol: string) => {
    const cache = new RedisCache(redis, environment.env.REDIS_PREFIX!);
    await cache.set(`quote:${symbol}`, { symbol, price: 1, change: 0, changePercent: 0, open: null, high: null, low: null, previousClose: null, volume: 0, currency: 'USD', source: 'simulated', timestamp: '2020-01-02T15:00:00.000Z' }, 300);
  };
  const subscribe = async (ws: WsClient, symbol: string) => {
    ws.send({ type: 'subscribe', symbol });
    await ws.next((frame) => frame.type === 'subscribed' && frame.symbol === symbol);
    return ws.next((frame) => frame.type === 'stock_update' && frame.data.symbol === symbol);
  };
  const fresh = (symbol: string) => (frame: Frame) => frame.type === 'stock_update' && frame.data.symbol === symbol && frame.data.timestamp !== '2020-01-02T15:00:00.000Z';

  it('delivers to a client on one instance the quote the other instance recorded', async () => {
    await seedOldQuote('NVDA');
    const listener = await open(urls[0]!);
    expect((await subscribe(listener, 'NVDA')).data.price).toBe(1);
    // The other instance fetches NVDA on demand (nothing fresh cached), records and publishes it.
    await redis.del(`${environment.env.REDIS_PREFIX}quote:NVDA`);
    const answer = await client(urls[1]!)('GET', '/api/market/quotes?symbols=NVDA');
    const update = await listener.next(fresh('NVDA'));
    expect(update.data).toEqual(answer.body.data[0]);
    expect(update.data.source).toBe('simulated');
  });

  it('delivers what the worker recorded to clients of both instances, and the worker\'s alert to the owner on both, once', async () => {
    const call = client(urls[0]!);
    const user = await register(call);
    await new WatchlistRepository(database.db).insert(user.user.id, 'AAPL', { alertPriceAbove: '1' });
    await seedOldQuote('MSFT');
    const [a, b] = [await open(urls[0]!, { token: user.token }), await open(urls[1]!, { token: user.token })];
    for (const ws of [a, b]) {
      await ws.next('authenticated');
      await subscribe(ws, 'MSFT');
    }
    // One run of the per-minute job, fired "in session", taken by the worker from the queue.
    const queue = new Queue('market_data', { connection: redis, prefix: bullPrefix(environment.env.REDIS_PREFIX!) });
    await queue.add('fetch_market_data', {}, { timestamp: IN_SESSION, removeOnComplete: true });
    await queue.close();
    for (const ws of [a, b]) {
      expect((await ws.next(fresh('MSFT'), 60_000)).data).toMatchObject({ symbol: 'MSFT', source: 'simulated' });
      expect((await ws.next('alert', 60_000)).data).toMatchObject({ symbol: 'AAPL', kind: 'above', threshold: 1, source: 'simulated' });
    }
    const recorded = await call('GET', '/api/portfolio/alerts/', { token: user.token });
    expect(recorded.status).toBe(200);
    expect(recorded.body.data).toHaveLength(1);
    const alerts = await new WatchlistRepository(database.db).alerts(user.user.id, {}, { offset: 0, limit: 10 });
    expect(alerts.count).toBe(1);
    // A moment for a duplicate to arrive, had the alert been published twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const ws of [a, b]) expect(ws.frames.filter((frame) => frame.type === 'alert')).toHaveLength(1);
  });
});
