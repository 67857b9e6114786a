// /api/admin/: an administrator, a normal user and no user at all; every change checked where a
// user would notice it (their tokens, API key, sockets, the jobs the schedule runs) and in the
// audit log, with who did it, the request id, and the target before and after.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../../../src/jobs/index.ts';
import { startWorkers, type Workers } from '../../../src/jobs/queues.ts';
import { QUEUES, SCHEDULE, type ScheduledJob } from '../../../src/jobs/schedule.ts';
import { manualClock } from '../../../src/domain/time.ts';
import { UNIVERSE } from '../../../src/providers/market/choose.ts';
import type { MarketDataProvider } from '../../../src/providers/market/port.ts';
import { createSimulatedProvider } from '../../../src/providers/market/simulated.ts';
import { register, startServer, type TestServer } from '../../support/http.ts';
import { MARKET_NOW } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';
import { connect, until } from '../../support/ws.ts';

// The seed's schedule, with no waits between attempts (a failure is final at once) and fire times
// far away, so nothing runs in this test but what it starts.
const schedule: ScheduledJob[] = SCHEDULE.map((row) => ({ ...row, cron: '0 0 1 1 *', retry: { delaysMs: [] } }));

let server: TestServer;
let workers: Workers | null = null;
let fault: 'none' | 'bug' = 'none';
let admin: Awaited<ReturnType<typeof register>>;
let user: Awaited<ReturnType<typeof register>>;

beforeAll(async () => {
  const clock = manualClock(MARKET_NOW);
  const simulated = createSimulatedProvider({ seed: 7, clock, universe: UNIVERSE });
  const provider: MarketDataProvider = {
    ...simulated,
    quotes: async (symbols) => {
      if (fault === 'bug') throw new Error('provider exploded');
      return simulated.quotes(symbols);
    },
    // A company outside the universe the provider knows; NOSUCH it has never heard of.
    profile: async (symbol) => (symbol === 'EXTRA'
      ? { symbol, name: 'Extra Corp', sector: 'Utilities', industry: null, marketCap: 9e12, exchange: 'SIM', currency: 'USD' }
      : simulated.profile(symbol)),
  };
  server = await startServer({}, { provider: { provider, reason: 'test' }, clock, schedule });
  if (SCALE === 'scaled') {
    const { config } = server.environment;
    workers = await startWorkers({
      redisUrl: config.redisUrl!, prefix: config.redisPrefix, queues: QUEUES, schedule,
      handlers: jobHandlers(server.app.services, config), log: pino({ level: 'silent' }),
    });
  }
  admin = await register(server.call);
  // As `stockmind user promote` does.
  await server.app.services.userAdmin.setAdmin(null, admin.email, true);
  user = await register(server.call);
});
afterAll(async () => {
  await workers?.close();
  await server?.close();
});

/** A call as the administrator, with a request id of the test's own. */
async function asAdmin(method: string, path: string, body?: unknown) {
  const requestId = `admin-test-${randomUUID()}`;
  const answer = await server.call(method, path, { token: admin.token, body, headers: { 'x-request-id': requestId } });
  return { ...answer, requestId };
}

