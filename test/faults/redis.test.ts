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

    await redis.start();
    await waitFor(async () => (await timed(`${base}/api/health/`)).status === 200, 20_000, 'health to recover');
    const after = await round();
    for (const answer of Object.values(after)) expect(answer.status).toBe(200);
    expect(after.health.body?.data).toMatchObject({ redis: { status: 'ok' } });
  }, 120_000);
});
