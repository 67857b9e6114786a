// Error reports as Sentry receives them: a local HTTP server stands in for Sentry (the DSN points at
// it) and keeps every envelope. A 500 answer, a job that failed for good and an uncaught exception
// each arrive with what identifies them (request id, route, job and run), and no secret that was
// in play (bearer token, API key, cookie, password and refresh token in the body) is in any of them.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrubEvent } from '../../src/adapters/error-reports.ts';
import { scrubText } from '../../src/logging.ts';
import { buildApp } from '../../src/app.ts';
import { Unavailable } from '../../src/domain/errors.ts';
import { manualClock } from '../../src/domain/time.ts';
import { jobHandlers } from '../../src/jobs/index.ts';
import { startWorkers, type Workers } from '../../src/jobs/queues.ts';
import { QUEUES, SCHEDULE, type ScheduledJob } from '../../src/jobs/schedule.ts';
import { UNIVERSE } from '../../src/providers/market/choose.ts';
import type { MarketDataProvider } from '../../src/providers/market/port.ts';
import { createSimulatedProvider } from '../../src/providers/market/simulated.ts';
import { client, register, type TestServer } from '../support/http.ts';
import { MARKET_NOW } from '../support/market.ts';
import { SCALE, testEnvironment } from '../support/scale.ts';
import { until } from '../support/ws.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SentryEvent = Record<string, any>;

