// GET /metrics scraped as Prometheus does, after real requests, a job run and a WebSocket session:
// what each family says, that the route label is the pattern (junk URLs are one series however
// many), the bearer token, that scrapes are never counted against a quota, and METRICS=off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNMATCHED } from '../../../src/http/plugins/metrics.ts';
import { jobHandlers } from '../../../src/jobs/index.ts';
import { runJob } from '../../../src/jobs/runner.ts';
import { scheduledJob } from '../../../src/jobs/schedule.ts';
import { register, startServer, type TestServer } from '../../support/http.ts';
import { SCALE } from '../../support/scale.ts';
import { connect } from '../../support/ws.ts';

const TOKEN = 'scrape-token-for-tests-0123456789';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** The samples of a Prometheus text exposition. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of a family's samples whose labels include `labels`. */
const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) => samples
  .filter((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))
  .reduce((sum, sample) => sum + sample.value, 0);

describe(`GET /metrics (${SCALE})`, () => {
  let server: TestServer;
  const scrape = async () => {
    const answer = await server.call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(200);
    return parse(answer.text);
  };

  beforeAll(async () => {
    server = await startServer({ METRICS_TOKEN: TOKEN, RATE_LIMIT_ANONYMOUS: '1000000' });
  });
  afterAll(async () => { await server?.close(); });

  it('needs the bearer token when one is set, and documents itself in /api/docs', async () => {
    const none = await server.call('GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ success: false, code: 401 });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await server.call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    const good = await server.call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(good.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const docs = await server.call('GET', '/api/docs/json');
    expect(docs.body.paths['/metrics'].get.summary).toContain('Prometheus');
  });

  it('reports requests by route pattern, method and status with latencies, never the raw URL', async () => {
    const user = await register(server.call);
    for (const symbol of ['AAPL', 'MSFT']) expect((await server.call('GET', `/api/market/stock/${symbol}/`, { token: user.token })).status).toBe(200);
    expect((await server.call('GET', '/api/market/stock/NOSUCH1/', { token: user.token })).status).toBe(404);
    expect((await server.call('GET', '/no/such/path/4711')).status).toBe(404);
    const samples = await scrape();
    const route = '/api/market/stock/:symbol/';
    expect(valueOf(samples, 'stockmind_http_request_duration_seconds_count', { route, method: 'GET', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(samples, 'stockmind_http_request_duration_seconds_count', { route, method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'stockmind_http_request_duration_seconds_sum', { route, status: '200' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'stockmind_http_request_duration_seconds_bucket', { route, status: '200', le: '+Inf' }))
      .toBe(valueOf(samples, 'stockmind_http_request_duration_seconds_count', { route, status: '200' }));
    expect(valueOf(samples, 'stockmind_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'stockmind_http_request_duration_seconds_count', { route: '/api/auth/register/', method: 'POST', status: '201' })).toBeGreaterThanOrEqual(1);
    const routes = new Set(samples.filter((s) => s.name.startsWith('stockmind_http_')).map((s) => s.labels.route));
    for (const raw of ['/api/market/stock/AAPL/', '/no/such/path/4711']) expect(routes.has(raw)).toBe(false);
    // The quote cache: the second read of a symbol is a hit.
    expect((await server.call('GET', '/api/market/stock/AAPL/', { token: user.token })).status).toBe(200);
    const after = await scrape();
    expect(valueOf(after, 'stockmind_cache_lookups_total', { store: 'cache', result: 'hit' })).toBeGreaterThan(0);
    expect(valueOf(after, 'stockmind_cache_lookups_total', { store: 'cache', result: 'miss' })).toBeGreaterThan(0);
  });

  it('reports job runs by name and outcome with durations', async () => {
    const job = scheduledJob('cleanup_old_data')!;
    const before = valueOf(await scrape(), 'stockmind_job_runs_total', { job: job.name, outcome: 'ok' });
    const handler = jobHandlers(server.app.services, server.environment.config)[job.name]!;
    await runJob(job, handler, { firedAt: new Date(), log: server.app.infra.log }, { force: true });
    const samples = await scrape();
    expect(valueOf(samples, 'stockmind_job_runs_total', { job: job.name, outcome: 'ok' })).toBe(before + 1);
    expect(valueOf(samples, 'stockmind_job_duration_seconds_count', { job: job.name, outcome: 'ok' })).toBe(before + 1);
  });

  it('reports WebSocket connections and messages', async () => {
    const before = await scrape();
    const socket = await connect(server.baseUrl);
    socket.send({ type: 'subscribe', symbol: 'AAPL' });
    await socket.next('subscribed');
    await socket.next('stock_update');
    socket.send({ type: 'ping' });
    await socket.next('pong');
    const during = await scrape();
    expect(valueOf(during, 'stockmind_ws_connections', { state: 'open' })).toBe(valueOf(before, 'stockmind_ws_connections', { state: 'open' }) + 1);
    expect(valueOf(during, 'stockmind_ws_subscribed_symbols')).toBeGreaterThanOrEqual(1);
    expect(valueOf(during, 'stockmind_ws_connections_opened_total')).toBe(valueOf(before, 'stockmind_ws_connections_opened_total') + 1);
    expect(valueOf(during, 'stockmind_ws_messages_received_total')).toBe(valueOf(before, 'stockmind_ws_messages_received_total') + 2);
    // subscribed and pong; the stock_update snapshot.
    expect(valueOf(during, 'stockmind_ws_messages_sent_total', { kind: 'reply' })).toBeGreaterThanOrEqual(valueOf(before, 'stockmind_ws_messages_sent_total', { kind: 'reply' }) + 2);
    expect(valueOf(during, 'stockmind_ws_messages_sent_total', { kind: 'update' })).toBeGreaterThanOrEqual(valueOf(before, 'stockmind_ws_messages_sent_total', { kind: 'update' }) + 1);
    await socket.close();
  });

  it('reports the database pool (PostgreSQL) and Node.js process metrics', async () => {
    const samples = await scrape();
    if (SCALE === 'scaled') expect(valueOf(samples, 'stockmind_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    // PGlite runs in this process, with no pool.
    else expect(valueOf(samples, 'stockmind_db_pool_connections', { state: 'total' })).toBe(0);
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('keeps the number of series fixed whatever URLs arrive: 10,000 distinct junk URLs', async () => {
    const METHODS = ['GET', 'POST', 'DELETE', 'PATCH'] as const;
    const junk = (i: number) => `/${['api', 'x', 'wp-admin', '.env'][i % 4]}/${i.toString(36)}${'%7e'.repeat(i % 3)}/${Math.random().toString(36).slice(2)}?q=${i}`;
    // Every kind of series junk can make exists once first (each method, a real route with junk queries).
    for (const [i, method] of METHODS.entries()) await server.call(method, junk(i));
    await server.call('GET', `/api/health/?junk=${Math.random()}`);
    const before = await scrape();
    const seriesOf = (samples: Sample[]) => new Set(samples.filter((s) => s.name.startsWith('stockmind_http_')).map((s) => `${s.name}${JSON.stringify(s.labels)}`));
    const beforeSeries = seriesOf(before);

    let next = 0;
    const workers = Array.from({ length: 16 }, async () => {
      for (let i = next++; i < 10_000; i = next++) {
        const health = i % 50 === 0;
        const answer = await fetch(server.baseUrl + (health ? `/api/health/?junk=${i}` : junk(i)), { method: health ? 'GET' : METHODS[i % METHODS.length] });
        await answer.arrayBuffer();
      }
    });
    await Promise.all(workers);

    const after = await scrape();
    // The junk added no series: the unmatched ones are those there were, and any other route
    // label is a registered pattern (another test's WebSocket may be counted when it closes).
    const unmatchedSeries = (series: Set<string>) => [...series].filter((key) => key.includes('"route":"unmatched"')).sort();
    expect(unmatchedSeries(seriesOf(after))).toEqual(unmatchedSeries(beforeSeries));
    const labelled = after.filter((s) => s.name.startsWith('stockmind_http_') && s.labels.route !== UNMATCHED);
    for (const { labels } of labelled) expect(server.app.http.findRoute({ method: labels.method as 'GET', url: labels.route! }), labels.route).not.toBeNull();
    const unmatched = (samples: Sample[]) => valueOf(samples, 'stockmind_http_request_duration_seconds_count', { route: 'unmatched' });
    expect(unmatched(after) - unmatched(before)).toBe(10_000 - 10_000 / 50);
  }, 120_000);

  it('never counts a scrape against a quota', async () => {
    const quotaBefore = await server.call('GET', '/api/market/sectors/');
    const remaining = Number(quotaBefore.headers.get('x-ratelimit-remaining'));
    for (let i = 0; i < 5; i += 1) {
      const answer = await server.call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(answer.headers.get('x-ratelimit-remaining')).toBeNull();
    }
    const quotaAfter = await server.call('GET', '/api/market/sectors/');
    expect(Number(quotaAfter.headers.get('x-ratelimit-remaining'))).toBe(remaining - 1);
  });
});

describe(`METRICS=off (${SCALE})`, () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ METRICS: 'off' }); });
  afterAll(async () => { await server?.close(); });

  it('serves no /metrics', async () => {
    expect((await server.call('GET', '/api/health/')).status).toBe(200);
    expect((await server.call('GET', '/metrics')).status).toBe(404);
  });
});
