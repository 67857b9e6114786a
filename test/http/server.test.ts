import { connect } from 'node:net';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALE } from '../support/scale.ts';
import { register, startServer, type TestServer } from '../support/http.ts';

let server: TestServer;
beforeAll(async () => { server = await startServer({ CORS_ORIGINS: 'https://app.example.com' }); });
afterAll(async () => { await server?.close(); });

describe(`HTTP conventions (${SCALE})`, () => {
  it('answers health with database and Redis reachability and the version', async () => {
    const answer = await server.call('GET', '/api/health/');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({
      status: 'ok', version: '0.1.0', scale: SCALE,
      database: { status: 'ok', kind: SCALE === 'scaled' ? 'postgres' : 'pglite' },
      redis: { status: SCALE === 'scaled' ? 'ok' : 'not_configured' },
    });
  });

  it('serves paths with and without the trailing slash', async () => {
    expect((await server.call('GET', '/api/health')).status).toBe(200);
    expect((await server.call('GET', '/api/health/')).status).toBe(200);
  });

  it('answers unknown paths with a 404 envelope', async () => {
    const answer = await server.call('GET', '/api/nothing/here/');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ data: null, message: 'Not found: GET /api/nothing/here/', status: 'error', errors: {}, success: false, code: 404 });
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const answer = await server.call('DELETE', '/api/auth/login/');
    expect(answer.status).toBe(405);
    expect(answer.body).toMatchObject({ success: false, code: 405 });
    expect(answer.headers.get('allow')).toContain('POST');
    expect((await server.call('GET', '/api/auth/register')).status).toBe(405);
  });

  it('rejects malformed JSON with a 400 envelope', async () => {
    for (const raw of ['{"email": "a@b.co",', '{\'single\': 1}', '[1,2', 'nul']) {
      const answer = await server.call('POST', '/api/auth/login/', { raw });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ success: false, code: 400, message: 'Malformed JSON in request body.' });
    }
  });

  it('rejects prototype-poisoning bodies', async () => {
    const answer = await server.call('POST', '/api/auth/login/', { raw: '{"email":"a@b.co","password":"x","__proto__":{"isAdmin":true}}' });
    expect(answer.status).toBe(400);
  });

  it('gives field errors for wrong types and missing fields, never a 500', async () => {
    const missing = await server.call('POST', '/api/auth/register/', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual({ email: ['This field is required.'], password: ['This field is required.'] });
    const types = await server.call('POST', '/api/auth/register/', { body: { email: 42, password: ['x'], fullName: { a: 1 } } });
    expect(types.status).toBe(400);
    expect(types.body.errors).toEqual({ email: ['Must be a string.'], password: ['Must be a string.'], fullName: ['Must be a string.'] });
    const notObject = await server.call('POST', '/api/auth/login/', { body: [1, 2, 3] });
    expect(notObject.status).toBe(400);
    expect(notObject.body.errors.nonFieldErrors).toBeDefined();
    const tooLong = await server.call('POST', '/api/auth/register/', { body: { email: `${'a'.repeat(300)}@example.com`, password: 'violet-harbor-92-tensile' } });
    expect(tooLong.body.errors.email).toEqual(['Ensure this field has no more than 254 characters.']);
  });

  it('refuses a 10 MB body with 413 before reading it', async () => {
    const answer = await server.call('POST', '/api/auth/register/', { raw: `{"email":"${'x'.repeat(10 * 1024 * 1024)}"}` });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ success: false, code: 413 });
  });

  it('refuses bodies that are not JSON with 415', async () => {
    const answer = await server.call('POST', '/api/auth/login/', { raw: 'email=a@b.co', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe(415);
  });

  it('ignores unknown body fields and never stores them', async () => {
    const user = await register(server.call, { isAdmin: true, tier: 'pro', isEmailVerified: true, id: '00000000-0000-0000-0000-000000000001' });
    expect(user.user.id).not.toBe('00000000-0000-0000-0000-000000000001');
    const profile = await server.call('GET', '/api/auth/profile/', { token: user.token });
    expect(profile.body.data).toMatchObject({ isAdmin: false, isEmailVerified: false, profile: { tier: 'basic' } });
  });

  it('keeps SQL and script fragments as inert text in every string field', async () => {
    const fragments = ["'; drop table users; --", '<script>alert(1)</script>', "' or '1'='1", '\u0000\u202e', '${7*7}{{7*7}}'];
    for (const fragment of fragments) {
      const login = await server.call('POST', '/api/auth/login/', { body: { email: fragment, password: fragment } });
      expect(login.status).toBe(400);
      const reg = await server.call('POST', '/api/auth/register/', { body: { email: `${fragment}@example.com`, password: fragment, fullName: fragment } });
      expect(reg.status).toBe(400);
    }
    const user = await register(server.call, { fullName: "Robert'); DROP TABLE users;-- <script>x</script>" });
    expect(user.user.fullName).toBe("Robert'); DROP TABLE users;-- <script>x</script>");
    const refresh = await server.call('POST', '/api/token/refresh/', { body: { refresh: "' or 1=1 --" } });
    expect(refresh.status).toBe(401);
    // The users table is still there.
    expect((await server.call('POST', '/api/auth/login/', { body: { email: user.email, password: user.password } })).status).toBe(200);
  });

  it('refuses NUL characters anywhere with 400, never a database error', async () => {
    const name = await server.call('POST', '/api/auth/register/', { body: { email: 'nul@example.com', password: 'violet-harbor-92-tensile', fullName: 'Ada\u0000' } });
    expect(name.status).toBe(400);
    expect(name.body.errors.fullName).toEqual(['NUL characters are not allowed.']);
    expect((await server.call('POST', '/api/auth/login/', { body: { email: 'a\u0000b@example.com', password: 'whatever-it-is' } })).status).toBe(400);
    expect((await server.call('GET', '/api/market/search?q=%00')).status).toBe(400);
    expect((await server.call('GET', '/api/market/stocks?sector=%00')).status).toBe(400);
  });

  it('refuses an avatar URL that grows past 500 characters once normalised, and absurd page numbers', async () => {
    const user = await register(server.call);
    const long = await server.call('PATCH', '/api/auth/profile/', { token: user.token, body: { avatarUrl: `https://x.io/${'é'.repeat(480)}` } });
    expect(long.status).toBe(400);
    expect(long.body.errors.avatarUrl).toBeDefined();
    expect((await server.call('GET', '/api/market/stocks?page=99999999999999999999')).status).toBe(400);
  });

  it('answers invalid UUIDs in paths with 400 and a field error', async () => {
    const user = await register(server.call);
    const answer = await server.call('DELETE', "/api/auth/sessions/1' or '1'='1/", { token: user.token });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.id).toEqual(['Must be a valid UUID.']);
  });

  it('validates query strings with field errors', async () => {
    const user = await register(server.call);
    const answer = await server.call('GET', '/api/auth/sessions/?page=0&page_size=100000', { token: user.token });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.errors).sort()).toEqual(['page', 'page_size']);
  });

  it('answers CORS preflight for the allowed origin with the client\'s headers and methods', async () => {
    const answer = await server.call('OPTIONS', '/api/auth/profile/', {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type,x-api-key' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS']) expect(answer.headers.get('access-control-allow-methods')).toContain(method);
    for (const header of ['Authorization', 'Content-Type', 'X-API-Key']) expect(answer.headers.get('access-control-allow-headers')).toContain(header);
    const denied = await server.call('OPTIONS', '/api/auth/profile/', { headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'GET' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends security headers and a request id, keeping a sane incoming one', async () => {
    const answer = await server.call('GET', '/api/health/', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(answer.headers.get('x-request-id')).toBe('trace-abc-123');
    // A JSON answer: the headers that act on a response no browser renders (OWASP REST).
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('strict-transport-security')).toContain('max-age');
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(answer.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(answer.headers.get('cross-origin-opener-policy')).toBeNull();
    // A page: helmet's document headers.
    const page = await server.call('GET', '/api/docs/static/index.html');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const insane = await server.call('GET', '/api/health/', { headers: { 'x-request-id': 'a b\tc'.repeat(40) } });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document and UI at /api/docs, with every route described', async () => {
    const ui = await server.call('GET', '/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('<html');
    const spec = await server.call('GET', '/api/docs/json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    for (const path of ['/api/auth/register/', '/api/auth/login/', '/api/auth/logout/', '/api/auth/profile/', '/api/token/refresh/', '/api/health/']) {
      expect(Object.keys(spec.body.paths)).toContain(path);
    }
    const register = spec.body.paths['/api/auth/register/'].post;
    expect(register.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400']));
  });

  it('never leaks a stack trace or SQL in an error', async () => {
    const answers = await Promise.all([
      server.call('POST', '/api/auth/login/', { raw: '{' }),
      server.call('GET', '/api/auth/profile/', { token: 'x.y.z' }),
      server.call('POST', '/api/token/refresh/', { body: { refresh: 'a'.repeat(2049) } }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toMatch(/at .+\.(ts|js):\d+|node_modules|select |insert into/i);
    }
  });

  // What the router, Node or the CORS plugin answer before our handlers: the envelope too.
  it('answers a path segment over the router\'s length limit with a 414 envelope', async () => {
    const answer = await server.call('GET', `/api/market/stock/${'A'.repeat(200)}/`);
    expect(answer.status).toBe(414);
    expect(answer.body).toMatchObject({ success: false, code: 414, status: 'error', data: null });
    expect(answer.body.errors.url).toHaveLength(1);
  });

  it('answers malformed percent-encoding with a 400 envelope', async () => {
    const answer = await server.call('GET', '/api/market/stock/%E0%A4%A/');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, code: 400, errors: { url: [expect.stringContaining('percent-encoding')] } });
  });

  it('answers oversized headers with a 431 envelope', async () => {
    const answer = await server.call('GET', '/api/health/', { headers: { 'x-padding': 'x'.repeat(20_000) } });
    expect(answer.status).toBe(431);
    expect(answer.body).toMatchObject({ success: false, code: 431, data: null });
  });

  /** One raw HTTP exchange, for requests fetch will not send. */
  function raw(request: string): Promise<{ status: number; body: unknown }> {
    const { hostname, port } = new URL(server.baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.write(request));
      let text = '';
      socket.on('data', (chunk) => { text += chunk; });
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = text.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), body: body ? JSON.parse(body) : null });
      });
    });
  }

  it('answers a request without a Host header, and a malformed request line, with a 400 envelope', async () => {
    const noHost = await raw('GET /api/health/ HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(noHost.status).toBe(400);
    expect(noHost.body).toMatchObject({ success: false, code: 400, errors: { host: [expect.any(String)] } });
    const garbage = await raw('THIS IS NOT HTTP\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.body).toMatchObject({ success: false, code: 400 });
  });

  it('answers OPTIONS on an unknown path with a 404 envelope, and on a known one with Allow', async () => {
    const unknown = await server.call('OPTIONS', '/api/nothing/here/');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ success: false, code: 404 });
    const known = await server.call('OPTIONS', '/api/auth/login/');
    expect(known.status).toBe(204);
    expect(known.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('tells a newcomer at / and /api/ what this is and where the docs are', async () => {
    for (const path of ['/', '/api/', '/api']) {
      const answer = await server.call('GET', path);
      expect(answer.status).toBe(200);
      expect(answer.body.data).toMatchObject({ name: 'StockMind', docs: '/api/docs', health: '/api/health/' });
    }
  });

  it('sends no upgrade-insecure-requests, so the docs load over plain HTTP on any address', async () => {
    for (const path of ['/api/docs', '/api/docs/static/index.html']) {
      const csp = (await server.call('GET', path)).headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
    expect((await server.call('GET', '/api/health/')).headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  });
});


describe(`ALLOWED_HOSTS (${SCALE})`, () => {
  let guarded: TestServer;
  beforeAll(async () => { guarded = await startServer({ ALLOWED_HOSTS: 'api.example.com' }); });
  afterAll(async () => { await guarded?.close(); });

  /** A GET with the Host header of our choosing (fetch always sends the URL's). */
  function withHost(host: string): Promise<{ status: number; body: { message?: string; errors?: Record<string, string[]> } | null }> {
    const { hostname, port } = new URL(guarded.baseUrl);
    return new Promise((resolve, reject) => {
      request({ hostname, port, path: '/api/health/', headers: { host } }, (response) => {
        let text = '';
        response.on('data', (chunk) => { text += chunk; });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      }).on('error', reject).end();
    });
  }

  it('serves the hosts it names, in any case and with a port, and refuses any other with a 400 envelope', async () => {
    expect((await withHost('api.example.com')).status).toBe(200);
    expect((await withHost('API.Example.com:8000')).status).toBe(200);
    const refused = await withHost('evil.example.net');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ message: 'Invalid Host header.', errors: { host: ['Host not allowed.'] } });
  });
});
