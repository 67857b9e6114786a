// Redis killed under a running API (a real process on Redis of the test's own): the API keeps
// serving what does not need Redis, answers 503 with Retry-After where it does, never 500, never
// hangs, and recovers by itself when Redis is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownRedis, spawnStockmind, timed, waitFor, type OwnRedis, type StockmindProcess, type Timed } from '../support/processes.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';

/** No request may take longer than this while Redis is down (the command timeout is 1 s). */
const BOUND_MS = 3_000;

describe.runIf(SCALE === 'scaled')('Redis killed under a running API (scaled)', () => {
  let environment: TestEnvironment;
  let redis: OwnRedis;
  let api: StockmindProcess;
  let base: string;
  let token: string;
  let leaver: string;

  beforeAll(async () => {
    redis = await ownRedis();
    environment = await testEnvironment();
    api = spawnStockmind(['start'], {
      ...environment.env, REDIS_URL: redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', REDIS_TIMEOUT_MS: '500',
    });
    base = await api.baseUrl();
    const registered = await timed(`${base}/api/auth/register/`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'outage@example.com', password: 'violet-harbor-92-tensile', fullName: 'Out Age' }),
    });
    token = (registered.body?.data as { token: string }).token;
    const second = await timed(`${base}/api/auth/register/`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'leaver@example.com', password: 'violet-harbor-92-tensile', fullName: 'Lea Ver' }),
    });
    leaver = (second.body?.data as { token: string }).token;
  }, 90_000);

  afterAll(async () => {
    await api?.kill();
    await redis?.kill();
    await environment?.cleanup();
  });

  async function round(): Promise<{ health: Timed; profile: Timed; stock: Timed; quotes: Timed }> {
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const [health, profile, stock, quotes] = await Promise.all([
      timed(`${base}/api/health/`),
      timed(`${base}/api/auth/profile/`, auth),
      timed(`${base}/api/market/stock/AAPL?period=1mo`, auth),
      timed(`${base}/api/market/quotes?symbols=MSFT,NVDA`),
    ]);
    return { health, profile, stock, quotes };
  }

  it('serves without Redis, reports it in health, and recovers when Redis is back', async () => {
    const before = await round();
    for (const answer of Object.values(before)) expect(answer.status).toBe(200);

    await redis.kill();
    // Health checks are reused for a second: it says so within two.
    await waitFor(async () => (await timed(`${base}/api/health/`)).status === 503, 3_000, 'health to report Redis down');
    const during: Timed[] = [];
    for (let i = 0; i < 8; i += 1) {
      const answers = await round();
      during.push(...Object.values(answers));
      // Health is honest: Redis is down.
      expect(answers.health.status).toBe(503);
      expect(answers.health.retryAfter).not.toBeNull();
      // Sessions, tiers and users come from the database; quotas count in this process.
      expect(answers.profile.status).toBe(200);
      expect(answers.stock.status).toBe(200);
      expect(answers.quotes.status).toBe(200);
    }
    expect(during.filter((answer) => answer.status === 500)).toEqual([]);
    expect(Math.max(...during.map((answer) => answer.ms))).toBeLessThan(BOUND_MS);

    // Health names Redis, and each part running degraded since when and why.
    const health = await timed(`${base}/api/health/`);
    const parts = (health.body as { errors?: Record<string, string[]> } | null)?.errors ?? {};
    expect(parts.redis?.[0]).toMatch(/^redis: /);
    for (const part of ['cache', 'counters']) expect(parts[part]?.[0]).toMatch(/^degraded since \d{4}-\d\d-\d\dT.*: Redis unreachable/);
    // Quotas count in this process meanwhile (fail open): each request is still counted.
    const usage = async () => ((await timed(`${base}/api/auth/profile/`, { headers: { authorization: `Bearer ${token}` } })).body?.data as { profile: { usage: { requestsToday: number } } }).profile.usage.requestsToday;
    const counted = await usage();
    expect(await usage()).toBe(counted + 1);
    // A session ended during the outage is refused at once (fail closed: the check reads the database).
    expect((await timed(`${base}/api/auth/logout/`, { method: 'POST', headers: { authorization: `Bearer ${leaver}` } })).status).toBe(200);
    expect((await timed(`${base}/api/auth/profile/`, { headers: { authorization: `Bearer ${leaver}` } })).status).toBe(401);
    // A write made during the outage is kept.
    const added = await timed(`${base}/api/portfolio/watchlist/`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ symbol: 'NVDA' }),
    });
    expect(added.status).toBe(201);

    await redis.start();
    await waitFor(async () => (await timed(`${base}/api/health/`)).status === 200, 20_000, 'health to recover');
    const after = await round();
    for (const answer of Object.values(after)) expect(answer.status).toBe(200);
    expect(after.health.body?.data).toMatchObject({ redis: { status: 'ok' }, degraded: {} });
    // Still refused after Redis is back, and the write is there.
    expect((await timed(`${base}/api/auth/profile/`, { headers: { authorization: `Bearer ${leaver}` } })).status).toBe(401);
    const watchlist = await timed(`${base}/api/portfolio/watchlist/`, { headers: { authorization: `Bearer ${token}` } });
    expect((watchlist.body?.data as Array<{ symbol: string }>).map((entry) => entry.symbol)).toContain('NVDA');
  }, 120_000);
});