/** The newest audit rows about a target. */
async function auditOf(targetType: string, targetId: string) {
  const answer = await asAdmin('GET', `/api/admin/audit/?targetType=${targetType}&targetId=${encodeURIComponent(targetId)}`);
  expect(answer.status).toBe(200);
  return answer.body.data as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const ROUTES: Array<[string, string, unknown?]> = [
  ['GET', '/api/admin/users/'],
  ['GET', `/api/admin/users/${randomUUID()}/`],
  ['POST', `/api/admin/users/${randomUUID()}/tier/`, { tier: 'pro' }],
  ['POST', `/api/admin/users/${randomUUID()}/deactivate/`],
  ['POST', `/api/admin/users/${randomUUID()}/reactivate/`],
  ['POST', `/api/admin/users/${randomUUID()}/revoke-sessions/`],
  ['POST', `/api/admin/users/${randomUUID()}/revoke-api-key/`],
  ['GET', '/api/admin/stocks/'],
  ['POST', '/api/admin/stocks/', { symbol: 'EXTRA' }],
  ['POST', '/api/admin/stocks/AAPL/deactivate/'],
  ['POST', '/api/admin/stocks/AAPL/activate/'],
  ['GET', '/api/admin/jobs/'],
  ['GET', '/api/admin/jobs/failed/'],
  ['POST', '/api/admin/jobs/failed/x/retry/'],
  ['POST', '/api/admin/jobs/cleanup_old_data/run/'],
  ['GET', '/api/admin/audit/'],
];

describe(`admin API: who may use it (${SCALE})`, () => {
  it('answers 401 without credentials and 403 to a user who is not an administrator, changing nothing', async () => {
    const before = (await asAdmin('GET', '/api/admin/audit/')).body.pagination.count;
    for (const [method, path, body] of ROUTES) {
      expect((await server.call(method, path, { body })).status, `${method} ${path} anonymous`).toBe(401);
      const refused = await server.call(method, path, { body, token: user.token });
      expect(refused.status, `${method} ${path} as a user`).toBe(403);
      expect(refused.body).toMatchObject({ success: false, code: 403 });
      expect((await server.call(method, path, { body, apiKey: user.apiKey })).status, `${method} ${path} with a user's API key`).toBe(403);
    }
    expect((await asAdmin('GET', '/api/admin/audit/')).body.pagination.count).toBe(before);
    expect((await asAdmin('GET', '/api/admin/stocks/?search=AAPL')).body.data[0]).toMatchObject({ symbol: 'AAPL', isActive: true });
  });

  it('lets an administrator in with their API key too', async () => {
    expect((await server.call('GET', '/api/admin/users/', { apiKey: admin.apiKey })).status).toBe(200);
  });
});

describe(`admin API: users (${SCALE})`, () => {
  it('lists and searches users, paginated', async () => {
    const marker = `Searchable${randomUUID().slice(0, 8)}`;
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await register(server.call, { fullName: `${marker} ${i}` }));
    const first = await asAdmin('GET', `/api/admin/users/?search=${marker.toLowerCase()}&page_size=2`);
    expect(first.status).toBe(200);
    expect(first.body.pagination).toMatchObject({ count: 3, page: 1, pageSize: 2, totalPages: 2 });
    expect(first.body.data).toHaveLength(2);
    const second = await server.call('GET', new URL(first.body.pagination.next).pathname + new URL(first.body.pagination.next).search, { token: admin.token });
    expect(second.body.data).toHaveLength(1);
    const listed = [...first.body.data, ...second.body.data].map((row: { email: string }) => row.email).sort();
    expect(listed).toEqual(made.map((m) => m.email).sort());
    expect(first.body.data[0]).toMatchObject({ isActive: true, isAdmin: false, tier: 'basic', apiKeyPrefix: expect.stringMatching(/^sm_/) });
    // By email too, and by role.
    const byEmail = await asAdmin('GET', `/api/admin/users/?search=${encodeURIComponent(made[1]!.email.toUpperCase())}`);
    expect(byEmail.body.data.map((row: { email: string }) => row.email)).toEqual([made[1]!.email]);
    const admins = await asAdmin('GET', '/api/admin/users/?isAdmin=true');
    expect(admins.body.data.map((row: { email: string }) => row.email)).toContain(admin.email);
    expect(admins.body.data.every((row: { isAdmin: boolean }) => row.isAdmin)).toBe(true);
    expect((await asAdmin('GET', `/api/admin/users/${randomUUID()}/`)).status).toBe(404);
  });

  it('changes a tier: the user\'s quota follows at once, and the audit row says who, when, before and after', async () => {
    const target = await register(server.call);
    const changed = await asAdmin('POST', `/api/admin/users/${target.user.id}/tier/`, { tier: 'premium' });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({ id: target.user.id, tier: 'premium' });
    const profile = await server.call('GET', '/api/auth/profile/', { token: target.token });
    expect(profile.body.data.profile.tier).toBe('premium');
    expect(profile.body.data.profile.usage.dailyLimit).toBe(server.environment.config.rateLimits.premium);
    const [row] = await auditOf('user', target.user.id);
    expect(row).toMatchObject({
      action: 'user.tier', actorId: admin.user.id, actorEmail: admin.email, targetType: 'user', targetId: target.user.id,
      requestId: changed.requestId, before: { tier: 'basic', email: target.email }, after: { tier: 'premium', email: target.email },
    });
    expect(Date.now() - Date.parse(row!.at)).toBeLessThan(60_000);
  });

  it('deactivates a user: sessions, refresh token, API key and sockets stop at once; reactivated, they log in again', async () => {
    const target = await register(server.call);
    // Used once, so each credential is known (cached) before the change.
    expect((await server.call('GET', '/api/auth/profile/', { token: target.token })).status).toBe(200);
    expect((await server.call('GET', '/api/auth/profile/', { apiKey: target.apiKey })).status).toBe(200);
    const socket = await connect(server.baseUrl, { query: { token: target.token } });
    await socket.next('authenticated');

    const done = await asAdmin('POST', `/api/admin/users/${target.user.id}/deactivate/`);
    expect(done.status).toBe(200);
    expect(done.body.data.isActive).toBe(false);
    expect((await server.call('GET', '/api/auth/profile/', { token: target.token })).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { apiKey: target.apiKey })).status).toBe(401);
    expect((await server.call('POST', '/api/token/refresh/', { body: { refresh: target.refresh } })).status).toBe(401);
    expect((await server.call('POST', '/api/auth/login/', { body: { email: target.email, password: target.password } })).status).toBe(400);
    expect((await socket.closed).code).toBe(1008);
    const [row] = await auditOf('user', target.user.id);
    expect(row).toMatchObject({ action: 'user.deactivate', requestId: done.requestId, before: { isActive: true }, after: { isActive: false, sessionsEnded: 1 } });

    const back = await asAdmin('POST', `/api/admin/users/${target.user.id}/reactivate/`);
    expect(back.body.data.isActive).toBe(true);
    // The sessions stay ended; the API key and a new login work again.
    expect((await server.call('GET', '/api/auth/profile/', { token: target.token })).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { apiKey: target.apiKey })).status).toBe(200);
    expect((await server.call('POST', '/api/auth/login/', { body: { email: target.email, password: target.password } })).status).toBe(200);
    expect((await auditOf('user', target.user.id)).map((entry) => entry.action)).toEqual(['user.reactivate', 'user.deactivate']);
  });

  it('refuses to let an administrator deactivate themselves', async () => {
    const refused = await asAdmin('POST', `/api/admin/users/${admin.user.id}/deactivate/`);
    expect(refused.status).toBe(400);
    expect((await server.call('GET', '/api/auth/profile/', { token: admin.token })).status).toBe(200);
  });

  it('revokes every session of a user but not their API key, and their API key but not their sessions', async () => {
    const target = await register(server.call);
    const second = await server.call('POST', '/api/auth/login/', { body: { email: target.email, password: target.password } });
    expect((await server.call('GET', '/api/auth/profile/', { token: second.body.data.token })).status).toBe(200);
    const revoked = await asAdmin('POST', `/api/admin/users/${target.user.id}/revoke-sessions/`);
    expect(revoked.body.data).toEqual({ sessionsEnded: 2 });
    for (const token of [target.token, second.body.data.token]) expect((await server.call('GET', '/api/auth/profile/', { token })).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { apiKey: target.apiKey })).status).toBe(200);

    const login = await server.call('POST', '/api/auth/login/', { body: { email: target.email, password: target.password } });
    const token = login.body.data.token as string;
    const keyless = await asAdmin('POST', `/api/admin/users/${target.user.id}/revoke-api-key/`);
    expect(keyless.status).toBe(200);
    expect(keyless.body.data.apiKeyPrefix).not.toBe(target.apiKey.slice(0, 11));
    expect((await server.call('GET', '/api/auth/profile/', { apiKey: target.apiKey })).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { token })).status).toBe(200);
    // They make themselves a new one.
    const fresh = await server.call('POST', '/api/auth/api-key/', { token });
    expect((await server.call('GET', '/api/auth/profile/', { apiKey: fresh.body.data.apiKey })).status).toBe(200);
    const actions = (await auditOf('user', target.user.id)).map((entry) => entry.action);
    expect(actions).toEqual(['user.revoke_api_key', 'user.revoke_sessions']);
  });
});

