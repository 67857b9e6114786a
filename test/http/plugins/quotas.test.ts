import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALE } from '../../support/scale.ts';
import { client, listen, register, startServer, type TestServer } from '../../support/http.ts';
import type { App } from '../../../src/app.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ RATE_LIMIT_BASIC: '5', RATE_LIMIT_PREMIUM: '8', RATE_LIMIT_PRO: '12', RATE_LIMIT_ANONYMOUS: '6' });
});
afterAll(async () => { await server?.close(); });

const nextUtcMidnight = () => Math.floor(Date.now() / 86_400_000 + 1) * 86_400;

describe(`daily quotas by tier (${SCALE})`, () => {
  it('counts each authenticated request and answers 429 with Retry-After when spent', async () => {
    const user = await register(server.call);
    const seen: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const answer = await server.call('GET', '/api/auth/profile/', { token: user.token });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ratelimit-limit')).toBe('5');
      expect(Number(answer.headers.get('x-ratelimit-reset'))).toBe(nextUtcMidnight());
      seen.push(Number(answer.headers.get('x-ratelimit-remaining')));
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const spent = await server.call('GET', '/api/auth/profile/', { token: user.token });
    expect(spent.status).toBe(429);
    expect(spent.body).toMatchObject({ success: false, code: 429, data: null });
    expect(spent.body.message).toContain('basic tier');
    const retryAfter = Number(spent.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(spent.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('counts the API key and the JWT of one user together', async () => {
    const user = await register(server.call);
    await server.call('GET', '/api/auth/profile/', { token: user.token });
    const viaKey = await server.call('GET', '/api/auth/profile/', { apiKey: user.apiKey });
    expect(viaKey.headers.get('x-ratelimit-remaining')).toBe('3');
    expect(viaKey.body.data.profile.usage).toMatchObject({ requestsToday: 2, dailyLimit: 5, remaining: 3 });
  });

  it('gives premium and pro their own limits, a tier change applying to the next requests', async () => {
    const user = await register(server.call);
    await server.app.services.accounts.setTier(user.email, 'premium');
    expect((await server.call('GET', '/api/auth/profile/', { token: user.token })).headers.get('x-ratelimit-limit')).toBe('8');
    await server.app.services.accounts.setTier(user.email, 'pro');
    const pro = await server.call('GET', '/api/auth/profile/', { token: user.token });
    expect(pro.headers.get('x-ratelimit-limit')).toBe('12');
    expect(pro.body.data.profile.tier).toBe('pro');
  });

  it('counts market requests with credentials against the user\'s tier, not the IP', async () => {
    const user = await register(server.call);
    await server.app.services.accounts.setTier(user.email, 'pro');
    const answer = await server.call('GET', '/api/market/clock/', { token: user.token });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-ratelimit-limit')).toBe('12');
  });

  it('limits anonymous data requests per IP, but never the health check or login', async () => {
    let last = 0;
    for (let i = 0; i < 7; i += 1) last = (await server.call('GET', '/api/market/clock/')).status;
    expect(last).toBe(429);
    for (let i = 0; i < 10; i += 1) expect((await server.call('GET', '/api/health/')).status).toBe(200);
    // The daily quota is spent, yet people behind this address can still log in: login has its own throttle.
    const user = await register(server.call);
    const login = await server.call('POST', '/api/auth/login/', { body: { email: user.email, password: user.password } });
    expect(login.status).toBe(200);
  });
});

describe.runIf(SCALE === 'scaled')('quotas shared across instances (scaled)', () => {
  let second: App;
  beforeAll(async () => { second = (await listen(server.environment.config)).app; });
  afterAll(async () => { await second?.close(); });

  it('spends one count whichever instance answers, and logout on one ends the session on the other', async () => {
    const callSecond = client(`http://127.0.0.1:${(second.http.server.address() as { port: number }).port}`);
    // Made directly: the anonymous quota of this IP was spent by the test above.
    const { user: created } = await server.app.services.accounts.createUser({ email: 'twin@example.com', password: 'violet-harbor-92-tensile' });
    const user = await server.app.services.tokens.startSession(created.id, { ip: null, userAgent: null });
    const remaining: string[] = [];
    for (const call of [server.call, callSecond, server.call, callSecond]) {
      remaining.push((await call('GET', '/api/auth/profile/', { token: user.token })).headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1']);
    expect((await server.call('POST', '/api/auth/logout/', { token: user.token })).status).toBe(200);
    expect((await callSecond('GET', '/api/auth/profile/', { token: user.token })).status).toBe(401);
  });
});
