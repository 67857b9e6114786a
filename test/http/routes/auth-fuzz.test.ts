// Property: whatever body arrives at an auth route, the answer is an envelope and never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALE } from '../../support/scale.ts';
import { register, startServer, type TestServer } from '../../support/http.ts';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startServer({ RATE_LIMIT_ANONYMOUS: '1000000', RATE_LIMIT_BASIC: '1000000' });
  token = (await register(server.call)).token;
});
afterAll(async () => { await server?.close(); });

const hostile = fc.constantFrom(
  "'; drop table users; --", '<script>alert(1)</script>', '\u0000', '\ud800', '../../etc/passwd', '%00', '${jndi:ldap://x}',
  'a'.repeat(300), '😀'.repeat(100), 'null', '{}', '[]', 'eyJhbGciOiJub25lIn0.e30.',
);
const value = fc.oneof(hostile, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }));
const field = fc.constantFrom('email', 'password', 'fullName', 'full_name', 'name', 'refresh', 'avatarUrl', 'notificationPreferences', '__proto__', 'constructor', 'tier', 'isAdmin');
const objectBody = fc.dictionary(field, value, { maxKeys: 6 }).map((body) => JSON.stringify(body));
const rawBody = fc.oneof(objectBody, fc.json(), fc.string(), fc.constantFrom('', '{', '{"a":', '[', '"', 'true'));

const routes: Array<{ method: string; path: string; auth: boolean }> = [
  { method: 'POST', path: '/api/auth/register/', auth: false },
  { method: 'POST', path: '/api/auth/login/', auth: false },
  { method: 'POST', path: '/api/token/refresh/', auth: false },
  { method: 'POST', path: '/api/auth/logout/', auth: false },
  { method: 'PATCH', path: '/api/auth/profile/', auth: true },
];

describe(`auth routes under random bodies (${SCALE})`, () => {
  for (const route of routes) {
    it(`${route.method} ${route.path} never answers 5xx`, async () => {
      await fc.assert(fc.asyncProperty(rawBody, async (raw) => {
        const answer = await server.call(route.method, route.path, { raw, token: route.auth ? token : undefined });
        expect(answer.status, `${raw} → ${answer.text}`).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.body).toMatchObject({ success: false, status: 'error', data: null, code: answer.status });
          expect(typeof answer.body.errors).toBe('object');
        }
      }), { numRuns: 60 });
    });
  }

  it('survives random headers on an authenticated route', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), async (authorization, apiKey) => {
      const headers: Record<string, string> = {};
      // fetch refuses header values with control characters; those never reach a server anyway.
      if (/^[\x20-\x7e]*$/.test(authorization)) headers.authorization = authorization;
      if (/^[\x20-\x7e]*$/.test(apiKey)) headers['x-api-key'] = apiKey;
      const answer = await server.call('GET', '/api/auth/profile/', { headers });
      expect([401]).toContain(answer.status);
    }), { numRuns: 60 });
  });
});