describe(`admin API: stocks (${SCALE})`, () => {
  it('adds a symbol the provider knows to the universe, and refuses one it does not', async () => {
    const added = await asAdmin('POST', '/api/admin/stocks/', { symbol: 'extra' });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ symbol: 'EXTRA', name: 'Extra Corp', isActive: true });
    expect(await server.app.services.catalog.active(5)).toContain('EXTRA');
    const [row] = await auditOf('stock', 'EXTRA');
    expect(row).toMatchObject({ action: 'stock.add', actorId: admin.user.id, requestId: added.requestId, before: { isActive: false }, after: { isActive: true } });

    const unknown = await asAdmin('POST', '/api/admin/stocks/', { symbol: 'NOSUCH' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.symbol).toBeDefined();
    expect(await auditOf('stock', 'NOSUCH')).toEqual([]);
    expect((await asAdmin('POST', '/api/admin/stocks/', { symbol: '!!' })).status).toBe(400);
  });

  it('switches a symbol off and on: the jobs stop and resume following it', async () => {
    const symbol = 'MSFT';
    const off = await asAdmin('POST', `/api/admin/stocks/${symbol}/deactivate/`);
    expect(off.status).toBe(200);
    expect(off.body.data.isActive).toBe(false);
    expect(await server.app.services.catalog.active(1_000)).not.toContain(symbol);
    const inactive = await asAdmin('GET', '/api/admin/stocks/?isActive=false&page_size=500');
    expect(inactive.body.data.map((row: { symbol: string }) => row.symbol)).toContain(symbol);
    await asAdmin('POST', `/api/admin/stocks/${symbol}/activate/`);
    expect(await server.app.services.catalog.active(1_000)).toContain(symbol);
    expect((await auditOf('stock', symbol)).map((entry) => [entry.action, entry.before.isActive, entry.after.isActive]))
      .toEqual([['stock.activate', false, true], ['stock.deactivate', true, false]]);
    expect((await asAdmin('POST', '/api/admin/stocks/ZZZZZZ/deactivate/')).status).toBe(404);
  });
});

