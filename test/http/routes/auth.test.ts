import { eq } from 'drizzle-orm';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTokens } from '../../../src/db/schema/index.ts';
import { sha256 } from '../../../src/services/secrets.ts';
import { SCALE } from '../../support/scale.ts';
import { newUser, register, startServer, type TestServer } from '../../support/http.ts';

let server: TestServer;
beforeAll(async () => { server = await startServer(); });
afterAll(async () => { await server?.close(); });

describe(`auth flows (${SCALE})`, () => {
  it('registers with the envelope, camelCase keys and both tokens', async () => {
    const body = newUser({ fullName: 'Grace Hopper' });
    const answer = await server.call('POST', '/api/auth/register', { body });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'success', success: true, message: 'Registration successful' });
    const { data } = answer.body;
    expect(data.token.split('.')).toHaveLength(3);
    expect(data.refresh.split('.')).toHaveLength(3);
    expect(data.apiKey).toMatch(/^sm_[\w-]{40}$/);
    expect(data.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: body.email, fullName: 'Grace Hopper',
      avatarUrl: null, isEmailVerified: false, createdAt: expect.any(String),
    });
  });

  it('accepts `name` as a synonym of fullName and snake_case keys', async () => {
    const a = await server.call('POST', '/api/auth/register/', { body: { ...newUser(), fullName: undefined, name: 'Alan Turing' } });
    expect(a.body.data.user.fullName).toBe('Alan Turing');
    const b = await server.call('POST', '/api/auth/register/', { body: { ...newUser(), fullName: undefined, full_name: 'Katherine Johnson' } });
    expect(b.body.data.user.fullName).toBe('Katherine Johnson');
  });

  it('stores the email lower-cased and refuses a duplicate with the seed\'s message', async () => {
    const body = newUser();
    await server.call('POST', '/api/auth/register/', { body });
    const again = await server.call('POST', '/api/auth/register/', { body: { ...body, email: body.email.toUpperCase() } });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ success: false, status: 'error', code: 400, data: null });
    expect(again.body.errors.email).toEqual(['user with this email already exists.']);
    // The message a client shows says what is wrong.
    expect(again.body.message).toBe(`An account with the email ${body.email} already exists.`);
  });

  it('applies Django\'s password rules with field errors', async () => {
    const answer = await server.call('POST', '/api/auth/register/', { body: newUser({ password: '12345678' }) });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.password).toEqual(expect.arrayContaining(['This password is too common.', 'This password is entirely numeric.']));
  });

  it('creates the user and its profile together, or neither', async () => {
    const body = newUser({ password: 'short' });
    expect((await server.call('POST', '/api/auth/register/', { body })).status).toBe(400);
    // The rejected email is still free: nothing half-written was left behind.
    expect((await server.call('POST', '/api/auth/register/', { body: { ...body, password: 'violet-harbor-92-tensile' } })).status).toBe(201);
  });

  it('hashes passwords with argon2id', async () => {
    const user = await register(server.call);
    const stored = await server.app.services.accounts.get(user.user.id);
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('logs in, records the login IP, and refuses wrong credentials without saying which part', async () => {
    const user = await register(server.call);
    const login = await server.call('POST', '/api/auth/login', { body: { email: user.email.toUpperCase(), password: user.password } });
    expect(login.status).toBe(200);
    expect(login.body.message).toBe('Login successful');
    expect(Object.keys(login.body.data).sort()).toEqual(['refresh', 'token', 'user']);
    const profile = await server.call('GET', '/api/auth/profile', { token: login.body.data.token });
    expect(profile.body.data.profile.lastLoginIp).toBe('127.0.0.1');
    expect(profile.body.data.lastLogin).not.toBeNull();

    const wrong = await server.call('POST', '/api/auth/login/', { body: { email: user.email, password: 'not-the-password' } });
    const unknown = await server.call('POST', '/api/auth/login/', { body: { email: 'nobody@example.com', password: 'not-the-password' } });
    expect(wrong.status).toBe(400);
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('reads and updates the profile with preferences merged', async () => {
    const user = await register(server.call);
    const before = await server.call('GET', '/api/auth/profile/', { token: user.token });
    expect(before.status).toBe(200);
    expect(before.body.data).toMatchObject({
      email: user.email, isAdmin: false,
      profile: {
        tier: 'basic', apiKeyPrefix: user.apiKey.slice(0, 11),
        notificationPreferences: { emailAlerts: true, priceAlerts: true, newsDigest: false, predictionUpdates: false },
        usage: { dailyLimit: 1000, requestsToday: 1, remaining: 999 },
      },
    });
    const patched = await server.call('PATCH', '/api/auth/profile', {
      token: user.token,
      body: { fullName: 'Ada King', avatarUrl: 'https://example.com/ada.png', notificationPreferences: { newsDigest: true }, tier: 'pro', isAdmin: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ fullName: 'Ada King', avatarUrl: 'https://example.com/ada.png', isAdmin: false });
    expect(patched.body.data.profile.tier).toBe('basic');
    expect(patched.body.data.profile.notificationPreferences).toEqual({ emailAlerts: true, priceAlerts: true, newsDigest: true, predictionUpdates: false });
  });

  it('refuses a javascript: avatar and wrong preference types', async () => {
    const user = await register(server.call);
    const script = await server.call('PATCH', '/api/auth/profile/', { token: user.token, body: { avatarUrl: 'javascript:alert(1)' } });
    expect(script.status).toBe(400);
    expect(script.body.errors.avatarUrl).toBeDefined();
    const wrongType = await server.call('PATCH', '/api/auth/profile/', { token: user.token, body: { notificationPreferences: { newsDigest: 'yes' } } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors['notificationPreferences.newsDigest']).toEqual(['Must be a boolean.']);
  });

  it('authenticates with X-API-Key, and a regenerated key replaces the old one at once', async () => {
    const user = await register(server.call);
    expect((await server.call('GET', '/api/auth/profile/', { apiKey: user.apiKey })).status).toBe(200);
    const fresh = await server.call('POST', '/api/auth/api-key/', { token: user.token });
    expect(fresh.status).toBe(200);
    expect(fresh.body.data.apiKey).not.toBe(user.apiKey);
    expect((await server.call('GET', '/api/auth/profile/', { apiKey: user.apiKey })).status).toBe(401);
    const withNew = await server.call('GET', '/api/auth/profile/', { apiKey: fresh.body.data.apiKey });
    expect(withNew.status).toBe(200);
    expect(withNew.body.data.profile.apiKeyPrefix).toBe(fresh.body.data.apiKeyPrefix);
    expect(JSON.stringify(withNew.body)).not.toContain(fresh.body.data.apiKey);
  });

  it('rotates refresh tokens on every use', async () => {
    const user = await register(server.call);
    const first = await server.call('POST', '/api/token/refresh/', { body: { refresh: user.refresh } });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body.data).sort()).toEqual(['refresh', 'token']);
    expect(first.body.data.refresh).not.toBe(user.refresh);
    expect((await server.call('GET', '/api/auth/profile/', { token: first.body.data.token })).status).toBe(200);
    const second = await server.call('POST', '/api/token/refresh', { body: { refresh: first.body.data.refresh } });
    expect(second.status).toBe(200);
  });

  it('revokes the whole session when a rotated refresh token is replayed after the grace window', async () => {
    const user = await register(server.call);
    const rotated = await server.call('POST', '/api/token/refresh/', { body: { refresh: user.refresh } });
    // The token was spent a minute ago: well past the 10 s allowed for concurrent tabs.
    await server.app.infra.database.db.update(refreshTokens).set({ rotatedAt: new Date(Date.now() - 60_000) })
      .where(eq(refreshTokens.tokenHash, sha256(user.refresh)));
    const replay = await server.call('POST', '/api/token/refresh/', { body: { refresh: user.refresh } });
    expect(replay.status).toBe(401);
    // The thief's replay ended the session: the legitimate newer tokens die with it.
    expect((await server.call('POST', '/api/token/refresh/', { body: { refresh: rotated.body.data.refresh } })).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { token: rotated.body.data.token })).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { token: user.token })).status).toBe(401);
    // Other sessions of the same user live on.
    const login = await server.call('POST', '/api/auth/login/', { body: { email: user.email, password: user.password } });
    expect((await server.call('GET', '/api/auth/profile/', { token: login.body.data.token })).status).toBe(200);
  });

  it('gives two tabs refreshing with the same token at once a pair each, in the same session', async () => {
    const user = await register(server.call);
    const answers = await Promise.all([1, 2].map(() => server.call('POST', '/api/token/refresh/', { body: { refresh: user.refresh } })));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]!.body.data.refresh).not.toBe(answers[1]!.body.data.refresh);
    for (const answer of answers) expect((await server.call('GET', '/api/auth/profile/', { token: answer.body.data.token })).status).toBe(200);
    const sessions = await server.call('GET', '/api/auth/sessions/', { token: user.token });
    expect(sessions.body.data).toHaveLength(1);
  });

  it('logs out with no body, ending only that session', async () => {
    const user = await register(server.call);
    const other = await server.call('POST', '/api/auth/login/', { body: { email: user.email, password: user.password } });
    const logout = await server.call('POST', '/api/auth/logout', { token: user.token });
    expect(logout.status).toBe(200);
    expect(logout.body).toMatchObject({ success: true, data: null, message: 'Logout successful' });
    expect((await server.call('GET', '/api/auth/profile/', { token: user.token })).status).toBe(401);
    expect((await server.call('POST', '/api/token/refresh/', { body: { refresh: user.refresh } })).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { token: other.body.data.token })).status).toBe(200);
  });

  it('logs out with a JSON content type and an empty body', async () => {
    const user = await register(server.call);
    const logout = await server.call('POST', '/api/auth/logout/', { token: user.token, raw: '' });
    expect(logout.status).toBe(200);
  });

  it('logs out with a {refresh} body alone', async () => {
    const user = await register(server.call);
    expect((await server.call('POST', '/api/auth/logout/', { body: { refresh: user.refresh } })).status).toBe(200);
    expect((await server.call('GET', '/api/auth/profile/', { token: user.token })).status).toBe(401);
  });

  it('refuses someone else\'s refresh token at logout before revoking anything', async () => {
    const alice = await register(server.call);
    const bob = await register(server.call);
    const answer = await server.call('POST', '/api/auth/logout/', { token: alice.token, body: { refresh: bob.refresh } });
    expect(answer.status).toBe(400);
    expect((await server.call('GET', '/api/auth/profile/', { token: alice.token })).status).toBe(200);
    expect((await server.call('POST', '/api/token/refresh/', { body: { refresh: bob.refresh } })).status).toBe(200);
  });

  it('logs out with an expired access token beside a valid refresh token', async () => {
    const user = await register(server.call);
    const claims = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const expired = createSigner({ key: server.environment.config.secretKey, algorithm: 'HS256' })({ ...claims, iat: 1_000, exp: 2_000 });
    const answer = await server.call('POST', '/api/auth/logout/', { token: expired, body: { refresh: user.refresh } });
    expect(answer.status).toBe(200);
    expect((await server.call('POST', '/api/token/refresh/', { body: { refresh: user.refresh } })).status).toBe(401);
  });

  it('ends the access token\'s session even when the refresh token beside it is bad', async () => {
    const user = await register(server.call);
    const answer = await server.call('POST', '/api/auth/logout/', { token: user.token, body: { refresh: 'not.a.token' } });
    expect(answer.status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { token: user.token })).status).toBe(401);
  });

  it('ignores a stale token on register and login instead of answering 401', async () => {
    const user = await register(server.call);
    const login = await server.call('POST', '/api/auth/login/', { token: 'stale.token.here', body: { email: user.email, password: user.password } });
    expect(login.status).toBe(200);
  });

  it('refuses logout with no credentials at all', async () => {
    const answer = await server.call('POST', '/api/auth/logout/');
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe('Authentication credentials were not provided.');
  });

  it('lists open sessions, marks the current one, and ends one by id', async () => {
    const user = await register(server.call);
    const second = await server.call('POST', '/api/auth/login/', { body: { email: user.email, password: user.password }, headers: { 'user-agent': 'phone-app/1.0' } });
    const list = await server.call('GET', '/api/auth/sessions/?page_size=1', { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.pagination).toMatchObject({ count: 2, page: 1, pageSize: 1, totalPages: 2, previous: null });
    expect(list.body.pagination.next).toContain('page=2');
    const all = await server.call('GET', '/api/auth/sessions/', { token: user.token });
    const phone = all.body.data.find((s: { userAgent: string }) => s.userAgent === 'phone-app/1.0');
    expect(all.body.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect((await server.call('DELETE', `/api/auth/sessions/${phone.id}/`, { token: user.token })).status).toBe(200);
    expect((await server.call('GET', '/api/auth/profile/', { token: second.body.data.token })).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { token: user.token })).status).toBe(200);
  });

  it('does not let one user end another user\'s session', async () => {
    const alice = await register(server.call);
    const bob = await register(server.call);
    const bobs = await server.call('GET', '/api/auth/sessions/', { token: bob.token });
    const attempt = await server.call('DELETE', `/api/auth/sessions/${bobs.body.data[0].id}`, { token: alice.token });
    expect(attempt.status).toBe(404);
    expect((await server.call('GET', '/api/auth/profile/', { token: bob.token })).status).toBe(200);
  });
});