/** A stand-in for Sentry's ingestion: keeps each envelope's raw text and its events. */
async function fakeSentry(): Promise<{ server: Server; dsn: string; raw: string[]; events: SentryEvent[] }> {
  const raw: string[] = [];
  const events: SentryEvent[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8');
      raw.push(text);
      // An envelope: a header line, then item header and payload lines.
      const lines = text.split('\n').filter(Boolean);
      for (let i = 1; i + 1 < lines.length; i += 2) {
        if ((JSON.parse(lines[i]!) as { type?: string }).type === 'event') events.push(JSON.parse(lines[i + 1]!) as SentryEvent);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, raw, events, dsn: `http://publickey@127.0.0.1:${(server.address() as { port: number }).port}/1` };
}

const messages = (event: SentryEvent) => (event.exception?.values ?? []).map((value: { value?: string }) => value.value ?? '').join(' | ');

describe('scrubbing', () => {
  it('replaces tokens, API keys, URL credentials and secret query parameters inside strings', () => {
    const text = scrubText('failed: Authorization Bearer abc.def-ghi, key sm_0123456789abcdefghij0123456789, jwt eyJhbGciOi.eyJzdWIiOi.sig, postgresql://app:hunter2@db/x, https://x.test/a?apiKey=k1&q=1&token=t2');
    for (const secret of ['abc.def-ghi', 'sm_0123456789', 'eyJhbGciOi', 'hunter2', 'k1', 't2']) expect(text).not.toContain(secret);
    expect(text).toContain('q=1');
  });

  it('drops request data but the method and path, user fields and local variables; scrubs secret fields anywhere', () => {
    const event = scrubEvent({
      request: { method: 'POST', url: 'http://h/api/x?token=abc', data: '{"password":"p"}', headers: { authorization: 'Bearer t' }, cookies: { s: 'c' }, query_string: 'token=abc' },
      user: { id: 'u', ip_address: '1.2.3.4', email: 'e@x' },
      exception: { values: [{ value: 'boom Bearer zzz', stacktrace: { frames: [{ vars: { password: 'p' } }] } }] },
      extra: { nested: { apiKey: 'k', refresh: 'r', note: 'fine' } },
      contexts: { request: { cookie: 'c' } },
    });
    expect(event).toEqual({
      request: { method: 'POST', url: 'http://h/api/x' },
      exception: { values: [{ value: 'boom Bearer [redacted]', stacktrace: { frames: [{}] } }] },
      extra: { nested: { apiKey: '[redacted]', refresh: '[redacted]', note: 'fine' } },
      contexts: { request: { cookie: '[redacted]' } },
    });
  });
});

describe(`error reports to Sentry (${SCALE})`, () => {
  let sentry: Awaited<ReturnType<typeof fakeSentry>>;
  let server: TestServer;
  let workers: Workers | null = null;
  let fault: 'none' | 'bug' = 'none';
  const schedule: ScheduledJob[] = SCHEDULE.map((row) => ({ ...row, cron: '0 0 1 1 *', retry: { delaysMs: [] } }));

  beforeAll(async () => {
    sentry = await fakeSentry();
    const environment = await testEnvironment({ SENTRY_DSN: sentry.dsn });
    const clock = manualClock(MARKET_NOW);
    const simulated = createSimulatedProvider({ seed: 7, clock, universe: UNIVERSE });
    const provider: MarketDataProvider = {
      ...simulated,
      quotes: async (symbols) => {
        if (fault === 'bug') throw new Error('provider exploded');
        return simulated.quotes(symbols);
      },
    };
    const app = await buildApp(environment.config, { provider: { provider, reason: 'test' }, clock, schedule });
    // Test-only routes: a bug that happens while handling a request full of secrets, and an outage.
    app.http.post('/test/explode/:id', { config: { auth: 'optional' } }, async () => {
      throw new Error('handler exploded');
    });
    app.http.get('/test/outage', { config: { auth: 'none' } }, async () => {
      throw new Unavailable('The database is unavailable; try again shortly.', 5);
    });
    const baseUrl = await app.http.listen({ port: 0, host: '127.0.0.1' });
    server = {
      app, baseUrl, environment, call: client(baseUrl),
      async close() {
        await app.close();
        await environment.cleanup();
      },
    };
    if (SCALE === 'scaled') {
      workers = await startWorkers({
        redisUrl: environment.config.redisUrl!, prefix: environment.config.redisPrefix, queues: QUEUES, schedule,
        handlers: jobHandlers(app.services, environment.config), log: pino({ level: 'silent' }), reports: app.infra.reports,
      });
    }
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
    sentry?.server.close();
  });

  it('reports a 500 with the request id, route and error, and none of the secrets the request carried', async () => {
    const user = await register(server.call);
    const requestId = `sentry-test-${Date.now()}`;
    const password = 'correct-horse-battery-staple-77';
    const answer = await server.call('POST', '/test/explode/42?apiKey=query-secret-99', {
      token: user.token,
      headers: { 'x-api-key': user.apiKey, cookie: 'sessionid=cookie-secret-123', 'x-request-id': requestId },
      body: { email: user.email, password, refresh: user.refresh },
    });
    expect(answer.status).toBe(500);
    const event = await until(() => sentry.events.find((candidate) => candidate.tags?.request_id === requestId), 15_000);
    expect(event.tags).toMatchObject({ area: 'http', request_id: requestId, route: '/test/explode/:id', method: 'POST', status: '500' });
    expect(messages(event)).toContain('handler exploded');
    expect(event.environment).toBe('production');
    expect(event.request?.data).toBeUndefined();
    const everything = sentry.raw.join('\n');
    for (const secret of [user.token, user.apiKey, user.refresh, password, user.email, 'cookie-secret-123', 'query-secret-99', user.token.split('.')[1]!]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('reports a bug in a request path (a provider throwing), but not a 503 (an outage we expected)', async () => {
    const outage = await server.call('GET', '/test/outage', { headers: { 'x-request-id': 'outage-503' } });
    expect(outage.status).toBe(503);
    fault = 'bug';
    const user = await register(server.call);
    const answer = await server.call('GET', '/api/market/stock/NVDA/', { token: user.token, headers: { 'x-request-id': 'provider-bug' } });
    fault = 'none';
    expect(answer.status).toBe(500);
    const event = await until(() => sentry.events.find((candidate) => candidate.tags?.request_id === 'provider-bug'), 15_000);
    expect(event.tags.route).toBe('/api/market/stock/:symbol/');
    expect(messages(event)).toContain('provider exploded');
    // Everything captured so far has been sent: the 503 was never captured.
    expect(await server.app.infra.reports.flush(5_000)).toBe(true);
    expect(sentry.events.some((candidate) => candidate.tags?.request_id === 'outage-503')).toBe(false);
  });

  it('reports a job that failed for good, with its name and run id', async () => {
    fault = 'bug';
    const run = await server.app.jobs.trigger('fetch_market_data');
    run.start();
    const { id } = run;
    const event = await until(() => sentry.events.find((candidate) => candidate.tags?.job === 'fetch_market_data'), 30_000);
    fault = 'none';
    expect(event.tags).toMatchObject({ area: 'job', job: 'fetch_market_data', attempts: '1' });
    // BullMQ's job id, or the in-process run id: the runId of the job's log lines.
    expect(id.endsWith(event.tags.run_id)).toBe(true);
    expect(messages(event)).toContain('provider exploded');
  });
});

describe('uncaught errors (a process of its own)', () => {
  it('are reported and sent before the process exits with code 1', async () => {
    const sentry = await fakeSentry();
    try {
      const script = `
        import { openErrorReports } from './src/adapters/error-reports.ts';
        import { exitOnUncaught } from './src/cli/lifecycle.ts';
        import { createLogger } from './src/logging.ts';
        const log = createLogger({ level: 'silent' });
        exitOnUncaught(log, await openErrorReports({ dsn: process.env.DSN, environment: 'test', release: 'stockmind@test', log }));
        setTimeout(() => { throw new Error('nobody caught this'); }, 10);
      `;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: join(import.meta.dirname, '../..'), env: { PATH: process.env.PATH!, DSN: sentry.dsn }, stdio: 'ignore',
      });
      const [code] = await once(child, 'exit') as [number];
      expect(code).toBe(1);
      const event = sentry.events.find((candidate) => messages(candidate).includes('nobody caught this'));
      expect(event?.tags).toMatchObject({ area: 'process' });
      expect(event?.environment).toBe('test');
    } finally {
      sentry.server.close();
    }
  }, 60_000);
});