describe(`admin API: jobs (${SCALE})`, () => {
  type Job = { name: string; running: boolean; nextRun: string | null; lastRun: { id: string; outcome: string | null; durationMs: number | null; error: string | null } | null };
  const jobs = async () => (await asAdmin('GET', '/api/admin/jobs/')).body.data as { runner: string; jobs: Job[] };
  const lastRunOf = async (name: string) => (await jobs()).jobs.find((job) => job.name === name)!;

  it('lists every job of the schedule with its next run', async () => {
    const answer = await jobs();
    expect(answer.runner).toBe(SCALE === 'embedded' ? 'in-process' : 'bullmq');
    expect(answer.jobs.map((job) => job.name)).toEqual(schedule.map((row) => row.name));
    for (const job of answer.jobs) expect(Date.parse(job.nextRun!)).toBeGreaterThan(Date.now());
  });

  it('runs a job by hand and shows its last run, duration and outcome', async () => {
    const started = await asAdmin('POST', '/api/admin/jobs/cleanup_old_data/run/');
    expect(started.status).toBe(202);
    const { id } = started.body.data as { id: string };
    const job = await until(async () => {
      const state = await lastRunOf('cleanup_old_data');
      return state.lastRun?.id === id && state.lastRun.outcome !== null && state;
    }, 30_000);
    expect(job.lastRun).toMatchObject({ outcome: 'ok', error: null });
    expect(job.lastRun!.durationMs).toBeGreaterThanOrEqual(0);
    expect(job.running).toBe(false);
    const [row] = await auditOf('job', 'cleanup_old_data');
    expect(row).toMatchObject({ action: 'job.run', actorId: admin.user.id, requestId: started.requestId, after: { runId: id } });
    expect((await asAdmin('POST', '/api/admin/jobs/no_such_job/run/')).status).toBe(404);
  });

  it('lists a failed job with its error and retries it', async () => {
    fault = 'bug';
    const started = await asAdmin('POST', '/api/admin/jobs/fetch_market_data/run/');
    const failedId = started.body.data.id as string;
    const failure = await until(async () => {
      const answer = await asAdmin('GET', '/api/admin/jobs/failed/');
      return (answer.body.data as Array<{ id: string; name: string; error: string; attempts: number }>).find((entry) => entry.id === failedId);
    }, 30_000);
    expect(failure).toMatchObject({ name: 'fetch_market_data', queue: 'market_data', attempts: 1 });
    expect(failure.error).toContain('provider exploded');
    fault = 'none';

    const retried = await asAdmin('POST', `/api/admin/jobs/failed/${encodeURIComponent(failedId)}/retry/`);
    expect(retried.status).toBe(202);
    const runId = retried.body.data.id as string;
    const job = await until(async () => {
      const state = await lastRunOf('fetch_market_data');
      return state.lastRun?.id === runId && state.lastRun.outcome !== null && state;
    }, 30_000);
    expect(job.lastRun!.outcome).toBe('ok');
    const failedNow = (await asAdmin('GET', '/api/admin/jobs/failed/')).body.data as Array<{ id: string }>;
    expect(failedNow.map((entry) => entry.id)).not.toContain(failedId);
    expect((await auditOf('job', 'fetch_market_data'))[0]).toMatchObject({ action: 'job.retry', requestId: retried.requestId, before: { failedRun: failedId }, after: { runId } });
    expect((await asAdmin('POST', '/api/admin/jobs/failed/default:nope/retry/')).status).toBe(404);
  });
});