describe(`bad tokens (${SCALE})`, () => {
  const payload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

  it('refuses a missing, malformed or tampered token with 401 and the envelope', async () => {
    const user = await register(server.call);
    const [head, body, signature] = user.token.split('.');
    const tamperedBody = Buffer.from(JSON.stringify({ ...payload(user.token), sub: '00000000-0000-0000-0000-000000000000' })).toString('base64url');
    for (const token of ['not-a-jwt', `${head}.${tamperedBody}.${signature}`, `${head}.${body}.${signature!.slice(0, -2)}xx`]) {
      const answer = await server.call('GET', '/api/auth/profile/', { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ success: false, code: 401, data: null });
      expect(answer.body.errors.token).toBeDefined();
    }
    expect((await server.call('GET', '/api/auth/profile/')).status).toBe(401);
    expect((await server.call('GET', '/api/auth/profile/', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('refuses alg:none and tokens signed with another key or algorithm', async () => {
    const user = await register(server.call);
    const claims = payload(user.token);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const otherKey = createSigner({ key: 'another-secret-of-at-least-32-bytes!!', algorithm: 'HS256' })(claims);
    const hs512 = createSigner({ key: server.environment.config.secretKey, algorithm: 'HS512' })(claims);
    for (const token of [none, otherKey, hs512]) {
      expect((await server.call('GET', '/api/auth/profile/', { token })).status).toBe(401);
    }
  });

  it('refuses expired access tokens, saying so', async () => {
    const user = await register(server.call);
    const claims = payload(user.token);
    const expired = createSigner({ key: server.environment.config.secretKey, algorithm: 'HS256' })({ ...claims, iat: 1_000, exp: 2_000 });
    const answer = await server.call('GET', '/api/auth/profile/', { token: expired });
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe('Token is expired');
  });

  it('refuses a refresh token used as an access token, and the reverse', async () => {
    const user = await register(server.call);
    const asAccess = await server.call('GET', '/api/auth/profile/', { token: user.refresh });
    expect(asAccess.status).toBe(401);
    expect(asAccess.body.errors.token[0]).toContain('wrong type');
    expect((await server.call('POST', '/api/token/refresh/', { body: { refresh: user.token } })).status).toBe(401);
  });

  it('refuses an unknown API key', async () => {
    const answer = await server.call('GET', '/api/auth/profile/', { apiKey: 'sm_thisKeyWasNeverIssuedToAnyoneAtAll00000' });
    expect(answer.status).toBe(401);
    expect(answer.body.errors.apiKey).toEqual(['Invalid API key.']);
  });
});

describe(`brute-force throttle of login, register and refresh (${SCALE})`, () => {
  let throttled: TestServer;
  beforeAll(async () => { throttled = await startServer({ AUTH_THROTTLE_PER_IP: '8', AUTH_THROTTLE_PER_ACCOUNT: '3' }); });
  afterAll(async () => { await throttled?.close(); });

  it('stops guessing one account, then one address, with 429 and Retry-After', async () => {
    const call = throttled.call;
    const victim = await register(call);
    const other = await register(call);
    const wrong = { email: victim.email, password: 'not-the-password-42' };
    for (let i = 0; i < 3; i += 1) expect((await call('POST', '/api/auth/login/', { body: wrong })).status).toBe(400);
    // Even the right password waits now: the account has had too many failures.
    const locked = await call('POST', '/api/auth/login/', { body: { email: victim.email, password: victim.password } });
    expect(locked.status).toBe(429);
    expect(locked.body.message).toContain('this account');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address is not locked with it.
    expect((await call('POST', '/api/auth/login/', { body: { email: other.email, password: other.password } })).status).toBe(200);
    // The address itself: 2 registrations and 5 logins so far; the 8th attempt is the last allowed.
    expect((await call('POST', '/api/token/refresh/', { body: { refresh: other.refresh } })).status).toBe(200);
    const blocked = await call('POST', '/api/auth/register/', { body: newUser() });
    expect(blocked.status).toBe(429);
    expect(blocked.body.message).toContain('your address');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Data routes still answer: the throttle is not the daily quota.
    expect((await call('GET', '/api/auth/profile/', { token: other.token })).status).toBe(200);
  });
});

