import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { corsStep, type CorsPolicy } from '../../../src/http/plugins/cors.ts';

const POLICY: Omit<CorsPolicy, 'origins'> = {
  methods: ['GET', 'POST'],
  allowedHeaders: ['Authorization', 'Content-Type'],
  exposedHeaders: ['X-Request-Id', 'Retry-After'],
  maxAgeSeconds: 600,
};

const apps: FastifyInstance[] = [];
afterAll(async () => { await Promise.all(apps.map((app) => app.close())); });

/** A bare Fastify with only the CORS step in front of one GET route. */
function appWith(origins: CorsPolicy['origins']): FastifyInstance {
  const app = Fastify();
  const cors = corsStep({ ...POLICY, origins });
  app.addHook('onRequest', (request, reply, done) => { if (!cors(request, reply)) done(); });
  app.get('/thing', async () => ({ ok: true }));
  app.options('/thing', async (_request, reply) => reply.status(200).send('routes answered'));
  apps.push(app);
  return app;
}

describe('corsStep', () => {
  const listed = appWith(['https://app.example.com', /^https:\/\/[a-z]+\.preview\.example\.com$/]);

  it('marks every answer as varying by Origin, and adds nothing else without one', async () => {
    const answer = await listed.inject({ method: 'GET', url: '/thing' });
    expect(answer.headers.vary).toBe('Origin');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-expose-headers']).toBeUndefined();
  });

  it('echoes a listed origin or one matching a pattern, with the exposed headers', async () => {
    for (const origin of ['https://app.example.com', 'https://pr.preview.example.com']) {
      const answer = await listed.inject({ method: 'GET', url: '/thing', headers: { origin } });
      expect(answer.headers['access-control-allow-origin']).toBe(origin);
      expect(answer.headers['access-control-expose-headers']).toBe('X-Request-Id, Retry-After');
    }
  });

  it('gives a refused origin no CORS headers, on a request and on its preflight', async () => {
    const simple = await listed.inject({ method: 'GET', url: '/thing', headers: { origin: 'https://evil.example.net' } });
    expect(simple.statusCode).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await listed.inject({ method: 'OPTIONS', url: '/thing', headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('answers an allowed preflight itself, with methods, headers and max age', async () => {
    const answer = await listed.inject({ method: 'OPTIONS', url: '/thing', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(answer.statusCode).toBe(204);
    expect(answer.headers['content-length']).toBe('0');
    expect(answer.body).toBe('');
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(answer.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(answer.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
    expect(answer.headers['access-control-max-age']).toBe('600');
  });

  it('lets an OPTIONS request that is not a preflight go on to the routes', async () => {
    for (const headers of [{}, { origin: 'https://app.example.com' }]) {
      const answer = await listed.inject({ method: 'OPTIONS', url: '/thing', headers });
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toBe('routes answered');
    }
  });

  it("answers '*' for any origin without Vary, and echoes any origin for true", async () => {
    const any = await appWith('*').inject({ method: 'GET', url: '/thing', headers: { origin: 'https://anyone.example.org' } });
    expect(any.headers['access-control-allow-origin']).toBe('*');
    expect(any.headers.vary).toBeUndefined();
    const echoed = await appWith(true).inject({ method: 'GET', url: '/thing', headers: { origin: 'https://anyone.example.org' } });
    expect(echoed.headers['access-control-allow-origin']).toBe('https://anyone.example.org');
    expect(echoed.headers.vary).toBe('Origin');
  });
});
